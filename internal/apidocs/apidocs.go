// Package apidocs serves the API reference page: GET /docs renders the
// OpenAPI document (GET /v1/openapi.json) with Redoc, and GET
// /docs/redoc.standalone.js is Redoc itself. Both are public, as the
// document is. Only the api function and the local runner link this
// package (Wrap is handed to lambdafn.API by the api function's main), so
// the renderer's weight stays out of every other Lambda.
//
// The renderer is Redoc, pinned in package.json and package-lock.json: a
// well-kept renderer (Redocly's, MIT) whose standalone bundle is one file
// carrying everything it needs (no fonts, styles or scripts fetched from
// elsewhere, no telemetry, which Redoc 3 sends by default), that renders
// the whole document as one page, Markdown descriptions as sections of
// their own and the examples next to each operation.
//
// How the bundle reaches go:embed: the locked npm tarball is vendored as
// it is (assets/redoc-<version>.tgz), so that a fresh clone builds, vets
// and tests without npm, and a test can hold the file to the lock: its
// SHA-512 must be the lock's integrity for the locked version. `make
// docs-assets` refreshes it: npm ci from the lock, then npm pack of the
// locked version, checked against the lock. The bundle is read out of the
// tarball on the first request for it, not when the function starts.
package apidocs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sync"
)

// assets holds the vendored npm tarball of the renderer (one file).
//
//go:embed assets/redoc-*.tgz
var assets embed.FS

//go:embed page.html
var page []byte

// Script is the file name the page loads the renderer from.
const Script = "redoc.standalone.js"

// Routes are the page's routes, as the API function serves them (and API
// Gateway routes them to it, with no authorizer: see template.yaml).
var Routes = []string{"GET /docs", "GET /docs/{file}"}

// Wrap serves the reference page and its script, and everything else with
// api.
func Wrap(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(Routes[0], servePage)
	mux.HandleFunc(Routes[1], func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("file") != Script {
			api.ServeHTTP(w, r) // the API's own 404
			return
		}
		serveScript(w, r)
	})
	mux.Handle("/", api)
	return mux
}

// contentSecurity lets the page run only what it serves itself: the
// renderer may fetch nothing from elsewhere. Redoc styles its elements
// inline (styled-components) and runs its search in a worker made from a
// blob.
const contentSecurity = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; worker-src 'self' blob:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(page)
}

func serveScript(w http.ResponseWriter, r *http.Request) {
	b, err := bundle()
	if err != nil {
		http.Error(w, "the renderer is missing from this build", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}

// bundle is Redoc's standalone bundle, read once from the tarball.
var bundle = sync.OnceValues(func() ([]byte, error) {
	tgz, err := tarball()
	if err != nil {
		return nil, err
	}
	return fileInTarball(tgz, "package/bundles/"+Script)
})

// tarball returns the vendored tarball and its name.
func tarball() ([]byte, error) {
	names, err := fs.Glob(assets, "assets/redoc-*.tgz")
	if err != nil || len(names) != 1 {
		return nil, fmt.Errorf("apidocs: want one vendored renderer tarball, have %q (run make docs-assets)", names)
	}
	return assets.ReadFile(names[0])
}

// fileInTarball returns one file of a gzipped tarball.
func fileInTarball(tgz []byte, name string) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("apidocs: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("apidocs: no %s in the tarball", name)
		}
		if err != nil {
			return nil, fmt.Errorf("apidocs: %w", err)
		}
		if path.Clean(hdr.Name) == name {
			return io.ReadAll(tr)
		}
	}
}
