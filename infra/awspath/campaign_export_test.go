package awspath_test

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tend/internal/campaign"
	"tend/internal/customer"
)

// A campaign's export through the api function on AWS (moto): the
// workbook and the PDF, binary, come back base64-encoded as API Gateway
// wants them (the proxy encodes any answer that is not UTF-8 text), the
// workbook with its media type and file name, reading back as the members
// asked for, Vietnamese intact; the printable page, text, comes as it is.
func TestCampaignExportOnTheAWSPath(t *testing.T) {
	s, spa, camp, ids := exportedCampaign(t)
	ctx, svc := t.Context(), spa.svc
	_, err := svc.Campaigns.UpdateMember(ctx, spa.admin, camp.ID, ids[0], campaign.MemberInput{Status: ptr(campaign.StatusJoined)})
	must(t, err)

	reply := s.apiReply("GET", "/v1/campaigns/"+camp.ID+"/export?format=xlsx&status=joined", "")
	if reply.StatusCode != 200 || !reply.IsBase64Encoded {
		t.Fatalf("export: %d, base64 %v: %.300s", reply.StatusCode, reply.IsBase64Encoded, reply.Body)
	}
	if ct := reply.Headers["Content-Type"]; ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := reply.Headers["Content-Disposition"]; !strings.HasPrefix(cd, `attachment; filename="tri-an-khach-hang-tet-2026-11-23.xlsx"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	file, err := base64.StdEncoding.DecodeString(reply.Body)
	must(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(file))
	must(t, err)
	defer f.Close()
	rows, err := f.GetRows("Thành viên")
	must(t, err)
	head := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == "Mã" })
	if head < 0 || len(rows) != head+2 {
		t.Fatalf("the workbook: %q, want the table with one member", rows)
	}
	if got := rows[head+1]; len(got) != 7 || got[1] != "Nguyễn Thị Ánh" || got[3] != "anh@example.vn" || got[5] != "Tham gia" || got[6] != "23/11/2026" {
		t.Errorf("the member's row %q", got)
	}

	doc := s.apiReply("GET", "/v1/campaigns/"+camp.ID+"/export?format=pdf", "")
	pdf, err := base64.StdEncoding.DecodeString(doc.Body)
	if doc.StatusCode != 200 || !doc.IsBase64Encoded || err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || doc.Headers["Content-Type"] != "application/pdf" {
		t.Fatalf("the PDF: %d, base64 %v (%v), %q: %.100q", doc.StatusCode, doc.IsBase64Encoded, err, doc.Headers["Content-Type"], pdf)
	}

	page := s.apiReply("GET", "/v1/campaigns/"+camp.ID+"/export?format=html", "")
	if page.StatusCode != 200 || page.IsBase64Encoded || !strings.Contains(page.Body, "<td>Trần Đức Thắng</td>") {
		t.Fatalf("the page: %d, base64 %v: %.300s", page.StatusCode, page.IsBase64Encoded, page.Body)
	}
}

// exportedCampaign deploys the stack on 23 November 2026 with the spa's
// campaign "Tri ân khách hàng Tết" of two members, Nguyễn Thị Ánh (with
// an email) and Trần Đức Thắng, both registered.
func exportedCampaign(t *testing.T) (*stack, *spa, *campaign.WithSecret, []string) {
	s := deploy(t, time.Date(2026, 11, 23, 10, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	ctx := t.Context()
	svc := spa.svc
	camp, err := svc.Campaigns.Create(ctx, spa.admin, campaign.Input{Name: ptr("Tri ân khách hàng Tết")})
	must(t, err)
	var ids []string
	for _, body := range []string{`{"name":"Nguyễn Thị Ánh","phone":"0912 345 678","email":"anh@example.vn"}`, `{"name":"Trần Đức Thắng","phone":"0987 654 321"}`} {
		in, err := customer.ParseInput([]byte(body))
		must(t, err)
		cu, err := svc.Customers.CreateCustomer(ctx, spa.admin, in)
		must(t, err)
		ids = append(ids, cu.ID)
	}
	_, err = svc.Campaigns.AddMembers(ctx, spa.admin, camp.ID, campaign.AddInput{CustomerIDs: ids})
	must(t, err)
	return s, spa, camp, ids
}
