package phone

import (
	"regexp"
	"strings"
)

// vietnamese are the ranges of Vietnam's numbering plan, national
// significant numbers (without the 0), as libphonenumber's metadata for
// VN gives them (version 8.13 of the metadata, as carried by
// nyaruka/phonenumbers v1.8.1): fixed lines, mobiles, toll-free, premium
// rate, UAN and VoIP. TestMatchesLibphonenumber holds them to the library.
var vietnamese = regexp.MustCompile(`^(?:` + strings.Join([]string{
	`2(?:0[3-9]|1[0-689]|2[0-25-9]|[38][2-9]|4[2-8]|5[124-9]|6[0-39]|7[0-7]|9[0-4679])\d{7}`,                         // fixed line
	`121[0-3]\d{5}|(?:160|(?:3\d|7[06-9])\d|5(?:[1689]\d|2[238]|59)|8(?:[1-8]\d|9[6-9])|9(?:[0-8]\d|9[013-9]))\d{6}`, // mobile
	`1800\d{4,6}|12(?:0[13]|28)\d{4}`, // toll-free
	`1900\d{4,6}`,                     // premium rate
	`(?:[17]99|80\d)\d{4}|69\d{5,6}`,  // UAN
	`672\d{6}`,                        // VoIP
}, "|") + `)$`)

func validVietnamese(nsn string) bool { return vietnamese.MatchString(nsn) }

// callingCodes are the country calling codes in use (libphonenumber's
// list), as strings.
var callingCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60
		61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229
		230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257
		258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371
		372 373 374 375 376 377 378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509
		590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689
		690 691 692 800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 960 961 962 963 964 965 966 967 968 970
		971 972 973 974 975 976 977 979 992 993 994 995 996 998`) {
		m[c] = true
	}
	return m
}()
