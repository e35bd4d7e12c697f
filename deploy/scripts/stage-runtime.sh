#!/usr/bin/env bash
# Build stage, step 5: assemble what the runtime images copy (one COPY --from=build): package.json,
# the pruned node_modules (moved there), dist/ (with the workflow bundle), and the files read at run time that tsc
# does not emit: the Handlebars templates and partials (templates/), the public pages (views/), the
# console's pages and static files (console/views, console/static). config/paths.ts finds the
# project root by package.json + templates/. Usage: stage-runtime.sh DEST (an empty or new folder).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
dest=${1:?usage: stage-runtime.sh DEST}
[ -d dist ] && [ -f dist/workflow-bundle.js ] || fail "build first: dist/ or dist/workflow-bundle.js missing"
[ ! -e "$dest" ] || [ -z "$(ls -A "$dest")" ] || fail "$dest is not empty"
step "runtime tree -> $dest"
mkdir -p "$dest"
cp -a package.json package-lock.json dist "$dest/"
# Moved, not copied: the build stage ends here, and the copy would double the build's disk and time.
mv node_modules "$dest/"
# The run-time assets: everything in these folders except TypeScript (compiled into dist/).
find templates views console -type f ! -name '*.ts' -print0 | while IFS= read -r -d '' f; do
  mkdir -p "$dest/$(dirname "$f")" && cp -a "$f" "$dest/$f"
done
# The staged tree must stand alone: project root found, bundle current where it now lies.
(cd "$dest" && node -e "require('./dist/config/paths')" && node dist/scripts/build-workflow-bundle.js --check) \
  || fail "the staged tree at $dest does not stand alone"
echo "staged $(du -sh "$dest" | cut -f1) in $dest"
