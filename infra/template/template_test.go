package template_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"tend/infra/template"
)

// root is the repository, from this package's folder.
const root = "../.."

// check returns what is wrong with a template.
type check func(*template.Template) []string

var checks = map[string]check{
	"no wildcard resources":   checkNoWildcardResources,
	"hooks can't delete":      checkHooksCannotDelete,
	"sign-up by admins only":  checkSignUp,
	"alarm topic delivers":    checkAlarmTopicDelivers,
	"alarm actions":           checkAlarmActions,
	"alarms cover everything": checkAlarmsCoverEverything,
	"JSON logs and tracing":   checkLogsAndTracing,
	"stream mapping":          checkStreamMapping,
	"schedule":                checkSchedule,
	"TEND_AWS_ENDPOINT":       checkAWSEndpoint,
	"built with the Makefile": checkMakefileBuild(root),
	"required environment":    checkRequiredEnv(root),
	"queue mappings":          checkQueueMappings,
	"intake function":         checkIntake,
	"lead secrets key":        checkLeadSecretsKey,
	"hooks routes":            checkHooksRoutes,
	"public routes":           checkPublicRoutes,
	"imports bucket":          checkImportsBucket,
}

// expand expands a template file; a missing translator fails the test
// (it never skips: the checks would quietly not run).
func expand(t *testing.T, path string) *template.Template {
	t.Helper()
	tpl, err := template.Expand(t.Context(), root, path)
	if errors.Is(err, template.ErrNoTranslator) {
		t.Fatalf("%v: run make tools (it installs cfn-lint, which brings the translator)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

var (
	repoOnce     sync.Once
	repoTemplate *template.Template
	repoErr      error
)

// theTemplate is template.yaml expanded, once for the package's tests.
func theTemplate(t *testing.T) *template.Template {
	t.Helper()
	repoOnce.Do(func() {
		repoTemplate, repoErr = template.Expand(t.Context(), root, filepath.Join(root, "template.yaml"))
	})
	if repoErr != nil {
		expand(t, filepath.Join(root, "template.yaml")) // fails with the reason
	}
	return repoTemplate
}

// TestTemplate runs every check on template.yaml as `sam deploy` expands
// it.
func TestTemplate(t *testing.T) {
	tpl := theTemplate(t)
	for name, c := range checks {
		t.Run(name, func(t *testing.T) {
			for _, p := range c(tpl) {
				t.Error(p)
			}
		})
	}
}

// TestChecksCatchBreakage breaks template.yaml one property at a time and
// expects the check of that property to say so: the checks read what they
// claim to.
func TestChecksCatchBreakage(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		check   string
		changes []string // to template.yaml: old, new, old, new...; each old occurs once
	}{
		// Without a role of its own, SAM makes one with AWSLambdaBasicExecutionRole.
		{"no wildcard resources", []string{"      Role: !GetAtt ApiFunctionRole.Arn\n", "", "  ApiFunctionRole:\n", "  UnusedRole:\n"}},
		{"no wildcard resources", []string{"Resource: !GetAtt JobsFunctionLogGroup.Arn", `Resource: "*"`}},
		{"no wildcard resources", []string{"NotResource: !Sub arn:${AWS::Partition}:sns:*:*:*", "NotResource: !GetAtt AlarmTopic.TopicArn"}},
		{"hooks can't delete", []string{"ManagedPolicyArns: [!Ref TableReadWritePolicy, !Ref TracingPolicy]",
			"ManagedPolicyArns: [!Ref TableReadWritePolicy, !Ref TableDeletePolicy, !Ref TracingPolicy]"}},
		{"sign-up by admins only", []string{"AllowAdminCreateUserOnly: true", "AllowAdminCreateUserOnly: false"}},
		{"sign-up by admins only", []string{`AllowedPattern: "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"`, `AllowedPattern: "^[A-Za-z0-9-]{1,63}$"`}},
		{"alarm topic delivers", []string{"KmsMasterKeyId: !Ref AlarmTopicKey", "KmsMasterKeyId: alias/aws/sns"}},
		{"alarm topic delivers", []string{"Principal: { Service: cloudwatch.amazonaws.com }", "Principal: { Service: events.amazonaws.com }"}},
		{"alarm topic delivers", []string{"    Condition: HasAlarmEmail\n", ""}},
		{"alarm actions", []string{"      OKActions: [!Ref AlarmTopic]\n\n  JobsDLQAgeAlarm:", "\n  JobsDLQAgeAlarm:"}},
		{"alarms cover everything", []string{"MetricName: Throttles\n      Dimensions: [{ Name: FunctionName, Value: !Ref JobsFunction }]",
			"MetricName: Throttles\n      Dimensions: [{ Name: FunctionName, Value: !Ref ApiFunction }]"}},
		{"alarms cover everything", []string{"ReadThrottleEvents\n              Dimensions:\n                - { Name: TableName, Value: !Ref Table }\n                - { Name: GlobalSecondaryIndexName, Value: GSI3 }",
			"ReadThrottleEvents\n              Dimensions:\n                - { Name: TableName, Value: !Ref Table }\n                - { Name: GlobalSecondaryIndexName, Value: GSI2 }"}},
		{"JSON logs and tracing", []string{"    Tracing: Active\n", ""}},
		{"stream mapping", []string{"ParallelizationFactor: 4", "ParallelizationFactor: 1"}},
		{"stream mapping", []string{"MaximumRecordAgeInSeconds: -1", "MaximumRecordAgeInSeconds: 3600"}},
		{"schedule", []string{"            OmitName: true\n", ""}},
		{"schedule", []string{"            DeadLetterConfig:\n              Arn: !GetAtt TickFailures.Arn\n", ""}},
		{"TEND_AWS_ENDPOINT", []string{"TEND_AWS_ENDPOINT: !Ref AwsEndpoint", "TEND_AWS_ENDPOINT_X: !Ref AwsEndpoint"}},
		{"built with the Makefile", []string{"      CodeUri: functions/jobs\n", "      CodeUri: functions/scheduler\n"}},
		{"required environment", []string{"          NOTIFICATIONS_QUEUE_URL: !Ref NotificationsQueue\n          INTAKE_QUEUE_URL: !Ref IntakeQueue\n",
			"          NOTIFICATIONS_QUEUE_URL: !Ref NotificationsQueue\n"}},
		{"queue mappings", []string{"VisibilityTimeout: 360", "VisibilityTimeout: 120"}},
		{"queue mappings", []string{"FunctionResponseTypes: [ReportBatchItemFailures]\n            ScalingConfig:\n              MaximumConcurrency: 10",
			"ScalingConfig:\n              MaximumConcurrency: 10"}},
		{"intake function", []string{"BatchSize: 10\n            MaximumBatchingWindowInSeconds: 1\n            FunctionResponseTypes: [ReportBatchItemFailures]\n            ScalingConfig:\n              MaximumConcurrency: 10",
			"BatchSize: 1\n            MaximumBatchingWindowInSeconds: 1\n            FunctionResponseTypes: [ReportBatchItemFailures]\n            ScalingConfig:\n              MaximumConcurrency: 10"}},
		{"intake function", []string{"deadLetterTargetArn: !GetAtt IntakeDLQ.Arn\n        maxReceiveCount: 10", "deadLetterTargetArn: !GetAtt IntakeDLQ.Arn\n        maxReceiveCount: 3"}},
		{"intake function", []string{"          TEND_FACEBOOK_GRAPH_URL: !Ref FacebookGraphUrl\n", "          TEND_FACEBOOK_GRAPH_URL: https://graph.example.test\n"}},
		{"intake function", []string{"                  - !GetAtt IntakeQueue.Arn\n                  - !GetAtt TickFailures.Arn\n", "                  - !GetAtt TickFailures.Arn\n"}},
		{"intake function", []string{"      CodeUri: functions/intake\n", "      CodeUri: functions/intake\n      VpcConfig:\n        SubnetIds: [subnet-0abc]\n        SecurityGroupIds: [sg-0abc]\n"}},
		{"lead secrets key", []string{"Action: kms:Encrypt", "Action: [kms:Encrypt, kms:Decrypt]"}},
		{"lead secrets key", []string{"signature; sealing is the API's.\n              - Sid: OpenLeadSourceSecrets\n                Effect: Allow\n                Action: kms:Decrypt",
			"signature; sealing is the API's.\n              - Sid: OpenLeadSourceSecrets\n                Effect: Allow\n                Action: kms:*"}},
		{"lead secrets key", []string{"Action: kms:Encrypt\n                Resource: !GetAtt LeadSecretsKey.Arn\n                Condition:\n                  StringLike:\n                    kms:EncryptionContext:purpose: lead_source/*\n",
			"Action: kms:Encrypt\n                Resource: !GetAtt LeadSecretsKey.Arn\n"}},
		{"lead secrets key", []string{"              # What the event source mapping does with the role: read the\n",
			"              - { Effect: Allow, Action: kms:Decrypt, Resource: !GetAtt LeadSecretsKey.Arn }\n              # What the event source mapping does with the role: read the\n"}},
		{"lead secrets key", []string{"      KeyUsage: ENCRYPT_DECRYPT\n      EnableKeyRotation: true", "      KeyUsage: ENCRYPT_DECRYPT\n      EnableKeyRotation: false"}},
		{"lead secrets key", []string{"    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n      Description: Seals",
			"    DeletionPolicy: Delete\n    UpdateReplacePolicy: Retain\n    Properties:\n      Description: Seals"}},
		{"lead secrets key", []string{"            Principal: { AWS: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:root\" }\n            Action: kms:*\n            Resource: \"*\"\n\n  LeadSecretsKeyAlias:",
			"            Principal: { AWS: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:root\" }\n            Action: kms:*\n            Resource: \"*\"\n          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: kms:Decrypt, Resource: \"*\" }\n\n  LeadSecretsKeyAlias:"}},
		{"hooks routes", []string{"            Path: /hooks/f/{token}\n            Auth:\n              Authorizer: NONE\n", "            Path: /hooks/f/{token}\n"}},
		{"hooks routes", []string{"            Method: GET\n            Path: /hooks/leads/{source_id}\n            Auth:\n              Authorizer: NONE\n            RouteSettings:\n              ThrottlingBurstLimit: !Ref HooksThrottlingBurstLimit\n              ThrottlingRateLimit: !Ref HooksThrottlingRateLimit\n",
			"            Method: GET\n            Path: /hooks/leads/{source_id}\n            Auth:\n              Authorizer: NONE\n"}},
		{"hooks routes", []string{"            Method: GET\n            Path: /hooks/leads/{source_id}\n", "            Method: GET\n            Path: /hooks/lead/{source_id}\n"}},
		{"hooks routes", []string{"            Path: /v1/openapi.json\n", "            Path: /hooks/openapi.json\n"}},
		{"public routes", []string{"            Path: /docs\n            Auth:\n              Authorizer: NONE\n", "            Path: /docs\n"}},
		{"public routes", []string{"            Path: /docs/{file}\n", "            Path: /docs/{proxy+}\n"}},
		{"public routes", []string{"            Path: /v1/openapi.json\n            Auth:\n              Authorizer: NONE\n", "            Path: /v1/openapi.json\n"}},
		{"imports bucket", []string{"        RestrictPublicBuckets: true\n", "        RestrictPublicBuckets: false\n"}},
		{"imports bucket", []string{"          - ObjectOwnership: BucketOwnerEnforced\n", "          - ObjectOwnership: ObjectWriter\n"}},
		{"imports bucket", []string{"      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: AES256\n            BucketKeyEnabled: true\n", ""}},
		{"imports bucket", []string{"            ExpirationInDays: 7\n", "            ExpirationInDays: 30\n"}},
		{"imports bucket", []string{"                Action: [s3:GetObject, s3:PutObject, s3:DeleteObject]\n", "                Action: [s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket]\n"}},
		{"imports bucket", []string{"                Action: [s3:PutObject, s3:GetObject]\n", "                Action: [s3:PutObject, s3:GetObject, s3:DeleteObject]\n"}},
		{"imports bucket", []string{"                Action: [s3:PutObject, s3:GetObject]\n                Resource: !Sub \"${ImportsBucket.Arn}/*\"\n",
			"                Action: [s3:PutObject, s3:GetObject]\n                Resource: \"arn:aws:s3:::*/*\"\n"}},
		{"imports bucket", []string{"          JOBS_QUEUE_URL: !Ref JobsQueue\n          IMPORTS_BUCKET: !Ref ImportsBucket\n      LoggingConfig:\n        LogFormat: JSON\n        LogGroup: !Ref ApiFunctionLogGroup",
			"          JOBS_QUEUE_URL: !Ref JobsQueue\n      LoggingConfig:\n        LogFormat: JSON\n        LogGroup: !Ref ApiFunctionLogGroup"}},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprintf("%s/%d", tc.check, i), func(t *testing.T) {
			t.Parallel()
			text := string(src)
			for i := 0; i < len(tc.changes); i += 2 {
				old, replacement := tc.changes[i], tc.changes[i+1]
				if n := strings.Count(text, old); n != 1 {
					t.Fatalf("%q occurs %d times in template.yaml, want once", old, n)
				}
				text = strings.Replace(text, old, replacement, 1)
			}
			broken := filepath.Join(t.TempDir(), "template.yaml")
			if err := os.WriteFile(broken, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			problems := checks[tc.check](expand(t, broken))
			t.Logf("found: %q", problems)
			if len(problems) == 0 {
				t.Errorf("%s: no problem found with the changes %q", tc.check, tc.changes)
			}
		})
	}
}

// compileAllowed compiles a parameter's AllowedPattern (CloudFormation
// matches the whole value).
func compileAllowed(param map[string]any) (*regexp.Regexp, error) {
	p, ok := param["AllowedPattern"].(string)
	if !ok {
		return nil, errors.New("no AllowedPattern")
	}
	return regexp.Compile("^(?:" + p + ")$")
}
