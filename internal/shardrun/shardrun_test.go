package shardrun_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/tendtest"
)

// sent records the jobs sent, standing in for the queue.
type sent struct{ jobs []shardrun.Job }

func (s *sent) Send(_ context.Context, body []byte, _ time.Duration) error {
	var j shardrun.Job
	if err := json.Unmarshal(body, &j); err != nil {
		return err
	}
	s.jobs = append(s.jobs, j)
	return nil
}

func (s *sent) shards() []int {
	var out []int
	for _, j := range s.jobs {
		out = append(out, j.Shard)
	}
	s.jobs = nil
	return out
}

type record struct {
	shardrun.Header
	N int `json:"n"`
}

func (r *record) Shards() int { return r.N }

type counted struct {
	shardrun.Progress
	Seen int `json:"seen"`
}

func setUp(t *testing.T) (*shardrun.Runs, *sent, store.Store) {
	db := tendtest.Store(t, tendtest.NewClock(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)))
	q := &sent{}
	runs := &shardrun.Runs{Kind: "test_run", Store: db, Jobs: q, ItemType: "test_job", OpenPK: "TEST#OPEN",
		PK:   func(tenant, run string) string { return "T#" + tenant + "#TJOB#" + run },
		Open: shardrun.OpenAs[record]}
	return runs, q, db
}

// A run's shards that stop moving for StallAfter get their jobs again,
// once per StallAfter; finished shards and runs don't.
func TestResendStalled(t *testing.T) {
	runs, q, db := setUp(t)
	ctx := t.Context()
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	rec := &record{Header: shardrun.Header{ID: "r1", Tenant: "w", CreatedAt: t0, SentAt: t0}, N: 3}
	if err := db.Transact(ctx, runs.Start(rec, t0)); err != nil {
		t.Fatal(err)
	}
	if err := runs.SendJobs(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if got := q.shards(); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("started with jobs for shards %v", got)
	}
	// Shard 0 finishes, shard 1 moves a little later, shard 2 never starts.
	for shard, at := range map[int]time.Time{0: t0.Add(time.Minute), 1: t0.Add(5 * time.Minute)} {
		cp := &counted{}
		v, err := runs.Checkpoint(ctx, "w", "r1", shard, cp)
		if err != nil {
			t.Fatal(err)
		}
		cp.Done, cp.UpdatedAt, cp.Seen = shard == 0, at, 7
		if err := runs.SaveCheckpoint(ctx, shardrun.Job{Tenant: "w", Run: "r1", Shard: shard}, cp, v); err != nil {
			t.Fatal(err)
		}
		if err := runs.SaveCheckpoint(ctx, shardrun.Job{Tenant: "w", Run: "r1", Shard: shard}, cp, v); !errors.Is(err, store.ErrConditionFailed) {
			t.Fatalf("a second save over the same version: %v", err)
		}
	}
	for _, step := range []struct {
		at   time.Duration
		want []int
	}{
		{9 * time.Minute, nil},              // nothing has stalled for 10 minutes yet
		{12 * time.Minute, []int{2}},        // shard 2 never moved; shard 1 moved at 5
		{13 * time.Minute, nil},             // sent again a minute ago
		{23 * time.Minute, []int{1, 2}},     // both stalled, 10 minutes after the last resend
		{23*time.Minute + time.Second, nil}, // the run records the resend
		{40 * time.Minute, []int{1, 2}},     // and again later
		{40*time.Minute + time.Second, nil}, // …once
		{50*time.Minute + time.Second, []int{1, 2}},
	} {
		if err := runs.ResendStalled(ctx, t0.Add(step.at)); err != nil {
			t.Fatal(err)
		}
		if got := q.shards(); !slices.Equal(got, step.want) {
			t.Fatalf("at +%v: resent shards %v, want %v", step.at, got, step.want)
		}
	}
}

// A run finishes once every shard is done: AllDone hands each checkpoint
// over, Finish closes the run, and a finish over a stale version writes
// nothing.
func TestFinish(t *testing.T) {
	runs, q, db := setUp(t)
	ctx := t.Context()
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	rec := &record{Header: shardrun.Header{ID: "r2", Tenant: "w", SentAt: t0}, N: 2}
	if err := db.Transact(ctx, runs.Start(rec, t0)); err != nil {
		t.Fatal(err)
	}
	if err := db.Transact(ctx, runs.Start(rec, t0)); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("starting the same run twice: %v", err)
	}
	seen := 0
	count := func(cp *counted) { seen += cp.Seen }
	for shard := range 2 {
		all, err := shardrun.AllDone(ctx, runs, rec, count)
		if err != nil || all {
			t.Fatalf("with %d of 2 shards done: all done %v, %v", shard, all, err)
		}
		cp := &counted{}
		v, err := runs.Checkpoint(ctx, "w", "r2", shard, cp)
		if err != nil {
			t.Fatal(err)
		}
		cp.Done, cp.Seen = true, 10+shard
		if err := runs.SaveCheckpoint(ctx, shardrun.Job{Tenant: "w", Run: "r2", Shard: shard}, cp, v); err != nil {
			t.Fatal(err)
		}
	}
	seen = 0
	all, err := shardrun.AllDone(ctx, runs, rec, count)
	if err != nil || !all || seen != 21 {
		t.Fatalf("all done %v (%v), counted %d, want 21", all, err, seen)
	}
	got, version, err := runs.Record(ctx, "w", "r2")
	if err != nil || got.Head().Done {
		t.Fatalf("record before finishing: %+v, %v", got, err)
	}
	totals := store.TxPut(store.Item{Key: store.Key{PK: "T#w#TOTALS", SK: "r2"}, Type: "test_total", Version: 1}, store.NotExist)
	if done, err := runs.Finish(ctx, got, version, totals); !done || err != nil {
		t.Fatalf("finish: %v, %v", done, err)
	}
	if done, err := runs.Finish(ctx, got, version, totals); done || err != nil {
		t.Fatalf("a second finish over the same version: %v, %v", done, err)
	}
	if got, _, err := runs.Record(ctx, "w", "r2"); err != nil || !got.Head().Done {
		t.Fatalf("record after finishing: %+v, %v", got, err)
	}
	// A finished run is no longer open: nothing of it is sent again.
	if err := runs.ResendStalled(ctx, t0.Add(time.Hour)); err != nil || len(q.shards()) != 0 {
		t.Fatalf("a finished run was resent (%v)", err)
	}
}

func TestJobs(t *testing.T) {
	runs, _, _ := setUp(t)
	body, _ := json.Marshal(shardrun.Job{Kind: "test_run", Tenant: "w", Run: "r", Shard: 3})
	if j, err := runs.ParseJob(body); err != nil || j.Shard != 3 || shardrun.KindOf(body) != "test_run" {
		t.Fatalf("ParseJob = %+v, %v", j, err)
	}
	for _, bad := range []string{`{"kind":"other"}`, `not json`} {
		if _, err := runs.ParseJob([]byte(bad)); err == nil {
			t.Fatalf("ParseJob(%s) accepted", bad)
		}
	}
	if shardrun.KindOf([]byte(`[`)) != "" {
		t.Fatal("KindOf of a broken message")
	}
}

// A job works its shard page by page from its checkpoint; near its
// deadline it saves where it is, sends itself again and stops, and the new
// delivery goes on from there to the end, finishing the run once.
func TestRunJobResendsBeforeItsDeadline(t *testing.T) {
	runs, q, db := setUp(t)
	ctx := t.Context()
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	rec := &record{Header: shardrun.Header{ID: "r1", Tenant: "w", CreatedAt: t0, SentAt: t0}, N: 1}
	if err := db.Transact(ctx, runs.Start(rec, t0)); err != nil {
		t.Fatal(err)
	}
	next := map[string]string{"": "p1", "p1": "p2", "p2": "p3", "p3": ""} // the cursor after each page
	var visited []string
	finished := 0
	left := time.Hour
	kind := shardrun.Kind[*counted]{
		Begin: func(context.Context, shardrun.Record, *counted) (shardrun.Pass[*counted], error) {
			return func(_ context.Context, cp *counted, cursor string) (string, error) {
				visited = append(visited, cursor)
				cp.Seen++
				if next[cursor] == "p2" {
					left = time.Second // the deadline comes near during the second page
				}
				return next[cursor], nil
			}, nil
		},
		Finish: func(context.Context, shardrun.Record, int64) error { finished++; return nil },
		Now:    func() time.Time { return t0 },
		Left:   func(context.Context) time.Duration { return left },
	}
	job := shardrun.Job{Kind: "test_run", Tenant: "w", Run: "r1", Shard: 0}
	if err := shardrun.RunJob[counted](ctx, runs, job, kind); err != nil {
		t.Fatal(err)
	}
	if got := q.shards(); !slices.Equal(visited, []string{"", "p1"}) || !slices.Equal(got, []int{0}) || finished != 0 {
		t.Fatalf("first delivery read pages after %q, resent %v, finished %d; want two pages, itself resent", visited, got, finished)
	}
	left = time.Hour
	if err := shardrun.RunJob[counted](ctx, runs, job, kind); err != nil {
		t.Fatal(err)
	}
	cp := &counted{}
	if _, err := runs.Checkpoint(ctx, "w", "r1", 0, cp); err != nil || !cp.Done || cp.Seen != 4 {
		t.Fatalf("checkpoint %+v, %v", cp, err)
	}
	if !slices.Equal(visited, []string{"", "p1", "p2", "p3"}) || finished != 1 || len(q.shards()) != 0 {
		t.Fatalf("read pages after %q, finished %d times", visited, finished)
	}
}
