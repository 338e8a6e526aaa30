package customer

import (
	"encoding/json"
	"fmt"
	"sort"

	"tend/internal/domain"
	"tend/internal/store"
)

// jsonDiff is the history diff computed by the most obvious means, through
// JSON: the test oracle of diff.
func jsonDiff(before, after *domain.Customer) []domain.FieldChange {
	var b, a map[string]any
	if before != nil {
		b = flatten(before)
	}
	a = flatten(after)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var changes []domain.FieldChange
	for _, k := range sorted {
		bv, av := b[k], a[k]
		if string(store.Doc(bv)) == string(store.Doc(av)) || (before == nil && isZeroScalar(av)) {
			continue
		}
		changes = append(changes, domain.FieldChange{Field: k, Before: bv, After: av})
	}
	return changes
}

// notAudited are bookkeeping fields that change with every write.
var notAudited = map[string]bool{"id": true, "version": true, "updated_at": true, "created_at": true}

func flatten(c *domain.Customer) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(store.Doc(c), &m); err != nil {
		panic(fmt.Sprintf("customer: flatten customer: %v", err))
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if notAudited[k] || isEmptyValue(v) {
			continue
		}
		if nested, ok := v.(map[string]any); ok && (k == "fields" || k == "pipelines") {
			for nk, nv := range nested {
				if !isEmptyValue(nv) {
					out[k+"."+nk] = nv
				}
			}
			continue
		}
		out[k] = v
	}
	return out
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// isZeroScalar: false and 0 say nothing in the history of a new customer.
func isZeroScalar(v any) bool { return v == false || v == float64(0) }
