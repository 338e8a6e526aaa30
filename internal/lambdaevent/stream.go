package lambdaevent

import (
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/dynamo"
	"tend/internal/store"
)

// Stream event names (a record's eventName).
const (
	StreamInsert = "INSERT"
	StreamModify = "MODIFY"
	StreamRemove = "REMOVE"
)

// StreamChange is one record of the table's stream, as store items.
type StreamChange struct {
	EventID string
	// Kind is StreamInsert, StreamModify or StreamRemove.
	Kind           string
	SequenceNumber string
	// Type is the item type, from the new image, else the old.
	Type string
	Key  store.Key
	// Old is nil on INSERT, New is nil on REMOVE.
	Old, New *store.Item
}

// ChangeFromRecord converts a stream record. The stream's view type is
// NEW_AND_OLD_IMAGES, so a record without the images its kind implies is
// refused rather than read as an empty item.
func ChangeFromRecord(r events.DynamoDBEventRecord) (StreamChange, error) {
	c := StreamChange{EventID: r.EventID, Kind: r.EventName, SequenceNumber: r.Change.SequenceNumber}
	fail := func(err error) (StreamChange, error) {
		return StreamChange{}, fmt.Errorf("lambdaevent: stream record %s (%s): %w", r.EventID, r.EventName, err)
	}
	var needOld, needNew bool
	switch r.EventName {
	case StreamInsert:
		needNew = true
	case StreamModify:
		needOld, needNew = true, true
	case StreamRemove:
		needOld = true
	default:
		return fail(fmt.Errorf("unknown event name %q", r.EventName))
	}
	key, err := keyFromImage(r.Change.Keys)
	if err != nil {
		return fail(fmt.Errorf("keys: %w", err))
	}
	c.Key = key
	if needOld {
		if c.Old, err = image(r.Change.OldImage, key); err != nil {
			return fail(fmt.Errorf("old image: %w", err))
		}
		c.Type = c.Old.Type
	}
	if needNew {
		if c.New, err = image(r.Change.NewImage, key); err != nil {
			return fail(fmt.Errorf("new image: %w", err))
		}
		c.Type = c.New.Type
	}
	return c, nil
}

// image decodes a record's image, which must be there and hold the item
// the record's keys name.
func image(img map[string]events.DynamoDBAttributeValue, key store.Key) (*store.Item, error) {
	if len(img) == 0 {
		return nil, errors.New("missing (is the stream view type NEW_AND_OLD_IMAGES?)")
	}
	it, err := ItemFromImage(img)
	if err != nil {
		return nil, err
	}
	if it.Key != key {
		return nil, fmt.Errorf("item %s does not match the record's keys %s", it.Key, key)
	}
	return &it, nil
}

// keyFromImage reads PK and SK, both strings, from a record's Keys.
func keyFromImage(keys map[string]events.DynamoDBAttributeValue) (store.Key, error) {
	var k store.Key
	for _, part := range []struct {
		name string
		dst  *string
	}{{"PK", &k.PK}, {"SK", &k.SK}} {
		av, ok := keys[part.name]
		if !ok {
			return store.Key{}, fmt.Errorf("attribute %s is missing", part.name)
		}
		if av.DataType() != events.DataTypeString || av.IsNull() {
			return store.Key{}, fmt.Errorf("attribute %s is not a string", part.name)
		}
		*part.dst = av.String()
	}
	if err := store.ValidateKey(k); err != nil {
		return store.Key{}, err
	}
	return k, nil
}

// ItemFromImage converts a stream image (the attributes of an item, as
// Lambda delivers them) to a store item.
func ItemFromImage(img map[string]events.DynamoDBAttributeValue) (store.Item, error) {
	attrs, err := attributesFromEvent(img)
	if err != nil {
		return store.Item{}, err
	}
	it, err := dynamo.ItemFromAttributes(attrs)
	if err != nil {
		return store.Item{}, fmt.Errorf("lambdaevent: stream image: %w", err)
	}
	return it, nil
}

func attributesFromEvent(img map[string]events.DynamoDBAttributeValue) (map[string]types.AttributeValue, error) {
	attrs := make(map[string]types.AttributeValue, len(img))
	for name, av := range img {
		v, err := fromEvent(av)
		if err != nil {
			return nil, fmt.Errorf("lambdaevent: attribute %s: %w", name, err)
		}
		attrs[name] = v
	}
	return attrs, nil
}
