package recordpdf_test

import (
	"bytes"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/recordpdf"
	"tend/internal/tendtest"
)

// A customer's record prints as a PDF carrying its (subset) font, named
// after the customer's code.
func TestCustomerPDF(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Spa Hoa Mai", Clock: tendtest.NewClock(now)})
	w.Field("hang_the", "Hạng thẻ", domain.TypeText)
	core, c := w.Customers, w.Admin()
	in, _ := customer.ParseInput([]byte(`{"name":"Nguyễn Thị Ánh Tuyết","phone":"0912345678","birthday":"1990-11-23","fields":{"hang_the":"Vàng"}}`))
	cu, err := core.CreateCustomer(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	att, err := recordpdf.New(w.Clock, w.Workspaces, w.Customers).CustomerPDF(ctx, c.Tenant(), cu.ID)
	if err != nil {
		t.Fatal(err)
	}
	if att.Name != cu.Code+".pdf" || att.ContentType != "application/pdf" {
		t.Fatalf("attachment %q (%s)", att.Name, att.ContentType)
	}
	for _, want := range [][]byte{[]byte("%PDF-"), []byte("/FontFile2"), []byte("%%EOF")} {
		if !bytes.Contains(att.Data, want) {
			t.Fatalf("the PDF has no %s", want)
		}
	}
	// The font is subset to the glyphs used, not the whole 750 KB.
	if len(att.Data) > 120_000 {
		t.Fatalf("PDF of %d bytes: the font was not subset", len(att.Data))
	}
	again, _ := recordpdf.Customer(c.Org, cu, now)
	if !bytes.Equal(again, att.Data) {
		t.Fatal("printing the same record twice gave different files")
	}
}
