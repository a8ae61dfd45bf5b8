"""Shared fixtures: the real data, a built copy of the real site, and throwaway project trees."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from casebook.build import build_site
from casebook.validate import load_site

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("regions", "content", "survey", "templates", "static")


TIERS = ("unit", "site", "browser", "bench")


@pytest.hookimpl(tryfirst=True)  # before -m deselects: a test without a tier must not slip through unseen
def pytest_collection_modifyitems(config, items):
    """Every test has exactly one tier (pyproject.toml: unit, site, browser, bench)."""
    wrong = []
    for item in items:
        tiers = {mark.name for mark in item.iter_markers() if mark.name in TIERS}
        if len(tiers) != 1:
            wrong.append(f"{item.nodeid}: {', '.join(sorted(tiers)) or 'no tier marker'}")
    if wrong:
        raise pytest.UsageError("each test needs exactly one of the markers " + ", ".join(TIERS) + ":\n  "
                                + "\n  ".join(wrong))


def pytest_configure(config):
    import message_probe  # tests/ is on the path: conftest.py's folder
    if "MESSAGE_PROBE_OUT" not in os.environ:  # the coverage test's own subprocess records through the plugin
        config.pluginmanager.register(message_probe.SessionProbe(), "message_session_probe")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def real_site():
    return load_site(ROOT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test session."""
    out = tmp_path_factory.mktemp("site") / "_site"
    build_site(ROOT, out, log=lambda _: None)
    return out


def copy_project(target: Path, dirs=SOURCE_DIRS) -> Path:
    for name in dirs:
        shutil.copytree(ROOT / name, target / name)
    return target


@pytest.fixture
def project(tmp_path) -> Path:
    """A writable copy of the real project's sources, for tests that break one thing."""
    return copy_project(tmp_path / "project")
