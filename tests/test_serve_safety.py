"""serve answers hostile or unknown URLs as a static host would, and says honestly what it is serving."""
from __future__ import annotations

import functools
import http.client
import http.server
import threading

import pytest

from casebook import serve
from casebook.incremental import Rebuilder


@pytest.fixture
def server(built_site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(serve._Handler, directory=str(built_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def test_an_unknown_url_gets_the_sites_own_404_page(server, built_site):
    status, body = get(server, "/no/such/page/")
    assert status == 404
    assert body == (built_site / "404.html").read_bytes()


def test_a_null_byte_in_the_url_is_a_404_not_a_dropped_connection(server, built_site, capsys):
    status, body = get(server, "/regions/%00/index.html")
    assert status == 404 and body == (built_site / "404.html").read_bytes()
    assert "Traceback" not in capsys.readouterr().err


def test_invalid_data_and_no_previous_site_is_said_plainly(project, tmp_path, capsys):
    path = project / "regions/04-itabashi.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aged_65_plus: 127738", "aged_65_plus: 12万"), encoding="utf-8")
    serve._rebuild(Rebuilder(project, tmp_path / "site", log=lambda _: None))
    out = capsys.readouterr()
    assert "previous site" not in out.out
    assert "no site is being served" in out.out
