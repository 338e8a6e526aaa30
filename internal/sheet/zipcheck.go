package sheet

import (
	"archive/zip"
	"fmt"
)

// The bounds of an xlsx's zip, checked on its central directory before
// anything is unpacked. archive/zip refuses an entry that unpacks to more
// than it declares, so the declared sizes can be trusted.
const (
	maxZipEntries    = 10_000
	maxEntryUnpacked = 200 << 20
	maxTotalUnpacked = 400 << 20
	maxRatio         = 100 // for entries over ratioFloor
	ratioFloor       = 1 << 20
)

// checkZip refuses a zip bomb.
func checkZip(zr *zip.Reader) error {
	if len(zr.File) > maxZipEntries {
		return fileError(CodeZipBomb, fmt.Sprintf("%d entries", len(zr.File)))
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		switch {
		case size > maxEntryUnpacked:
			return fileError(CodeZipBomb, fmt.Sprintf("%s unpacks to %d bytes", f.Name, size))
		case total > maxTotalUnpacked:
			return fileError(CodeZipBomb, fmt.Sprintf("unpacks to more than %d bytes", total))
		case size > ratioFloor && size/max(f.CompressedSize64, 1) > maxRatio:
			return fileError(CodeZipBomb, fmt.Sprintf("%s packed %d to 1", f.Name, size/max(f.CompressedSize64, 1)))
		}
	}
	return nil
}
