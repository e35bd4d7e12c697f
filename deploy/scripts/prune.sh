#!/usr/bin/env bash
# Build stage, step 4: drop the dev dependencies (typescript, jest, eslint, …) from node_modules and
# the Temporal core bridge's native builds for other platforms (about 110 MB; the build stage runs on
# the image's platform), then check that the native module loads and that the bundle still matches
# what it was built from (it uses production packages only).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
step "npm prune --omit=dev"
npm prune --omit=dev --no-audit --no-fund --loglevel=error
for dev in typescript jest ts-node eslint; do
  [ ! -e "node_modules/$dev" ] || fail "dev dependency $dev is still in node_modules after the prune"
done
releases=node_modules/@temporalio/core-bridge/releases
target=$(node -p "({ x64: 'x86_64', arm64: 'aarch64' })[process.arch] + '-' + ({ linux: 'unknown-linux-gnu', darwin: 'apple-darwin', win32: 'pc-windows-msvc' })[process.platform]")
[ -d "$releases/$target" ] || fail "no Temporal core bridge build for $target in $releases"
step "Temporal core bridge: keeping $target only"
find "$releases" -mindepth 1 -maxdepth 1 -type d ! -name "$target" -exec rm -rf {} +
node -e "require('@temporalio/core-bridge')" || fail "the Temporal core bridge does not load after the prune"
node dist/scripts/build-workflow-bundle.js --check dist/workflow-bundle.js
