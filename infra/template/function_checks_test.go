package template_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"tend/infra/template"
)

// checkLogsAndTracing: every function logs JSON into its own log group and
// is traced.
func checkLogsAndTracing(t *template.Template) []string {
	var problems []string
	for _, fn := range t.CFN.OfType("AWS::Lambda::Function") {
		p := t.CFN.Resources[fn].Properties
		if f := template.Get(p, "LoggingConfig", "LogFormat"); f != "JSON" {
			problems = append(problems, fmt.Sprintf("%s: LogFormat %v, want JSON", fn, f))
		}
		if g := template.Ref(template.Get(p, "LoggingConfig", "LogGroup")); t.CFN.Resources[g].Type != "AWS::Logs::LogGroup" {
			problems = append(problems, fn+": no log group of the template")
		}
		if m := template.Get(p, "TracingConfig", "Mode"); m != "Active" {
			problems = append(problems, fmt.Sprintf("%s: tracing %v, want Active", fn, m))
		}
	}
	return problems
}

// checkStreamMapping: the table's stream keeps records until handled, reads
// each shard with several batches at once, bisects failed batches, retries
// a bounded number of times and sends what fails for good to a queue.
func checkStreamMapping(t *template.Template) []string {
	var problems []string
	found := false
	for _, id := range t.CFN.OfType("AWS::Lambda::EventSourceMapping") {
		p := t.CFN.Resources[id].Properties
		if _, attr := template.GetAtt(p["EventSourceArn"]); attr != "StreamArn" {
			continue
		}
		found = true
		num := func(key string) float64 { n, _ := p[key].(float64); return n }
		if age := num("MaximumRecordAgeInSeconds"); age != -1 && age < 86400 {
			problems = append(problems, fmt.Sprintf("%s: MaximumRecordAgeInSeconds %v drops records before the stream's 24 h", id, p["MaximumRecordAgeInSeconds"]))
		}
		if num("ParallelizationFactor") <= 1 {
			problems = append(problems, fmt.Sprintf("%s: ParallelizationFactor %v, want above 1", id, p["ParallelizationFactor"]))
		}
		if p["BisectBatchOnFunctionError"] != true {
			problems = append(problems, id+": BisectBatchOnFunctionError is not true")
		}
		if n, ok := p["MaximumRetryAttempts"].(float64); !ok || n < 0 || n > 100 {
			problems = append(problems, fmt.Sprintf("%s: MaximumRetryAttempts %v, want a bound (0-100)", id, p["MaximumRetryAttempts"]))
		}
		if !slices.Contains(template.Strings(p["FunctionResponseTypes"]), "ReportBatchItemFailures") {
			problems = append(problems, id+": no ReportBatchItemFailures")
		}
		if q, _ := template.GetAtt(template.Get(p, "DestinationConfig", "OnFailure", "Destination")); t.CFN.Resources[q].Type != "AWS::SQS::Queue" {
			problems = append(problems, id+": no failure destination queue")
		}
	}
	if !found {
		problems = append(problems, "no event source mapping of the table's stream")
	}
	return problems
}

// checkSchedule: the tick's schedule has no fixed name (two stacks may
// share an account), retries, dead-letters what it can't deliver, and its
// function sends failed asynchronous invocations to a queue.
func checkSchedule(t *template.Template) []string {
	d := t.CFN
	schedules := d.OfType("AWS::Scheduler::Schedule")
	if len(schedules) == 0 {
		return []string{"no schedule"}
	}
	var problems []string
	for _, id := range schedules {
		p := d.Resources[id].Properties
		if name, ok := p["Name"]; ok {
			problems = append(problems, fmt.Sprintf("%s: fixed Name %v", id, name))
		}
		if q, _ := template.GetAtt(template.Get(p, "Target", "DeadLetterConfig", "Arn")); d.Resources[q].Type != "AWS::SQS::Queue" {
			problems = append(problems, id+": no dead-letter queue")
		}
		if template.Get(p, "Target", "RetryPolicy") == nil {
			problems = append(problems, id+": no RetryPolicy")
		}
		fn, _ := template.GetAtt(template.Get(p, "Target", "Arn"))
		onFailure := false
		for _, c := range d.OfType("AWS::Lambda::EventInvokeConfig") {
			cp := d.Resources[c].Properties
			q, _ := template.GetAtt(template.Get(cp, "DestinationConfig", "OnFailure", "Destination"))
			onFailure = onFailure || (template.Ref(cp["FunctionName"]) == fn && d.Resources[q].Type == "AWS::SQS::Queue")
		}
		if !onFailure {
			problems = append(problems, fn+": no asynchronous failure destination (EventInvokeConfig)")
		}
	}
	return problems
}

// checkSignUp: users can't sign themselves up (an admin creates them and
// Cognito sends the invitation), the hosted sign-in has a lower-case domain
// prefix, Cognito's email may go through SES, and the API learns who may
// open a workspace.
func checkSignUp(t *template.Template) []string {
	d := t.CFN
	var problems []string
	pools := d.OfType("AWS::Cognito::UserPool")
	if len(pools) == 0 {
		return []string{"no user pool"}
	}
	for _, id := range pools {
		p := d.Resources[id].Properties
		if template.Get(p, "AdminCreateUserConfig", "AllowAdminCreateUserOnly") != true {
			problems = append(problems, id+": users may sign themselves up (AllowAdminCreateUserOnly is not true)")
		}
		msg := template.Sub(template.Get(p, "AdminCreateUserConfig", "InviteMessageTemplate", "EmailMessage"))
		if !strings.Contains(msg, "{username}") || !strings.Contains(msg, "{####}") {
			problems = append(problems, id+": the invitation doesn't give the user name and temporary password")
		}
		ses := template.Get(p, "EmailConfiguration", "Fn::If", "1")
		if template.Get(ses, "EmailSendingAccount") != "DEVELOPER" || template.Ref(template.Get(ses, "From")) != "SenderEmail" ||
			!strings.HasSuffix(template.Sub(template.Get(ses, "SourceArn")), ":identity/${SenderIdentity}") {
			problems = append(problems, id+": Cognito's email can't go through SES as SenderEmail (EmailConfiguration)")
		}
	}
	domains := d.OfType("AWS::Cognito::UserPoolDomain")
	if len(domains) != 1 {
		problems = append(problems, fmt.Sprintf("%d user pool domains, want 1", len(domains)))
	} else if prefix := template.Ref(d.Resources[domains[0]].Properties["Domain"]); !lowerCaseOnly(d.Parameters[prefix]) {
		problems = append(problems, fmt.Sprintf("the domain prefix parameter %q doesn't keep to lower case", prefix))
	}
	vars := template.Get(d.Resources["ApiFunction"].Properties, "Environment", "Variables")
	for env, want := range map[string]string{"ALLOW_WORKSPACE_CREATION": "false", "BOOTSTRAP_ADMIN_SUBJECT": ""} {
		param := template.Ref(template.Get(vars, env))
		if def, ok := d.Parameters[param]["Default"]; !ok || def != want {
			problems = append(problems, fmt.Sprintf("ApiFunction: %s is not a parameter defaulting to %q", env, want))
		}
	}
	return problems
}

// lowerCaseOnly reports whether a parameter's AllowedPattern takes a lower
// case prefix and refuses upper case.
func lowerCaseOnly(param map[string]any) bool {
	re, err := compileAllowed(param)
	return err == nil && re.MatchString("tend-prod-01") && !re.MatchString("Tend") && !re.MatchString("tend_prod")
}

// checkAWSEndpoint: every function declares TEND_AWS_ENDPOINT, from the
// AwsEndpoint parameter, empty unless set (sam local).
func checkAWSEndpoint(t *template.Template) []string {
	var problems []string
	for _, fn := range t.CFN.OfType("AWS::Lambda::Function") {
		v := template.Get(t.CFN.Resources[fn].Properties, "Environment", "Variables", "TEND_AWS_ENDPOINT")
		if template.Ref(v) != "AwsEndpoint" {
			problems = append(problems, fn+": TEND_AWS_ENDPOINT is not the AwsEndpoint parameter")
		}
	}
	if def, ok := t.CFN.Parameters["AwsEndpoint"]["Default"]; !ok || def != "" {
		problems = append(problems, "AwsEndpoint has no empty default")
	}
	return problems
}

// lambdaBuild is the command every function is built with: make build's
// flags, into ARTIFACTS_DIR.
const lambdaBuild = `GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags="-s -w" -o /artifacts/bootstrap ./`

// checkMakefileBuild: every function of the template is built by sam build
// with the Makefile (BuildMethod: makefile, the Makefile beside the
// template) through a build-<LogicalId> target that compiles its CodeUri
// with make build's flags; every folder of functions/ is deployed.
func checkMakefileBuild(root string) func(t *template.Template) []string {
	return func(t *template.Template) []string {
		var problems []string
		deployed := map[string]bool{}
		for _, fn := range t.SAM.OfType("AWS::Serverless::Function") {
			r := t.SAM.Resources[fn]
			uri, _ := r.Properties["CodeUri"].(string)
			deployed[filepath.Clean(uri)] = true
			if r.Metadata["BuildMethod"] != "makefile" || r.Metadata["ContextPath"] != "." {
				problems = append(problems, fmt.Sprintf("%s: Metadata %v, want BuildMethod makefile and ContextPath .", fn, r.Metadata))
			}
			cmd := exec.Command("make", "-n", "-s", "-C", root, "build-"+fn, "ARTIFACTS_DIR=/artifacts", "GO=go")
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), lambdaBuild+filepath.Clean(uri)+"\n") {
				problems = append(problems, fmt.Sprintf("%s: make build-%s does not run %s%s: %v\n%s", fn, fn, lambdaBuild, uri, err, out))
			}
		}
		dirs, _ := filepath.Glob(filepath.Join(root, "functions", "*"))
		for _, dir := range dirs {
			rel, _ := filepath.Rel(root, dir)
			if st, err := os.Stat(dir); err == nil && st.IsDir() && !deployed[rel] {
				problems = append(problems, rel+" is not a function of the template")
			}
		}
		return problems
	}
}
