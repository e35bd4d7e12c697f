#!/usr/bin/env bash
# API image: Debian's Chromium (PDF documents, templates/pdf.ts) and the Noto CJK fonts the Chinese
# documents need, from Debian's archive only, without recommends; the apt lists are removed after.
# Outside a container (scripts/validate-deploy.sh) the install is skipped when the packages are
# already there, and said so.
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk)
printf '== deploy: %s\n' "Debian packages: ${PACKAGES[*]}"
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "== deploy: 需要 root / needs root to install ${missing[*]}" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -rf /var/lib/apt/lists/*
else
  echo "== deploy: already installed, apt skipped: ${PACKAGES[*]}"
fi
chromium --version 2>/dev/null || { echo "== deploy: chromium does not run" >&2; exit 1; }
fonts=$(fc-list :lang=zh family)
[[ $fonts == *"Noto Sans CJK"* ]] || { echo "== deploy: 缺少中文字体 / no Noto Sans CJK font after the install" >&2; exit 1; }
echo "== deploy: CJK fonts: $(grep -c 'Noto Sans CJK' <<<"$fonts") Noto Sans CJK families"
