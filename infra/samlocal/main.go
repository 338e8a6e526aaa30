// Command samlocal prepares `sam local invoke` over a local AWS API
// (moto_server, started by infra/scripts/sam-local.sh, which make
// sam-local runs): it creates the table, queues and keys of template.yaml (read
// from the template as SAM expands it), seeds a workspace with a lead
// source, signs the webhook samples with the source's secret, writes
// env.json for --env-vars and prints the sam local invoke line of every
// sample event.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"tend/infra/template"
	"tend/internal/domain"
)

func main() {
	endpoint := flag.String("endpoint", "", "the local AWS API, from here (required)")
	fnEndpoint := flag.String("function-endpoint", "", "the local AWS API as sam local's containers reach it (default: -endpoint)")
	root := flag.String("root", ".", "the repository")
	out := flag.String("out", ".aws-sam/local", "where the signed webhook samples go")
	flag.Parse()
	if err := run(context.Background(), *root, *endpoint, *fnEndpoint, *out); err != nil {
		fmt.Fprintln(os.Stderr, "samlocal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, root, endpoint, fnEndpoint, out string) error {
	if endpoint == "" {
		return fmt.Errorf("-endpoint is required")
	}
	if fnEndpoint == "" {
		fnEndpoint = endpoint
	}
	tpl, err := template.Expand(ctx, root, filepath.Join(root, "template.yaml"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	res, err := Setup(ctx, Config{Template: tpl.CFN, AWS: localAWS(endpoint), Prefix: "tend-local-", FunctionEndpoint: fnEndpoint,
		EventsDir: filepath.Join(root, "events"), Out: out, Clock: domain.SystemClock{}})
	if err != nil {
		return err
	}
	envJSON, err := json.MarshalIndent(res.Env, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "env.json"), append(envJSON, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("table %s and the queues of template.yaml are on %s; workspace %s has lead source %s.\n",
		res.Table, endpoint, res.Workspace, res.Source)
	fmt.Printf("env.json points every function at them (TEND_AWS_ENDPOINT=%s).\n\n", fnEndpoint)
	fmt.Println("Build once, then invoke a function with a sample event (moto takes any credentials):")
	fmt.Println()
	fmt.Println("  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test")
	fmt.Println("  sam build")
	for _, inv := range res.Invocations {
		fmt.Println("  " + invokeLine(inv))
	}
	fmt.Println()
	fmt.Println("The signed webhook samples are good for five minutes (X-Tend-Timestamp): run make sam-local again for fresh ones.")
	return nil
}

// invokeLine is the sam local invoke command of one sample. Host
// networking lets the container reach moto on 127.0.0.1.
func invokeLine(inv invocation) string {
	return strings.Join([]string{"sam local invoke", inv.Function,
		"--event", inv.Event, "--env-vars env.json --region us-east-1 --docker-network host",
		"--parameter-overrides AuthDomainPrefix=tend-local"}, " ")
}

// localAWS is a configuration for the local AWS API.
func localAWS(endpoint string) aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint)}
}
