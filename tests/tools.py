"""A tool the tests need and do not find: under CI that is a failure (CI must have installed it); elsewhere the
test skips, and the message says how to install it."""
from __future__ import annotations

import os
import subprocess

import pytest

INSTALL = {
    "chromium": "apt-get install chromium",
    "node": "apt-get install nodejs npm",
    "poppler-utils": "apt-get install poppler-utils",
    "java": "apt-get install default-jre-headless",
    "playwright": ".venv/bin/python -m pip install -e '.[test]'",
    "node_modules": "npm ci --ignore-scripts",
}


def require_tool(what: str, ok: bool, install: str) -> None:
    if ok:
        return
    message = f"{what} is missing; install it with `{install}` (or run `bash tests/run.sh`, which sets up everything on Debian)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_ok(args, **kwargs) -> subprocess.CompletedProcess:
    """A command the test needs to succeed. When it fails, the test fails showing the command and its own output,
    not only its exit code."""
    kwargs.setdefault("capture_output", True)
    done = subprocess.run(args, **kwargs)
    if done.returncode != 0:
        def text(data) -> str:
            return data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")
        pytest.fail(f"`{' '.join(map(str, args))}` exited with {done.returncode}\n--- stdout\n{text(done.stdout)[-4000:]}"
                    f"\n--- stderr\n{text(done.stderr)[-4000:]}", pytrace=False)
    return done
