#!/usr/bin/env bash
# Set up the project's Python environment in .venv: Python 3.11 or newer with the packages pyproject.toml names
# (jinja2, pyyaml, pandas, markdown, lunr, sudachipy with its dictionary). Installs the Debian package
# python3-venv (with sudo when not root) only where Python's venv module is missing.
# Usage: bash scripts/setup.sh [test]   ("test" adds pytest, hypothesis, jsonschema and Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: needs Python 3.11 or newer; found $("$PY" --version 2>&1 || echo none). Install python3.11 and run again." >&2
  exit 1
fi
echo "setup: using $("$PY" --version) at $(command -v "$PY")"
# A .venv left without pip by an interrupted first run is recreated, not reused.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  echo "setup: creating .venv"
  rm -rf .venv
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "setup: installing the Debian package python3-venv (Debian's Python ships venv separately)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$PY" -m venv .venv
  fi
fi
extras=""
[ "${1:-}" = test ] && extras="[test]"
echo "setup: installing the Python packages of pyproject.toml$extras into .venv (about a minute the first time)"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
echo "setup: done; run .venv/bin/python build.py --help for the commands"
