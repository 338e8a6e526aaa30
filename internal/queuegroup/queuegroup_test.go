package queuegroup_test

import (
	"context"
	"testing"

	"tend/internal/queuegroup"
)

func TestWithFrom(t *testing.T) {
	bg := context.Background()
	tests := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"none", bg, ""},
		{"set", queuegroup.With(bg, "ws_a"), "ws_a"},
		{"the inner one wins", queuegroup.With(queuegroup.With(bg, "ws_a"), "ws_b"), "ws_b"},
		{"empty clears", queuegroup.With(queuegroup.With(bg, "ws_a"), ""), ""},
		{"empty on none", queuegroup.With(bg, ""), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := queuegroup.From(tt.ctx); got != tt.want {
				t.Errorf("From = %q, want %q", got, tt.want)
			}
		})
	}
}
