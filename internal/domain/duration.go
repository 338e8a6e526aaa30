package domain

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// Duration is a time.Duration written as a Go-style string in JSON
// ("90s", "15m", "48h").
type Duration time.Duration

func (d Duration) String() string {
	s := time.Duration(d).String()
	// "48h0m0s" reads better as "48h", "15m0s" as "15m".
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return typeError(b, reflect.TypeFor[Duration]())
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return typeError(b, reflect.TypeFor[Duration]())
	}
	*d = Duration(v)
	return nil
}
