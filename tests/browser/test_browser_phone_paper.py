"""A reader on a 360 px phone, on A4 paper and without JavaScript: one page of each type.
Needs pdftotext (poppler-utils) for the printed checks."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from browserkit import require

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PAGE_TYPES = ["", "regions/", "regions/by-rate-65/", "regions/kamaishi/", "models/", "models/v-a/", "survey/",
              "survey/s6/", "compare/", "compare/kamaishi/", "similar/", "about/", "data/", "search/"]


@pytest.fixture(scope="module")
def strings(root):
    return yaml.safe_load((root / "templates" / "strings.ja.yaml").read_text(encoding="utf-8"))


def test_no_page_type_scrolls_sideways_on_a_phone(open_context, site_url):
    context, watcher = open_context(site_url, viewport=PHONE)
    page = context.new_page()
    wide = []
    for path in PAGE_TYPES:
        page.goto(site_url + path, wait_until="load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"/{path}: {width} px")
    assert not wide, "pages wider than the phone:\n  " + "\n  ".join(wide)
    assert not watcher.problems(page)


@pytest.mark.parametrize("path", ["regions/", "regions/by-rate-65/"])
def test_region_name_stays_on_screen_when_the_table_scrolls_sideways(open_context, site_url, path):
    context, _ = open_context(site_url, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + path, wait_until="load")
    scrolled = page.evaluate("""() => {
      const wrap = document.querySelector('.region-table').closest('.table-wrap');
      wrap.scrollIntoView();
      wrap.scrollLeft = wrap.scrollWidth;
      return wrap.scrollLeft;
    }""")
    assert scrolled > 100, "the table should be wider than the phone, or this test checks nothing"
    boxes = page.evaluate("""() => [...document.querySelectorAll('.region-table tbody th[scope=row]')].map((th) => {
      const r = th.getBoundingClientRect(); return [th.textContent.trim(), r.left, r.right]; })""")
    off = [name for name, left, right in boxes if left < 0 or right > PHONE["width"]]
    assert len(boxes) == 14 and not off, f"names off screen: {off}"


def test_table_headers_break_between_words_not_inside_them(open_context, site_url):
    context, _ = open_context(site_url, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "regions/", wait_until="load")
    # 垂直連携モデル is one word: its header must be on one line, as wide as the word
    lines = page.evaluate("""() => { const th = [...document.querySelectorAll('.region-table thead th')]
        .find((x) => x.textContent.includes('垂直連携モデル'));
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT); let node;
      while ((node = walker.nextNode()) && !node.data.includes('垂直連携モデル'));
      const range = document.createRange(); range.selectNodeContents(node); return range.getClientRects().length; }""")
    assert lines == 1


def test_without_javascript_the_region_index_says_filtering_needs_it(open_context, site_url, strings):
    notice = strings["regions"]["nojs"]
    context, _ = open_context(site_url, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "regions/?rate65_min=30&h=あ2", wait_until="load")
    assert page.get_by_text(notice).is_visible()
    assert page.get_by_role("link", name=strings["regions"]["nojs_models"]).is_visible()
    assert not page.locator("form.filters").is_visible()
    page.goto(site_url + "regions/by-rate-65/", wait_until="load")
    intro = strings["regions"]["by_intro"].format(title=strings["regions"]["by"]["rate-65"]["title"])
    assert page.get_by_text(intro).is_visible()
    assert "絞り込みができます" not in page.locator("main").inner_text()

    js_context, _ = open_context(site_url)
    js_page = js_context.new_page()
    js_page.goto(site_url + "regions/", wait_until="load")
    assert js_page.locator("form.filters").is_visible()
    assert not js_page.get_by_text(notice).is_visible()


@pytest.mark.parametrize("path", ["", "regions/", "regions/by-rate-65/", "models/", "survey/s6/", "compare/kamaishi/",
                                  "about/", "data/"])
def test_every_printed_page_type_starts_with_its_address_date_and_citation(open_context, site_url, strings, tmp_path, path):
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    context, _ = open_context(site_url)
    page = context.new_page()
    page.goto(site_url + path, wait_until="load")
    page.emulate_media(media="print")
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    first = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                                              capture_output=True, text=True, check=True).stdout)
    for label, wanted in (("address", site_url + path), ("citation", strings["site"]["credit"]),
                          ("print date", strings["case"]["printed_on"])):
        assert re.sub(r"\s+", "", wanted) in first, f"/{path}: no {label} on page 1"


def test_printed_survey_has_no_disclosure_markers_and_keeps_charts_whole(open_context, site_url):
    context, _ = open_context(site_url)
    page = context.new_page()
    page.goto(site_url + "survey/s6/", wait_until="load")
    page.emulate_media(media="print")
    figures = page.locator(".survey-table__figures > summary").count()
    assert figures > 5
    shown = page.evaluate("() => [...document.querySelectorAll('.survey-table__figures > summary')].filter((s) => getComputedStyle(s).display !== 'none').length")
    assert shown == 0
    split = page.evaluate("() => [...document.querySelectorAll('.chart-wrap')].filter((c) => getComputedStyle(c).breakInside !== 'avoid').length")
    assert split == 0
