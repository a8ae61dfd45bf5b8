"""A missing tool fails the run under CI and, elsewhere, skips with the command that installs it."""
from __future__ import annotations

import pytest

from tools import require_tool


@pytest.mark.site
def test_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"node is missing; install it with `apt-get install nodejs npm`"):
        require_tool("node", False, "apt-get install nodejs npm")


@pytest.mark.unit
def test_missing_tool_skips_elsewhere_saying_how_to_install(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"install it with `apt-get install chromium`"):
        require_tool("chromium", False, "apt-get install chromium")


@pytest.mark.site
def test_present_tool_passes(monkeypatch):
    monkeypatch.setenv("CI", "true")
    require_tool("node", True, "apt-get install nodejs npm")
