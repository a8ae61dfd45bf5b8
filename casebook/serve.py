"""`build.py serve`: build, serve on 127.0.0.1, and rebuild when a source file changes."""
from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from .errors import DataInvalid
from .incremental import Rebuilder
from .write import DuplicateOutput, check_out

WATCHED = ("regions", "content", "survey", "templates", "static")


def snapshot(root: Path) -> dict[str, float]:
    """Modification times of every source file; a change in this dict triggers a rebuild."""
    stamps = {}
    for name in WATCHED:
        for path in (root / name).rglob("*"):
            if path.is_file():
                stamps[str(path)] = path.stat().st_mtime_ns
    return stamps


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep the console for build messages
        pass

    def translate_path(self, path: str) -> str:
        if "\x00" in path or "%00" in path:  # os.path would raise "embedded null byte" mid-request
            return str(Path(self.directory) / "-no-such-file-")
        return super().translate_path(path)

    def send_error(self, code, message=None, explain=None):
        """A missing page gets the site's own 404.html, as a static host serves it, not Python's English page."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _rebuild(rebuilder: Rebuilder, changed: set[str] | None = None) -> None:
    """A full build, or after *changed* source files an in-place rebuild of what changed (incremental.py)."""
    kept = ("the previous site is still being served" if rebuilder.out.is_dir() else
            "no site is being served until the errors are fixed (every page answers 404)")
    try:
        if changed is None:
            rebuilder.full()
        else:
            rebuilder.changed(changed)
    except DataInvalid as exc:
        from .cli import report_errors
        report_errors(exc)
        print(kept, flush=True)
    except DuplicateOutput as exc:
        print(f"error: {exc}; {kept}", flush=True)
    except Exception:  # e.g. a template being edited: report it and keep watching
        import traceback
        traceback.print_exc()
        print(f"the build failed; {kept}", flush=True)


def watch(root: Path, out: Path, base_url: str, stop: threading.Event, interval: float = 0.2,
          rebuilder: Rebuilder | None = None) -> None:
    rebuilder = rebuilder or Rebuilder(root, out, base_url)
    seen = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != seen:
            changed = {path for path in now.keys() | seen.keys() if now.get(path) != seen.get(path)}
            seen = now
            _rebuild(rebuilder, changed)


def serve(root: Path, out: Path, port: int, base_url: str = "") -> int:
    check_out(out, root)  # raises UnsafeOutput before anything is served or written
    rebuilder = Rebuilder(root, out, base_url, log=lambda line: print(line, flush=True))
    _rebuild(rebuilder)
    # The handler resolves the folder by path on every request, so the swap on rebuild is picked up.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Handler, directory=str(out)))
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, out, base_url, stop),
                               kwargs={"rebuilder": rebuilder}, daemon=True)
    watcher.start()
    print(f"serving {out} at http://127.0.0.1:{server.server_port}/ — rebuilding on change; Ctrl+C stops", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0
