package leadpayload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"tend/internal/domain"
	"tend/internal/jsonin"
)

// readJSON checks a provider's JSON body as text (jsonin.Check: invalid
// JSON, invalid UTF-8, control characters) and decodes it into v; a body
// of another shape is not_a_lead_payload for that provider.
func readJSON(body []byte, provider string, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return notPayload(provider)
	}
	if err := jsonin.Check(body); err != nil {
		return err
	}
	if json.Unmarshal(body, v) != nil {
		return notPayload(provider)
	}
	return nil
}

func notPayload(provider string) error {
	return domain.Errorf(domain.ErrBadRequest, "not_a_lead_payload", "provider", provider)
}

// errNotID says a value is not an id.
var errNotID = errors.New("not an id")

// id reads a provider's id, sent as a string or as a whole number (Google
// sends int64 ids as JSON numbers, which float64 would round): "" when
// absent or null. An id is ASCII letters, digits, "-" and "_", at most
// MaxIDBytes (the providers' ids are digits, hex or base64url): ids end up
// in URL paths (the Graph API's /{leadgen_id}), keys and logs.
func id(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	switch raw[0] {
	case '"':
		if json.Unmarshal(raw, &s) != nil {
			return "", errNotID
		}
	default:
		if _, err := strconv.ParseUint(string(raw), 10, 64); err != nil {
			return "", errNotID
		}
		s = string(raw)
	}
	if len(s) > MaxIDBytes {
		return "", errNotID
	}
	if strings.IndexFunc(s, notIDChar) >= 0 {
		return "", errNotID
	}
	return s, nil
}

// idOf names where one id of an object goes.
type idOf struct {
	name string
	dst  *string
}

// ids reads the ids of the object raws (at path at), each into its place;
// a value that is not an id is named by its path.
func ids(p *domain.Problems, at string, raws map[string]json.RawMessage, into ...idOf) {
	for _, f := range into {
		v, err := id(raws[f.name])
		if err != nil {
			p.Add(jsonin.Path(at, f.name), "invalid_value")
			continue
		}
		*f.dst = v
	}
}

func notIDChar(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}

// text reads an optional JSON string ("" when absent or null).
func text(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("not text: %w", err)
	}
	return s, nil
}

// named says whether a problem names the element at path.
func named(p *domain.Problems, path string) bool {
	for _, f := range p.Fields {
		if f.Path == path {
			return true
		}
	}
	return false
}
