// Package localseal seals secrets for the local runner: AES-256-GCM with a
// key kept in the data folder (made on first use), the purpose as
// additional data. It stands for KMS (package kmsseal) locally.
package localseal

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
)

// Sealer seals with one key.
type Sealer struct{ aead cipher.AEAD }

// Open returns a sealer over the key file at path, making the key (32
// random bytes, readable by its owner only) when there is none.
func Open(path string) (*Sealer, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("localseal: make key: %w", err)
		}
		if err := os.WriteFile(path, key, 0o600); err != nil {
			return nil, fmt.Errorf("localseal: keep key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("localseal: read key: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("localseal: key %s has %d bytes, want 32", path, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext for a purpose: a random nonce, then the sealed
// text.
func (s *Sealer) Seal(_ context.Context, purpose string, plaintext []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plaintext, []byte(purpose)), nil
}

// Open decrypts what Seal sealed for the same purpose.
func (s *Sealer) Open(_ context.Context, purpose string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("localseal: sealed text too short")
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(purpose))
	if err != nil {
		return nil, fmt.Errorf("localseal: open %s: %w", purpose, err)
	}
	return out, nil
}
