package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tend/internal/httpapi"
)

// vietnamese marks the Vietnamese part of a description.
const vietnamese = "*Tiếng Việt:* "

// The reference page (GET /docs) reads in Vietnamese and in English: the
// introduction has a Vietnamese section (conventions and webhook signing),
// and every tag and operation says in Vietnamese what it is, first thing.
func TestDocumentIsInVietnameseAndEnglish(t *testing.T) {
	var doc struct {
		Info struct {
			Description string `json:"description"`
		} `json:"info"`
		Tags []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tags"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, heading := range []string{"\n# Conventions\n", "\n# Webhook signing\n", "\n# Tiếng Việt\n", "\n## Quy ước\n", "\n## Ký webhook\n"} {
		if !strings.Contains(doc.Info.Description, heading) {
			t.Errorf("info.description has no section %q", strings.TrimSpace(heading))
		}
	}
	for _, tag := range doc.Tags {
		if en, vi, ok := strings.Cut(tag.Description, "\n\n"+vietnamese); !ok || strings.TrimSpace(en) == "" || strings.TrimSpace(vi) == "" {
			t.Errorf("tag %s: want an English description, then a paragraph %q…; got %q", tag.Name, vietnamese, tag.Description)
		}
	}
	for path, item := range doc.Paths {
		for _, method := range operationMethods {
			raw, ok := item[method]
			if !ok {
				continue
			}
			var op struct {
				Summary     string `json:"summary"`
				Description string `json:"description"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			vi, ok := strings.CutPrefix(op.Description, vietnamese)
			if !ok || op.Summary == "" || strings.TrimSpace(strings.SplitN(vi, "\n", 2)[0]) == "" {
				t.Errorf("%s %s: want an English summary and a description opening with %q and the summary in Vietnamese; got %q, %q",
					strings.ToUpper(method), path, vietnamese, op.Summary, op.Description)
			}
		}
	}
}
