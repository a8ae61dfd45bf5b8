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

    # Click three boxes by mouse, in an order other than the table's, the first while the focus is still in the
    # field (scrolling to a row keeps it there). Each box must stay where it was clicked: the bar appearing above
    # the table pushed the rows down under the pointer.
    picks = [want_rows[-1], want_rows[0], want_rows[2]]
    for n in picks:
        box = page.locator(f'.region-table tr[data-number="{n}"] .pick-check input')
        where = box.bounding_box()
        if where["y"] < 120 or where["y"] + where["height"] > page.viewport_size["height"] - 10:
            box.evaluate("(el) => el.scrollIntoView({ block: 'center' })")
            where = box.bounding_box()
        if n == picks[0]:
            assert page.evaluate("() => document.activeElement.name") == "rate65_min"
        page.mouse.click(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)
        now = box.bounding_box()
        assert abs(now["y"] - where["y"]) < 1, f"row {n}'s box moved {now['y'] - where['y']:.0f} px under the pointer"
    want = [slug_of[n] for n in picks]
    assert page.locator(".pick-check input:checked").count() == 3, "a click after typing was lost"
    compare_href = page.locator("[data-module=pick-bar] [data-pick-compare]").get_attribute("href")
    assert parse_qs(urlsplit(compare_href).query)["r"] == [",".join(want)]

    # The filtered table printed with JavaScript on: every figure, name and ICT system of the rows shown is on paper.
    assert printed_cells_missing(page, "[data-module=region-table]", tmp_path / "regions.pdf") == []

    # Compare: exactly the three, in the order picked, in every row of the comparison.
    page.locator("[data-module=pick-bar] [data-pick-compare]").click()
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


@pytest.fixture(scope="module")
def strings(root):
    import yaml
    return yaml.safe_load((root / "templates" / "strings.ja.yaml").read_text(encoding="utf-8"))


PHONE = {"width": 360, "height": 740}

# For each row shown: the name's box, the box of the cell holding the figure `key` and of the model tags.
ROW_BOXES = """(key) => [...document.querySelector('[data-module=region-table]').tBodies[0].rows]
  .filter((r) => r.getClientRects().length).map((r) => {
    const box = (el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
    const head = [...r.closest('table').tHead.rows[0].cells].map((h) => h.dataset.sort);
    const cell = r.cells[head.indexOf(key)];
    return { number: Number(r.dataset.number), name: box(r.cells[1]), figure: box(cell), text: cell.innerText,
             tags: [...r.querySelectorAll('.tag')].map(box) }; })"""


def assert_beside(rows, width):
    """Each row's figure is on screen and right by its name: below it by at most two lines, or on its line."""
    for row in rows:
        name, figure = row["name"], row["figure"]
        assert 0 <= figure["left"] and figure["right"] <= width, f"row {row['number']}: {row['text']!r} off screen {figure}"
        assert 0 <= name["left"] and name["right"] <= width, f"row {row['number']}: its name is off screen {name}"
        assert -1 <= figure["top"] - name["top"] <= 90, f"row {row['number']}: {row['text']!r} is not by its name"
        for tag in row["tags"]:
            assert 0 <= tag["left"] and tag["right"] <= width, f"row {row['number']}: a model tag is off screen {tag}"


@pytest.mark.parametrize("path, key, order", [("regions/by-rate-65/index.html", "rate65", "rate_65_printed"),
                                              ("regions/by-population/index.html", "total", "total")])
def test_a_sorted_index_on_a_phone_shows_the_sorted_figure_beside_each_name(open_context, site_url, real_site, path, key, order):
    """Without scripts too: the pre-sorted pages are static, and the phone's layout is CSS alone."""
    for js in (True, False):
        context, watcher = open_context(site_url, viewport=PHONE, java_script_enabled=js)
        page = context.new_page()
        page.goto(site_url + path, wait_until="load")
        rows = page.evaluate(ROW_BOXES, key)
        want = sorted(real_site.regions, key=lambda r: (-getattr(r.population, order), r.number))
        assert [r["number"] for r in rows] == [r.number for r in want]
        assert_beside(rows, PHONE["width"])
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_sorting_and_filtering_on_a_phone_keeps_the_figure_and_the_models_in_view(ctx, site_url, real_site, strings, width):
    """Sort by 高齢化率（75歳以上） with the sort control (no header button off screen needed), then filter: every row
    shows its rate beside its name, its model tags on screen, and the caption says how many regions it holds."""
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(site_url + INDEX, wait_until="load")
    sort = page.get_by_label(strings["regions"]["sort_by"])
    sort.select_option(label=strings["regions"]["col_rate75"].replace("|", ""))
    assert page.get_by_label(strings["regions"]["sort_order"]).input_value() == "desc"
    page.locator("input[name=rate65_min]").fill("30")
    rows = page.evaluate(ROW_BOXES, "rate75")
    want = sorted((r for r in real_site.regions if r.population.rate_65_printed >= 30),
                  key=lambda r: (-r.population.rate_75_printed, r.number))
    assert [r["number"] for r in rows] == [r.number for r in want]
    assert_beside(rows, width)
    assert all(row["tags"] for row in rows), "every region has a model tag"
    caption = page.locator(".region-table caption").inner_text()
    assert f"{len(real_site.regions)}地域のうち条件に合う{len(want)}地域" in caption, caption
    assert strings["regions"]["col_rate75"].replace("|", "") in caption
    # Clearing the conditions brings every region back, still sorted as chosen, and the caption says so.
    page.get_by_role("button", name=strings["filters"]["reset"]).click()
    page.wait_for_function("() => !document.querySelector('input[name=rate65_min]').value")
    rows = page.evaluate(ROW_BOXES, "rate75")
    assert [r["number"] for r in rows] == [r.number for r in sorted(real_site.regions, key=lambda r: (-r.population.rate_75_printed, r.number))]
    caption = page.locator(".region-table caption").inner_text()
    assert caption.startswith(f"{len(real_site.regions)}地域の") and strings["regions"]["col_rate75"].replace("|", "") in caption, caption
    assert not watcher.problems(page)
    page.close()


def test_the_selection_bar_is_compact_on_a_phone(ctx, site_url):
    context, _ = ctx
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(site_url + INDEX, wait_until="load")
    page.locator(".pick-check input").nth(0).check()
    page.locator(".pick-check input").nth(1).check()
    # halfway down the table, where the bar sticks to the top of the screen
    page.evaluate("() => window.scrollTo(0, document.querySelector('.region-table').getBoundingClientRect().top + scrollY + 600)")
    bar = page.locator("[data-module=pick-bar]").bounding_box()
    assert bar["y"] <= 1 and bar["height"] <= 80, f"the sticky bar takes {bar['height']:.0f} of 740 px"
    page.close()


def test_compare_arriving_with_a_choice_shows_the_comparison_first(ctx, site_url, strings):
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(site_url + "compare/index.html?r=kamaishi,usuki,mibu", wait_until="load")
    summary = page.locator("[data-summary]")
    assert summary.inner_text() == strings["compare"]["pick_closed"].format(n=3)
    assert page.locator("input[name=r]:visible").count() == 0
    first = page.locator(".compare-table tbody tr:first-child td:visible").first.bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"], "the comparison's first figure is below the first screen"
    summary.click()
    assert page.locator("input[name=r]:visible").count() == 14
    page.uncheck("input[name=r][value=usuki]")
    assert column_cells(page)[0] == ["kamaishi", "mibu"]
    assert not watcher.problems(page)
    page.close()


def test_similar_on_a_phone_names_whole_and_the_closest_cases_on_screen(ctx, site_url, real_site, strings):
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(site_url + "similar/index.html", wait_until="load")
    # Each model to tick says what it is, not only its code.
    labels = page.locator(".similar-form__model").all_inner_texts()
    titles = {m.code: m.title for m in real_site.models}
    assert len(labels) == len(titles)
    for text in labels:
        code = text.split()[0]
        assert titles[code] in text, f"the box for {code} does not say {titles[code]!r}"
    rows = page.evaluate("""() => [...document.querySelectorAll('.similar-pairs tbody tr')].map((r) => {
      const name = r.querySelector('th a'), near = r.cells[r.cells.length - 1].getBoundingClientRect();
      const lines = new Set([...name.getClientRects()].map((b) => Math.round(b.top))).size;
      return { text: name.textContent, chars: name.textContent.length, lines, nearLeft: near.left, nearRight: near.right,
               nearTop: near.top, top: r.getBoundingClientRect().top }; })""")
    assert len(rows) == len(real_site.regions)
    for row in rows:
        assert row["chars"] / row["lines"] >= 5, f"{row['text']!r} wraps over {row['lines']} lines"
        assert 0 <= row["nearLeft"] and row["nearRight"] <= PHONE["width"], f"{row['text']}: 近い3事例 off screen"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert not watcher.problems(page)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_only_pick_two_rows_and_compare_them(ctx, site_url, real_site, strings, width):
    """From the top of /regions/: the site's skip link, the link to the table, two stops per row (the box and the
    name), Space to choose, and the actions again after the last row, so 比べる is not 24 Shift+Tabs back up."""
    context, watcher = ctx
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(site_url + INDEX, wait_until="load")
    page.locator("body").focus()

    def tab(times=1, back=False):
        for _ in range(times):
            page.keyboard.press("Shift+Tab" if back else "Tab")
        return page.evaluate("""() => { const el = document.activeElement;
          return { tag: el.tagName, text: (el.innerText || el.value || '').trim(), row: el.closest('tbody tr')?.dataset.number,
                   box: el.matches('.pick-check input'), after: !!el.closest('[data-module=pick-after]'),
                   visible: el.matches(':focus-visible') }; }""")

    presses = 0
    focus = tab(); presses += 1
    assert focus["text"] == strings["nav"]["skip"]
    page.keyboard.press("Enter"); presses += 1
    focus = tab(); presses += 1
    assert focus["text"] == strings["regions"]["skip_to_table"]
    page.keyboard.press("Enter"); presses += 1
    focus = tab(); presses += 1
    first = [r.number for r in real_site.regions][0]
    assert focus["box"] and focus["row"] == str(first), f"after the skip link, Tab reached {focus}"
    assert presses <= 5
    page.keyboard.press("Space")
    # Two stops per row: the box, then the case's name.
    focus = tab()
    assert focus["tag"] == "A" and focus["row"] == str(first)
    focus = tab()
    assert focus["box"] and focus["row"] == str(real_site.regions[1].number)
    focus = tab(4)
    third = str(real_site.regions[3].number)
    assert focus["box"] and focus["row"] == third
    page.keyboard.press("Space")
    # Past the last row, the actions on the chosen cases.
    rows_left = len(real_site.regions) - 4
    focus = tab(2 * rows_left + 2)  # its name, then the box and the name of each row after it
    assert focus["after"] and focus["text"] == strings["pick"]["compare"], focus
    assert focus["visible"]
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert column_cells(page)[0] == [real_site.regions[0].slug, real_site.regions[3].slug]
    assert not watcher.problems(page)
    page.close()
