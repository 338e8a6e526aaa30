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
# A function links only the services its handler reaches (internal/services
# has a builder per function): each binary stays under a bound, which a
# new dependency linked everywhere would break. 15 MB for most; the
# functions that read and write spreadsheets (excelize: imports, exports,
# reports as .xlsx, campaign lists) and PDFs (fpdf and its embedded
# Vietnamese font) reach those libraries on purpose. The api function alone
# also carries the API reference page's renderer (internal/apidocs, 2 MB).
bound_mb() {
  case "$1" in
    ApiFunction | JobsFunction | SchedulerFunction) echo 40 ;; # spreadsheets and PDFs
    NotifierFunction) echo 20 ;;                               # a customer's record as a PDF attachment
    *) echo 15 ;;
  esac
}
too_big=0
while read -r id uri; do
  mkdir -p "$out/$id"
  make --no-print-directory "build-$id" ARTIFACTS_DIR="$out/$id"
  size=$(wc -c <"$out/$id/bootstrap")
  bound=$(bound_mb "$id")
  awk -v id="$id" -v uri="$uri" -v size="$size" -v bound="$bound" 'BEGIN { printf "built .aws-sam/build/%s/bootstrap (%s): %.1f MB (bound %d MB)\n", id, uri, size / 1048576, bound }'
  if [ "$size" -gt $((bound * 1024 * 1024)) ]; then
    echo "  $id's bootstrap is over $bound MB: it links more than its handler needs" >&2
    too_big=1
  fi
done <<<"$functions"
[ "$too_big" -eq 0 ] || exit 1
# Every function directory must be deployed by the template.
for dir in functions/*/; do
  dir=${dir%/}
  if ! grep -q " $dir\$" <<<"$functions"; then
    echo "$dir is not a function of template.yaml" >&2
    exit 1
  fi
done
