"""The region table's selection and the print document of the selected cases, in Chromium: the sticky bar
「N件選択中 — 比べる / 印刷する」 with real links, /regions/print/ narrowed by ?r= (no case without JS: a note and the case pages), the
same content as the case pages, and a page break between cases when printed."""
from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest

from tools import run_ok
import yaml

from browserkit import require

pytestmark = pytest.mark.browser

INDEX = "regions/index.html"
PRINT = "regions/print/index.html"


@pytest.fixture(scope="module")
def strings(root):
    return yaml.safe_load((root / "templates" / "strings.ja.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def slugs(real_site) -> list[str]:
    return [r.slug for r in real_site.regions]


@pytest.fixture(scope="module")
def ctx(open_context, site_url):
    return open_context(site_url)


def chosen(page) -> list[str]:
    href = page.locator("[data-module=pick-bar] [data-pick-print]").get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    return query["r"][0].split(",") if "r" in query else []


def test_the_selection_bar_counts_and_links_to_compare_and_print(ctx, site_url, slugs, strings):
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site_url + INDEX, wait_until="load")
    bar = page.locator("[data-module=pick-bar]")
    assert bar.is_visible() and strings["pick"]["hint"] in bar.inner_text()
    boxes = page.locator(".pick-check input")
    assert boxes.count() == len(slugs)
    order = [2, 0, 13]
    for i in order:
        boxes.nth(i).check()
    want = [slugs[i] for i in order]
    assert page.locator("[data-module=pick-bar] [data-pick-count]").inner_text() == strings["pick"]["count"].format(n=3)
    assert chosen(page) == want
    assert page.locator("[data-module=pick-bar] [data-pick-compare]").get_attribute("href").endswith("compare/index.html?r=" + ",".join(want))
    # The bar is where the selection is: with the table's last rows on screen, the bar is on screen too.
    page.locator(".region-table tbody tr").last.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740, f"bar off screen at {box}"
    row = page.locator(".region-table tbody tr").last.bounding_box()
    assert row["y"] >= box["y"] + box["height"] - 1, "the bar covers the row just chosen"
    # Every action is at least 24 × 24 px, the checkboxes too (WCAG 2.5.8).
    for target in [page.locator("[data-module=pick-bar] [data-pick-compare]"), page.locator("[data-module=pick-bar] [data-pick-print]"), page.locator("[data-module=pick-bar] [data-pick-clear]"), boxes.nth(0)]:
        b = target.bounding_box()
        assert b["width"] >= 24 and b["height"] >= 24, b
    # More than four: all go to print, the first four to compare, and the bar says so.
    for i in (5, 6):
        boxes.nth(i).check()
    want += [slugs[5], slugs[6]]
    assert chosen(page) == want
    assert page.locator("[data-module=pick-bar] [data-pick-compare]").get_attribute("href").endswith("?r=" + ",".join(want[:4]))
    assert page.locator("[data-module=pick-bar] [data-pick-note]").inner_text() == strings["pick"]["compare_max"]
    assert page.locator(".pick-bar__status").inner_text() == strings["pick"]["count"].format(n=5) + strings["pick"]["compare_max"]
    boxes.nth(0).uncheck()
    want.remove(slugs[0])
    assert chosen(page) == want
    page.locator("[data-module=pick-bar] [data-pick-print]").click()
    page.wait_for_load_state("load")
    assert page.evaluate("() => [...document.querySelectorAll('.print-cases__case')].filter((c) => !c.hidden).map((c) => c.dataset.case)") == want
    page.go_back(wait_until="load")
    page.goto(site_url + INDEX, wait_until="load")
    page.locator(".pick-check input").nth(1).check()
    page.locator("[data-module=pick-bar] [data-pick-clear]").click()
    assert page.locator(".pick-check input:checked").count() == 0
    assert page.locator("[data-pick-hint]").is_visible() and not page.locator("[data-pick-active]").is_visible()
    assert not watcher.problems(page)
    page.close()


def test_every_anchor_of_the_region_index_is_crawlable(ctx, site_url):
    """Lighthouse SEO 'Links are crawlable': every <a> has a resolvable href, whatever the selection."""
    context, _ = ctx
    page = context.new_page()
    page.goto(site_url + INDEX, wait_until="load")
    bad = """() => [...document.querySelectorAll('a')].filter((a) => { const h = a.getAttribute('href');
      return h === null || h === '' || h.startsWith('javascript:') || h === '#'; }).map((a) => a.outerHTML.slice(0, 120))"""
    assert page.evaluate(bad) == []
    page.locator(".pick-check input").nth(0).check()
    assert page.evaluate(bad) == []
    page.locator(".pick-check input").nth(0).uncheck()
    assert page.evaluate(bad) == []
    page.close()


CASE_TEXT = """(root) => { const a = root.cloneNode(true);
  a.querySelectorAll('.similar-cases, [data-print-url], [data-case-url], [data-print-date]').forEach((x) => x.remove());
  return a.textContent.replace(/\\s+/g, ' ').trim(); }"""


def test_the_print_document_holds_the_chosen_cases_as_their_pages_show_them(ctx, site_url, slugs, strings, real_site):
    context, watcher = ctx
    page = context.new_page()
    want = ["mibu", "kamaishi", "usuki"]
    page.goto(site_url + PRINT + "?r=" + ",".join(want + ["nope", "mibu"]), wait_until="load")
    cases = page.evaluate("() => [...document.querySelectorAll('.print-cases__case')].filter((c) => c.getClientRects().length).map((c) => c.dataset.case)")
    assert cases == want
    cover = page.locator(".print-cases__list > li:visible")
    names = {r.slug: f"{r.number}. {r.name}" for r in real_site.regions}
    assert [cover.nth(i).locator("a").inner_text() for i in range(cover.count())] == [names[s] for s in want]
    assert page.locator("[data-print-status]").inner_text() == strings["print_cases"]["status"].format(n=3)
    assert not page.locator("[data-print-nojs]").is_visible()
    texts = {s: page.eval_on_selector(f'.print-cases__case[data-case="{s}"] article.case', CASE_TEXT) for s in want}
    urls = {s: page.locator(f'.print-cases__case[data-case="{s}"] [data-case-url]').inner_text() for s in want}
    headings = page.evaluate("() => [...document.querySelectorAll('main h1, main h2')].filter((h) => h.getClientRects().length).map((h) => h.tagName)")
    assert headings.count("H1") == 1, "one title for the document; the cases are its sections"
    for slug in want:
        page.goto(site_url + f"regions/{slug}/index.html", wait_until="load")
        assert texts[slug] == page.eval_on_selector("article.case", CASE_TEXT), f"{slug}: not the case page's content"
        assert urls[slug] == page.url, f"{slug}: the printed citation should give the case page's address"
    # Without ?r the document holds every case and says so.
    page.goto(site_url + PRINT, wait_until="load")
    assert page.locator(".print-cases__case:visible").count() == len(slugs)
    assert page.locator("[data-print-status]").inner_text() == strings["print_cases"]["all"].format(n=len(slugs))
    assert not watcher.problems(page)
    page.close()


def test_without_javascript_the_region_index_leads_to_how_cases_are_printed(open_context, site_url, slugs, strings):
    context, _ = open_context(site_url, java_script_enabled=False)
    page = context.new_page()
    # the print document says a selection needs JS and shows no case (test_browser_paper_journeys prints it)
    page.goto(site_url + PRINT + "?r=mibu,kamaishi", wait_until="load")
    assert page.get_by_text(strings["print_cases"]["nojs"]).is_visible()
    assert page.locator(".print-cases__case:visible").count() == 0
    assert not page.locator("[data-print-now]").is_visible()
    # and the region index, whose selection needs JS, points to it
    page.goto(site_url + INDEX, wait_until="load")
    link = page.get_by_role("link", name=strings["print_cases"]["nojs_link"])
    assert link.is_visible()
    assert not page.locator("[data-module=pick-bar]").is_visible()
    link.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.endswith("regions/print/index.html")
    page.close()


def test_the_printed_document_breaks_the_page_between_cases(ctx, site_url, real_site, tmp_path):
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    context, _ = ctx
    page = context.new_page()
    want = ["mibu", "kamaishi", "usuki"]
    page.goto(site_url + PRINT + "?r=" + ",".join(want), wait_until="load")
    page.emulate_media(media="print")
    pdf = tmp_path / "cases.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    page.close()
    text = run_ok(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    sheets = [re.sub(r"[ \t]+", " ", s).strip() for s in text.split("\f") if s.strip()]
    number = {r.slug: r.number for r in real_site.regions}
    name = {r.slug: r.name for r in real_site.regions}
    starts = []
    for slug in want:
        found = [i for i, s in enumerate(sheets) if re.search(rf"事例 ?{number[slug]}\n+\s*{re.escape(name[slug])}", s)]
        assert found, f"{slug}: its heading is not in the PDF"
        starts.append(found[0])
    assert starts[0] == 1, "the cover list has sheet 1, the first case starts sheet 2"
    assert "選んだ事例の印刷" in sheets[0] and site_url + PRINT in sheets[0].replace("\n", "")
    for slug, at in zip(want, starts):
        first = sheets[at].splitlines()[0].strip()
        assert first == f"事例 {number[slug]}" or first == f"事例{number[slug]}", f"{slug} does not start its sheet: {first!r}"
    assert starts == sorted(starts) and len(set(starts)) == 3
