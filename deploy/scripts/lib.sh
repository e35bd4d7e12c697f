#!/usr/bin/env bash
# Shared by the build steps in this folder (sourced, not run). Each step runs from the application
# folder (the Dockerfile's WORKDIR, or the clean copy scripts/validate-deploy.sh makes), prints what
# it does, and fails loudly.
set -euo pipefail
step() { printf '== deploy: %s\n' "$*"; }
fail() { printf '== deploy: 失败 / failed: %s\n' "$*" >&2; exit 1; }
[ -f package.json ] || fail "run from the application folder (no package.json in $(pwd))"
