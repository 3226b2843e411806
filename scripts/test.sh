#!/usr/bin/env bash
# npm test: the real engine and registry must be there, the code must typecheck and pass the lint, then every test runs,
# and the unit and UI tests run a second time on Node 24 (the project supports Node >= 20).
# Extra arguments go to vitest (e.g. a file: bash scripts/test.sh test/unit/htpasswd.test.ts) and
# skip the Node 24 run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-engine.sh
echo "test: typecheck (tsc --noEmit)"
npx tsc --noEmit -p tsconfig.json
echo "test: lint (eslint)"
npx eslint .
if [ $# -gt 0 ]; then exec npx vitest run "$@"; fi
echo "test: unit and UI tests on Node 24 (npm's node@24 package)"
npx --yes -p node@24 -- node node_modules/vitest/vitest.mjs run --project unit
echo "test: every test on $(node --version)"
npx vitest run
