package httpapi

import (
	"encoding/json"
	"net/http"

	"tend/internal/crm"
)

// list is the answer of every list, paged or not. It is the one place a
// list is written: its items are [] when there are none, never null
// (clients map over them).
type list[T any] struct {
	Items      []T
	NextCursor string
}

func (l list[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Items      []T    `json:"items"`
		NextCursor string `json:"next_cursor"`
	}{nonNil(l.Items), l.NextCursor})
}

// pageParams reads a paged list's ?limit= and ?cursor=.
func pageParams(r *http.Request) (limit int, cursor string, err error) {
	limit, err = limitParam(r)
	if err != nil {
		return 0, "", err
	}
	return limit, r.URL.Query().Get("cursor"), nil
}

// writePage answers a page of a list, or the error.
func writePage[T any](w http.ResponseWriter, page *crm.Page[T], err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[T]{Items: page.Items, NextCursor: page.NextCursor})
}
