package localdeploy

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"tend/infra/template"
)

// resource is what a logical id of the template became on the local AWS
// API: the name Ref gives (a table's name, a queue's URL) and attributes
// for GetAtt.
type resource struct {
	ref   string
	attrs map[string]string
}

// createTable creates a table as the template declares it: keys, indexes,
// billing, stream and TTL, read from its properties.
func createTable(ctx context.Context, c *dynamodb.Client, name string, props map[string]any) (resource, error) {
	var decl struct {
		AttributeDefinitions    []ddbtypes.AttributeDefinition
		KeySchema               []ddbtypes.KeySchemaElement
		GlobalSecondaryIndexes  []ddbtypes.GlobalSecondaryIndex
		BillingMode             ddbtypes.BillingMode
		StreamSpecification     *struct{ StreamViewType ddbtypes.StreamViewType }
		TimeToLiveSpecification *struct {
			AttributeName string
			Enabled       bool
		}
	}
	if err := remarshal(props, &decl); err != nil {
		return resource{}, fmt.Errorf("table %s: %w", name, err)
	}
	in := &dynamodb.CreateTableInput{TableName: aws.String(name), AttributeDefinitions: decl.AttributeDefinitions,
		KeySchema: decl.KeySchema, GlobalSecondaryIndexes: decl.GlobalSecondaryIndexes, BillingMode: decl.BillingMode}
	if s := decl.StreamSpecification; s != nil {
		in.StreamSpecification = &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: s.StreamViewType}
	}
	out, err := c.CreateTable(ctx, in)
	if err != nil {
		return resource{}, fmt.Errorf("create table %s: %w", name, err)
	}
	if ttl := decl.TimeToLiveSpecification; ttl != nil && ttl.Enabled {
		_, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(name),
			TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String(ttl.AttributeName), Enabled: aws.Bool(true)}})
		if err != nil {
			return resource{}, fmt.Errorf("enable TTL on %s: %w", name, err)
		}
	}
	return resource{ref: name, attrs: map[string]string{"Arn": aws.ToString(out.TableDescription.TableArn),
		"StreamArn": aws.ToString(out.TableDescription.LatestStreamArn)}}, nil
}

// createQueues creates every queue of the template, named prefix +
// logical id, with its visibility timeout, retention and redrive policy;
// dead-letter queues first.
func createQueues(ctx context.Context, c *sqs.Client, d template.Doc, prefix string, made map[string]resource) error {
	pending := d.OfType("AWS::SQS::Queue")
	for len(pending) > 0 {
		var later []string
		for _, id := range pending {
			props := d.Resources[id].Properties
			attrs := map[string]string{}
			for _, key := range []string{"VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds"} {
				if n, ok := props[key].(float64); ok {
					attrs[key] = strconv.Itoa(int(n))
				}
			}
			if rp, ok := props["RedrivePolicy"]; ok {
				dlq, _ := template.GetAtt(template.Get(rp, "deadLetterTargetArn"))
				target, ok := made[dlq]
				if !ok {
					later = append(later, id) // its dead-letter queue first
					continue
				}
				policy, _ := json.Marshal(map[string]any{"deadLetterTargetArn": target.attrs["Arn"], "maxReceiveCount": template.Get(rp, "maxReceiveCount")})
				attrs["RedrivePolicy"] = string(policy)
			}
			q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(prefix + id), Attributes: attrs})
			if err != nil {
				return fmt.Errorf("create queue %s: %w", id, err)
			}
			got, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
				AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
			if err != nil {
				return fmt.Errorf("queue %s: %w", id, err)
			}
			made[id] = resource{ref: aws.ToString(q.QueueUrl), attrs: map[string]string{"Arn": got.Attributes["QueueArn"], "QueueName": prefix + id}}
		}
		if len(later) == len(pending) {
			return fmt.Errorf("queues %v redrive to queues the template doesn't define", later)
		}
		pending = later
	}
	return nil
}

// createKeys creates every KMS key of the template, with its spec, usage
// and rotation; the description names the logical id after prefix (a key
// has no name). Key policies are left out: the local AWS API lets anyone
// use any key.
func createKeys(ctx context.Context, c *kms.Client, d template.Doc, prefix string, made map[string]resource) error {
	for _, id := range d.OfType("AWS::KMS::Key") {
		var decl struct {
			KeySpec           kmstypes.KeySpec
			KeyUsage          kmstypes.KeyUsageType
			EnableKeyRotation bool
		}
		if err := remarshal(d.Resources[id].Properties, &decl); err != nil {
			return fmt.Errorf("key %s: %w", id, err)
		}
		out, err := c.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(prefix + id), KeySpec: decl.KeySpec, KeyUsage: decl.KeyUsage})
		if err != nil {
			return fmt.Errorf("create key %s: %w", id, err)
		}
		if decl.EnableKeyRotation {
			if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: out.KeyMetadata.KeyId}); err != nil {
				return fmt.Errorf("enable rotation of key %s: %w", id, err)
			}
		}
		made[id] = resource{ref: aws.ToString(out.KeyMetadata.KeyId), attrs: map[string]string{"Arn": aws.ToString(out.KeyMetadata.Arn)}}
	}
	return nil
}

// functionEnv resolves every function's environment variables against the
// created resources and the parameters' defaults (overrides win).
func functionEnv(d template.Doc, made map[string]resource, overrides map[string]string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, fn := range d.OfType("AWS::Lambda::Function") {
		vars := map[string]string{}
		for name, v := range asMap(template.Get(d.Resources[fn].Properties, "Environment", "Variables")) {
			s, err := resolve(d, made, overrides, v)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", fn, name, err)
			}
			vars[name] = s
		}
		out[fn] = vars
	}
	return out, nil
}

func resolve(d template.Doc, made map[string]resource, overrides map[string]string, v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	if ref := template.Ref(v); ref != "" {
		if s, ok := overrides[ref]; ok {
			return s, nil
		}
		if r, ok := made[ref]; ok {
			return r.ref, nil
		}
		if p, ok := d.Parameters[ref]; ok {
			if def, ok := p["Default"].(string); ok {
				return def, nil
			}
			return "", fmt.Errorf("parameter %s has no default", ref)
		}
	}
	if id, attr := template.GetAtt(v); id != "" {
		if s, ok := made[id].attrs[attr]; ok {
			return s, nil
		}
	}
	return "", fmt.Errorf("can't resolve %v locally", v)
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

// remarshal reads a template value into a typed one through JSON (the SDK's
// types take the same field names as CloudFormation).
func remarshal(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

// createBuckets creates every S3 bucket of the template, named prefix +
// logical id (in lower case, as bucket names must be), with its public
// access block, default encryption and expiry of objects.
func createBuckets(ctx context.Context, c *s3.Client, d template.Doc, prefix string, made map[string]resource) error {
	for _, id := range d.OfType("AWS::S3::Bucket") {
		var decl struct {
			PublicAccessBlockConfiguration *s3types.PublicAccessBlockConfiguration
			BucketEncryption               *struct {
				ServerSideEncryptionConfiguration []struct {
					ServerSideEncryptionByDefault struct{ SSEAlgorithm s3types.ServerSideEncryption }
				}
			}
			LifecycleConfiguration *struct {
				Rules []struct {
					ID               string `json:"Id"`
					Status           s3types.ExpirationStatus
					ExpirationInDays int32
				}
			}
		}
		if err := remarshal(d.Resources[id].Properties, &decl); err != nil {
			return fmt.Errorf("bucket %s: %w", id, err)
		}
		name := bucketName(prefix + id)
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			return fmt.Errorf("create bucket %s: %w", id, err)
		}
		if pab := decl.PublicAccessBlockConfiguration; pab != nil {
			if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(name), PublicAccessBlockConfiguration: pab}); err != nil {
				return fmt.Errorf("block public access to bucket %s: %w", id, err)
			}
		}
		if enc := decl.BucketEncryption; enc != nil && len(enc.ServerSideEncryptionConfiguration) > 0 {
			alg := enc.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm
			_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(name),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{
					{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: alg}}}}})
			if err != nil {
				return fmt.Errorf("encrypt bucket %s: %w", id, err)
			}
		}
		if lc := decl.LifecycleConfiguration; lc != nil {
			var rules []s3types.LifecycleRule
			for _, r := range lc.Rules {
				if r.ExpirationInDays > 0 {
					rules = append(rules, s3types.LifecycleRule{ID: aws.String(r.ID), Status: r.Status, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
						Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(r.ExpirationInDays)}})
				}
			}
			if len(rules) > 0 {
				_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(name),
					LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: rules}})
				if err != nil {
					return fmt.Errorf("expire objects of bucket %s: %w", id, err)
				}
			}
		}
		made[id] = resource{ref: name, attrs: map[string]string{"Arn": "arn:aws:s3:::" + name, "DomainName": name + ".s3.amazonaws.com"}}
	}
	return nil
}

// bucketName makes a name S3 takes: lower-case letters, digits and
// hyphens, at most 63 characters.
func bucketName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b[:min(len(b), 63)]), "-")
}
