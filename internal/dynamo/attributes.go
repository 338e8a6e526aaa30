package dynamo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// The attribute layout of an item. It is fixed: the SAM template declares
// the keys and indexes, and the stream decoder reads the same names.
const (
	attrPK      = "PK"  // S, partition key
	attrSK      = "SK"  // S, sort key
	attrType    = "T"   // S, item type, absent when empty
	attrVersion = "V"   // N, version
	attrTTL     = "TTL" // N, epoch seconds, absent when the item never expires
	attrCounter = "N"   // N, counter, absent when 0 on Put
	attrDoc     = "D"   // the JSON document as native values, absent when empty
)

// indexAttrs holds the key attribute names of GSI1..GSI4, in store.Indexes
// order: GSIxPK is the index's hash key, GSIxSK its range key.
var indexAttrs = [4][2]string{
	{"GSI1PK", "GSI1SK"},
	{"GSI2PK", "GSI2SK"},
	{"GSI3PK", "GSI3SK"},
	{"GSI4PK", "GSI4SK"},
}

// indexNumber returns the position of a secondary index in store.Indexes.
func indexNumber(name string) (int, bool) {
	for i, n := range store.Indexes {
		if n == name {
			return i, true
		}
	}
	return 0, false
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// keyAttributes is the primary key of the item at k.
func keyAttributes(k store.Key) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: str(k.PK), attrSK: str(k.SK)}
}

// AttributesFromItem converts an item to its DynamoDB attributes.
//
// An index whose partition key is empty is left out (a sparse index). An
// index with a partition key but an empty sort key is refused with
// store.ErrInvalid: DynamoDB does not accept empty strings as index keys.
func AttributesFromItem(it store.Item) (map[string]types.AttributeValue, error) {
	attrs := keyAttributes(it.Key)
	for i, ik := range it.Index {
		if ik.PK == "" {
			continue
		}
		if ik.SK == "" {
			return nil, fmt.Errorf("%w: item %s has a %s partition key but no sort key", store.ErrInvalid, it.Key, store.Indexes[i])
		}
		attrs[indexAttrs[i][0]] = str(ik.PK)
		attrs[indexAttrs[i][1]] = str(ik.SK)
	}
	if it.Type != "" {
		attrs[attrType] = str(it.Type)
	}
	attrs[attrVersion] = num(it.Version)
	if !it.ExpiresAt.IsZero() {
		attrs[attrTTL] = num(it.ExpiresAt.Unix())
	}
	if it.N != 0 {
		attrs[attrCounter] = num(it.N)
	}
	if len(it.Doc) > 0 {
		d, err := DocToAttribute(it.Doc)
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", it.Key, err)
		}
		attrs[attrDoc] = d
	}
	return attrs, nil
}

// ItemFromAttributes converts DynamoDB attributes (a table item, or a
// stream image) back to an item. It does not look at expiry.
func ItemFromAttributes(attrs map[string]types.AttributeValue) (store.Item, error) {
	var it store.Item
	var err error
	if it.PK, err = stringAttr(attrs, attrPK, true); err != nil {
		return store.Item{}, err
	}
	if it.SK, err = stringAttr(attrs, attrSK, true); err != nil {
		return store.Item{}, err
	}
	fail := func(err error) (store.Item, error) {
		return store.Item{}, fmt.Errorf("item %s: %w", it.Key, err)
	}
	for i, names := range indexAttrs {
		if it.Index[i].PK, err = stringAttr(attrs, names[0], false); err != nil {
			return fail(err)
		}
		if it.Index[i].SK, err = stringAttr(attrs, names[1], false); err != nil {
			return fail(err)
		}
	}
	if it.Type, err = stringAttr(attrs, attrType, false); err != nil {
		return fail(err)
	}
	if it.Version, err = intAttr(attrs, attrVersion); err != nil {
		return fail(err)
	}
	if it.N, err = intAttr(attrs, attrCounter); err != nil {
		return fail(err)
	}
	if _, ok := attrs[attrTTL]; ok {
		ttl, err := intAttr(attrs, attrTTL)
		if err != nil {
			return fail(err)
		}
		it.ExpiresAt = time.Unix(ttl, 0).UTC()
	}
	if d, ok := attrs[attrDoc]; ok {
		if it.Doc, err = AttributeToDoc(d); err != nil {
			return fail(fmt.Errorf("attribute %s: %w", attrDoc, err))
		}
	}
	return it, nil
}

// stringAttr reads an S attribute; an absent one is "" unless required.
func stringAttr(attrs map[string]types.AttributeValue, name string, required bool) (string, error) {
	av, ok := attrs[name]
	if !ok {
		if required {
			return "", fmt.Errorf("attribute %s is missing", name)
		}
		return "", nil
	}
	s, ok := av.(*types.AttributeValueMemberS)
	if !ok {
		return "", fmt.Errorf("attribute %s is %s, want a string", name, typeName(av))
	}
	return s.Value, nil
}

// intAttr reads an N attribute holding an integer; an absent one is 0.
func intAttr(attrs map[string]types.AttributeValue, name string) (int64, error) {
	av, ok := attrs[name]
	if !ok {
		return 0, nil
	}
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("attribute %s is %s, want a number", name, typeName(av))
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("attribute %s: %q is not a 64-bit integer", name, n.Value)
	}
	return v, nil
}
