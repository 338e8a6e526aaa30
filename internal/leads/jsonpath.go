package leads

import (
	"errors"
	"strconv"
	"strings"
)

// Path is a compiled JSON path of the subset lead-source mappings use:
// "$", then ".name", "['name']" or "[index]" steps: "$.contact.phone",
// "$.answers[0].value", "$['full name']".
type Path []step

type step struct {
	key   string
	index int // for an index step; -1 for a key step
}

var errPath = errors.New(`not a JSON path such as "$.full_name" or "$.answers[0].value"`)

// ParsePath compiles a path.
func ParsePath(s string) (Path, error) {
	if !strings.HasPrefix(s, "$") || len(s) > 500 {
		return nil, errPath
	}
	var p Path
	rest := s[1:]
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			name := rest[1 : 1+end]
			if name == "" || strings.ContainsAny(name, "]'\" ") {
				return nil, errPath
			}
			p = append(p, step{key: name, index: -1})
			rest = rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, errPath
			}
			inner := rest[1:end]
			switch {
			case len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0]:
				name := inner[1 : len(inner)-1]
				if name == "" || strings.ContainsRune(name, rune(inner[0])) {
					return nil, errPath
				}
				p = append(p, step{key: name, index: -1})
			default:
				i, err := strconv.Atoi(inner)
				if err != nil || i < 0 || i > 10000 {
					return nil, errPath
				}
				p = append(p, step{index: i})
			}
			rest = rest[end+1:]
		default:
			return nil, errPath
		}
	}
	return p, nil
}

// Lookup finds the value at the path in a decoded JSON document.
func (p Path) Lookup(doc any) (any, bool) {
	cur := doc
	for _, st := range p {
		switch v := cur.(type) {
		case map[string]any:
			if st.index >= 0 {
				return nil, false
			}
			next, ok := v[st.key]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			if st.index < 0 || st.index >= len(v) {
				return nil, false
			}
			cur = v[st.index]
		default:
			return nil, false
		}
	}
	return cur, true
}
