#!/usr/bin/env python3
"""Build the casebook site.

    python build.py              build into _site/
    python build.py --out DIR    build into DIR
    python build.py check        validate the data only
    python build.py serve        build, serve on 127.0.0.1 and rebuild on change
    python build.py schema       write regions.schema.json for editors
"""
from casebook.cli import run

if __name__ == "__main__":
    run()
