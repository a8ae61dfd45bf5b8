"""Helpers for the browser suite: serving the built site, launching Chromium, watching pages, running axe.

Everything here needs /usr/bin/chromium, the `playwright` Python package (never `playwright install`:
the system Chromium is launched by path), Java, and `npm ci` (axe-core and vnu-jar).  `bash tests/run.sh`
sets all of that up.  When something is missing the tests skip locally and fail under CI (CI is set).
"""
from __future__ import annotations

import functools
import http.server
import os
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tools import INSTALL, require_tool, run_ok

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--disable-gpu",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Recorded inside every page before any of our scripts run.  Playwright injects this through the
# DevTools protocol, so it is not an inline script of ours and the page's CSP does not apply to it.
WATCH_SCRIPT = """
(() => {
  const log = [];
  Object.defineProperty(window, "__casebookEvents", { value: log });
  document.addEventListener("securitypolicyviolation", (e) => log.push({
    kind: "csp", directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber,
  }));
  window.addEventListener("error", (e) => {
    if (e.target && e.target !== window) {
      log.push({ kind: "resource", element: e.target.tagName, url: e.target.src || e.target.href || "" });
    } else {
      log.push({ kind: "error", message: String(e.message), source: e.filename, line: e.lineno });
    }
  }, true);
  window.addEventListener("unhandledrejection", (e) => log.push({ kind: "rejection", message: String(e.reason) }));
})();
"""

AXE_RUN = """
async (tags) => {
  const r = await axe.run(document, tags ? { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }
                                         : { resultTypes: ["violations"] });
  const rules = [...r.violations, ...r.passes, ...r.incomplete, ...r.inapplicable].map((x) => x.id);
  return {
    rules,
    violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary })),
    })),
  };
}
"""


def require(what: str, ok: bool, install: str | None = None) -> None:
    """Fails under CI, skips elsewhere; the message names how to install *what*."""
    key = next((k for k in INSTALL if k in what), None)
    require_tool(what, ok, install or (INSTALL[key] if key else "bash tests/run.sh"))


# axe is served from the site's own origin: the pages' CSP (script-src 'self') stays in force and
# blocks the inline script that add_script_tag(path=...) would insert.
AXE_URL_PATH = "/__tests__/axe.min.js"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def translate_path(self, path):
        if urlsplit(path).path == AXE_URL_PATH:
            return str(AXE_JS)
        return super().translate_path(path)


@contextmanager
def serve(directory: Path):
    """Serve *directory* on 127.0.0.1 at a free port; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def html_pages(site: Path) -> list[str]:
    """Every page the build wrote, as paths relative to the site root."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


class Watcher:
    """Collects, per page, everything that must not happen: console errors, failed or foreign requests,
    HTTP errors, CSP violations, uncaught errors and dialogs.  `problems(page)` returns them all."""

    def __init__(self, context, base_url: str):
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
        self.events: list[str] = []
        context.add_init_script(WATCH_SCRIPT)
        context.on("page", self.attach)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.events.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.events.append(f"uncaught: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.events.append(f"HTTP {r.status}: {r.url}"))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _failed(self, request) -> None:
        # Chromium fetches the favicon after "load" and cancels it when the test moves on to the next page;
        # that cancellation is the test's doing (a missing favicon still shows as HTTP 404).
        if request.failure == "net::ERR_ABORTED" and urlsplit(request.url).path.endswith(("/favicon.svg", "/favicon.ico")):
            return
        self.events.append(f"request failed: {request.url} ({request.failure})")

    def _request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if "{0.scheme}://{0.netloc}".format(urlsplit(url)) != self.origin:
            self.events.append(f"request to another origin: {url}")

    def _dialog(self, dialog) -> None:
        self.events.append(f"dialog ({dialog.type}): {dialog.message}")
        dialog.dismiss()

    def problems(self, page) -> list[str]:
        found = list(self.events)
        self.events.clear()
        try:
            recorded = page.evaluate("() => window.__casebookEvents || []")
        except Exception as exc:  # the page navigated away or closed
            recorded = [{"kind": "watch", "message": str(exc)}]
        for event in recorded:
            found.append(f"{event.pop('kind')}: {event}")
        return found


def run_axe(page, tags: list[str] | None = WCAG_TAGS) -> dict:
    """Run axe-core on the page: its WCAG 2.0/2.1 A and AA rules, or with tags=None its default rules (those and
    the best practices, landmark-unique and empty-table-header among them); needs the `axe_source` fixture."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL_PATH)
    return page.evaluate(AXE_RUN, tags)


def block_site_scripts(context) -> None:
    """JavaScript off for the site's own scripts, on for axe: every .js request but axe's is refused.
    (A context with java_script_enabled=False cannot run axe at all.)  Equivalent to JS off as long
    as the pages have no <noscript> content; test_axe_without_javascript checks that."""
    def handle(route):
        if urlsplit(route.request.url).path == AXE_URL_PATH:
            route.continue_()
        else:
            route.abort("blockedbyclient")
    context.route(lambda url: urlsplit(url).path.endswith(".js"), handle)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for n in v["nodes"][:5]:
            lines.append(f"      at {n['target']}: {n['html']}")
            lines.append("        " + (n["summary"] or "").replace("\n", "\n        "))
        if len(v["nodes"]) > 5:
            lines.append(f"      … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def page_fill(pdf, tmp_path) -> list[float]:
    """How far down each printed page its content reaches (share of the page height), from a 20 dpi render."""
    run_ok(["pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp_path / "fill")])
    shares = []
    for pgm in sorted(tmp_path.glob("fill-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        _magic, w, h, _max, pixels = pgm.read_bytes().split(maxsplit=4)
        w, h = int(w), int(h)
        inked = [y for y in range(h) if min(pixels[y * w:(y + 1) * w]) < 200]
        shares.append((max(inked) + 1) / h if inked else 0.0)
        pgm.unlink()
    return shares


# Where each line of an element's text starts, as character offsets into its textContent (one Range per character).
LINE_STARTS = """(el) => { const starts = []; let offset = 0, lastTop = null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++, offset++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const box = r.getClientRects()[0]; if (!box || !node.data[i].trim()) continue;
      if (lastTop === null || box.top > lastTop + 2) { starts.push(offset); lastTop = box.top; }
    }
  }
  return [el.textContent, starts]; }"""


# Layout shifts as Lighthouse counts them (CLS): those not caused by the reader's own input.
LAYOUT_SHIFTS = """window.__shifts = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); })
    .observe({ type: 'layout-shift', buffered: true });"""


def open_with_scripts_after_first_paint(context, url: str):
    """Open `url` with its scripts held until the first contentful paint, then let them run and wait for load.

    A slow phone paints before its deferred scripts run; whatever they then move on screen is a layout shift the
    reader sees. Returns the page; `layout_shift(page)` sums the shifts since it opened."""
    context.add_init_script(LAYOUT_SHIFTS)
    held = []

    def hold(route):
        held.append(route)

    def is_script(address):
        return urlsplit(address).path.endswith(".js")

    context.route(is_script, hold)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
    page.wait_for_timeout(100)
    assert held, "no script was held: the test checks nothing"
    for route in held:
        route.continue_()
    context.unroute(is_script, hold)
    page.wait_for_load_state("load")
    return page


def layout_shift(page) -> float:
    return sum(page.evaluate("() => window.__shifts"))
