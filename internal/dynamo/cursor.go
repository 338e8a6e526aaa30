package dynamo

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// cursor is where a page ended: DynamoDB's LastEvaluatedKey (whose
// attributes are all strings in this table's layout) with the scope and
// partition it belongs to, so that a cursor handed to another query is
// refused rather than misread.
type cursor struct {
	Scope string            `json:"s,omitempty"` // "" (the table), an index name, or "scan i/n"
	PK    string            `json:"p,omitempty"` // the partition queried; "" for a scan
	Key   map[string]string `json:"k"`
}

func encodeCursor(scope, pk string, last map[string]types.AttributeValue) (string, error) {
	c := cursor{Scope: scope, PK: pk, Key: make(map[string]string, len(last))}
	for name, av := range last {
		s, ok := av.(*types.AttributeValueMemberS)
		if !ok {
			return "", fmt.Errorf("last evaluated key attribute %s is %s, want a string", name, typeName(av))
		}
		c.Key[name] = s.Value
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeCursor returns the ExclusiveStartKey a cursor holds, after checking
// that it belongs to the same scope and partition and holds exactly the key
// attributes keyNames (partition attribute first).
func decodeCursor(s, scope, pk string, keyNames []string) (map[string]types.AttributeValue, error) {
	invalid := fmt.Errorf("%w: cursor does not belong to this query", store.ErrInvalid)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, invalid
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Scope != scope || c.PK != pk || len(c.Key) != len(keyNames) {
		return nil, invalid
	}
	if pk != "" && c.Key[keyNames[0]] != pk {
		return nil, invalid
	}
	start := make(map[string]types.AttributeValue, len(c.Key))
	for name, value := range c.Key {
		// DynamoDB refuses empty key strings: such a cursor was not ours.
		if !slices.Contains(keyNames, name) || value == "" {
			return nil, invalid
		}
		start[name] = str(value)
	}
	return start, nil
}
