package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tend/internal/domain"
	"tend/internal/workspace"
)

// list is the answer of every list, paged or not. It is the one place a
// list is written: its items are [] when there are none, never null
// (clients map over them).
type list[T any] struct {
	Items      []T
	NextCursor string
	Partial    bool // customer lists and lookups: the time budget ran out
}

func (l list[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Items      []T    `json:"items"`
		NextCursor string `json:"next_cursor"`
		Partial    bool   `json:"partial,omitempty"`
	}{nonNil(l.Items), l.NextCursor, l.Partial})
}

// pageParams reads a paged list's ?limit= and ?cursor=; the cursor must be
// one this list gave for this query (see sealCursor).
func pageParams(r *http.Request, c *workspace.Caller) (limit int, cursor string, err error) {
	limit, err = limitParam(r)
	if err != nil {
		return 0, "", err
	}
	cursor, err = unsealCursor(r, c, r.URL.Query().Get("cursor"))
	return limit, cursor, err
}

// writePage answers a page of a list, or the error; its next cursor is
// sealed to the request's query.
func writePage[T any](w http.ResponseWriter, r *http.Request, c *workspace.Caller, page *domain.Page[T], err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[T]{Items: page.Items, NextCursor: sealCursor(r, c, page.NextCursor), Partial: page.Partial})
}

// A list layer's cursor says where a page ended, not what was asked: the
// same cursor brought back with another sort, text, filter, list, user or
// workspace would silently give a wrong page. So every next_cursor goes
// out behind a stamp of the query it continues, and a cursor whose stamp
// does not match the request is refused. The page size is not part of
// the query: a client may change it between pages.

// cursorStamp is a short hash of the caller (workspace and user), the
// route and path, and the query parameters other than cursor and limit,
// canonicalised: in key order, parameters with no value left out.
func cursorStamp(r *http.Request, c *workspace.Caller) string {
	h := sha256.New()
	part(h, c.Tenant())
	part(h, c.User.ID)
	part(h, r.Pattern)
	part(h, r.URL.Path)
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k, vs := range q {
		if k != "cursor" && k != "limit" && slices.ContainsFunc(vs, func(v string) bool { return v != "" }) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		part(h, k)
		part(h, strconv.Itoa(len(q[k])))
		for _, v := range q[k] {
			part(h, v)
		}
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

// part writes s to h with its length first, so that no two sequences of
// parts hash alike.
func part(h hash.Hash, s string) {
	h.Write([]byte(strconv.Itoa(len(s)) + ":" + s))
}

// sealCursor puts the request's stamp before a list layer's cursor ("" is
// the last page, and stays "").
func sealCursor(r *http.Request, c *workspace.Caller, cursor string) string {
	if cursor == "" {
		return ""
	}
	return cursorStamp(r, c) + cursor
}

// unsealCursor checks a sealed cursor against the request and returns the
// list layer's cursor.
func unsealCursor(r *http.Request, c *workspace.Caller, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	cursor, ok := strings.CutPrefix(sealed, cursorStamp(r, c))
	if !ok || cursor == "" {
		return "", fieldError("cursor", "invalid_cursor")
	}
	return cursor, nil
}
