package localqueue_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"tend/internal/localqueue"
	"tend/internal/queuegroup"
)

// sent is a message a test sends: its body, the group it is sent in ("" for
// none) and its delay.
type sent struct {
	group, body string
	delay       time.Duration
}

// burst is n messages of a group, named <group><i>.
func burst(group string, n int) []sent {
	out := make([]sent, n)
	for i := range out {
		out[i] = sent{group: group, body: fmt.Sprintf("%s%d", group, i)}
	}
	return out
}

// The queue serves its groups in turn: one group's backlog does not delay
// another's messages, whether the queue is stepped through (HandleOne) or
// drained (Drain, by one worker so that the order is the queue's).
func TestGroupsServedInTurn(t *testing.T) {
	tests := []struct {
		name  string
		sends []sent
		want  []string // the first messages handled, in order
	}{
		{"a backlog and a late group", append(burst("a", 50), burst("b", 3)...),
			[]string{"a0", "b0", "a1", "b1", "a2", "b2", "a3", "a4"}},
		{"three groups and no group", append(append(burst("a", 20), burst("", 2)...), append(burst("c", 2), burst("b", 2)...)...),
			[]string{"a0", "b0", "c0", "0", "a1", "b1", "c1", "1", "a2", "a3"}},
		{"a group with nothing visible waits its turn out", append(burst("a", 5), sent{group: "b", body: "later", delay: time.Minute}, sent{group: "c", body: "c0"}),
			[]string{"a0", "c0", "a1", "a2", "a3", "a4"}},
	}
	steppers := map[string]func(t *testing.T, q *localqueue.Queue, handle func(context.Context, []byte) error){
		"HandleOne": func(t *testing.T, q *localqueue.Queue, handle func(context.Context, []byte) error) {
			for {
				had, err := q.HandleOne(t.Context(), handle)
				if err != nil {
					t.Fatal(err)
				}
				if !had {
					return
				}
			}
		},
		"Drain": func(t *testing.T, q *localqueue.Queue, handle func(context.Context, []byte) error) {
			if _, err := q.Drain(t.Context(), handle); err != nil {
				t.Fatal(err)
			}
		},
	}
	for _, tt := range tests {
		for name, step := range steppers {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				q, _ := newQueue(t, localqueue.Options{Workers: 1, SingleConsumer: name == "Drain"})
				for _, m := range tt.sends {
					if err := q.Send(queuegroup.With(t.Context(), m.group), []byte(m.body), m.delay); err != nil {
						t.Fatal(err)
					}
				}
				var got []string
				step(t, q, func(_ context.Context, b []byte) error {
					got = append(got, string(b))
					return nil
				})
				if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
					t.Fatalf("handled %v, want it to start %v", got, tt.want)
				}
				delayed := 0
				for _, m := range tt.sends {
					if m.delay > 0 {
						delayed++
					}
				}
				if len(got) != len(tt.sends)-delayed {
					t.Fatalf("handled %d messages, want %d", len(got), len(tt.sends)-delayed)
				}
			})
		}
	}
}

// A message's handling runs in its group, through retries too; a message
// that fails every attempt is a dead letter of its group; Waiting and Len
// see every group's messages.
func TestGroupKeptThroughRetriesAndDeadLetters(t *testing.T) {
	q, clock := newQueue(t, localqueue.Options{MaxAttempts: 2, Backoff: func(int) time.Duration { return time.Second }})
	ctx := t.Context()
	for _, m := range []sent{{"ws_a", "flaky", 0}, {"ws_b", "poison", 0}, {"", "plain", 0}, {"ws_a", "later", time.Hour}} {
		if err := q.Send(queuegroup.With(ctx, m.group), []byte(m.body), m.delay); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := q.Len(ctx); err != nil || n != 4 {
		t.Fatalf("Len = %d, %v; want 4", n, err)
	}
	if w, err := q.Waiting(ctx); err != nil || len(w) != 4 {
		t.Fatalf("Waiting = %q, %v; want the 4 messages", w, err)
	}
	byGroup, err := q.WaitingByGroup(ctx)
	if want := `map[:[plain] ws_a:[flaky later] ws_b:[poison]]`; err != nil || fmt.Sprintf("%s", byGroup) != want {
		t.Fatalf("WaitingByGroup = %s, %v; want %s", byGroup, err, want)
	}
	groups := map[string][]string{} // body → the group of each attempt
	calls := map[string]int{}
	handle := func(ctx context.Context, b []byte) error {
		body := string(b)
		groups[body] = append(groups[body], queuegroup.From(ctx))
		calls[body]++
		if body == "poison" || (body == "flaky" && calls[body] == 1) {
			return errors.New("boom")
		}
		return nil
	}
	for range 3 {
		if _, err := q.Drain(ctx, handle); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second)
	}
	want := map[string][]string{"flaky": {"ws_a", "ws_a"}, "poison": {"ws_b", "ws_b"}, "plain": {""}}
	if fmt.Sprint(groups) != fmt.Sprint(want) {
		t.Errorf("groups the handling ran in = %v, want %v", groups, want)
	}
	dl, err := q.DeadLetters(ctx)
	if err != nil || len(dl) != 1 || string(dl[0].Body) != "poison" || dl[0].Group != "ws_b" || dl[0].Attempts != 2 {
		t.Fatalf("dead letters = %+v, %v; want poison of ws_b after 2 attempts", dl, err)
	}
	if w, _ := q.Waiting(ctx); len(w) != 1 || string(w[0]) != "later" {
		t.Fatalf("waiting %q, want [later]", w)
	}
}
