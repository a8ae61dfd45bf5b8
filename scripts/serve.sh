#!/usr/bin/env bash
# Set up .venv when needed (scripts/setup.sh: Python 3.11+, the packages of pyproject.toml, python3-venv from
# Debian only if missing), then build the site and serve it on http://127.0.0.1:8000/, rebuilding on change.
# Usage: bash scripts/serve.sh [build.py serve options, e.g. --port 8080]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "serve: building the site into _site/ and serving it; Ctrl+C stops"
exec .venv/bin/python build.py serve "$@"
