// Package localrun is the local stand-in for AWS: one process running every
// function's domain code over an embedded SQLite file, with in-process
// equivalents of the stream (the change feed), the queues, the scheduler
// and SES/SNS (an outbox), driven by a clock that tests can set. It is how
// a newcomer runs Tend and how the end-to-end tests run; it is never
// deployed.
package localrun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"tend/internal/apidocs"
	"tend/internal/changes"
	"tend/internal/domain"
	"tend/internal/httpapi"
	"tend/internal/localfiles"
	"tend/internal/localqueue"
	"tend/internal/localseal"
	"tend/internal/notify"
	"tend/internal/recordpdf"
	"tend/internal/services"
	"tend/internal/sqlite"
	"tend/internal/store"
	"tend/internal/webapi"
)

// Config configures the runner.
type Config struct {
	// DataDir holds the SQLite file (and the generated token secret).
	DataDir string
	// JWTSecret signs and checks tokens; when empty, a secret is generated
	// once and kept in DataDir, so tokens survive restarts.
	JWTSecret []byte
	// Demo creates the demo workspace on first start.
	Demo bool
	Log  *slog.Logger
	// WrapStore, when set, wraps the store the services work on: tests
	// inject faults there (package faultstore), as a crash would.
	WrapStore func(store.Store) store.Store
	// FacebookGraphURL is where Facebook leads are read from: the Graph
	// API when empty, a local fake in tests (TEND_FACEBOOK_GRAPH_URL for
	// make run).
	FacebookGraphURL string
	// FacebookGraphTimeout bounds one call to it (default 5 s).
	FacebookGraphTimeout time.Duration
	// PublicURL is the runner's address as clients reach it, which the
	// links of its files store start with (default http://localhost:8080).
	PublicURL string
	// CampaignExportMaxSync, when set, is the most members whose campaign
	// export is answered at once (campaign.ExportMaxSync otherwise):
	// tests lower it to make the export a job.
	CampaignExportMaxSync int
}

// Drainer is background work that /dev/drain runs to completion: it does
// what it can and says how much it did.
type Drainer interface {
	Drain(ctx context.Context) (int, error)
}

// App is the running system: the services, wired as in AWS, over the
// local stand-ins.
type App struct {
	*services.Services
	DB     *sqlite.DB
	Clock  *Clock
	API    *httpapi.API
	Auth   httpapi.HS256
	Outbox *Outbox
	Log    *slog.Logger
	// Jobs is the local jobs queue (SQS in AWS).
	Jobs *localqueue.Queue
	// DistQueue is the local distribution queue (SQS in AWS).
	DistQueue *localqueue.Queue
	// NotifyQueue is the local notifications queue (SQS in AWS) and
	// NotifyDead its dead-letter queue, which nothing drains: failed
	// messages stay there to be looked at.
	NotifyQueue *localqueue.Queue
	NotifyDead  *localqueue.Queue
	// IntakeQueue is the local intake queue (SQS in AWS): the leads the
	// webhooks held.
	IntakeQueue *localqueue.Queue
	// Files keeps the imports' and exports' files under DataDir/files
	// (the S3 bucket in AWS), served by signed links under /dev/files/.
	Files *localfiles.Store

	feed     *feedConsumer
	drainers []Drainer
	drainMu  sync.Mutex
	handler  http.Handler
}

// Open starts the system over the data directory.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("localrun: data directory: %w", err)
	}
	secret := cfg.JWTSecret
	if len(secret) == 0 {
		var err error
		if secret, err = loadSecret(filepath.Join(cfg.DataDir, "jwt-secret")); err != nil {
			return nil, err
		}
	}
	clock := &Clock{}
	db, err := sqlite.Open(filepath.Join(cfg.DataDir, "tend.db"), clock, sqlite.Options{FeedTypes: changes.Types})
	if err != nil {
		return nil, err
	}
	a := &App{DB: db, Clock: clock, Log: cfg.Log, Outbox: &Outbox{st: db, clock: clock}}
	// Drains run one at a time (drainMu): the queues need no leases.
	a.Jobs = localqueue.New(db, clock, "jobs", localqueue.Options{SingleConsumer: true, Workers: 4})
	// As the template's redrive policy: ten attempts before a dead letter.
	a.DistQueue = localqueue.New(db, clock, "distribution", localqueue.Options{MaxAttempts: 10, SingleConsumer: true, Workers: 4})
	a.NotifyQueue = localqueue.New(db, clock, "notifications", localqueue.Options{MaxAttempts: 5, SingleConsumer: true, Workers: 4})
	a.NotifyDead = localqueue.New(db, clock, "notifications-dlq", localqueue.Options{})
	a.IntakeQueue = localqueue.New(db, clock, "intake", localqueue.Options{MaxAttempts: 10, SingleConsumer: true, Workers: 4})
	sealer, err := localseal.Open(filepath.Join(cfg.DataDir, "lead-secrets.key"))
	if err != nil {
		db.Close()
		return nil, err
	}
	var st store.Store = db
	if cfg.WrapStore != nil {
		st = cfg.WrapStore(db)
	}
	a.Services = services.BuildWith(st,
		services.Queues{Jobs: a.Jobs, Distribution: a.DistQueue, Notifications: a.NotifyQueue, NotificationsDLQ: a.NotifyDead, Intake: a.IntakeQueue},
		services.Senders{Mailer: a.Outbox, Texter: a.Outbox, From: LocalSender, Printer: printer}, clock, cfg.Log)
	a.Leads.Sealer, a.Leads.Graph = sealer, services.Graph(cfg.FacebookGraphURL, cfg.FacebookGraphTimeout)
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:8080"
	}
	if a.Files, err = localfiles.Open(filepath.Join(cfg.DataDir, "files"), cfg.PublicURL, clock); err != nil {
		db.Close()
		return nil, err
	}
	a.Imports.Files = a.Files
	a.Exports.Files = a.Files
	a.Campaigns.ExportMaxSync = cfg.CampaignExportMaxSync
	// Tokens live in real time, not on the runner's clock: a session is
	// the person at the keyboard, and moving the clock to try a rule or a
	// care flow must not log them out (nor make an old token valid again).
	a.Auth = httpapi.HS256{Secret: secret, Clock: domain.SystemClock{}}
	// Locally anyone signed in may open a workspace: tokens are the runner's own.
	a.API = webapi.Full(a.Services, a.Auth, httpapi.WorkspaceCreation{Open: true})
	ticker := a.Ticker
	a.feed = &feedConsumer{db: db, handlers: []ChangeHandler{routed{a.Changes}}}
	// The order of a drain round: the stream (feed), the scheduler's tick,
	// then the queued jobs, distributions and notifications; rounds
	// repeat until nothing moves.
	a.drainers = []Drainer{a.feed, tick{ticker}, queueDrainer{q: a.Jobs, handle: ticker.HandleJob},
		queueDrainer{q: a.IntakeQueue, handle: a.Leads.Take},
		queueDrainer{q: a.DistQueue, handle: a.Distribution.HandleMessage, batch: a.Distribution.HandleBatch},
		queueDrainer{q: a.NotifyQueue, handle: a.Notify.HandleMessage}, &expirySweeper{db: db}}
	mux := http.NewServeMux()
	a.routesDev(mux)
	// The API reference page as the api function serves it.
	mux.Handle("/", apidocs.Wrap(a.API))
	a.handler = mux
	if cfg.Demo {
		if err := a.ensureDemo(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("localrun: demo workspace: %w", err)
		}
	}
	return a, nil
}

// printer prints records as PDFs for the emails that attach them.
func printer(clock domain.Clock, orgs notify.Orgs, customers notify.Customers) notify.Printer {
	return recordpdf.New(clock, orgs, customers)
}

// LocalSender is the sender of the runner's emails (the SES identity in
// AWS).
const LocalSender = "Tend <no-reply@tend.local>"

// Handler serves the API and the /dev helpers.
func (a *App) Handler() http.Handler { return a.handler }

// OnChanges adds a consumer of the change feed.
func (a *App) OnChanges(h ChangeHandler) { a.feed.handlers = append(a.feed.handlers, h) }

// AddDrainer adds background work that /dev/drain runs.
func (a *App) AddDrainer(d Drainer) { a.drainers = append(a.drainers, d) }

// Drain runs every drainer until none has anything left to do, and
// returns how much was done. The scheduler's tick runs when everything
// else has settled, not every round: it reads every shard of the
// workspaces' shared schedules (hundreds of small queries) and, the clock
// standing still during a drain, finds the same work whenever it runs
// within it; anything it starts is drained in the rounds after it, and
// the drain ends only on a tick that found nothing.
func (a *App) Drain(ctx context.Context) (int, error) {
	a.drainMu.Lock()
	defer a.drainMu.Unlock()
	total := 0
	for round := 0; round < 1000; round++ {
		did, err := a.drainOnce(ctx, notTick)
		if err != nil {
			return total, err
		}
		if did == 0 {
			// Settled: tick, and drain what it queued (which it may not
			// count, as when it starts a run) before deciding.
			ticked, err := a.drainOnce(ctx, isTick)
			if err != nil {
				return total, err
			}
			after, err := a.drainOnce(ctx, notTick)
			if err != nil {
				return total, err
			}
			did = ticked + after
		}
		total += did
		if did == 0 {
			return total, nil
		}
	}
	return total, errors.New("localrun: drain did not settle after 1000 rounds")
}

func isTick(d Drainer) bool  { _, ok := d.(tick); return ok }
func notTick(d Drainer) bool { return !isTick(d) }

// drainOnce runs each drainer that which picks once, and returns how much
// they did.
func (a *App) drainOnce(ctx context.Context, which func(Drainer) bool) (int, error) {
	did := 0
	for _, d := range slices.Clone(a.drainers) {
		if !which(d) {
			continue
		}
		n, err := d.Drain(ctx)
		if err != nil {
			return did, err
		}
		did += n
	}
	return did, nil
}

// Step does one step of the background work: the stream (the feed) to
// its end, then one message of each queue (the next group's in turn), and
// says how much it did. The scheduler's tick is left to Drain. Tests step
// to watch the order in which the queues serve workspaces.
func (a *App) Step(ctx context.Context) (int, error) {
	a.drainMu.Lock()
	defer a.drainMu.Unlock()
	did, err := a.feed.Drain(ctx)
	if err != nil {
		return did, err
	}
	for _, d := range a.drainers {
		q, ok := d.(queueDrainer)
		if !ok {
			continue
		}
		had, err := q.q.HandleOne(ctx, q.handle)
		if err != nil {
			return did, err
		}
		if had {
			did++
		}
	}
	return did, nil
}

// Run drains in the background every interval until ctx ends, as Lambda
// would process the stream and queues.
func (a *App) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.Drain(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("background drain", "err", err)
			}
		}
	}
}

// Close stops the system.
func (a *App) Close() error { return a.DB.Close() }

// Token signs a token for a user.
func (a *App) Token(userID string) string { return a.Auth.Sign(userID, 30*24*time.Hour) }

func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	secret := hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("localrun: keep token secret: %w", err)
	}
	return []byte(secret), nil
}

// expirySweeper removes expired items, as DynamoDB's TTL does.
type expirySweeper struct{ db *sqlite.DB }

func (e *expirySweeper) Drain(ctx context.Context) (int, error) {
	_, err := e.db.PurgeExpired(ctx, 1000)
	// Removing expired items is housekeeping, not work that makes more
	// work: it never keeps a drain going.
	return 0, err
}

func isCondition(err error) bool { return errors.Is(err, store.ErrConditionFailed) }
