package lambdaevent

import (
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// AttributeFromEvent converts an attribute value of a Lambda stream event
// to the SDK's attribute value. The two types describe the same wire
// format but are unrelated in Go: aws-lambda-go has its own.
func AttributeFromEvent(av events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	v, err := fromEvent(av)
	if err != nil {
		return nil, fmt.Errorf("lambdaevent: %w", err)
	}
	return v, nil
}

// errNoValue: the value has a type but nothing behind it. A zero
// events.DynamoDBAttributeValue looks like that (binary, no value); its
// accessors would panic on it.
var errNoValue = errors.New("attribute value has no value")

func fromEvent(av events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	dt := av.DataType()
	// IsNull reports the missing value, not the NULL type: every other
	// accessor panics when it is missing.
	if dt != events.DataTypeNull && av.IsNull() {
		return nil, errNoValue
	}
	switch dt {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: av.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: av.Number()}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: av.Binary()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: av.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeMap:
		m := make(map[string]types.AttributeValue, len(av.Map()))
		for k, e := range av.Map() {
			v, err := fromEvent(e)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", k, err)
			}
			m[k] = v
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	case events.DataTypeList:
		l := make([]types.AttributeValue, len(av.List()))
		for i, e := range av.List() {
			v, err := fromEvent(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			l[i] = v
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: av.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: av.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: av.BinarySet()}, nil
	}
	return nil, fmt.Errorf("unknown attribute data type %d", dt)
}
