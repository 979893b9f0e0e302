#!/usr/bin/env bash
# What `npm test` runs: provision what the tests need (npm packages, the Temporal CLI, the
# time-skipping test server, the Temporal server of test/cluster/; Chromium on CI), then the whole vitest suite. Arguments go to vitest:
#   npm test -- test/core/db
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/provision.sh test
# Types and lint first: either fails the run before any server starts.
node_modules/.bin/tsc --noEmit
node_modules/.bin/eslint .
exec node_modules/.bin/vitest run "$@"
