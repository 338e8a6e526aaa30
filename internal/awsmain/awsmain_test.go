package awsmain_test

import (
	"log/slog"
	"strings"
	"testing"

	"tend/internal/awsmain"
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
