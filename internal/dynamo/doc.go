package dynamo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// DocToAttribute converts a JSON document to native DynamoDB values:
// object→M, array→L, string→S, number→N (its exact text), true/false→BOOL,
// null→NULL. It fails with store.ErrInvalid when doc is not one JSON value.
//
// Native values rather than a JSON string keep the document readable and
// filterable in DynamoDB, and let the stream carry it as is.
func DocToAttribute(doc []byte) (types.AttributeValue, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // keep numbers as text: float64 would round big integers
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: doc is not JSON: %v", store.ErrInvalid, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: doc has more than one JSON value", store.ErrInvalid)
	}
	return valueToAttribute(v)
}

// valueToAttribute converts what encoding/json decodes into an any (with
// UseNumber).
func valueToAttribute(v any) (types.AttributeValue, error) {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]types.AttributeValue, len(v))
		for k, e := range v {
			av, err := valueToAttribute(e)
			if err != nil {
				return nil, err
			}
			m[k] = av
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	case []any:
		l := make([]types.AttributeValue, len(v))
		for i, e := range v {
			av, err := valueToAttribute(e)
			if err != nil {
				return nil, err
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case string:
		return &types.AttributeValueMemberS{Value: v}, nil
	case json.Number:
		return &types.AttributeValueMemberN{Value: string(v)}, nil
	case bool:
		return &types.AttributeValueMemberBOOL{Value: v}, nil
	case nil:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	// Unreachable for decoder output; an error rather than a panic all the same.
	return nil, fmt.Errorf("dynamo: cannot convert %T to an attribute", v)
}

// AttributeToDoc converts native DynamoDB values back to a JSON document.
// Numbers keep the text DynamoDB returns (which may be normalised, e.g.
// 1.50 → 1.5, but means the same), so big integers keep every digit.
// Values JSON cannot hold (binary, sets) are refused: D is only ever
// written by DocToAttribute.
func AttributeToDoc(av types.AttributeValue) ([]byte, error) {
	v, err := attributeToValue(av)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("dynamo: encode doc: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func attributeToValue(av types.AttributeValue) (any, error) {
	switch av := av.(type) {
	case *types.AttributeValueMemberM:
		m := make(map[string]any, len(av.Value))
		for k, e := range av.Value {
			v, err := attributeToValue(e)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", k, err)
			}
			m[k] = v
		}
		return m, nil
	case *types.AttributeValueMemberL:
		l := make([]any, len(av.Value))
		for i, e := range av.Value {
			v, err := attributeToValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			l[i] = v
		}
		return l, nil
	case *types.AttributeValueMemberS:
		return av.Value, nil
	case *types.AttributeValueMemberN:
		if !isJSONNumber(av.Value) {
			return nil, fmt.Errorf("number %q is not a JSON number", av.Value)
		}
		return json.Number(av.Value), nil
	case *types.AttributeValueMemberBOOL:
		return av.Value, nil
	case *types.AttributeValueMemberNULL:
		return nil, nil
	}
	return nil, fmt.Errorf("%s has no JSON equivalent", typeName(av))
}

// isJSONNumber reports whether s is a number in JSON syntax.
func isJSONNumber(s string) bool {
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil && string(n) == s
}

// typeName names an attribute value's DynamoDB type, for error messages.
func typeName(av types.AttributeValue) string {
	switch av.(type) {
	case *types.AttributeValueMemberS:
		return "S"
	case *types.AttributeValueMemberN:
		return "N"
	case *types.AttributeValueMemberB:
		return "B"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberM:
		return "M"
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberSS:
		return "SS"
	case *types.AttributeValueMemberNS:
		return "NS"
	case *types.AttributeValueMemberBS:
		return "BS"
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%T", av)
}
