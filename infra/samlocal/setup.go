package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tend/infra/localdeploy"
	"tend/infra/template"
	"tend/internal/domain"
	"tend/internal/dynamo"
	"tend/internal/leads"
	"tend/internal/services"
	"tend/internal/workspace"
)

// Config is what Setup works from.
type Config struct {
	Template template.Doc // expanded
	AWS      aws.Config   // the local AWS API
	// Prefix names the table and queues (prefix + logical id).
	Prefix string
	// FunctionEndpoint is the local AWS API as the functions see it from
	// sam local's containers: their TEND_AWS_ENDPOINT.
	FunctionEndpoint string
	// EventsDir holds the sample events; Out receives env.json's
	// neighbours: the signed webhook samples.
	EventsDir, Out string
	Clock          domain.Clock
}

// Result is what Setup made.
type Result struct {
	Table     string
	Workspace string
	Source    string
	// Env is env.json: each function's environment variables.
	Env         map[string]map[string]string
	Invocations []invocation
}

// Setup creates the template's table, queues and keys on the local AWS API,
// seeds a workspace (its admin signs in as the API samples' subject) with
// a lead source, signs the webhook samples with the source's secret and
// works out each function's environment.
func Setup(ctx context.Context, cfg Config) (*Result, error) {
	d, err := localdeploy.Deploy(ctx, cfg.AWS, cfg.Template, cfg.Prefix)
	if err != nil {
		return nil, err
	}
	env, err := d.Env(map[string]string{"AwsEndpoint": cfg.FunctionEndpoint})
	if err != nil {
		return nil, err
	}
	table := d.Ref(d.Table)
	st, err := dynamo.New(dynamodb.NewFromConfig(cfg.AWS), table, cfg.Clock)
	if err != nil {
		return nil, err
	}
	ws, src, err := seed(ctx, services.Build(st, services.Queues{}, cfg.Clock, slog.New(slog.DiscardHandler)), cfg.EventsDir)
	if err != nil {
		return nil, err
	}
	signed := map[string]string{}
	for name, fn := range samples {
		if fn != "HooksFunction" {
			continue
		}
		signed[name] = filepath.Join(cfg.Out, name)
		if err := signWebhookSample(filepath.Join(cfg.EventsDir, name), signed[name], src.ID, src.Secret, cfg.Clock.Now()); err != nil {
			return nil, err
		}
	}
	return &Result{Table: table, Workspace: ws, Source: src.ID, Env: env, Invocations: invocations(cfg.EventsDir, signed)}, nil
}

// seed opens a workspace whose admin signs in as the subject of the API
// samples, and gives it a lead source mapping the webhook sample's fields.
func seed(ctx context.Context, svc *services.Services, eventsDir string) (string, *leads.WithSecret, error) {
	sub, err := sampleSubject(filepath.Join(eventsDir, "api-gateway-v2-request.json"))
	if err != nil {
		return "", nil, err
	}
	ws, admin, err := svc.Workspaces.CreateWorkspace(ctx, workspace.NewWorkspace{Name: "Tend (sam local)", AdminName: "Trần Thị Lan",
		AdminEmail: "lan.tran@example.com", AdminSubject: sub})
	if err != nil {
		return "", nil, fmt.Errorf("seed the workspace: %w", err)
	}
	c, err := svc.Workspaces.Authenticate(ctx, admin.AuthSubject)
	if err != nil {
		return "", nil, err
	}
	name := "Landing page"
	mapping := map[string]string{"name": "$.full_name", "phone": "$.contact.phone", "email": "$.email"}
	src, err := svc.Leads.Create(ctx, c, leads.Input{Name: &name, Mapping: &mapping})
	if err != nil {
		return "", nil, fmt.Errorf("seed the lead source: %w", err)
	}
	return ws.ID, src, nil
}

// sampleSubject is the "sub" claim of an API sample event.
func sampleSubject(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var ev struct {
		RequestContext struct {
			Authorizer struct {
				JWT struct {
					Claims map[string]string `json:"claims"`
				} `json:"jwt"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil || ev.RequestContext.Authorizer.JWT.Claims["sub"] == "" {
		return "", fmt.Errorf("%s: no sub claim (%v)", path, err)
	}
	return ev.RequestContext.Authorizer.JWT.Claims["sub"], nil
}
