// Command benchlists is `make bench-lists`: it builds (or finds cached) a
// workspace of a million customers in a SQLite file and prints, for each
// kind of list request, one line
//
//	list <kind> p50-ms <x> p99-ms <y> requests <n> read-units <r>
//
// requests: the most requests one answer took (a full first page, or
// every match); read-units: what one answer cost in DynamoDB read units,
// as the heat meter charges them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"tend/internal/benchlists"
)

func main() {
	n := flag.Int("n", 1_000_000, "customers in the workspace")
	dir := flag.String("dir", ".tend-bench", "where the data set is cached")
	repeat := flag.Int("repeat", 30, "answers timed per kind of request")
	buildOnly := flag.Bool("build-only", false, "build (or find) the data set, measure nothing")
	maxPerKind := flag.Duration("max-per-kind", 20*time.Second, "time after which a kind stops repeating (3 answers at least)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	d, err := benchlists.Open(ctx, *dir, *n, logf)
	if err == nil && !*buildOnly {
		_, err = benchlists.Run(ctx, d, benchlists.Options{Repeat: *repeat, MaxPerKind: *maxPerKind, Out: os.Stdout})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-lists:", err)
		os.Exit(1)
	}
}
