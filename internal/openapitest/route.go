package openapitest

import "strings"

// route finds the operation for a method and path. A path may match more
// than one template ("/v1/customers/bulk/step" and "/v1/customers/{id}/step"):
// the one whose first difference is a literal segment wins, as in the
// API's router.
func (d *Document) route(method, path string) (*operation, bool) {
	segs := strings.Split(path, "/")
	var best *operation
	for _, op := range d.ops {
		if op.method != method || !op.matches(segs) {
			continue
		}
		if best == nil || op.moreSpecific(best) {
			best = op
		}
	}
	return best, best != nil
}

func (o *operation) matches(segs []string) bool {
	if len(segs) != len(o.segments) {
		return false
	}
	for i, s := range o.segments {
		if !isParam(s) && s != segs[i] {
			return false
		}
	}
	return true
}

// moreSpecific says whether o has a literal segment where other, matching
// the same path, first has a parameter.
func (o *operation) moreSpecific(other *operation) bool {
	for i, s := range o.segments {
		if a, b := isParam(s), isParam(other.segments[i]); a != b {
			return b
		}
	}
	return false
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }
