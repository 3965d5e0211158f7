#!/usr/bin/env bash
# Runs a command and checks its exit code and that its output (stdout+stderr) matches a regex.
# Usage: expect.sh <exit-code> <extended-regex> -- <command> [args...]
set -u
want=$1 pattern=$2
shift 3
output=$("$@" 2>&1)
got=$?
if [ "$got" -ne "$want" ]; then
  printf 'expected exit %s, got %s from: %s\n%s\n' "$want" "$got" "$*" "$output"
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$output"; then
  printf 'output of "%s" does not match /%s/:\n%s\n' "$*" "$pattern" "$output"
  exit 1
fi
