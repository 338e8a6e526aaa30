package awsmain_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"tend/internal/awsmain"
	"tend/internal/store"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		table, level string
		want         slog.Level
		err          string
	}{
		{"tend", "", slog.LevelInfo, ""},
		{"tend", "DEBUG", slog.LevelDebug, ""},
		{"tend", "warn", slog.LevelWarn, ""},
		{"tend", "LOUD", 0, "LOG_LEVEL"},
		{"", "INFO", 0, "TABLE_NAME"},
	}
	for _, tc := range tests {
		t.Run(tc.table+"/"+tc.level, func(t *testing.T) {
			t.Setenv("TABLE_NAME", tc.table)
			t.Setenv("LOG_LEVEL", tc.level)
			t.Setenv("JOBS_QUEUE_URL", "https://sqs.example/jobs")
			env, err := awsmain.FromEnv()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one naming %s", err, tc.err)
				}
				return
			}
			if err != nil || env.Table != tc.table || env.JobsQueueURL != "https://sqs.example/jobs" {
				t.Fatalf("FromEnv = %+v, %v", env, err)
			}
			if !env.Log.Enabled(t.Context(), tc.want) || (tc.want > slog.LevelDebug && env.Log.Enabled(t.Context(), tc.want-1)) {
				t.Fatalf("logger not at %v", tc.want)
			}
		})
	}
}

// With TEND_AWS_ENDPOINT set (sam local, over moto_server), the clients
// call that endpoint instead of AWS: a read of the table reaches it.
func TestConnectCallsTheAWSEndpoint(t *testing.T) {
	var mu sync.Mutex
	var targets []string
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		targets = append(targets, r.Header.Get("X-Amz-Target"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{}`)) // GetItem: no such item
	}))
	defer local.Close()
	for k, v := range map[string]string{"TABLE_NAME": "tend", "TEND_AWS_ENDPOINT": local.URL, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_ENDPOINT_URL": "", "AWS_PROFILE": ""} {
		t.Setenv(k, v)
	}
	env, err := awsmain.FromEnv()
	if err != nil || env.AWSEndpoint != local.URL {
		t.Fatalf("FromEnv = %+v, %v; want AWSEndpoint %s", env, err, local.URL)
	}
	svc, err := awsmain.Connect(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Store.Get(t.Context(), store.Key{PK: "WS#1", SK: "WS"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get = %v, want store.ErrNotFound from the local endpoint", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(targets) != 1 || targets[0] != "DynamoDB_20120810.GetItem" {
		t.Fatalf("the local endpoint saw %q, want one GetItem", targets)
	}
}
