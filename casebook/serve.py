"""`build.py serve`: build, serve on 127.0.0.1, and rebuild when a source file changes."""
from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from .build import build_site
from .errors import DataInvalid

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


def _rebuild(root: Path, out: Path, base_url: str) -> None:
    try:
        build_site(root, out, base_url=base_url)
    except DataInvalid as exc:
        from .cli import report_errors
        report_errors(exc)
        print("the previous site is still being served", flush=True)


def watch(root: Path, out: Path, base_url: str, stop: threading.Event, interval: float = 0.3) -> None:
    seen = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != seen:
            seen = now
            _rebuild(root, out, base_url)


def serve(root: Path, out: Path, port: int, base_url: str = "") -> int:
    _rebuild(root, out, base_url)
    # The handler resolves the folder by path on every request, so the swap on rebuild is picked up.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Handler, directory=str(out)))
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, out, base_url, stop), daemon=True)
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
