package template_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"tend/infra/template"
)

// importFileUses is what each function may do with the imports' files
// (internal/importing over internal/s3files): the API keeps a file sent
// with a request, reads an upload to check it and presigns uploads; the
// jobs function reads the upload, keeps the rows it prepares and removes
// what is done with. No other role may touch the bucket.
var importFileUses = map[string][]string{
	"ApiFunction":  {"s3:PutObject", "s3:GetObject"},
	"JobsFunction": {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
}

// s3Uses are the S3 actions the check asks every role about.
var s3Uses = []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:PutObjectAcl",
	"s3:PutBucketPolicy", "s3:DeleteBucket", "s3:PutLifecycleConfiguration"}

// checkImportsBucket: the functions that keep import files name one bucket
// of the template (IMPORTS_BUCKET), which is private (every public access
// blocked, objects owned by the bucket: no ACLs), encrypted, rids itself
// of objects after 7 days; and each role may touch it only as
// importFileUses says, on its objects alone.
func checkImportsBucket(t *template.Template) []string {
	d := t.CFN
	var problems []string
	bucket := ""
	for _, fn := range d.OfType("AWS::Lambda::Function") {
		v := template.Get(d.Resources[fn].Properties, "Environment", "Variables", "IMPORTS_BUCKET")
		_, wants := importFileUses[fn]
		switch {
		case v == nil && wants:
			problems = append(problems, fn+": no IMPORTS_BUCKET")
		case v != nil && !wants:
			problems = append(problems, fn+": IMPORTS_BUCKET set, but it keeps no import files")
		case v != nil:
			ref := template.Ref(v)
			if d.Resources[ref].Type != "AWS::S3::Bucket" || (bucket != "" && ref != bucket) {
				problems = append(problems, fmt.Sprintf("%s: IMPORTS_BUCKET is %v, not the one bucket of the template", fn, v))
				continue
			}
			bucket = ref
		}
	}
	if bucket == "" {
		return append(problems, "no function names the imports bucket")
	}
	p := d.Resources[bucket].Properties
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if template.Get(p, "PublicAccessBlockConfiguration", k) != true {
			problems = append(problems, fmt.Sprintf("%s: PublicAccessBlockConfiguration.%s is not true", bucket, k))
		}
	}
	if rules := template.List(template.Get(p, "OwnershipControls", "Rules")); len(rules) != 1 ||
		template.Get(rules[0], "ObjectOwnership") != "BucketOwnerEnforced" {
		problems = append(problems, fmt.Sprintf("%s: objects are not owned by the bucket (OwnershipControls %v)", bucket, rules))
	}
	enc := template.List(template.Get(p, "BucketEncryption", "ServerSideEncryptionConfiguration"))
	if len(enc) == 0 || template.Get(enc[0], "ServerSideEncryptionByDefault", "SSEAlgorithm") == nil {
		problems = append(problems, bucket+": no default encryption")
	}
	expires := false
	for _, r := range template.List(template.Get(p, "LifecycleConfiguration", "Rules")) {
		expires = expires || (template.Get(r, "Status") == "Enabled" && number(template.Get(r, "ExpirationInDays")) == 7 && template.Get(r, "Prefix") == nil)
	}
	if !expires {
		problems = append(problems, bucket+": objects don't expire after 7 days")
	}
	return append(problems, checkBucketUses(d, bucket)...)
}

// checkBucketUses: every role touches the bucket only as its function's
// importFileUses says, and only its objects (<bucket ARN>/*), never the
// bucket itself nor anything else in S3.
func checkBucketUses(d template.Doc, bucket string) []string {
	functionOf := map[string]string{}
	for _, fn := range d.OfType("AWS::Lambda::Function") {
		role, _ := template.GetAtt(d.Resources[fn].Properties["Role"])
		functionOf[role] = fn
	}
	objects := "${" + bucket + ".Arn}/*"
	var problems []string
	for _, role := range slices.Sorted(maps.Keys(functionOf)) {
		sts, err := statementsOfRole(d, role)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		want := importFileUses[functionOf[role]]
		for _, use := range s3Uses {
			by := allowing(sts, use, bucket)
			switch {
			case slices.Contains(want, use) && len(by) == 0:
				problems = append(problems, fmt.Sprintf("%s (%s) may not %s in %s", role, functionOf[role], use, bucket))
			case !slices.Contains(want, use) && len(by) > 0:
				problems = append(problems, fmt.Sprintf("%s: lets %s %s in %s", by[0].where, role, use, bucket))
			}
		}
		for _, st := range sts {
			if !st.allows() || !slices.ContainsFunc(st.actions(), func(a string) bool { return strings.HasPrefix(a, "s3:") }) {
				continue
			}
			for _, r := range template.List(st.body["Resource"]) {
				if template.Sub(r) != objects {
					problems = append(problems, fmt.Sprintf("%s: S3 on %v, not the imports bucket's objects (%s)", st.where, r, objects))
				}
			}
		}
	}
	return problems
}
