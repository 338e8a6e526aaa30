// Command testreport reads `go test -json` on stdin and prints a short
// report: one line per package, every conformance subtest of the store
// adapters, and every skipped or failed test. It exits non-zero when a
// test failed, or when one was skipped and CI=true: in CI nothing may be
// quietly left out.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string  `json:"Action"`
	Package string  `json:"Package"`
	Test    string  `json:"Test"`
	Elapsed float64 `json:"Elapsed"`
	Output  string  `json:"Output"`
}

func main() {
	code, err := report(os.Stdin, os.Stdout, os.Getenv("CI") == "true")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func report(in io.Reader, out io.Writer, ci bool) (int, error) {
	var failed, skipped, conformance []string
	packages := map[string]string{}
	outputs := map[string][]string{} // test → its output, printed when it fails
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not JSON: a build error printed by go test. Pass it through.
			fmt.Fprintln(out, sc.Text())
			continue
		}
		id := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			if e.Test != "" {
				outputs[id] = append(outputs[id], e.Output)
			} else if strings.HasPrefix(e.Output, "FAIL") || strings.Contains(e.Output, "[build failed]") || strings.Contains(e.Output, "panic:") {
				outputs[id] = append(outputs[id], e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				packages[e.Package] = fmt.Sprintf("%-4s %s (%.1fs)", strings.ToUpper(e.Action), e.Package, e.Elapsed)
				if e.Action == "fail" {
					failed = append(failed, id)
				}
				continue
			}
			if strings.HasPrefix(e.Test, "TestConformance/") && strings.Count(e.Test, "/") == 1 {
				conformance = append(conformance, fmt.Sprintf("%-4s %s %s", strings.ToUpper(e.Action), short(e.Package), e.Test))
			}
			switch e.Action {
			case "fail":
				failed = append(failed, id)
			case "skip":
				skipped = append(skipped, id)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 2, err
	}
	names := make([]string, 0, len(packages))
	for p := range packages {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		fmt.Fprintln(out, packages[p])
	}
	if len(conformance) > 0 {
		fmt.Fprintln(out, "\nStore conformance suite:")
		sort.Strings(conformance)
		for _, c := range conformance {
			fmt.Fprintln(out, "  "+c)
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(out, "SKIP %s\n%s", s, strings.Join(outputs[s], ""))
	}
	for _, f := range failed {
		fmt.Fprintf(out, "\nFAIL %s\n%s", f, strings.Join(outputs[f], ""))
	}
	fmt.Fprintf(out, "\n%d packages, %d failed, %d skipped tests\n", len(packages), len(failed), len(skipped))
	switch {
	case len(failed) > 0:
		return 1, nil
	case len(skipped) > 0 && ci:
		fmt.Fprintln(out, "CI=true: skipped tests are not allowed")
		return 1, nil
	}
	return 0, nil
}

func short(pkg string) string { return pkg[strings.LastIndex(pkg, "/")+1:] }
