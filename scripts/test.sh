#!/usr/bin/env bash
# npm test: the real engine and registry must be there, the code must typecheck, then every test runs.
# Extra arguments go to vitest (e.g. a file: bash scripts/test.sh test/unit/htpasswd.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-engine.sh
echo "test: typecheck (tsc --noEmit)"
npx tsc --noEmit -p tsconfig.json
exec npx vitest run "$@"
