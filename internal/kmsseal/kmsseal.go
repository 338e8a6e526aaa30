// Package kmsseal seals secrets (a lead source's app secret, a page's
// access token) with an AWS KMS key, the adapter of the sealing port on
// AWS: what is stored in the table is ciphertext only KMS can open, for the
// functions whose role may decrypt with the key.
package kmsseal

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Client is the part of the KMS API the sealer uses.
type Client interface {
	Encrypt(ctx context.Context, in *kms.EncryptInput, opts ...func(*kms.Options)) (*kms.EncryptOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, opts ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// Sealer seals with one key. Every seal is bound to its purpose (KMS
// encryption context): a ciphertext sealed for one purpose does not open
// for another.
type Sealer struct {
	client Client
	keyID  string
}

// New returns a sealer over the key (an id, ARN or alias).
func New(client Client, keyID string) (*Sealer, error) {
	if keyID == "" {
		return nil, errors.New("kmsseal: no key id")
	}
	return &Sealer{client: client, keyID: keyID}, nil
}

// Seal encrypts plaintext for a purpose.
func (s *Sealer) Seal(ctx context.Context, purpose string, plaintext []byte) ([]byte, error) {
	out, err := s.client.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(s.keyID), Plaintext: plaintext,
		EncryptionContext: map[string]string{"purpose": purpose}})
	if err != nil {
		return nil, fmt.Errorf("kmsseal: seal %s: %w", purpose, err)
	}
	return out.CiphertextBlob, nil
}

// Open decrypts what Seal sealed for the same purpose.
func (s *Sealer) Open(ctx context.Context, purpose string, sealed []byte) ([]byte, error) {
	out, err := s.client.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(s.keyID), CiphertextBlob: sealed,
		EncryptionContext: map[string]string{"purpose": purpose}})
	if err != nil {
		return nil, fmt.Errorf("kmsseal: open %s: %w", purpose, err)
	}
	return out.Plaintext, nil
}
