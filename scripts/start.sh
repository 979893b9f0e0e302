#!/usr/bin/env bash
# What `npm start` runs: provision what is missing, then the launcher (scripts/start.ts).
# `node --import tsx` rather than the tsx CLI: one process, so Ctrl-C reaches the launcher once and
# it can stop the worker and API before the servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# --cluster runs a real Temporal server instead of the dev server: provisioning builds it first.
mode=start
for arg in "$@"; do [[ "$arg" == --cluster ]] && mode=cluster; done
bash scripts/provision.sh "$mode"
# `npm start` is the development quick start, so it asks for the demo users and inventory
# (DEMO_DATA=false to start without). Nothing else turns them on: compose and a production start
# leave DEMO_DATA unset, and the launcher then creates no demo user.
export DEMO_DATA="${DEMO_DATA:-true}"
exec node --import tsx scripts/start.ts "$@"
