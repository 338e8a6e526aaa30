package kmsseal_test

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"tend/internal/awstest"
	"tend/internal/kmsseal"
)

// Over a KMS key on the local AWS API: a secret sealed opens again, and
// the stored text is not the secret.
func TestSealOpen(t *testing.T) {
	client := kms.NewFromConfig(awstest.Config(t, "TEND_AWS_ENDPOINT"))
	key, err := client.CreateKey(t.Context(), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := kmsseal.New(client, *key.KeyMetadata.KeyId)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal(t.Context(), "page_token", []byte("EAAB-secret"))
	if err != nil || len(sealed) == 0 || bytes.Contains(sealed, []byte("EAAB-secret")) {
		t.Fatalf("sealed %q, %v", sealed, err)
	}
	if got, err := s.Open(t.Context(), "page_token", sealed); err != nil || string(got) != "EAAB-secret" {
		t.Fatalf("opened %q, %v", got, err)
	}
	if _, err := kmsseal.New(client, ""); err == nil {
		t.Fatal("a sealer without a key")
	}
}
