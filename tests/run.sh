#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine, then run them: the Debian packages chromium,
# poppler-utils, nodejs, npm, default-jre-headless and fonts-noto-cjk (only those missing, with sudo when not
# root), Python 3.11+ in .venv with the test extras (scripts/setup.sh), the npm packages axe-core and vnu-jar.
# Usage: bash tests/run.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "tests/run.sh: setting up (Debian packages when missing, .venv, npm packages), then running pytest"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v java >/dev/null || missing+=(default-jre-headless)
fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)  # not grep -q: SIGPIPE + pipefail
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/setup.sh test
if [ -f package-lock.json ]; then
  echo "installing npm packages (axe-core, vnu-jar)"
  # axe-core and vnu-jar (tests/browser); no install scripts: vnu-jar's would fetch a JRE, the system Java serves
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
fi

echo "running the tests (about 6 minutes on 2 idle cores)"
exec .venv/bin/python -m pytest -q "$@"
