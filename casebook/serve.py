"""`build.py serve` for editors: build, serve on 127.0.0.1, rebuild when a source file changes.

An open page reloads by itself after each rebuild: serve adds one external script (CSP allows only the site's own
scripts) to every HTML page it sends, which asks serve for its build number and reloads when it changes. The files
on disk are exactly those of `build.py`. While the sources have errors, every page shows them (file, line,
message) in the site's own page, and reloads once they are fixed."""
from __future__ import annotations

import errno
import functools
import http.server
import sys
import threading
from html import escape
from pathlib import Path

from . import urls
from .errors import DataInvalid
from .incremental import Rebuilder
from .write import DuplicateOutput, check_out

WATCHED = ("regions", "content", "survey", "templates", "static")
POLL_S = 0.1  # how often the sources are looked at
RELOAD_SCRIPT = "/__serve/reload.js"
VERSION_URL = "/__serve/version"

# Served, never written into the site. Asks for the build number ten times a second (a local request); a new
# number means a new build or a change in the errors shown.
_RELOAD_JS = b"""(function () {
  var seen = null;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (version) {
      if (seen !== null && version !== seen) { location.reload(); return; }
      seen = version;
      setTimeout(poll, 100);
    }, function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""" % VERSION_URL.encode()
_SCRIPT_TAG = f'<script src="{RELOAD_SCRIPT}" defer></script>'.encode()


class State:
    """What the server shows besides the files: the build number and the errors of the sources, if any."""

    def __init__(self) -> None:
        self.version = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def built(self) -> None:
        with self.lock:
            self.version += 1
            self.errors = []

    def failed(self, errors: list[str]) -> None:
        with self.lock:
            self.version += 1
            self.errors = errors


def snapshot(root: Path) -> dict[str, float]:
    """Modification times of every source file; a change in this dict triggers a rebuild."""
    stamps = {}
    for name in WATCHED:
        for path in (root / name).rglob("*"):
            if path.is_file():
                stamps[str(path)] = path.stat().st_mtime_ns
    return stamps


def error_page(site: Path, errors: list[str]) -> bytes:
    """The errors in the site's own page: its 404 page with the errors in place of its content, or a bare page
    with the site's stylesheet when no site was ever built. The words are here, not in templates/strings.ja.yaml:
    the page must show when the templates themselves are broken."""
    body = ("<h1>ソースファイルにエラーがあります（{n}件）</h1>\n<p>直して保存すると、このページは自動で読み込み直されます。"
            "</p>\n<ul class=\"serve-errors\">\n{items}</ul>\n").format(
        n=len(errors), items="".join(f"<li><code>{escape(line)}</code></li>\n" for line in errors))
    shell = site / urls.NOT_FOUND
    try:
        html = shell.read_text(encoding="utf-8")
        start = html.index(">", html.index("<main")) + 1
        end = html.index("</main>", start)
        html = html[:start] + "\n" + body + html[end:]
    except (OSError, ValueError):
        html = ("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<title>エラー</title>\n"
                "<link rel=\"stylesheet\" href=\"/css/site.css\">\n</head>\n<body>\n<main class=\"main\">\n"
                + body + "</main>\n</body>\n</html>\n")
    return html.encode("utf-8")


def with_reload(html: bytes) -> bytes:
    at = html.rfind(b"</body>")
    return html[:at] + _SCRIPT_TAG + b"\n" + html[at:] if at >= 0 else html + _SCRIPT_TAG


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, state: State | None = None, **kwargs):
        self.state = state or State()
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # keep the console for build messages
        pass

    def translate_path(self, path: str) -> str:
        if "\x00" in path or "%00" in path:  # os.path would raise "embedded null byte" mid-request
            return str(Path(self.directory) / "-no-such-file-")
        return super().translate_path(path)

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_head(self):
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        if route == RELOAD_SCRIPT:
            self._send(200, _RELOAD_JS, "text/javascript; charset=utf-8")
            return None
        if route == VERSION_URL:
            self._send(200, str(self.state.version).encode(), "text/plain; charset=utf-8")
            return None
        target = Path(self.translate_path(self.path))
        if target.is_dir() and route.endswith("/"):
            target = target / urls.INDEX
        page = target.suffix == ".html" or not target.exists()
        if page and self.state.errors:  # 200: the page is what serve has to show now, not a failure of serve
            self._send(200, with_reload(error_page(Path(self.directory), self.state.errors)), "text/html; charset=utf-8")
            return None
        if target.suffix == ".html" and target.is_file():
            self._send(200, with_reload(target.read_bytes()), "text/html; charset=utf-8")
            return None
        return super().send_head()

    def send_error(self, code, message=None, explain=None):
        """A missing page gets the site's own 404.html, as a static host serves it, not Python's English page."""
        page = Path(self.directory) / urls.NOT_FOUND
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        self._send(404, with_reload(page.read_bytes()), "text/html; charset=utf-8")


def _rebuild(rebuilder: Rebuilder, state: State | None = None, changed: set[str] | None = None) -> None:
    """A build (after *changed* source files; None: a first build); on errors, the previous site stays on disk
    and every page shows the errors."""
    state = state or State()
    kept = ("the previous site stays on disk; every page shows the errors until they are fixed"
            if rebuilder.out.is_dir() else "no site yet: every page shows the errors until they are fixed")
    try:
        rebuilder.build(changed)
        state.built()
    except DataInvalid as exc:
        from .cli import report_errors
        report_errors(exc)
        print(kept, flush=True)
        state.failed(exc.report.lines())
    except DuplicateOutput as exc:
        print(f"error: {exc}; {kept}", flush=True)
        state.failed([f"error: {exc}"])
    except Exception as exc:  # e.g. a template being edited: report it and keep watching
        import traceback
        traceback.print_exc()
        print(f"the build failed; {kept}", flush=True)
        state.failed([f"the build failed: {type(exc).__name__}: {exc}"])


def watch(root: Path, rebuilder: Rebuilder, state: State, stop: threading.Event, interval: float = POLL_S) -> None:
    seen = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != seen:
            changed = {path for path in now.keys() | seen.keys() if now.get(path) != seen.get(path)}
            seen = now
            _rebuild(rebuilder, state, changed)


def serve(root: Path, out: Path, port: int, base_url: str = "") -> int:
    check_out(out, root)  # raises UnsafeOutput before anything is served or written
    state = State()
    handler = functools.partial(_Handler, directory=str(out), state=state)
    try:  # the port first: a port in use is said before any build
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"error: port {port} is in use (another serve?); choose another with --port", file=sys.stderr)
        else:
            print(f"error: cannot serve on 127.0.0.1:{port}: {exc.strerror}", file=sys.stderr)
        return 1
    rebuilder = Rebuilder(root, out, base_url, log=lambda line: print(line, flush=True))
    _rebuild(rebuilder, state)
    # The handler finds the folder by its path on every request, so a rebuild's new folder is picked up.
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuilder, state, stop), daemon=True)
    watcher.start()
    print(f"serving {out} at http://127.0.0.1:{server.server_port}/ — rebuilding on change, open pages reload by "
          "themselves; Ctrl+C stops", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0
