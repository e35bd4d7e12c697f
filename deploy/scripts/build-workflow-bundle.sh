#!/usr/bin/env bash
# Build stage, step 3: the workflow bundle, built once here instead of at every worker start
# (scripts/build-workflow-bundle.ts): dist/workflow-bundle.js and its manifest dist/workflow-bundle.json
# (the bundled files and their sha256, which the worker checks at start: worker/bundle.ts).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
step "workflow bundle -> dist/workflow-bundle.js"
node dist/scripts/build-workflow-bundle.js dist/workflow-bundle.js
node dist/scripts/build-workflow-bundle.js --check dist/workflow-bundle.js
