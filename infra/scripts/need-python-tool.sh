#!/usr/bin/env bash
# Usage: need-python-tool.sh COMMAND PIP-PACKAGE
# Makes sure a Python command-line tool is on PATH, installing its package
# with pip when it is missing, and says plainly what to do when that fails.
set -euo pipefail
cmd=$1 pkg=$2
command -v "$cmd" >/dev/null 2>&1 && exit 0
echo "$cmd not found: installing it with pip install \"$pkg\"" >&2
for pip in pip3 pip "python3 -m pip"; do
  if $pip --version >/dev/null 2>&1 && $pip install --quiet "$pkg" >&2; then
    hash -r
    command -v "$cmd" >/dev/null 2>&1 && exit 0
  fi
done
cat >&2 <<MSG
error: $cmd is needed and could not be installed.
Install it yourself, then run make again:

    pip install "moto[server]" cfn-lint

MSG
exit 1
