"""`build.py serve` as a user runs it: started as a process on a free port in a copy of the project, it rebuilds
after an edit to a region, a template, a static file and a survey CSV; the served pages change, and what it
serves in the end equals a full build of the edited sources.  Only behaviour is checked (HTTP and files)."""
from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from casebook.build import build_site
from casebook.serve import with_reload

from conftest import ROOT

pytestmark = pytest.mark.site

STARTUP_SECONDS = 240
REBUILD_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def server(project, tmp_path):
    port = free_port()
    out = tmp_path / "served"
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--root", str(project), "--out", str(out),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               stdin=subprocess.DEVNULL)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    seen = []
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            process.kill()
            pytest.fail("serve did not start: " + "".join(seen))
        seen.append(line)
        if line.startswith("serving "):
            break
    try:
        yield f"http://127.0.0.1:{port}/", out, seen
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(url: str, marker: bytes, log: list[str]) -> bytes:
    deadline = time.monotonic() + REBUILD_SECONDS
    while time.monotonic() < deadline:
        body = fetch(url)
        if marker in body:
            return body
        time.sleep(0.3)
    pytest.fail(f"{url} never showed {marker.decode()!r}; serve printed:\n" + "".join(log[-30:]))


def test_serve_rebuilds_on_every_kind_of_edit_and_serves_a_full_build(server, project, tmp_path):
    base, out, log = server
    assert "駒ヶ根市" in fetch(base + "regions/komagane/").decode("utf-8")

    edit(project / "regions/10-komagane.yaml", "headline: 行政・病院協働の垂直・水平連携\n", "headline: 見出しを編集した\n")
    wait_for(base + "regions/komagane/", "見出しを編集した".encode(), log)

    edit(project / "templates/_footer.html", "</footer>", "<p>テンプレートを編集した</p></footer>")
    wait_for(base + "about/", "テンプレートを編集した".encode(), log)

    (project / "static/css/site.css").write_text((project / "static/css/site.css").read_text(encoding="utf-8")
                                                 + ".serve-edited { color: inherit; }\n", encoding="utf-8")
    wait_for(base + "css/site.css", b".serve-edited", log)

    edit(project / "survey/s2-1.csv", "国等,件数,0\n", "国等（編集した）,件数,0\n")
    wait_for(base + "survey/s2/", "国等（編集した）".encode(), log)

    time.sleep(1)  # let any rebuild still under way finish
    full = tmp_path / "full"
    build_site(project, full, log=lambda _: None)
    expected = {p.relative_to(full).as_posix(): p.read_bytes() for p in sorted(full.rglob("*")) if p.is_file()}
    served = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert sorted(served) == sorted(expected)
    differ = [rel for rel in expected if served[rel] != expected[rel]]
    assert not differ, f"served files differ from a full build: {differ[:10]}"
    for rel in [r for r in expected if r.endswith("index.html")]:
        assert fetch(base + rel) == with_reload(expected[rel]), rel


def test_a_port_in_use_is_one_line_before_any_build(project, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--root", str(project),
                               "--out", str(tmp_path / "served"), "--port", str(port)],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.splitlines() == [f"error: port {port} is in use (another serve?); choose another with --port"]
    assert done.stdout == "" and not (tmp_path / "served").exists()  # nothing built
