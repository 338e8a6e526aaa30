package localseal_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"tend/internal/localseal"
)

// A secret sealed opens again, with the same key after a restart, only for
// its purpose; the key file is made once, private to its owner.
func TestSealOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.key")
	s, err := localseal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal(t.Context(), "page_token", []byte("EAAB-secret"))
	if err != nil || bytes.Contains(sealed, []byte("EAAB-secret")) {
		t.Fatalf("sealed %q, %v", sealed, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v, %v", fi, err)
	}
	again, err := localseal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(t.Context(), "page_token", sealed); err != nil || string(got) != "EAAB-secret" {
		t.Fatalf("opened %q, %v", got, err)
	}
	if _, err := again.Open(t.Context(), "app_secret", sealed); err == nil {
		t.Fatal("a secret opened for another purpose")
	}
	if _, err := again.Open(t.Context(), "page_token", sealed[:5]); err == nil {
		t.Fatal("a cut sealed text opened")
	}
}
