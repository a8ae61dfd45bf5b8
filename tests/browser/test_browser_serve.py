"""An editor's loop with `build.py serve`: the page open in the browser follows the sources by itself. A saved
edit shows without touching the browser; a mistake shows on the page with its file, line and message, in the
site's own look; fixing it brings the page back. Nothing on the way breaks the page's CSP."""
from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from browserkit import ROOT

pytestmark = pytest.mark.browser

STARTUP_SECONDS = 240


@pytest.fixture
def served(project, tmp_path):
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--root", str(project),
                                "--out", str(tmp_path / "served"), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    seen, deadline = [], time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail("serve did not start:\n" + "".join(seen))
            seen.append(line)
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if line.startswith("serving ") and found:
                break
        yield found.group(1), seen
    finally:
        process.terminate()
        process.wait(timeout=30)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_open_page_follows_edits_and_shows_a_mistake_until_it_is_fixed(served, project, open_context):
    url, log = served
    context, watcher = open_context(url)
    page = context.new_page()
    page.goto(url + "regions/komagane/", wait_until="load")
    assert page.locator("h1").first.inner_text().strip()
    region = project / "regions/10-komagane.yaml"

    edit(region, "headline: 行政・病院協働の垂直・水平連携\n", "headline: 見出しを編集した\n")
    page.wait_for_function("() => document.body.innerText.includes('見出しを編集した')", timeout=60_000)

    edit(region, "aged_65_plus: ", "aged_65_plus: 約")  # a mistake: not a number
    page.wait_for_function("() => document.body.innerText.includes('regions/10-komagane.yaml:')", timeout=60_000)
    shown = page.locator("main").inner_text()
    assert re.search(r"regions/10-komagane\.yaml:\d+: population\.aged_65_plus: expected an integer", shown), shown
    assert page.locator('link[rel="stylesheet"]').count() >= 1  # the site's own page, with its style
    page.goto(url + "about/", wait_until="load")  # every page shows it while the mistake is there
    assert "regions/10-komagane.yaml:" in page.locator("main").inner_text()

    edit(region, "aged_65_plus: 約", "aged_65_plus: ")
    page.wait_for_function("() => !document.body.innerText.includes('regions/10-komagane.yaml:')", timeout=60_000)
    assert page.locator("h1").first.inner_text().strip()
    assert not watcher.problems(page), "".join(log[-20:])
