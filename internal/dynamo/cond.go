package dynamo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// condition is a ConditionExpression with its placeholders. The zero value
// is "no condition": DynamoDB refuses empty name or value maps, so they
// stay nil unless the expression uses them.
type condition struct {
	expr   *string
	names  map[string]string
	values map[string]types.AttributeValue
	// want says what the condition requires, for error messages.
	want string
}

// liveClause holds when the item has no TTL or its TTL is still ahead.
// DynamoDB deletes expired items lazily, so every condition checks expiry
// itself rather than trusting that an expired item is gone.
const liveClause = "(attribute_not_exists(#ttl) OR #ttl > :now)"

// conditionFor translates a store condition; now is the clock in epoch
// seconds.
func conditionFor(c store.Cond, now int64) (condition, error) {
	ttlNames := map[string]string{"#ttl": attrTTL}
	nowValue := map[string]types.AttributeValue{":now": num(now)}
	switch c.Kind {
	case store.Always:
		return condition{}, nil
	case store.MustNotExist:
		return condition{
			expr:   aws.String("attribute_not_exists(" + attrPK + ") OR #ttl <= :now"),
			names:  ttlNames,
			values: nowValue,
			want:   "want no live item",
		}, nil
	case store.MustExist:
		return condition{
			expr:   aws.String("attribute_exists(" + attrPK + ") AND " + liveClause),
			names:  ttlNames,
			values: nowValue,
			want:   "want a live item",
		}, nil
	case store.AtVersion:
		version := "#v = :v"
		if c.Version == 0 {
			// Items made by Incr or TxAdd have no V, which reads as version 0.
			version = "attribute_exists(" + attrPK + ") AND (attribute_not_exists(#v) OR #v = :v)"
		}
		return condition{
			expr:   aws.String(version + " AND " + liveClause),
			names:  map[string]string{"#ttl": attrTTL, "#v": attrVersion},
			values: map[string]types.AttributeValue{":now": num(now), ":v": num(c.Version)},
			want:   fmt.Sprintf("want a live item at version %d", c.Version),
		}, nil
	}
	return condition{}, fmt.Errorf("%w: unknown condition kind %d", store.ErrInvalid, c.Kind)
}

// checkConditionFor is conditionFor for a ConditionCheck, which DynamoDB
// requires to have an expression: "no condition" becomes one that always
// holds (the item still takes part in the transaction's isolation).
func checkConditionFor(c store.Cond, now int64) (condition, error) {
	if c.Kind != store.Always {
		return conditionFor(c, now)
	}
	return condition{
		expr: aws.String("attribute_not_exists(" + attrPK + ") OR attribute_exists(" + attrPK + ")"),
		want: "nothing",
	}, nil
}

// addUpdate is the update of Incr and TxAdd: ADD to the counter, on the
// condition that the item is absent or live. An expired item that is still
// stored fails the condition, so the caller can remove it and try again:
// adding to it would keep its old counter and leave it expired.
func addUpdate(delta, now int64) (update *string, cond condition) {
	return aws.String("ADD #n :d"), condition{
		expr:   aws.String("attribute_not_exists(" + attrPK + ") OR " + liveClause),
		names:  map[string]string{"#n": attrCounter, "#ttl": attrTTL},
		values: map[string]types.AttributeValue{":d": num(delta), ":now": num(now)},
		want:   "want an absent or live item",
	}
}

// restartUpdate starts a counter again over an expired item at delta, in
// one update: the item is written as a fresh counter (no expiry, type,
// version, document or index keys), which is what deleting the expired
// item and adding to an absent one would give. It holds only while the
// stored item is expired. (Updating rather than deleting keeps functions
// that may not delete items, such as the webhooks, able to count.)
func restartUpdate(delta, now int64) (update *string, cond condition) {
	names := map[string]string{"#n": attrCounter, "#ttl": attrTTL, "#t": attrType, "#v": attrVersion, "#d": attrDoc}
	remove := "#ttl, #t, #v, #d"
	for i, pair := range indexAttrs {
		for j, a := range pair {
			ph := fmt.Sprintf("#g%d%d", i, j)
			names[ph] = a
			remove += ", " + ph
		}
	}
	return aws.String("SET #n = :d REMOVE " + remove), condition{
		expr:   aws.String("#ttl <= :now"),
		names:  names,
		values: map[string]types.AttributeValue{":d": num(delta), ":now": num(now)},
		want:   "want an expired item",
	}
}
