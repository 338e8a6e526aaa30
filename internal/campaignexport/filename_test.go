package campaignexport_test

import (
	"mime"
	"strings"
	"testing"
	"time"

	"tend/internal/campaignexport"
)

func TestFileName(t *testing.T) {
	day := time.Date(2026, 11, 25, 0, 30, 0, 0, hcm)
	for _, tc := range []struct{ campaign, format, want string }{
		{"Tri ân khách hàng Tết Ất Tỵ", "xlsx", "Tri ân khách hàng Tết Ất Tỵ - 2026-11-25.xlsx"},
		{"  Khuyến mãi\t50%:  \"VIP\"/Đà Nẵng?  ", "pdf", "Khuyến mãi 50% VIP Đà Nẵng - 2026-11-25.pdf"},
		{"a\x00b\r\nc<d>|e*", "html", "a b c d e - 2026-11-25.html"},
		{"", "pdf", "Chiến dịch - 2026-11-25.pdf"},
		{"/:*?", "xlsx", "Chiến dịch - 2026-11-25.xlsx"},
		{strings.Repeat("Đ", 100), "pdf", strings.Repeat("Đ", 80) + " - 2026-11-25.pdf"},
	} {
		if got := campaignexport.FileName(tc.campaign, tc.format, day); got != tc.want {
			t.Errorf("FileName(%q, %q) = %q, want %q", tc.campaign, tc.format, got, tc.want)
		}
	}
}

// The header names the file in ASCII for every client and in UTF-8 for
// those that read RFC 5987; a MIME parser reads the UTF-8 name back.
func TestContentDisposition(t *testing.T) {
	for _, tc := range []struct{ name, header string }{
		{"Tri ân khách hàng Tết Ất Tỵ - 2026-11-25.xlsx",
			`attachment; filename="tri-an-khach-hang-tet-at-ty-2026-11-25.xlsx"; filename*=UTF-8''Tri%20%C3%A2n%20kh%C3%A1ch%20h%C3%A0ng%20T%E1%BA%BFt%20%E1%BA%A4t%20T%E1%BB%B5%20-%202026-11-25.xlsx`},
		{"Đà Nẵng 50% (VIP), 'A'=B; C.pdf",
			`attachment; filename="da-nang-50-vip-a-b-c.pdf"; filename*=UTF-8''%C4%90%C3%A0%20N%E1%BA%B5ng%2050%25%20%28VIP%29%2C%20%27A%27%3DB%3B%20C.pdf`},
		{"Chiến dịch - 2026-11-25.pdf",
			`attachment; filename="chien-dich-2026-11-25.pdf"; filename*=UTF-8''Chi%E1%BA%BFn%20d%E1%BB%8Bch%20-%202026-11-25.pdf`},
		{"ẞ∑.", `attachment; filename="download"; filename*=UTF-8''%E1%BA%9E%E2%88%91.`},
	} {
		got := campaignexport.ContentDisposition(tc.name)
		if got != tc.header {
			t.Errorf("ContentDisposition(%q)\n got %s\nwant %s", tc.name, got, tc.header)
		}
		disposition, params, err := mime.ParseMediaType(got)
		if err != nil || disposition != "attachment" || params["filename"] != tc.name {
			t.Errorf("%s reads back as %q %q (%v), want the name %q", got, disposition, params, err, tc.name)
		}
	}
}
