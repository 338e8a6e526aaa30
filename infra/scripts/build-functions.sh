#!/usr/bin/env bash
# Cross-compiles every function of template.yaml for Lambda (linux/arm64,
# provided.al2023) into .aws-sam/build/<LogicalId>/bootstrap, the layout
# `sam build` produces for BuildMethod go1.x.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.aws-sam/build
functions=$(infra/scripts/functions.sh template.yaml)
if [ -z "$functions" ]; then
  echo "no AWS::Serverless::Function with a CodeUri in template.yaml" >&2
  exit 1
fi
while read -r id uri; do
  mkdir -p "$out/$id"
  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags="-s -w" \
    -o "$out/$id/bootstrap" "./$uri"
  echo "built $out/$id/bootstrap ($uri)"
done <<<"$functions"
# Every function directory must be deployed by the template.
for dir in functions/*/; do
  dir=${dir%/}
  if ! grep -q " $dir\$" <<<"$functions"; then
    echo "$dir is not a function of template.yaml" >&2
    exit 1
  fi
done
