#!/usr/bin/env bash
# Build stage, step 1: the exact dependencies of package-lock.json, dev ones included (tsc, the bundler's
# types); only the npm registry is reached. Dev dependencies are pruned by prune.sh after the build.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
step "npm ci (node $(node --version), npm $(npm --version))"
npm ci --no-audit --no-fund --loglevel=error
