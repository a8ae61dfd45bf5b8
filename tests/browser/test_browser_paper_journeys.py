"""Journeys on paper and without JavaScript (issue 27): a reader prints three chosen cases for a meeting, prints a
survey section, prints a comparison, and compares or prints without JavaScript.  Each asserts what the reader
holds at the end: every case once, each on its own sheets, all its text there, in type a meeting can read
(body ≥ 10.5 pt, nothing under 8 pt), no heading left at the foot of a sheet, every chart under its heading.

Type sizes are read from the PDF itself (pdftotext -bbox word heights, calibrated on a line printed at a known size
in the same browser), so every zoom and SVG scaling the print applies is included."""
from __future__ import annotations

import collections
import re
import shutil
import subprocess

import pytest
import yaml

from browserkit import require

pytestmark = pytest.mark.browser

THREE = ["kamaishi", "usuki", "mibu"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
BODY_PT, TABLE_PT, SMALLEST_PT = 10.5, 9, 8  # meeting-handout type, in pt
WORD = re.compile(r'<word xMin="[-\d.]+" yMin="([-\d.]+)" xMax="[-\d.]+" yMax="([-\d.]+)">([^<]*)</word>')


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def strings(root):
    return yaml.safe_load((root / "templates" / "strings.ja.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ctx(open_context, site_url):
    for tool in ("pdftotext", "pdfinfo"):
        require(f"{tool} (poppler-utils)", shutil.which(tool) is not None)
    return open_context(site_url)


@pytest.fixture(scope="module")
def pt_per_height(ctx, tmp_path_factory) -> float:
    """pdftotext's word height for 1 pt of type, from a line printed at 10 pt in this browser."""
    context, _ = ctx
    page = context.new_page()
    # the site's own font stack (site.css): the height pdftotext gives a word depends on the font
    page.set_content('<html lang="ja"><body style="font-family: \'Noto Sans JP\', \'Noto Sans CJK JP\', sans-serif; '
                     'font-size: 10pt; margin: 2cm">較正 abc</body></html>')
    pdf = tmp_path_factory.mktemp("cal") / "cal.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.close()
    heights = [float(y1) - float(y0) for y0, y1, _ in WORD.findall(_bbox(pdf))]
    assert len(heights) == 2 and abs(heights[0] - heights[1]) < 0.01
    return heights[0] / 10


def _bbox(pdf) -> str:
    return subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def print_pdf(page, path) -> list[str]:
    """Print the open page as the browser's print does (its @page sizes); the text of each sheet."""
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=False, prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    sheets = text.split("\f")
    return sheets[:-1] if sheets and not sheets[-1].strip() else sheets


def word_sizes(pdf, pt_per_height: float) -> list[tuple[float, str]]:
    """(size in pt to 0.1, word) of every printed word with a letter, digit, kana or kanji: a word of symbols only
    (≒) is set in a fallback font whose box pdftotext measures at under half its size."""
    return [(round((float(y1) - float(y0)) / pt_per_height, 1), word) for y0, y1, word in WORD.findall(_bbox(pdf))
            if re.search(r"[\w\u3040-\u30ff\u4e00-\u9fff]", word)]


def type_sizes(pdf, pt_per_height: float) -> collections.Counter:
    """Characters printed at each size (pt, to 0.1)."""
    sizes = collections.Counter()
    for size, word in word_sizes(pdf, pt_per_height):
        sizes[size] += len(word)
    return sizes


def assert_meeting_type(sizes: collections.Counter, what: str) -> None:
    smallest = min(sizes)
    assert smallest >= SMALLEST_PT - 0.05, f"{what}: type down to {smallest} pt ({sizes[smallest]} characters)"


def headings_at_the_foot(sheets: list[str], headings: list[str]) -> list[str]:
    """Headings printed as the last line of a sheet that is not the last one (their text went over)."""
    wanted = {squash(h) for h in headings}
    found = []
    for n, sheet in enumerate(sheets[:-1]):
        lines = [squash(line) for line in sheet.splitlines() if line.strip()]
        if lines and lines[-1] in wanted:
            found.append(f"sheet {n + 1}: {lines[-1]}")
    return found


# Under print media: the printed size (pt) of every visible text inside `selector`, outside drawings and the small
# boxed labels (団体, 市区町村) and the notes under a model badge (図中の表記…), with its text.
TEXT_PT = """(selector) => [...document.querySelectorAll(selector)].flatMap((root) => [root, ...root.querySelectorAll('*')])
  .filter((e) => !e.closest('svg, .case__label, .memberships__figure, .memberships__note') && e.checkVisibility() && [...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim()))
  .map((e) => [parseFloat(getComputedStyle(e).fontSize) * 0.75, e.textContent.trim().slice(0, 30)])"""

VISIBLE_HEADINGS = """() => [...document.querySelectorAll('main h1, main h2, main h3, main h4')]
  .filter((h) => h.checkVisibility()).map((h) => h.textContent.trim())"""


def test_three_chosen_cases_print_as_one_document_each_case_on_its_own_sheets_in_meeting_type(
        ctx, site_url, real_site, strings, pt_per_height, tmp_path):
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "regions/print/index.html?r=" + ",".join(THREE), wait_until="load")
    # Every text of each case as the page shows it (the case's own page is the reference: same content).
    cases = {}
    for slug in THREE:
        cases[slug] = page.evaluate(
            """(slug) => { const c = document.querySelector(`.print-cases__case[data-case="${slug}"] article.case`);
              return [...c.querySelectorAll('h2, h3, h4, p, li, dt, dd, td, th')].filter((e) => e.checkVisibility())
                .map((e) => e.innerText.trim()).filter((t) => t); }""", slug)
    headings = page.evaluate(VISIBLE_HEADINGS)
    page.emulate_media(media="print")
    # the running text of each case (headline, organisations, points, models, survey) is body text
    body = page.evaluate(TEXT_PT, ".print-cases__case:not([hidden]) :is(.case__headline, .case__orgs, .highlights, .memberships, .ict, .survey-facts)")
    assert len(body) > 20 and min(body)[0] >= BODY_PT - 0.05, f"body text printed at {sorted(body)[:3]}"
    pdf = tmp_path / "three.pdf"
    sheets = print_pdf(page, pdf)
    assert not watcher.problems(page)
    page.close()
    text = [squash(s) for s in sheets]
    region = {r.slug: r for r in real_site.regions}
    # One document: the cover lists the three in order on sheet 1, then each case starts a sheet of its own.
    assert squash(strings["print_cases"]["title"]) in text[0]
    starts = []
    for slug in THREE:
        r = region[slug]
        begins = [n for n, s in enumerate(sheets) if re.match(rf"\s*事例\s*{r.number}\s*\n+\s*{re.escape(r.name)}", s)]
        assert len(begins) == 1, f"{slug}: its title opens {len(begins)} sheets"
        starts.append(begins[0])
    assert starts == sorted(starts) and starts[0] == 1, f"cases start on sheets {starts}"
    ends = starts[1:] + [len(sheets)]
    for slug, start, end in zip(THREE, starts, ends):
        held = "".join(text[start:end])
        missing = [line for t in cases[slug] for line in t.splitlines() if squash(line) not in held]
        assert not missing, f"{slug}: printed without {missing[:5]}"
        others = [o for o in THREE if o != slug]
        assert not any(squash(region[o].headline) in held for o in others), f"{slug}'s sheets hold another case"
    assert not headings_at_the_foot(sheets, headings)
    assert_meeting_type(type_sizes(pdf, pt_per_height), "the 3-case document")


def test_a_printed_survey_section_has_every_heading_on_the_sheet_of_its_chart(ctx, site_url, pt_per_height, tmp_path):
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "survey/s6/", wait_until="load")
    page.emulate_media(media="print")
    sections = page.evaluate("""() => [...document.querySelectorAll('.survey-table')].map((s) => ({
      heading: s.querySelector('h2').textContent.trim(),
      chart: [...s.querySelectorAll('.chart-wrap__wide svg text')].map((t) => t.textContent.trim()).filter((t) => t.length > 1) }))""")
    headings = page.evaluate(VISIBLE_HEADINGS)
    pdf = tmp_path / "s6.pdf"
    sheets = print_pdf(page, pdf)
    assert not watcher.problems(page)
    page.close()
    text = [squash(s) for s in sheets]
    charted = [s for s in sections if s["chart"]]
    assert len(charted) >= 7
    apart = []
    sheet, offset = 0, 0  # read on from the previous heading: two sections may share a title
    for s in sections:
        heading = squash(s["heading"])
        while sheet < len(text) and heading not in text[sheet][offset:]:
            sheet, offset = sheet + 1, 0
        assert sheet < len(text), f"{s['heading']}: not printed whole on one sheet"
        offset = text[sheet].index(heading, offset) + len(heading)
        if not s["chart"]:
            continue
        after = text[sheet][offset:]
        missing = [c for c in s["chart"] if squash(c) not in after]
        if missing:
            apart.append(f"{s['heading'][:20]} (sheet {sheet + 1}) without its chart's {missing[:3]}")
    assert not apart, "headings parted from their charts:\n  " + "\n  ".join(apart)
    assert not headings_at_the_foot(sheets, headings)
    assert_meeting_type(type_sizes(pdf, pt_per_height), "/survey/s6/")


def test_a_printed_comparison_lists_each_diagrams_relations_and_prints_no_bare_paths(
        ctx, site_url, real_site, strings, pt_per_height, tmp_path):
    context, _ = ctx
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "compare/index.html?r=" + ",".join(THREE), wait_until="load")
    page.emulate_media(media="print")
    cells = page.evaluate(TEXT_PT, ".compare-table :is(th, td):not([hidden])")
    assert len(cells) > 30 and min(cells)[0] >= TABLE_PT - 0.05, f"the table printed at {sorted(cells)[:3]}"
    pdf = tmp_path / "compare.pdf"
    text = squash("".join(print_pdf(page, pdf)))
    page.close()
    from casebook.diagrams import relations
    for slug in THREE:
        r = next(r for r in real_site.regions if r.slug == slug)
        for rel in relations(r.diagram):
            line = f"{rel['marker'] or ''}{rel['source']}―{rel['target']}"
            assert squash(line) in text, f"{slug}: the printed comparison lacks 「{line}」"
    # a badge prints its page's full address only where the site knows it (--base-url, not given to this build)
    assert "/models/" not in text, "a model badge prints a bare path"
    assert_meeting_type(type_sizes(pdf, pt_per_height), "/compare/")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_without_javascript_a_shared_comparison_shows_every_case_side_by_side(open_context, site_url, real_site,
                                                                             strings, viewport):
    context, _ = open_context(site_url, java_script_enabled=False, viewport=viewport)
    page = context.new_page()
    page.goto(site_url + "compare/index.html?r=" + ",".join(THREE), wait_until="load")
    table = page.locator(".compare-table")
    assert table.is_visible()
    shown = page.evaluate("""() => [...document.querySelectorAll('.compare-table thead th[data-col]')]
      .filter((th) => th.checkVisibility()).map((th) => th.dataset.col)""")
    assert shown == [r.slug for r in real_site.regions]
    # every figure of every case can be read: the 高齢化率 row holds all 14 rates
    rates = page.locator(".compare-table tbody tr").nth(2).locator("td")
    assert rates.count() == len(real_site.regions) and all(rates.nth(i).is_visible() for i in range(rates.count()))
    note = page.locator("[data-nojs]")
    assert note.is_visible() and note.inner_text() == strings["compare"]["nojs"].format(n=len(real_site.regions))
    page.close()


def test_without_javascript_the_print_document_says_a_selection_needs_it_and_prints_no_case(open_context, site_url,
                                                                                          real_site, strings, tmp_path):
    context, _ = open_context(site_url, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "regions/print/index.html?r=" + ",".join(THREE), wait_until="load")
    assert page.get_by_text(strings["print_cases"]["nojs"]).is_visible()
    assert page.locator(".print-cases__case:visible").count() == 0
    # how to print one case: each case's own page is linked from the list, which says so
    assert page.get_by_role("heading", name=strings["print_cases"]["contents_nojs"]).is_visible()
    for r in real_site.regions:
        link = page.get_by_role("link", name=f"{r.number}. {r.name}")
        assert link.get_attribute("href").endswith(f"regions/{r.slug}/index.html")
    sheets = print_pdf(page, tmp_path / "nojs.pdf")
    assert len(sheets) <= 2, f"printed {len(sheets)} sheets without a selection"
    assert squash(strings["print_cases"]["nojs"]) in squash("".join(sheets))
    page.close()


@pytest.mark.parametrize("path, card", [("", ".card"), ("models/", ".model-list__item")], ids=["home", "models"])
def test_printed_cards_are_never_split_across_sheets(ctx, site_url, tmp_path, path, card):
    context, _ = ctx
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + path, wait_until="load")
    page.emulate_media(media="print")
    cards = page.evaluate("""(sel) => [...document.querySelectorAll(sel)].filter((c) => c.checkVisibility())
      .map((c) => c.innerText.split('\\n').map((l) => l.trim()).filter((l) => l.length > 1))""", card)
    sheets = [squash(s) for s in print_pdf(page, tmp_path / "cards.pdf")]
    page.close()
    assert len(cards) >= 14
    split = [lines[0] for lines in cards if not any(all(squash(l) in s for l in lines) for s in sheets)]
    assert not split, f"/{path}: cards printed over two sheets: {split}"
