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
			if problems := checks[tc.check](expand(t, broken)); len(problems) == 0 {
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
