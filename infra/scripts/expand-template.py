"""Expands a SAM template into plain CloudFormation, as `sam deploy` would.

Usage: python3 expand-template.py [TEMPLATE]   (default: template.yaml)

Prints one JSON object: {"sam": the template as written, "cfn": the
template after the AWS::Serverless-2016-10-31 transform}. The tests of
infra/template read what the expanded template really grants; make
sam-local reads the table and queues to create from it.

It runs the SAM translator (the samtranslator package, which cfn-lint
installs) with no AWS calls: the function code is given a placeholder S3
location, and AWS managed policies are named by their ARN instead of being
looked up in IAM.
"""
import copy
import json
import os
import sys


class AnyManagedPolicy(dict):
    """Maps every AWS managed policy name to its ARN, without asking IAM."""

    def __contains__(self, name):
        return isinstance(name, str)

    def __missing__(self, name):
        return "arn:aws:iam::aws:policy/" + name

    def get(self, name, default=None):
        return self[name]


def expand(sam):
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    class Loader(ManagedPolicyLoader):
        def __init__(self):
            pass

        def load(self):
            return AnyManagedPolicy()

    fragment = copy.deepcopy(sam)
    for res in fragment.get("Resources", {}).values():
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://placeholder/" + props["CodeUri"]
    return transform(fragment, {}, Loader(), passthrough_metadata=True)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
    try:
        from samtranslator.yaml_helper import yaml_parse
    except ImportError as err:
        sys.exit(f"expand-template: the SAM translator is missing ({err}): pip install cfn-lint installs it")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(path, encoding="utf-8") as f:
        sam = yaml_parse(f.read())
    try:
        cfn = expand(sam)
    except Exception as err:  # the translator's errors list every cause
        causes = getattr(err, "causes", None) or [err]
        sys.exit("expand-template: " + "; ".join(getattr(c, "message", str(c)) for c in causes))
    json.dump({"sam": sam, "cfn": cfn}, sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main()
