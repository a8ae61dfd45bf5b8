"""Every validation message has a test: each `report.add(...)` call in the loading and checking code
(found by reading the source, not listed by hand) is reached by a test of the validation suites, which assert
the messages word for word."""
from __future__ import annotations

import pytest

import ast
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from message_probe import SUITES


MODULES = ("casebook/load.py", "casebook/validate.py", "casebook/schema.py")


def call_sites(rel: str) -> dict[int, str]:
    """Line → source text of each `report.add(...)` call in the module."""
    source = (ROOT / rel).read_text(encoding="utf-8")
    sites = {}
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "report"):
            lines = source.split("\n")
            # Declared unreachable in the code (on the call or its `except` line), with the reason beside it.
            if not any("pragma: no cover" in lines[n] for n in (node.lineno - 2, node.lineno - 1)):
                sites[node.lineno] = lines[node.lineno - 1].strip()
    return sites


@pytest.mark.unit
def test_the_source_has_messages_to_cover():
    assert sum(len(call_sites(m)) for m in MODULES) > 40


def hits_of_a_run_of_the_suites(tmp_path) -> set[str]:
    out = tmp_path / "hits.txt"
    out.touch()
    env = {**os.environ, "MESSAGE_PROBE_OUT": str(out), "PYTHONPATH": str(ROOT / "tests")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "message_probe", "-p", "no:cacheprovider",
                          *[str(ROOT / s) for s in SUITES]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, run.stdout[-3000:]
    return set(out.read_text(encoding="utf-8").split())


@pytest.mark.site  # runs the validation suites again unless the whole suite just did
def test_every_validation_message_is_reached_by_a_test(tmp_path, request):
    probe = request.config.pluginmanager.get_plugin("message_session_probe")
    # The whole suite has just run the validation suites: their hits were recorded then, not by a second run.
    hits = probe.hits if probe is not None and probe.complete() else hits_of_a_run_of_the_suites(tmp_path)
    missing = [f"{rel}:{line}: {text}" for rel in MODULES for line, text in sorted(call_sites(rel).items())
               if f"{ROOT / rel}:{line}" not in hits]
    assert not missing, "messages no test reaches:\n" + "\n".join(missing)
