"""Readers' whole tasks in Chromium, at a phone's 360 px and a desktop's 1280 px: each test does what a municipal
officer does (filter the regions, pick a few with the mouse, compare them, print them) and asserts the outcome
the reader cares about — the right cases, in the right order, every figure on screen and on paper."""
from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest

from browserkit import require

pytestmark = pytest.mark.browser

INDEX = "regions/index.html"
WIDTHS = [360, 1280]

# The text of every cell (of a table, a list of figures or a list) the reader can see inside `root`: each piece of
# text as it stands in the page (a line broken by the layout is still one piece), whitespace removed.
VISIBLE_CELL_TEXTS = """(root) => [...root.querySelectorAll('td, th, dt, dd, li')]
  .filter((c) => c.getClientRects().length && !c.closest('[hidden]'))
  .flatMap((c) => { const out = [], walk = document.createTreeWalker(c, NodeFilter.SHOW_TEXT); let node;
    while ((node = walk.nextNode())) {
      const r = document.createRange(); r.selectNodeContents(node);
      const text = node.data.replace(/\\s+/g, '');
      if (text && r.getClientRects().length) out.push(text);
    }
    return out; })"""


@pytest.fixture(scope="module")
def ctx(open_context, site_url):
    return open_context(site_url)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def printed_cells_missing(page, selector: str, path) -> list[str]:
    """Print the page to A4 as the browser's print does; return the texts of the cells under `selector`, as laid
    out for print, that the PDF's text (in the order it was drawn) does not hold."""
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    page.emulate_media(media="print")
    texts = page.eval_on_selector(selector, VISIBLE_CELL_TEXTS)
    assert texts, f"no cell under {selector} is printed"
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    page.emulate_media(media="screen")
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    path.with_suffix(".txt").write_text(text, encoding="utf-8")
    flat = squeeze(text)
    return [piece for piece in texts if piece not in flat]


def column_cells(page) -> list[list[str]]:
    """For each row of the comparison, the cases whose cell the reader sees, in the order shown on screen."""
    # (rows shown on screen only: the relations row is printed, not shown)
    return page.evaluate("""() => [...document.querySelectorAll('.compare-table tr')].filter((row) => row.getClientRects().length).map((row) =>
      [...row.querySelectorAll('[data-col]')].filter((c) => c.getClientRects().length && c.offsetHeight > 0)
        .sort((a, b) => { const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
                          return Math.round(p.top - q.top) || p.left - q.left; })
        .map((c) => c.dataset.col))""")


@pytest.mark.parametrize("width", WIDTHS)
def test_filter_then_pick_three_by_mouse_compare_and_print_them(ctx, site_url, real_site, tmp_path, width):
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 740 if width < 600 else 900})
    page.goto(site_url + INDEX, wait_until="load")
    slug_of = {r.number: r.slug for r in real_site.regions}
    want_rows = sorted(r.number for r in real_site.regions if r.population.rate_65_printed >= 30)
    assert len(want_rows) >= 3, "the journey needs three regions at 30% or more"

    # The whole index printed with JavaScript on: every figure, name and ICT system on paper, none cut at the edge.
    assert printed_cells_missing(page, "[data-module=region-table]", tmp_path / "all.pdf") == []

    # Type 30 into the 65歳以上 minimum, key by key, and leave the focus there, as a reader does before reaching for
    # the mouse.
    field = page.locator("input[name=rate65_min]")
    field.click()
    field.press_sequentially("30")
    shown = page.evaluate("""() => [...document.querySelector('[data-module=region-table]').tBodies[0].rows]
      .filter((r) => r.getClientRects().length).map((r) => Number(r.dataset.number))""")
    assert shown == want_rows

    # Bring the table on screen (scrolling keeps the focus in the field), note where the boxes are, then click them
    # by mouse in an order other than the table's: the first click also blurs the field.
    page.evaluate("() => window.scrollTo(0, document.querySelector('.region-pick').getBoundingClientRect().top + scrollY)")
    assert page.evaluate("() => document.activeElement.name") == "rate65_min"
    picks = [want_rows[-1], want_rows[0], want_rows[2]]
    boxes = {n: page.locator(f'.region-table tr[data-number="{n}"] .pick-check input') for n in picks}
    where = {n: boxes[n].bounding_box() for n in picks}
    for n in picks:
        b = where[n]
        assert 0 <= b["y"] and b["y"] + b["height"] <= page.viewport_size["height"], f"row {n} box off screen: {b}"
    for n in picks:
        now = boxes[n].bounding_box()
        assert abs(now["y"] - where[n]["y"]) < 1, f"row {n}'s box moved {now['y'] - where[n]['y']:.0f} px under the pointer"
        page.mouse.click(where[n]["x"] + where[n]["width"] / 2, where[n]["y"] + where[n]["height"] / 2)
    want = [slug_of[n] for n in picks]
    assert page.locator(".pick-check input:checked").count() == 3, "a click after typing was lost"
    compare_href = page.locator("[data-pick-compare]").get_attribute("href")
    assert parse_qs(urlsplit(compare_href).query)["r"] == [",".join(want)]

    # The filtered table printed with JavaScript on: every figure, name and ICT system of the rows shown is on paper.
    assert printed_cells_missing(page, "[data-module=region-table]", tmp_path / "regions.pdf") == []

    # Compare: exactly the three, in the order picked, in every row of the comparison.
    page.locator("[data-pick-compare]").click()
    page.wait_for_load_state("load")
    rows = column_cells(page)
    assert len(rows) >= 12
    for i, cols in enumerate(rows):
        assert cols == want, f"row {i} of the comparison shows {cols}"
    assert printed_cells_missing(page, ".compare-table", tmp_path / "compare.pdf") == []

    # Print them: one document holding each chosen case once, every cell of its tables on paper.
    page.locator("[data-print]").click()
    page.wait_for_load_state("load")
    shown = page.evaluate("() => [...document.querySelectorAll('.print-cases__case')].filter((c) => c.getClientRects().length).map((c) => c.dataset.case)")
    assert shown == want
    assert printed_cells_missing(page, "[data-module=print-cases]", tmp_path / "cases.pdf") == []
    text = (tmp_path / "cases.txt").read_text(encoding="utf-8").replace("\f", "\n")
    for r in real_site.regions:
        times = len(re.findall(rf"^事例 ?{r.number}\n{re.escape(r.name)}$", text, re.M))
        assert times == (1 if r.slug in want else 0), f"case {r.number} printed {times} times"
    assert not watcher.problems(page)
    page.close()
