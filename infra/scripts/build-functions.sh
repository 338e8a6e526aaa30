#!/usr/bin/env bash
# Cross-compiles every function of template.yaml for Lambda (linux/arm64,
# provided.al2023) into .aws-sam/build/<LogicalId>/bootstrap, with the
# Makefile's build-<LogicalId> target: the one `sam build` runs
# (BuildMethod: makefile).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$PWD/.aws-sam/build
functions=$(infra/scripts/functions.sh template.yaml)
if [ -z "$functions" ]; then
  echo "no AWS::Serverless::Function with a CodeUri in template.yaml" >&2
  exit 1
fi
while read -r id uri; do
  mkdir -p "$out/$id"
  make --no-print-directory "build-$id" ARTIFACTS_DIR="$out/$id"
  echo "built .aws-sam/build/$id/bootstrap ($uri)"
done <<<"$functions"
# Every function directory must be deployed by the template.
for dir in functions/*/; do
  dir=${dir%/}
  if ! grep -q " $dir\$" <<<"$functions"; then
    echo "$dir is not a function of template.yaml" >&2
    exit 1
  fi
done
