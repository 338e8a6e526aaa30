package jsonin

import (
	"encoding/json"

	"tend/internal/domain"
)

// Reader reads one property of an object, named name, into its place.
type Reader func(name string, v json.RawMessage, p *domain.Problems)

// Read reads a JSON object body strictly: each property goes to its
// reader; a property named in readOnly is refused as read_only, any other
// as unknown. Every problem is reported with its path.
func Read(raw []byte, readers map[string]Reader, readOnly ...string) error {
	props, err := Object(raw)
	if err != nil {
		return err
	}
	var p domain.Problems
	for _, prop := range props {
		switch r, ok := readers[prop.Name]; {
		case ok:
			r(prop.Name, prop.Value, &p)
		case contains(readOnly, prop.Name):
			p.Add(prop.Name, "read_only")
		default:
			Unknown(&p, "", prop.Name)
		}
	}
	return p.Err()
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// Value reads a property into dst, refusing another JSON type with code
// ("expected_text").
func Value[T any](dst **T, code string) Reader {
	return func(name string, v json.RawMessage, p *domain.Problems) { *dst = Decode[T](v, name, code, p) }
}

// StrictValue reads an object property into dst strictly (unknown keys
// refused at their path).
func StrictValue[T any](dst **T) Reader {
	return func(name string, v json.RawMessage, p *domain.Problems) { *dst = DecodeStrict[T](v, name, p) }
}

// ListOf reads a list property of at most max elements into dst, then
// calls each on every element read (to normalise it), when given.
func ListOf[T any](dst **[]T, max int, each func(*T)) Reader {
	return func(name string, v json.RawMessage, p *domain.Problems) {
		*dst = List[T](v, name, max, p)
		if *dst != nil && each != nil {
			for i := range **dst {
				each(&(**dst)[i])
			}
		}
	}
}
