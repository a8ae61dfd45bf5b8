"""Fixtures for the browser suite (marker `browser`): the built site over http, one headless Chromium,
browser contexts with a watcher, and the axe-core / vnu-jar files from node_modules.  Helpers: browserkit.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browserkit import AXE_JS, CHROMIUM, LAUNCH_ARGS, ROOT, VNU_JAR, Watcher, html_pages, require, serve


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def pages(built_site) -> list[str]:
    found = html_pages(built_site)
    assert len(found) > 40, f"expected the whole site, found {len(found)} pages"
    return found


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM, Path(CHROMIUM).exists())
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the environment
        require("the playwright Python package", False)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    require(str(AXE_JS.relative_to(ROOT)), AXE_JS.exists())
    return AXE_JS


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    require(str(VNU_JAR.relative_to(ROOT)), VNU_JAR.exists())
    require("java", shutil.which("java") is not None)
    return VNU_JAR


@pytest.fixture(scope="session")
def open_context(browser):
    """open_context(base_url, **options) -> (context, watcher); contexts are closed at the end of the session."""
    contexts = []

    def make(base_url: str, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("service_workers", "block")
        context = browser.new_context(**options)
        contexts.append(context)
        return context, Watcher(context, base_url)

    yield make
    for context in contexts:
        context.close()
