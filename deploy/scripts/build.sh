#!/usr/bin/env bash
# Build stage, step 2: TypeScript to dist/ (tsconfig.build.json: no tests, no bench), as `npm run build`.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
step "tsc -p tsconfig.build.json"
rm -rf dist
npx --no-install tsc -p tsconfig.build.json
[ -f dist/worker/main.js ] && [ -f dist/api/server.js ] && [ -f dist/scripts/migrate.js ] \
  || fail "dist/ lacks worker/main.js, api/server.js or scripts/migrate.js"
