package leadpayload

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"tend/internal/domain"
)

// ZaloSigned checks the X-ZEvent-Signature header of a Zalo OA webhook:
// "mac=" and the hex SHA-256 (a plain hash, not an HMAC) of
// app id + raw body + the body's "timestamp" + OA secret key, compared in
// constant time. The timestamp is the body's own, as sent: a JSON string's
// text, or a number's digits. An empty app id or key never matches.
//
// Where this comes from: Zalo's OA webhook docs, as restated by
// hainh.me/zalo-api-php-webhook-callback-official-account.html ("so sánh
// giá trị trong header X-ZEvent-Signature với mã hash SHA256 của chuỗi kết
// hợp 4 thông tin sau theo thứ tự: ID của ứng dụng, chuỗi JSON trả về trong
// body, timestamp được lấy từ chuỗi JSON trên, mã bí mật của Official
// Account") and by the n8n Zalo OA nodes and several SDKs (mac=sha256(appId
// + data + timeStamp + OAsecretKey)). The key is the OA secret key, not the
// app's secret. Some community code hashes the OA id instead of the app id;
// Zalo's docs say the app id, and so does this.
func ZaloSigned(appID, oaSecretKey string, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(strings.TrimSpace(header), "mac=")
	if !ok || appID == "" || oaSecretKey == "" {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	ts, err := zaloTimestamp(body)
	if err != nil {
		return false
	}
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(ts))
	h.Write([]byte(oaSecretKey))
	return subtle.ConstantTimeCompare(got, h.Sum(nil)) == 1
}

// zaloTimestamp is the body's "timestamp" as sent.
func zaloTimestamp(body []byte) (string, error) {
	var v struct {
		Timestamp json.RawMessage `json:"timestamp"`
	}
	if json.Unmarshal(body, &v) != nil {
		return "", errors.New("zalo: body is not a JSON object")
	}
	return id(v.Timestamp)
}

// Zalo is a Zalo OA webhook event.
type Zalo struct {
	AppID     string
	EventName string // user_submit_info, follow, user_send_text...
	Timestamp string // milliseconds since the epoch, as sent
	OAID      string // oa_id, or the recipient of a user's event
	UserID    string // the Zalo user: sender.id, or follower.id (follow, unfollow)
	MsgID     string // message.msg_id, when the event has a message
	// Fields of user_submit_info's info, as Zalo names them (name, phone,
	// address, city, district, ward; newer forms: user_dob, gender and
	// full_address.user_address, .user_ward, .user_district, .user_city).
	Fields []Field
}

// EventID identifies an event for idempotency: Zalo retries an event it
// got no 200 for, with the same body. It is the message id when the event
// has one, else event name, user and timestamp joined by ":" (a user can't
// submit the same event twice in one millisecond).
func (z *Zalo) EventID() string {
	if z.MsgID != "" {
		return z.MsgID
	}
	return z.EventName + ":" + z.UserID + ":" + z.Timestamp
}

// ZaloEvent reads a Zalo OA webhook event. event_name and timestamp (digits)
// are required; info is read only for user_submit_info, and there it is
// required.
func ZaloEvent(body []byte) (*Zalo, error) {
	var all map[string]json.RawMessage
	if err := readJSON(body, "Zalo", &all); err != nil {
		return nil, err
	}
	var p domain.Problems
	z := &Zalo{Fields: []Field{}}
	ids(&p, "", all, idOf{"app_id", &z.AppID}, idOf{"oa_id", &z.OAID}, idOf{"timestamp", &z.Timestamp})
	var err error
	if z.EventName, err = text(all["event_name"]); err != nil || z.EventName == "" || len(z.EventName) > MaxIDBytes {
		p.Add("event_name", "required")
	} else if fault := domain.TextFault(z.EventName, false); fault != "" {
		p.Add("event_name", fault)
	}
	switch {
	case named(&p, "timestamp"):
	case z.Timestamp == "":
		p.Add("timestamp", "required")
	case !digits(z.Timestamp):
		p.Add("timestamp", "invalid_value")
	}
	var sender, recipient, follower, message map[string]json.RawMessage
	for _, o := range []struct {
		name string
		dst  *map[string]json.RawMessage
	}{{"sender", &sender}, {"recipient", &recipient}, {"follower", &follower}, {"message", &message}} {
		if raw, ok := all[o.name]; ok && string(raw) != "null" && json.Unmarshal(raw, o.dst) != nil {
			p.Add(o.name, "expected_object")
		}
	}
	var recipientID string
	ids(&p, "sender", sender, idOf{"id", &z.UserID})
	ids(&p, "recipient", recipient, idOf{"id", &recipientID})
	ids(&p, "message", message, idOf{"msg_id", &z.MsgID})
	if z.UserID == "" {
		ids(&p, "follower", follower, idOf{"id", &z.UserID})
	}
	if z.OAID == "" && strings.HasPrefix(z.EventName, "user_") {
		z.OAID = recipientID // a user's event goes to the OA
	}
	if z.EventName == "user_submit_info" {
		z.Fields = zaloInfo(&p, all["info"])
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return z, nil
}

// zaloInfo reads user_submit_info's info object, flattened as a JSON form
// is ("full_address.user_city").
func zaloInfo(p *domain.Problems, raw json.RawMessage) []Field {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		p.Add("info", "required")
		return []Field{}
	}
	c := newCollector()
	if flattenObject(raw, "", c) != nil {
		p.Add("info", "expected_object")
		return []Field{}
	}
	fields, err := c.result()
	mergeProblems(p, "info", err)
	return fields
}
