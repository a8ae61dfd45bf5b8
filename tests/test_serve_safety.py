"""serve answers hostile or unknown URLs as a static host would, and says honestly what it is serving."""
from __future__ import annotations

import functools
import http.client
import http.server
import threading

import pytest

from casebook import serve
from casebook.build import render_site
from casebook.errors import DataInvalid
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


@pytest.mark.site
def test_an_unknown_url_gets_the_sites_own_404_page(server, built_site):
    status, body = get(server, "/no/such/page/")
    assert status == 404
    assert body == serve.with_reload((built_site / "404.html").read_bytes())


@pytest.mark.site
def test_a_null_byte_in_the_url_is_a_404_not_a_dropped_connection(server, built_site, capsys):
    status, body = get(server, "/regions/%00/index.html")
    assert status == 404 and body == serve.with_reload((built_site / "404.html").read_bytes())
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.unit
def test_invalid_data_and_no_previous_site_is_said_plainly(project, tmp_path, capsys):
    path = project / "regions/04-itabashi.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aged_65_plus: 127738", "aged_65_plus: 12万"), encoding="utf-8")
    state = serve.State()
    serve._rebuild(Rebuilder(project, tmp_path / "site", log=lambda _: None), state)
    out = capsys.readouterr()
    assert "previous site" not in out.out
    assert "no site yet: every page shows the errors" in out.out
    assert state.errors == ["regions/04-itabashi.yaml:12: population.aged_65_plus: expected an integer ≥ 0, got '12万'"]


@pytest.mark.site
def test_a_rebuild_renders_again_only_the_pages_that_read_the_changed_file_and_equals_a_full_build(project, tmp_path):
    out = tmp_path / "site"
    rebuilder = Rebuilder(project, out, log=lambda _: None)
    rebuilder.build()
    csv = project / "survey/s2-1.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("国等,件数,0\n", "国等（編集）,件数,0\n"), encoding="utf-8")
    region = project / "regions/04-itabashi.yaml"
    good = region.read_text(encoding="utf-8")
    region.write_text(good.replace("aged_65_plus: 127738", "aged_65_plus: 12万"), encoding="utf-8")
    with pytest.raises(DataInvalid):  # the survey edit waits, with the broken region, for the next good build
        rebuilder.build([str(csv), str(region)])
    region.write_text(good, encoding="utf-8")
    rebuilder.build([str(region)])
    assert rebuilder.last["kept"] > 0  # about/, search/, 404 read neither regions/ nor survey/
    about = project / "content/method.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n追記した段落。\n", encoding="utf-8")
    rebuilder.build([str(about)])
    assert 0 < rebuilder.last["rendered"] <= 3 and rebuilder.last["kept"] > 50
    _, full = render_site(project)
    assert rebuilder.files == full.files
    assert "国等（編集）" in (out / "survey/s2/index.html").read_text(encoding="utf-8")
