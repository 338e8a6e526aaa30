package cellvalue

import (
	"fmt"

	"tend/internal/domain"
)

// bools are the folded words for yes and no.
var bools = map[string]bool{
	"co": true, "yes": true, "true": true, "x": true, "1": true, "dung": true, "y": true,
	"khong": false, "no": false, "false": false, "": false, "0": false, "sai": false, "n": false,
}

// Bool reads yes or no: có/không, co/khong, yes/no, true/false, x/"",
// 1/0, đúng/sai, y/n, without regard to case or diacritics.
func Bool(s string) (bool, error) {
	b, ok := bools[domain.Fold(s)]
	if !ok {
		return false, fmt.Errorf("%w: %q", ErrBool, s)
	}
	return b, nil
}
