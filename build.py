#!/usr/bin/env python3
"""Build the casebook site. `python build.py --help` lists the commands.

    python build.py              build into _site/
    python build.py --out DIR    build into DIR
    python build.py check        validate the data only
    python build.py serve        build, serve on 127.0.0.1 and rebuild on change
    python build.py schema       write regions.schema.json for editors
"""
import importlib.util
import sys

# The packages pyproject.toml installs (by import name). Run outside the project's environment, the build would
# stop at the first lazy import with a traceback; this says at once what to run instead.
NEEDED = ("jinja2", "yaml", "pandas", "markdown", "lunr", "sudachipy")

missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
if sys.version_info < (3, 11) or missing:
    found = f"Python {sys.version_info.major}.{sys.version_info.minor}" + (
        f" without {', '.join(missing)}" if missing else "")
    print(f"build.py: needs Python 3.11+ with the project's packages, found {found}; set them up with "
          f"`bash scripts/setup.sh`, then run `.venv/bin/python build.py`", file=sys.stderr)
    sys.exit(1)

from casebook.cli import run  # noqa: E402  (after the check above)

if __name__ == "__main__":
    run()
