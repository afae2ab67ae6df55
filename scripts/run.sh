#!/usr/bin/env bash
# One entry point for a fresh machine: provisions Node/pnpm, installs from the lockfile, runs a script.
#   bash scripts/run.sh demo    # build, start the demo, print traces
#   bash scripts/run.sh test    # build and run every test
#   bash scripts/run.sh <any package.json script> [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/provision.sh
log=$(mktemp)
if ! pnpm install --frozen-lockfile --prefer-offline --reporter=append-only >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
exec pnpm run "$@"
