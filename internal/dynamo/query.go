package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tend/internal/store"
)

// Query implements store.Store. Queries of the table read consistently;
// queries of an index cannot (DynamoDB's GSIs are eventually consistent).
func (s *Store) Query(ctx context.Context, q store.Query) (store.Page, error) {
	if q.PK == "" {
		return store.Page{}, fmt.Errorf("%w: query without a partition key", store.ErrInvalid)
	}
	in := &dynamodb.QueryInput{
		TableName:        s.table,
		ScanIndexForward: aws.Bool(!q.Reverse),
		Limit:            aws.Int32(int32(store.Limit(q.Limit))),
	}
	pkAttr, skAttr := attrPK, attrSK
	// keyNames are the attributes of LastEvaluatedKey, partition key first.
	keyNames := []string{attrPK, attrSK}
	if q.Index == "" {
		in.ConsistentRead = aws.Bool(true)
	} else {
		n, ok := indexNumber(q.Index)
		if !ok {
			return store.Page{}, fmt.Errorf("%w: unknown index %q", store.ErrInvalid, q.Index)
		}
		pkAttr, skAttr = indexAttrs[n][0], indexAttrs[n][1]
		keyNames = []string{pkAttr, skAttr, attrPK, attrSK}
		in.IndexName = aws.String(q.Index)
	}
	if q.Cursor != "" {
		start, err := decodeCursor(q.Cursor, q.Index, q.PK, keyNames)
		if err != nil {
			return store.Page{}, err
		}
		in.ExclusiveStartKey = start
	}
	op, a, b, err := sortKeyRange(q.SK, q.A, q.B)
	if err != nil {
		return store.Page{}, err
	}
	if op == skNone {
		return store.Page{}, nil
	}
	in.KeyConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues = keyCondition(pkAttr, skAttr, q.PK, op, a, b)

	out, err := s.client.Query(ctx, in)
	if err != nil {
		return store.Page{}, fmt.Errorf("dynamo: query %s %q: %w", q.Index, q.PK, err)
	}
	page, err := s.page(out.Items, out.LastEvaluatedKey, q.Index, q.PK)
	if err != nil {
		return store.Page{}, fmt.Errorf("dynamo: query %s %q: %w", q.Index, q.PK, err)
	}
	return page, nil
}

// skNone is a sort-key condition no item meets.
const skNone store.SKOp = -1

// sortKeyRange restates a sort-key condition in a form DynamoDB accepts,
// with the same meaning: DynamoDB refuses an empty string as a key value
// and a BETWEEN whose bounds are out of order, where the port simply
// matches nothing (or everything). Stored sort keys are never empty.
func sortKeyRange(op store.SKOp, a, b string) (store.SKOp, string, string, error) {
	switch op {
	case store.SKAny:
		return op, "", "", nil
	case store.SKEq, store.SKLt, store.SKLe:
		if a == "" { // = "", < "", <= "": no key
			return skNone, "", "", nil
		}
	case store.SKGt, store.SKGe, store.SKBeginsWith:
		if a == "" { // > "", >= "", prefix "": every key
			return store.SKAny, "", "", nil
		}
	case store.SKBetween:
		switch {
		case a > b || b == "":
			return skNone, "", "", nil
		case a == "":
			return store.SKLe, b, "", nil
		}
	default:
		return 0, "", "", fmt.Errorf("%w: unknown sort-key condition %d", store.ErrInvalid, op)
	}
	return op, a, b, nil
}

// keyCondition builds the KeyConditionExpression of a query.
func keyCondition(pkAttr, skAttr, pk string, op store.SKOp, a, b string) (*string, map[string]string, map[string]types.AttributeValue) {
	names := map[string]string{"#pk": pkAttr}
	values := map[string]types.AttributeValue{":pk": str(pk)}
	expr := "#pk = :pk"
	if op == store.SKAny {
		return aws.String(expr), names, values
	}
	names["#sk"] = skAttr
	values[":a"] = str(a)
	switch op {
	case store.SKEq:
		expr += " AND #sk = :a"
	case store.SKLt:
		expr += " AND #sk < :a"
	case store.SKLe:
		expr += " AND #sk <= :a"
	case store.SKGt:
		expr += " AND #sk > :a"
	case store.SKGe:
		expr += " AND #sk >= :a"
	case store.SKBetween:
		expr += " AND #sk BETWEEN :a AND :b"
		values[":b"] = str(b)
	case store.SKBeginsWith:
		expr += " AND begins_with(#sk, :a)"
	}
	return aws.String(expr), names, values
}

// maxScanSegments is DynamoDB's limit on TotalSegments.
const maxScanSegments = 1_000_000

// Scan implements store.Store with DynamoDB's parallel scan.
func (s *Store) Scan(ctx context.Context, sc store.Scan) (store.Page, error) {
	if sc.Segments < 1 || sc.Segments > maxScanSegments || sc.Segment < 0 || sc.Segment >= sc.Segments {
		return store.Page{}, fmt.Errorf("%w: segment %d of %d", store.ErrInvalid, sc.Segment, sc.Segments)
	}
	in := &dynamodb.ScanInput{
		TableName:      s.table,
		ConsistentRead: aws.Bool(true),
		Limit:          aws.Int32(int32(store.Limit(sc.Limit))),
	}
	if sc.Segments > 1 {
		in.Segment = aws.Int32(int32(sc.Segment))
		in.TotalSegments = aws.Int32(int32(sc.Segments))
	}
	scope := fmt.Sprintf("scan %d/%d", sc.Segment, sc.Segments)
	if sc.Cursor != "" {
		start, err := decodeCursor(sc.Cursor, scope, "", []string{attrPK, attrSK})
		if err != nil {
			return store.Page{}, err
		}
		in.ExclusiveStartKey = start
	}
	out, err := s.client.Scan(ctx, in)
	if err != nil {
		return store.Page{}, fmt.Errorf("dynamo: %s: %w", scope, err)
	}
	page, err := s.page(out.Items, out.LastEvaluatedKey, scope, "")
	if err != nil {
		return store.Page{}, fmt.Errorf("dynamo: %s: %w", scope, err)
	}
	return page, nil
}

// page turns a Query or Scan result into a store.Page, leaving out expired
// items. A page may thus hold fewer items than the limit, as the port
// allows.
func (s *Store) page(items []map[string]types.AttributeValue, last map[string]types.AttributeValue, scope, pk string) (store.Page, error) {
	page := store.Page{Items: make([]store.Item, 0, len(items))}
	for _, attrs := range items {
		it, err := ItemFromAttributes(attrs)
		if err != nil {
			return store.Page{}, err
		}
		if s.live(it) {
			page.Items = append(page.Items, it)
		}
	}
	if len(last) > 0 {
		c, err := encodeCursor(scope, pk, last)
		if err != nil {
			return store.Page{}, err
		}
		page.Cursor = c
	}
	return page, nil
}
