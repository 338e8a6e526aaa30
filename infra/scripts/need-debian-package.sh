#!/usr/bin/env bash
# Usage: need-debian-package.sh COMMAND DEBIAN-PACKAGE [OTHER-SYSTEMS-HINT]
# Makes sure a command from a Debian/Ubuntu package is on PATH, installing
# the package with apt-get (as root, or through sudo) when it is missing,
# and says plainly what to do when that can't be done.
set -euo pipefail
cmd=$1 pkg=$2 hint=${3:-}
command -v "$cmd" >/dev/null 2>&1 && exit 0
echo "$cmd not found: installing it with apt-get install -y $pkg" >&2
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  fi
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    if $sudo apt-get install -y "$pkg" >&2 || { $sudo apt-get update >&2 && $sudo apt-get install -y "$pkg" >&2; }; then
      hash -r
      command -v "$cmd" >/dev/null 2>&1 && exit 0
    fi
  fi
fi
cat >&2 <<MSG
error: $cmd is needed and could not be installed.
Install it yourself, then run make again:

    apt-get install -y $pkg      # Debian, Ubuntu
${hint:+    $hint
}
MSG
exit 1
