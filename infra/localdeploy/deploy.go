// Package localdeploy deploys the stateful part of Tend's SAM template on
// a local AWS API (moto_server): the table, with its stream, the queues,
// the KMS keys and the S3 buckets, each as the template as SAM expands it
// declares it. It then
// works out every function's environment against what it made. make
// sam-local (infra/samlocal) and the AWS-path end-to-end test
// (infra/awspath) stand on it.
package localdeploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"tend/infra/template"
)

// Deployment is the table, queues and keys Deploy made.
type Deployment struct {
	doc  template.Doc
	made map[string]resource
	// Table is the table's logical id in the template.
	Table string
}

// Deploy creates the template's table and queues on the local AWS API of
// cfg, named prefix + logical id, and its KMS keys (a key has no name: the
// functions get its id, as Ref gives it). The template must be expanded
// and have exactly one table.
func Deploy(ctx context.Context, cfg aws.Config, doc template.Doc, prefix string) (*Deployment, error) {
	tables := doc.OfType("AWS::DynamoDB::Table")
	if len(tables) != 1 {
		return nil, fmt.Errorf("the template has %d tables, want 1", len(tables))
	}
	d := &Deployment{doc: doc, made: map[string]resource{}, Table: tables[0]}
	table, err := createTable(ctx, dynamodb.NewFromConfig(cfg), prefix+d.Table, doc.Resources[d.Table].Properties)
	if err != nil {
		return nil, err
	}
	d.made[d.Table] = table
	if err := createQueues(ctx, sqs.NewFromConfig(cfg), doc, prefix, d.made); err != nil {
		return nil, err
	}
	if err := createKeys(ctx, kms.NewFromConfig(cfg), doc, prefix, d.made); err != nil {
		return nil, err
	}
	// A local AWS API serves buckets by path, not by host name.
	s3client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if err := createBuckets(ctx, s3client, doc, prefix, d.made); err != nil {
		return nil, err
	}
	return d, nil
}

// Ref is what {"Ref": id} gives for a resource Deploy made (a table's
// name, a queue's URL, a key's id, a bucket's name); "" for any other.
func (d *Deployment) Ref(id string) string { return d.made[id].ref }

// GetAtt is what {"Fn::GetAtt": [id, attr]} gives for a resource Deploy
// made (a table's Arn and StreamArn, a queue's Arn and QueueName, a key's
// Arn); "" for any other.
func (d *Deployment) GetAtt(id, attr string) string { return d.made[id].attrs[attr] }

// Env is every function's environment variables (function logical id →
// name → value), resolved against what Deploy made and the parameters'
// defaults; overrides (parameter → value) win over both.
func (d *Deployment) Env(overrides map[string]string) (map[string]map[string]string, error) {
	return functionEnv(d.doc, d.made, overrides)
}
