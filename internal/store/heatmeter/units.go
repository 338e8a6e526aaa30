package heatmeter

import (
	"math"
	"strconv"

	"tend/internal/store"
)

// DynamoDB's capacity units and per-partition limits.
const (
	// WriteUnitBytes: one write unit writes up to 1 KB of an item.
	WriteUnitBytes = 1024
	// ReadUnitBytes: one read unit reads up to 4 KB strongly consistent
	// (twice that eventually consistent).
	ReadUnitBytes = 4096
	// PartitionWCU and PartitionRCU are what DynamoDB serves one partition
	// key per second, of a table or of a global secondary index.
	PartitionWCU = 1000
	PartitionRCU = 3000
)

// Attribute names of the dynamo adapter's layout (internal/dynamo
// attributes.go): their lengths count towards an item's size.
var indexAttrNames = [4][2]string{
	{"GSI1PK", "GSI1SK"}, {"GSI2PK", "GSI2SK"}, {"GSI3PK", "GSI3SK"}, {"GSI4PK", "GSI4SK"},
}

// ItemSize estimates the size DynamoDB bills for an item as the dynamo
// adapter stores it: each attribute's name plus its value, strings at their
// UTF-8 length, numbers at DynamoDB's (digits+1)/2 + 1 bytes, the document
// at the length of its JSON (the adapter stores it as a native map, whose
// names, values and per-element overhead come to about the same).
// Attributes the adapter leaves out (an empty type, a zero counter, no
// expiry, sparse index keys) count nothing.
func ItemSize(it store.Item) int {
	size := len("PK") + len(it.PK) + len("SK") + len(it.SK)
	for i, ik := range it.Index {
		if ik.PK == "" {
			continue
		}
		size += len(indexAttrNames[i][0]) + len(ik.PK) + len(indexAttrNames[i][1]) + len(ik.SK)
	}
	if it.Type != "" {
		size += len("T") + len(it.Type)
	}
	size += len("V") + numberSize(it.Version)
	if !it.ExpiresAt.IsZero() {
		size += len("TTL") + numberSize(it.ExpiresAt.Unix())
	}
	if it.N != 0 {
		size += len("N") + numberSize(it.N)
	}
	if len(it.Doc) > 0 {
		size += len("D") + len(it.Doc)
	}
	return size
}

// numberSize is DynamoDB's size of a number: one byte per two significant
// digits, plus one.
func numberSize(n int64) int {
	digits := len(strconv.FormatInt(n, 10))
	if n < 0 {
		digits--
	}
	return (digits+1)/2 + 1
}

// WriteUnits is what writing an item of size bytes costs: 1 unit per
// started KB, at least 1.
func WriteUnits(size int) float64 { return startedUnits(size, WriteUnitBytes) }

// ReadUnits is what reading size bytes costs: 1 unit per started 4 KB
// strongly consistent, half that eventually consistent; at least one
// (half a) unit, even for nothing found.
func ReadUnits(size int, consistent bool) float64 {
	u := startedUnits(size, ReadUnitBytes)
	if !consistent {
		u /= 2
	}
	return u
}

func startedUnits(size, per int) float64 {
	return math.Max(1, math.Ceil(float64(size)/float64(per)))
}
