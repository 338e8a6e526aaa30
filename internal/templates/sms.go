package templates

import "unicode/utf8"

// SMS encodings.
const (
	EncodingGSM7 = "gsm7" // GSM 03.38: 160 characters, 153 per part
	EncodingUCS2 = "ucs2" // UTF-16: 70 units, 67 per part
)

// gsmBasic is the GSM 03.38 basic character set (without the escape).
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension are the characters of the extension table, sent as an
// escape and the character: two septets each.
const gsmExtension = "^{}\\[~]|€\f"

var gsmSeptets = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// SMSSegments returns how many parts an SMS of text is sent as, and in
// which encoding: GSM-7 when every character is in the GSM 03.38 set
// (extension characters count 2), 160 septets in one part or 153 per part
// of a longer message; otherwise UCS-2 (Vietnamese with diacritics), 70
// UTF-16 units in one part or 67 per part. A character is never split
// across parts. Empty text is 0 parts.
func SMSSegments(text string) (parts int, encoding string) {
	if text == "" {
		return 0, EncodingGSM7
	}
	sizes := make([]int, 0, len(text))
	gsm := true
	for _, r := range text {
		n, ok := gsmSeptets[r]
		if !ok {
			gsm = false
			break
		}
		sizes = append(sizes, n)
	}
	single, multi := 160, 153
	encoding = EncodingGSM7
	if !gsm {
		single, multi, encoding = 70, 67, EncodingUCS2
		sizes = sizes[:0]
		for _, r := range text {
			if r == utf8.RuneError || r < 0x10000 {
				sizes = append(sizes, 1)
			} else {
				sizes = append(sizes, 2) // a surrogate pair
			}
		}
	}
	total := 0
	for _, n := range sizes {
		total += n
	}
	if total <= single {
		return 1, encoding
	}
	parts, used := 1, 0
	for _, n := range sizes {
		if used+n > multi {
			parts, used = parts+1, 0
		}
		used += n
	}
	return parts, encoding
}
