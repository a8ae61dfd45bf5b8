"""Diagrams on a 360 px phone and on A4 paper (issue 12): every label legible (11 px on screen, 7 pt in print),
one drawing per diagram exposed, and a printed case page whose drawing does not leave page 1 part empty.
Needs pdftotext (poppler-utils) for the printed checks."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tools import run_ok
import yaml

from browserkit import require

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
A4_TEXT = {"width": round(186 / 25.4 * 96), "height": 1000}  # A4 less the @page margins, in CSS px
PRINTED = ["usuki", "mibu", "sakai"]

# Every <text> of every diagram drawing that is displayed: its size as rendered, and which drawing it is in.
# Each pair must expose exactly one drawing (the other display: none, hidden from assistive technology too).
MEASURE = """() => {
  const shown = (el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
  const pairs = [...document.querySelectorAll('.diagram-pair')].map((p) => [...p.querySelectorAll(':scope > svg')].filter(shown).length);
  const texts = [...document.querySelectorAll('svg.diagram')].filter(shown).flatMap((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map((t) => ({
      px: parseFloat(getComputedStyle(t).fontSize) * scale, text: t.textContent, kind: svg.getAttribute('class') }));
  });
  return { pairs, texts };
}"""


@pytest.fixture(scope="module")
def strings(root):
    return yaml.safe_load((root / "templates" / "strings.ja.yaml").read_text(encoding="utf-8"))


def _diagram_pages(real_site):
    cases = [f"regions/{r.slug}/" for r in real_site.regions]
    return cases + ["models/"] + [f"models/{m.slug}/" for m in real_site.models]


def _small(found, minimum):
    return [f"{t['px']:.2f} px {t['text']!r} ({t['kind']})" for t in found["texts"] if t["px"] < minimum]


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["360px", "1280px"])
def test_every_diagram_label_shows_at_11_px_or_more(open_context, site_url, real_site, viewport):
    context, watcher = open_context(site_url, viewport=viewport)
    page = context.new_page()
    problems, drawn = [], 0
    for path in _diagram_pages(real_site):
        page.goto(site_url + path, wait_until="load")
        found = page.evaluate(MEASURE)
        if any(n != 1 for n in found["pairs"]):
            problems.append(f"/{path}: drawings shown per diagram {found['pairs']}")
        problems += [f"/{path}: {s}" for s in _small(found, 11)[:3]]
        drawn += len(found["pairs"])
    with_diagram = sum(1 for r in real_site.regions if not r.diagram.is_empty) + 2 * len(real_site.models)
    assert drawn == with_diagram, "every case and model diagram is drawn (models twice: /models/ and its page)"
    assert not problems, "\n  ".join(["diagram text below 11 px:"] + problems)
    assert not watcher.problems(page)


def test_a_phone_shows_the_narrow_drawing_and_a_desktop_the_wide_one(open_context, site_url):
    for viewport, kind in ((PHONE, "diagram diagram--narrow"), ({"width": 1280, "height": 900}, "diagram diagram--wide")):
        context, _ = open_context(site_url, viewport=viewport)
        page = context.new_page()
        page.goto(site_url + "regions/usuki/", wait_until="load")
        assert {t["kind"] for t in page.evaluate(MEASURE)["texts"]} == {kind}
        # the exposed drawing is the one in the accessibility tree; its name is the diagram's title
        assert page.get_by_role("img", name=re.compile("連携の概要図")).count() == 1


def _pdf_pages(page, tmp_path, path) -> list[list[tuple[float, float, str]]]:
    """The printed page's words per page as (yMax, pageHeight, word), from pdftotext -bbox."""
    pdf = tmp_path / "case.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    xml = run_ok(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', xml, re.S):
        words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', body)
        pages.append([(float(y), float(height), w) for y, w in words])
    return pages


@pytest.mark.parametrize("slug", PRINTED)
def test_a_printed_case_keeps_its_drawing_on_page_1_and_no_page_but_the_last_is_under_a_quarter_full(
        open_context, site_url, real_site, strings, tmp_path, slug):
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    region = next(r for r in real_site.regions if r.slug == slug)
    context, _ = open_context(site_url)
    page = context.new_page()
    page.goto(site_url + f"regions/{slug}/", wait_until="load")
    page.emulate_media(media="print")
    pages = _pdf_pages(page, tmp_path, f"regions/{slug}/")
    top, bottom = 12 / 25.4 * 72, 14 / 25.4 * 72  # the @page margins, in pt
    fill = [(max(y for y, _, _ in words) - top) / (words[0][1] - top - bottom) if words else 0 for words in pages]
    assert len(pages) >= 2
    assert all(f >= 0.25 for f in fill[:-1]), f"/regions/{slug}/ printed page fill {[round(f, 2) for f in fill]}"
    # The complaint was 40 % of page 1 left empty with the drawing pushed to page 2: page 1 is now full and
    # holds the drawing (its labels are words of page 1).
    assert fill[0] >= 0.8, f"page 1 only {fill[0]:.0%} full"
    first = "".join(w for _, _, w in pages[0])
    assert strings["case"]["diagram"] in first, "the drawing's section heading is not on page 1"
    labels = [a.label for a in region.diagram.actors if len(a.label) <= 4]
    assert labels and all(label.replace("　", "") in first for label in labels)


@pytest.mark.parametrize("slug", PRINTED + ["models/h-u"])
def test_printed_diagram_labels_are_7_pt_or_more(open_context, site_url, slug):
    context, _ = open_context(site_url, viewport=A4_TEXT)
    page = context.new_page()
    path = slug + "/" if slug.startswith("models/") else f"regions/{slug}/"
    page.goto(site_url + path, wait_until="load")
    page.emulate_media(media="print")
    found = page.evaluate(MEASURE)
    assert found["texts"] and found["pairs"] == [1]
    assert not _small(found, 7 / 0.75), f"/{path}: printed labels below 7 pt"
