#!/usr/bin/env bash
# Prints "LogicalId CodeUri" for every AWS::Serverless::Function in
# template.yaml, so that the build covers exactly what the template deploys.
set -euo pipefail
awk '
  /^Resources:/ { inres = 1; next }
  /^[A-Za-z]/   { inres = 0 }
  inres && /^  [A-Za-z0-9]+:[[:space:]]*$/ { name = $1; sub(":", "", name); isfn = 0; next }
  inres && /^    Type: AWS::Serverless::Function/ { isfn = 1 }
  inres && isfn && /^      CodeUri:/ { print name, $2 }
' "${1:-template.yaml}"
