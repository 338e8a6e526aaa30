package custindex_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
)

// collectIDs pages through an index read, 3 ids at a time, and returns
// every id, failing on one read twice unless repeats.
func collectIDs(t *testing.T, repeats bool, read func(cursor string, limit int) (custindex.Hits, error)) []string {
	t.Helper()
	var out []string
	cursor := ""
	for range 1000 {
		hits, err := read(cursor, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range hits.IDs {
			if !repeats && slices.Contains(out, id) {
				t.Fatalf("%s read twice", id)
			}
			out = append(out, id)
		}
		if cursor = hits.Cursor; cursor == "" {
			return out
		}
	}
	t.Fatal("no end")
	return nil
}

// A read kept to some owners and warehouses passes over the other
// customers on the index items alone, and follows a customer given to
// someone else (its index items are written again with the new owner).
func TestKeepFollowsOwnersAndWarehouses(t *testing.T) {
	sw := newSearchWorld(t)
	w := sw.w
	an, binh := w.User("Nhân viên An", domain.RoleStaff), w.User("Nhân viên Bình", domain.RoleStaff)
	owners := []string{an.ID, binh.ID, ""}
	byName := map[string]string{}
	for i := range 12 {
		js := fmt.Sprintf(`{"name":"Nguyễn Khách %02d","phone":"09123450%02d","owner_id":%q}`, i, i, owners[i%3])
		in, err := customer.ParseInput([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		c, err := w.Customers.CreateCustomer(t.Context(), w.Admin(), in)
		if err != nil {
			t.Fatal(err)
		}
		sw.names[c.ID], byName[c.Name] = c.Name, c.ID
	}
	tenant := w.AdminUser.TenantID
	keepOwner := func(owner string) custindex.Keep {
		return func(_, o, _ string) bool { return o == owner }
	}
	names := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = sw.names[id]
		}
		slices.Sort(out)
		return out
	}
	want := func(owner int) []string {
		var out []string
		for i := owner; i < 12; i += 3 {
			out = append(out, fmt.Sprintf("Nguyễn Khách %02d", i))
		}
		return out
	}
	check := func(label string, keep custindex.Keep, wantNames []string) {
		t.Helper()
		searched := collectIDs(t, false, func(cursor string, limit int) (custindex.Hits, error) {
			return custindex.SearchKept(t.Context(), w.DB, tenant, "nguyen", keep, cursor, limit)
		})
		if got := names(searched); !slices.Equal(got, wantNames) {
			t.Errorf("%s: search found %v, want %v", label, got, wantNames)
		}
		sorted := collectIDs(t, false, func(cursor string, limit int) (custindex.Hits, error) {
			return custindex.SortedKept(t.Context(), w.DB, tenant, "name", true, keep, cursor, limit)
		})
		if got := names(sorted); !slices.Equal(got, wantNames) {
			t.Errorf("%s: sorted found %v, want %v", label, got, wantNames)
		}
		if !slices.IsSortedFunc(sorted, func(a, b string) int { return strings.Compare(sw.names[b], sw.names[a]) }) {
			t.Errorf("%s: sorted descending out of order: %v", label, sorted)
		}
	}
	check("An's", keepOwner(an.ID), want(0))
	check("Bình's", keepOwner(binh.ID), want(1))
	check("unowned", keepOwner(""), want(2))

	// Customer 00 goes from An to Bình.
	id := byName["Nguyễn Khách 00"]
	update(t, sw, id, fmt.Sprintf(`{"owner_id":%q}`, binh.ID))
	check("An's after", keepOwner(an.ID), want(0)[1:])
	check("Bình's after", keepOwner(binh.ID), append([]string{"Nguyễn Khách 00"}, want(1)...))
}

// Tags are indexed folded ("VIP" is "vip"), each once; a customer with
// more tags than the index holds is found for any tag (the filter then
// decides), and the index follows a tag taken off.
func TestTaggedFindsCustomersByTag(t *testing.T) {
	many := make([]string, 11)
	for i := range many {
		many[i] = fmt.Sprintf("nhãn %d", i)
	}
	manyJSON, _ := json.Marshal(many)
	sw := newSearchWorld(t,
		`{"name":"An","tags":["VIP","Hà Nội"]}`,
		`{"name":"Bình","tags":["vip"]}`,
		`{"name":"Chi","tags":["ha noi"]}`,
		`{"name":"Dũng"}`,
		`{"name":"Giang","tags":`+string(manyJSON)+`}`,
	)
	tenant := sw.w.AdminUser.TenantID
	tagged := func(tags ...string) []string {
		ids := collectIDs(t, true, func(cursor string, limit int) (custindex.Hits, error) {
			return custindex.Tagged(t.Context(), sw.w.DB, tenant, tags, nil, cursor, limit)
		})
		var out []string
		for _, id := range ids {
			if n := sw.names[id]; !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		tags []string
		want []string
	}{
		{[]string{"vip"}, []string{"An", "Bình", "Giang"}},
		{[]string{"Vip"}, []string{"An", "Bình", "Giang"}},
		{[]string{"Hà Nội"}, []string{"An", "Chi", "Giang"}},
		{[]string{"vip", "ha noi"}, []string{"An", "Bình", "Chi", "Giang"}},
		{[]string{"khác"}, []string{"Giang"}},
		{[]string{"  "}, []string{"Giang"}},
	} {
		if got := tagged(c.tags...); !slices.Equal(got, c.want) {
			t.Errorf("Tagged(%q) = %v, want %v", c.tags, got, c.want)
		}
	}
	// An's VIP tag taken off.
	var anID string
	for id, n := range sw.names {
		if n == "An" {
			anID = id
		}
	}
	update(t, sw, anID, `{"tags":["Hà Nội"]}`)
	if got, want := tagged("vip"), []string{"Bình", "Giang"}; !slices.Equal(got, want) {
		t.Errorf("after the tag is off: Tagged(vip) = %v, want %v", got, want)
	}
}

// A list's q finds a customer by a word of either address and by its tax
// code, as the lookup does (SPEC: customer lookup).
func TestSearchFindsAddressesAndTaxCode(t *testing.T) {
	sw := newSearchWorld(t,
		`{"name":"Công ty Sông Hồng","business_address":"12 Nguyễn Trãi, Thanh Xuân, Hà Nội","tax_code":"0101234567"}`,
		`{"name":"Cửa hàng Bến Thành","office_address":"45 Lê Lợi, Quận 1, TP. Hồ Chí Minh","tax_code":"0309876543-001"}`,
		`{"name":"Trần Trãi"}`,
	)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"thanh xuan", []string{"Công ty Sông Hồng"}},
		{"trai", []string{"Công ty Sông Hồng", "Trần Trãi"}},
		{"le loi", []string{"Cửa hàng Bến Thành"}},
		{"0101234567", []string{"Công ty Sông Hồng"}},
		{"0309876543", []string{"Cửa hàng Bến Thành"}},
		{"0309876543-001", []string{"Cửa hàng Bến Thành"}},
		{"song hong ha noi", []string{"Công ty Sông Hồng"}},
	} {
		if got := sw.search(t, c.q, 2); !slices.Equal(got, c.want) {
			t.Errorf("Search(%q) = %v, want %v", c.q, got, c.want)
		}
	}
}

func update(t *testing.T, sw *searchWorld, id, js string) {
	t.Helper()
	in, err := customer.ParseInput([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.w.Customers.UpdateCustomer(t.Context(), sw.w.Admin(), id, in); err != nil {
		t.Fatal(err)
	}
}

// InSteps finds the customers at the steps of a pipeline asked for, and
// follows a customer moved to another step.
func TestInStepsFollowsTheCustomers(t *testing.T) {
	sw := newSearchWorld(t)
	pl := sw.w.Pipeline("Bán hàng", "Mới", "Tư vấn", "Chốt")
	other := sw.w.Pipeline("Gia hạn", "Chờ")
	ids := map[string]string{}
	for _, c := range []struct{ name, step string }{{"An", pl.Steps[0].ID}, {"Bình", pl.Steps[1].ID}, {"Chi", pl.Steps[1].ID}, {"Dũng", ""}} {
		js := fmt.Sprintf(`{"name":%q,"pipelines":{%q:%q}}`, c.name, other.ID, other.Steps[0].ID)
		if c.step != "" {
			js = fmt.Sprintf(`{"name":%q,"pipelines":{%q:%q,%q:%q}}`, c.name, pl.ID, c.step, other.ID, other.Steps[0].ID)
		}
		in, err := customer.ParseInput([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		cu, err := sw.w.Customers.CreateCustomer(t.Context(), sw.w.Admin(), in)
		if err != nil {
			t.Fatal(err)
		}
		sw.names[cu.ID], ids[c.name] = c.name, cu.ID
	}
	tenant := sw.w.AdminUser.TenantID
	at := func(steps ...string) []string {
		got := collectIDs(t, false, func(cursor string, limit int) (custindex.Hits, error) {
			return custindex.InSteps(t.Context(), sw.w.DB, tenant, pl.ID, steps, nil, cursor, limit)
		})
		out := make([]string, len(got))
		for i, id := range got {
			out[i] = sw.names[id]
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		steps, want []string
	}{
		{[]string{pl.Steps[0].ID}, []string{"An"}},
		{[]string{pl.Steps[1].ID}, []string{"Bình", "Chi"}},
		{[]string{pl.Steps[0].ID, pl.Steps[1].ID}, []string{"An", "Bình", "Chi"}},
		{[]string{pl.Steps[2].ID}, []string{}},
		{nil, []string{}},
	} {
		if got := at(c.steps...); !slices.Equal(got, c.want) {
			t.Errorf("InSteps(%v) = %v, want %v", c.steps, got, c.want)
		}
	}
	update(t, sw, ids["Bình"], fmt.Sprintf(`{"pipelines":{%q:%q}}`, pl.ID, pl.Steps[2].ID))
	if got, want := at(pl.Steps[2].ID), []string{"Bình"}; !slices.Equal(got, want) {
		t.Errorf("after the move: %v, want %v", got, want)
	}
	if got, want := at(pl.Steps[1].ID), []string{"Chi"}; !slices.Equal(got, want) {
		t.Errorf("the step left: %v, want %v", got, want)
	}
}
