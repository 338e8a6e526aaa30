// Command local runs all of Tend in one process over an embedded SQLite
// file: the API on http://localhost:8080 and, in the background, the work
// Lambda does in AWS. It creates a demo workspace on first start.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // zones without the host's tz database

	"tend/internal/localrun"
)

func main() {
	addr := flag.String("addr", envOr("TEND_ADDR", "localhost:8080"), "address to listen on")
	data := flag.String("data", envOr("TEND_DATA_DIR", ".tend"), "directory for the SQLite file")
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(*addr, *data, log); err != nil {
		log.Error("tend stopped", "err", err)
		os.Exit(1)
	}
}

func run(addr, data string, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app, err := localrun.Open(ctx, localrun.Config{DataDir: data, JWTSecret: []byte(os.Getenv("TEND_JWT_SECRET")), Demo: true, Log: log,
		FacebookGraphURL: os.Getenv("TEND_FACEBOOK_GRAPH_URL"), PublicURL: envOr("TEND_PUBLIC_URL", baseURL(addr))})
	if err != nil {
		return err
	}
	defer app.Close()
	srv := &http.Server{Addr: addr, Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	go app.Run(ctx, time.Second)
	if err := banner(ctx, app, addr, data); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(os.Stderr, "\nTend: shutting down…")
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func banner(ctx context.Context, app *localrun.App, addr, data string) error {
	demo, err := app.DemoInfo(ctx)
	if err != nil {
		return err
	}
	token := app.Token(demo.AdminID)
	fmt.Printf(`
Tend is running on http://%[1]s  (data in %[2]s; Ctrl-C stops it, the data stays)

Demo workspace %[3]s — admin token (valid 30 days):

  export TOKEN=%[4]s

Try:

  curl -s http://%[1]s/v1/me -H "Authorization: Bearer $TOKEN"
  curl -s "http://%[1]s/v1/customers?q=nguyen" -H "Authorization: Bearer $TOKEN"

More in README.md. Another user's token: curl -s -X POST http://%[1]s/dev/token -d '{"user_id":"<id>"}'
`, addr, data, demo.TenantID, token)
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// baseURL is the runner's address as a browser reaches it (the files
// store's links start with it) when TEND_PUBLIC_URL doesn't say.
func baseURL(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "http://localhost" + addr
	}
	return "http://" + addr
}
