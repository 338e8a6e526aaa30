package campaign_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tend/internal/campaign"
	"tend/internal/domain"
	"tend/internal/signing"
)

// A key press signed with the campaign's secret moves its member; the same
// request again changes nothing and gets the same answer; a key asking for
// a move the seed forbids is recorded and refused; an unknown phone is not
// found.
func TestKeyPressReplay(t *testing.T) {
	f := newFixture(t)
	admin := f.w.Admin()
	camp, err := f.svc.Create(t.Context(), admin, campaign.Input{Name: ptr("Gọi tự động"),
		KeyMap: &map[string]string{"1": "confirmed", "2": "joined", "3": "registered"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := f.customers(1)
	if _, err := f.svc.AddMembers(t.Context(), admin, camp.ID, campaign.AddInput{CustomerIDs: ids}); err != nil {
		t.Fatal(err)
	}
	press := func(phone, key string) (*campaign.Answer, error) {
		body := []byte(`{"phone":"` + phone + `","key":"` + key + `"}`)
		ts := strconv.FormatInt(f.w.Clock.Now().Unix(), 10)
		v, err := f.svc.Verify(t.Context(), camp.ID, ts, signing.Sign(camp.Secret, ts, body), body)
		if err != nil {
			t.Fatal(err)
		}
		return f.svc.Respond(t.Context(), v, body)
	}
	a, err := press("0900000000", "2")
	if err != nil || a.Status != "joined" || a.Replayed {
		t.Fatalf("first press: %+v %v", a, err)
	}
	a, err = press("0900000000", "2")
	if err != nil || a.Status != "joined" || !a.Replayed || f.totals(camp.ID) != (campaign.Totals{Registered: 1, Confirmed: 1, Joined: 1}) {
		t.Fatalf("replay: %+v %v %+v", a, err, f.totals(camp.ID))
	}
	a, err = press("+84900000000", "3")
	if err != nil || a.Refused != "registered" || a.Status != "joined" {
		t.Fatalf("refused press: %+v %v", a, err)
	}
	var de *domain.Error
	if !errors.As(a.Err(), &de) || de.Code != "invalid_transition" || de.Params["from"] != "joined" || de.Params["to"] != "registered" {
		t.Fatalf("refusal: %v", a.Err())
	}
	if _, err := press("0911111111", "1"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("unknown phone: %v", err)
	}
	if _, err := press("0900000000", "7"); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("unmapped key: %v", err)
	}
	if got := f.recount(camp.ID); got != f.totals(camp.ID) {
		t.Fatalf("counters %+v, recount %+v", f.totals(camp.ID), got)
	}
}

// A key-press body either parses into a phone and one key press, or is
// refused as a user error: never a panic, never another error.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{`{"phone":"0901234567","key":"1"}`, `{"phone":1}`, `[]`, `{"key":"##"}`, `{"phone":"x","key":"*","z":1}`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := campaign.ParseResponse(body)
		var de *domain.Error
		switch {
		case err == nil:
			if r.Phone == "" || len(r.Key) != 1 {
				t.Fatalf("accepted %q as %+v", body, r)
			}
		case !errors.As(err, &de):
			t.Fatalf("%q: not a user error: %v", body, err)
		}
	})
}

// A key map either passes with keys that are key presses and values that
// are statuses, or every bad entry is named at key_map.<key>.
func FuzzCheckKeyMap(f *testing.F) {
	for _, s := range []string{`{"1":"confirmed","2":"joined","9":"cancelled"}`, `{"12":"joined"}`, `{"#":"nope"}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var m map[string]string
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		var p domain.Problems
		campaign.CheckKeyMap(m, &p)
		if p.Empty() {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if len(k) != 1 || !slices.Contains(campaign.Statuses, m[k]) {
					t.Fatalf("accepted %q", raw)
				}
			}
			return
		}
		for _, fe := range p.Fields {
			if fe.Path != "key_map" && (fe.Path == "key_map." || !strings.HasPrefix(fe.Path, "key_map")) {
				t.Fatalf("problem without its key: %+v", fe)
			}
		}
	})
}
