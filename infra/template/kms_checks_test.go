package template_test

import (
	"fmt"
	"maps"
	"slices"

	"tend/infra/template"
)

// keyUses are the KMS actions that use a key's material (a grant gives
// any of them).
var keyUses = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
	"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"}

// leadSecretUses is what each function may do with the lead secrets' key
// (internal/kmsseal): the API seals a source's secrets as an admin sets
// them and never shows them again; the webhooks open the secrets that
// check a provider's signature, the intake function the page token that
// reads Facebook leads. No other role may use the key at all.
var leadSecretUses = map[string][]string{
	"ApiFunction":   {"kms:Encrypt"},
	"HooksFunction": {"kms:Decrypt"},
	intakeFunction:  {"kms:Decrypt"},
}

// leadSecretPurposes is the encryption context every use is bound to: the
// lead service seals each secret for "lead_source/<source id>/<name>"
// (internal/leads, purpose), and kmsseal puts it under "purpose".
var leadSecretPurposes = map[string]any{"StringLike": map[string]any{"kms:EncryptionContext:purpose": "lead_source/*"}}

// accountRoot is the key policy principal that leaves the key's use to
// IAM.
const accountRoot = "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"

// checkLeadSecretsKey: the functions that seal or open lead sources'
// secrets name one symmetric key of the template, rotated, with an alias,
// kept when the stack goes (the table is, and its secrets open only with
// it), whose policy gives it to the account alone; and each role may use
// it only as leadSecretUses says, for lead-source purposes only.
func checkLeadSecretsKey(t *template.Template) []string {
	d := t.CFN
	var problems []string
	key := ""
	for _, fn := range slices.Sorted(maps.Keys(leadSecretUses)) {
		ref := template.Ref(template.Get(d.Resources[fn].Properties, "Environment", "Variables", "LEAD_SECRETS_KEY_ID"))
		if d.Resources[ref].Type != "AWS::KMS::Key" || (key != "" && ref != key) {
			problems = append(problems, fmt.Sprintf("%s: LEAD_SECRETS_KEY_ID is %q, not the one key of the template", fn, ref))
			continue
		}
		key = ref
	}
	if key == "" {
		return problems
	}
	k := d.Resources[key]
	if k.Properties["EnableKeyRotation"] != true {
		problems = append(problems, key+": EnableKeyRotation is not true")
	}
	if spec, ok := k.Properties["KeySpec"]; ok && spec != "SYMMETRIC_DEFAULT" {
		problems = append(problems, fmt.Sprintf("%s: KeySpec %v, want SYMMETRIC_DEFAULT", key, spec))
	}
	if k.DeletionPolicy != "Retain" {
		problems = append(problems, fmt.Sprintf("%s: DeletionPolicy %q: the retained table's secrets would never open again", key, k.DeletionPolicy))
	}
	aliased := false
	for _, id := range d.OfType("AWS::KMS::Alias") {
		aliased = aliased || template.Ref(d.Resources[id].Properties["TargetKeyId"]) == key
	}
	if !aliased {
		problems = append(problems, key+": no alias")
	}
	for _, st := range policyStatements(key, k.Properties["KeyPolicy"]) {
		if p := st.body["Principal"]; st.allows() && template.Sub(template.Get(p, "AWS")) != accountRoot {
			problems = append(problems, fmt.Sprintf("%s: the key policy allows %v, not the account alone", st.where, p))
		}
	}
	return append(problems, checkKeyUses(d, key)...)
}

// checkKeyUses: every role of the template uses the key only as its
// function's leadSecretUses says, each use bound to leadSecretPurposes.
func checkKeyUses(d template.Doc, key string) []string {
	functionOf := map[string]string{}
	for _, fn := range d.OfType("AWS::Lambda::Function") {
		role, _ := template.GetAtt(d.Resources[fn].Properties["Role"])
		functionOf[role] = fn
	}
	var problems []string
	for _, role := range d.OfType("AWS::IAM::Role") {
		sts, err := statementsOfRole(d, role)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		want := leadSecretUses[functionOf[role]]
		for _, use := range keyUses {
			by := allowing(sts, use, key)
			switch {
			case slices.Contains(want, use) && len(by) == 0:
				problems = append(problems, fmt.Sprintf("%s (%s) may not %s with %s", role, functionOf[role], use, key))
			case !slices.Contains(want, use) && len(by) > 0:
				problems = append(problems, fmt.Sprintf("%s: lets %s %s with %s", by[0].where, role, use, key))
			}
			for _, st := range by {
				if fmt.Sprint(st.body["Condition"]) != fmt.Sprint(leadSecretPurposes) {
					problems = append(problems, fmt.Sprintf("%s: %s with %s is not bound to %v", st.where, use, key, leadSecretPurposes))
				}
			}
		}
	}
	return problems
}
