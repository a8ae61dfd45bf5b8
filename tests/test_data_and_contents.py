"""Pages a reader scans for one entry (issue 27): /data/ says what each download is as a data catalogue does and
keeps the editors' log on a page of its own; the survey contents name every table; the about page's key/value
tables have no empty header cells."""
from __future__ import annotations

import csv
import io
import re

import pytest

from html_tree import parse

pytestmark = pytest.mark.site


def _page(built_site, rel: str):
    return parse((built_site / rel).read_text(encoding="utf-8"))


def test_every_download_states_its_format_encoding_size_and_columns(built_site):
    doc = _page(built_site, "data/index.html")
    items = [li for ul in doc.by_class("downloads") for li in ul.find_all("li")]
    assert len(items) >= 4 + 35 + 2
    for li in items:
        href = li.find("a").attrs["href"]
        content = (built_site / "data" / href).read_bytes()
        meta = li.by_class("downloads__meta")[0].text
        kind, *rest = meta.split("・")
        assert kind == href.rsplit(".", 1)[1].upper(), meta
        kb = float(re.fullmatch(r"([\d.]+) KB", rest[-1]).group(1))
        assert abs(kb - len(content) / 1024) <= 0.05, f"{href}: says {kb} KB, is {len(content)} bytes"
        if kind != "ZIP":
            assert rest[0].startswith("UTF-8") and ("BOM" in rest[0]) == content.startswith(b"\xef\xbb\xbf"), f"{href}: {meta}"
        if kind == "CSV":
            header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            columns = li.by_class("downloads__columns")[0].text
            assert columns.endswith("、".join(header)) and f"（{len(header)}）" in columns, f"{href}: {columns}"


def test_the_editors_log_has_a_page_of_its_own_linked_from_data(built_site, real_site):
    data = (built_site / "data/index.html").read_text(encoding="utf-8")
    log = (built_site / "data/log/index.html").read_text(encoding="utf-8")
    some_note = real_site.regions[0].source_notes[0].note
    assert some_note not in data and some_note in log
    assert 'href="../data/log/index.html"' in data
    assert len(data) < len(log) / 2, "the download page should be the short one"


def test_every_survey_contents_entry_is_told_apart_by_its_text(built_site, real_site):
    doc = _page(built_site, "survey/index.html")
    sections = doc.by_class("survey-contents")[0].find_all("ul")
    assert len(sections) >= 6
    for ul in sections:
        entries = [re.sub(r"\s+", "", li.text) for li in ul.find_all("li")]
        assert all(len(e) > 2 for e in entries), entries  # a title, never a bare ①
        assert len(set(entries)) == len(entries), f"two entries read the same: {entries}"


def test_about_tables_have_no_empty_header_cells(built_site):
    doc = _page(built_site, "about/index.html")
    tables = doc.find_all("table")
    assert tables
    empty = [th for t in tables for th in t.find_all("th") if not th.text.strip()]
    assert not empty
    # a key/value table names each row by its key
    assert any(th.attrs.get("scope") == "row" and th.text.strip() == "調査目的" for t in tables for th in t.find_all("th"))


def test_a_model_badge_prints_its_full_address_only_when_the_site_knows_it(built_site, root, tmp_path):
    """Paper cannot follow a link: with --base-url a badge prints its page's full address, without it nothing
    (a bare /models/v-b2/ helps no reader)."""
    from casebook.build import build_site
    with_base = tmp_path / "site"
    build_site(root, with_base, base_url="https://example.org/casebook/", log=lambda _: None)
    for site, expected in ((built_site, None), (with_base, "https://example.org/casebook/models/v-b2/")):
        badges = [a for a in _page(site, "regions/usuki/index.html").by_class("badge") if "v-b2" in a.attrs["href"]]
        assert badges and all(a.attrs.get("data-print-href") == expected for a in badges), site
