#!/usr/bin/env bash
# What `npm start` runs: provision what is missing, then the launcher (scripts/start.ts).
# `node --import tsx` rather than the tsx CLI: one process, so Ctrl-C reaches the launcher once and
# it can stop the worker and API before the servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/provision.sh start
exec node --import tsx scripts/start.ts "$@"
