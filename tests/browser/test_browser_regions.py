"""The region index in a browser: sorting by every column, every filter and a combination, state in the URL
(restored on reload), and keyboard use with a visible focus.  Expected rows come from real_site."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import yaml

from casebook.schema import HORIZONTAL_CODES, VERTICAL_CODES

from browserkit import LINE_STARTS, layout_shift, open_with_scripts_after_first_paint

pytestmark = pytest.mark.browser

INDEX = "regions/index.html"

VISIBLE_ROWS = """() => [...document.querySelector('[data-module="region-table"]').tBodies[0].rows]
  .filter((row) => !row.hidden && row.getClientRects().length > 0).map((row) => Number(row.dataset.number))"""


def keys(region) -> dict:
    """What each sortable column holds for a region, computed from the data, as the table's data-* attributes."""
    p = region.population
    return {
        "number": region.number, "name": region.name, "orgs": "、".join(region.organisations),
        "total": p.total, "aged65": p.aged_65_plus, "rate65": p.rate_65_printed,
        "aged75": p.aged_75_plus, "rate75": p.rate_75_printed,
        "v": " ".join(m.code for m in region.memberships(VERTICAL_CODES)),
        "h": " ".join(m.code for m in region.memberships(HORIZONTAL_CODES)),
        "ict": "|".join(region.ict_systems),
    }


@pytest.fixture(scope="module")
def strings(root):
    return yaml.safe_load((root / "templates" / "strings.ja.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data(real_site) -> dict[int, dict]:
    return {r.number: keys(r) for r in real_site.regions}


@pytest.fixture(scope="module")
def regions_page(open_context, site_url):
    context, watcher = open_context(site_url)
    page = context.new_page()

    def go(query: str = ""):
        watcher.problems(page)
        page.goto(site_url + INDEX + query, wait_until="load")
        page.wait_for_selector(".sort-button", state="attached")
        return page

    go.page = page
    go.watcher = watcher
    yield go
    assert not watcher.problems(page)
    page.close()


def expected_order(page, data: dict[int, dict], column: str, numeric: bool, descending: bool) -> list[int]:
    """Rows sorted by *column*, reversed for descending; ties by ascending case number either way (the report's order).
    Text is compared with the browser's Japanese collation (what the page promises: localeCompare 'ja')."""
    numbers = sorted(data)
    sign = -1 if descending else 1
    if numeric:
        return sorted(numbers, key=lambda n: (sign * data[n][column], n))
    return page.evaluate("""([pairs, sign]) => {
      const c = new Intl.Collator('ja');
      return pairs.sort((a, b) => sign * c.compare(a[1], b[1]) || a[0] - b[0]).map((p) => p[0]);
    }""", [[[n, str(data[n][column])] for n in numbers], sign])


def test_rows_carry_the_data(regions_page, data):
    page = regions_page()
    rows = page.evaluate("""() => [...document.querySelector('[data-module="region-table"]').tBodies[0].rows]
      .map((r) => ({...r.dataset}))""")
    assert len(rows) == len(data)
    for row in rows:
        expected = data[int(row["number"])]
        for key, value in expected.items():
            assert key in row, f"row {row['number']} has no data-{key}"
            if isinstance(value, (int, float)):
                assert float(row[key]) == pytest.approx(value), (row["number"], key)
            else:
                assert row[key] == value, (row["number"], key)


def test_sorting_by_every_column(regions_page, data):
    page = regions_page()
    headers = page.evaluate("""() => [...document.querySelectorAll('[data-module="region-table"] thead th[data-sort]')]
      .map((th) => ({ key: th.dataset.sort, type: th.dataset.type }))""")
    assert {h["key"] for h in headers} == set(next(iter(data.values()))), "a column without expected values"
    for h in headers:
        button = page.locator(f'th[data-sort="{h["key"]}"] .sort-button')
        seen = set()
        for _ in range(2):  # the second click reverses the order
            button.click()
            sort = page.evaluate("""() => [...document.querySelectorAll('thead th[aria-sort]')]
              .map((th) => [th.dataset.sort, th.getAttribute('aria-sort')])""")
            assert len(sort) == 1 and sort[0][0] == h["key"], sort
            descending = sort[0][1] == "descending"
            seen.add(descending)
            want = expected_order(page, data, h["key"], h["type"] == "number", descending)
            assert page.evaluate(VISIBLE_ROWS) == want, f"sorted by {h['key']} {sort[0][1]}"
            query = parse_qs(urlsplit(page.url).query)
            if (h["key"], descending) != ("number", False):
                assert query.get("sort") == [h["key"]] and query.get("order") == ["desc" if descending else "asc"]
        assert seen == {True, False}


def filter_cases(page, real_site, data):
    """(description, {field: value}, expected case numbers) for every filter and one combination."""
    rate65 = sorted({d["rate65"] for d in data.values()})
    rate75 = sorted({d["rate75"] for d in data.values()})
    mid65, mid75 = rate65[len(rate65) // 2], rate75[len(rate75) // 2]
    cases = [
        ("rate65_min", {"rate65_min": mid65}, {n for n, d in data.items() if d["rate65"] >= mid65}),
        ("rate65_max", {"rate65_max": mid65}, {n for n, d in data.items() if d["rate65"] <= mid65}),
        ("rate75_min", {"rate75_min": mid75}, {n for n, d in data.items() if d["rate75"] >= mid75}),
        ("rate75_max", {"rate75_max": mid75}, {n for n, d in data.items() if d["rate75"] <= mid75}),
    ]
    options = page.evaluate("""() => Object.fromEntries(['band', 'v', 'h', 'ict'].map((name) =>
      [name, [...document.querySelector('[data-module="region-filters"]').elements[name].options].map((o) => o.value)]))""")
    for value in options["band"]:
        lo, _, hi = value.partition("-")
        cases.append((f"band={value}", {"band": value}, {
            n for n, d in data.items() if (not lo or d["total"] >= float(lo)) and (not hi or d["total"] < float(hi))}))
    for field in ("v", "h", "ict"):
        sep = "|" if field == "ict" else " "
        used = {x for d in data.values() for x in d[field].split(sep) if x}
        assert used <= set(options[field]), f"a {field} value of the data is not offered"
        for value in options[field]:
            cases.append((f"{field}={value}", {field: value},
                          {n for n, d in data.items() if not value or value in d[field].split(sep)}))
    # A combination: the most common vertical model, and at least the median rate among its regions.
    counts = {}
    for d in data.values():
        for code in d["v"].split():
            counts[code] = counts.get(code, 0) + 1
    code = max(sorted(counts), key=lambda c: counts[c])
    members = sorted(d["rate65"] for d in data.values() if code in d["v"].split())
    floor = members[len(members) // 2]
    combo = {n for n, d in data.items() if code in d["v"].split() and d["rate65"] >= floor}
    assert 0 < len(combo) < len(data)
    cases.append((f"v={code}&rate65_min={floor}", {"v": code, "rate65_min": floor}, combo))
    return cases


def set_field(page, name: str, value) -> None:
    field = page.locator(f'[data-module="region-filters"] [name="{name}"]')
    if field.evaluate("(el) => el.tagName") == "SELECT":
        field.select_option(str(value))
    else:
        field.fill(str(value))


def status_text(strings, shown: int, total: int) -> str:
    if shown == 0:
        return strings["filters"]["none"]
    return strings["filters"]["count"].replace("{n}", str(shown)).replace("{total}", str(total))


def test_every_filter_and_a_combination(regions_page, real_site, data, strings):
    page = regions_page()
    assert page.locator('[data-module="region-filters"]').is_visible()
    cases = filter_cases(page, real_site, data)
    for description, fields, want in cases:
        page = regions_page()
        for name, value in fields.items():
            set_field(page, name, value)
        shown = page.evaluate(VISIBLE_ROWS)
        assert shown == sorted(want), description
        status = page.locator('[data-module="region-filters"] [role="status"]').inner_text().strip()
        assert status == status_text(strings, len(want), len(data)), description
        query = parse_qs(urlsplit(page.url).query)
        for name, value in fields.items():
            if value != "":
                assert query.get(name) == [str(value)], (description, page.url)
    print(f"\nregion filters: {len(cases)} cases checked")
    # Clearing the form brings every row back and empties the query string.
    page.get_by_role("button", name=strings["filters"]["reset"]).click()
    page.wait_for_function("() => !window.location.search")
    assert page.evaluate(VISIBLE_ROWS) == sorted(data)


def test_url_holds_the_state_and_reload_restores_it(regions_page, data):
    page = regions_page()
    code = next(d["v"].split()[0] for _, d in sorted(data.items()) if d["v"])
    rates = sorted(d["rate65"] for d in data.values())
    floor = rates[len(rates) // 3]
    page.locator('th[data-sort="rate65"] .sort-button').click()
    if page.get_attribute('th[data-sort="rate65"]', "aria-sort") != "descending":
        page.locator('th[data-sort="rate65"] .sort-button').click()
    set_field(page, "v", code)
    set_field(page, "rate65_min", floor)
    want = [n for n in expected_order(page, data, "rate65", True, True)
            if code in data[n]["v"].split() and data[n]["rate65"] >= floor]
    assert want and page.evaluate(VISIBLE_ROWS) == want
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"sort": ["rate65"], "order": ["desc"], "v": [code], "rate65_min": [str(floor)]}, page.url

    def check():
        assert page.evaluate(VISIBLE_ROWS) == want
        assert page.get_attribute('th[data-sort="rate65"]', "aria-sort") == "descending"
        assert page.locator('[name="v"]').input_value() == code
        assert float(page.locator('[name="rate65_min"]').input_value()) == floor

    page.reload(wait_until="load")
    page.wait_for_selector(".sort-button", state="attached")
    check()
    # The same address typed in fresh gives the same view.
    page = regions_page(f"?sort=rate65&order=desc&v={code}&rate65_min={floor}")
    check()


def test_keyboard_only_sorting_with_visible_focus(regions_page, data):
    """The keyboard sorts with the form's 並べ替え control (the header buttons, for the pointer, are out of the Tab
    order so that the rows come right after the skip link)."""
    page = regions_page()
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name === 'sort'"):
            break
        assert not page.evaluate("() => document.activeElement.classList.contains('sort-button')")
    else:
        pytest.fail("Tab never reached the sort control")
    focus = page.evaluate("""() => {
      const el = document.activeElement, s = getComputedStyle(el);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), focusVisible: el.matches(':focus-visible') };
    }""")
    assert focus["focusVisible"]
    assert focus["style"] != "none" and focus["width"] > 0, f"no visible focus outline: {focus}"
    before = page.evaluate(VISIBLE_ROWS)
    page.keyboard.press("ArrowDown")  # 番号 → 地域
    key = page.evaluate("() => document.activeElement.value")
    assert key == "name"
    sort = page.get_attribute(f'th[data-sort="{key}"]', "aria-sort")
    assert sort == "ascending"
    after = page.evaluate(VISIBLE_ROWS)
    assert after == expected_order(page, data, key, False, False)
    assert after != before
    assert page.evaluate("() => document.activeElement.name") == "sort", "sorting lost the focus"


# ---------------------------------------------------------------- filters that do not lead to dead ends

FILTER_FIELDS = ("rate65_min", "rate65_max", "rate75_min", "rate75_max", "band", "v", "h", "ict")


def passes(d: dict, name: str, value) -> bool:
    """One filter condition on one region's data, as the page promises it (the reference for the counts)."""
    if value in ("", None):
        return True
    if name == "band":
        lo, _, hi = str(value).partition("-")
        return (not lo or d["total"] >= float(lo)) and (not hi or d["total"] < float(hi))
    if name in ("v", "h", "ict"):
        return value in d[name].split("|" if name == "ict" else " ")
    figure = d[name[:6]]
    return figure >= float(value) if name.endswith("_min") else figure <= float(value)


def shown_by(data: dict, state: dict, without: str | None = None) -> list[int]:
    return sorted(n for n, d in data.items() if all(passes(d, k, v) for k, v in state.items() if k != without))


def option_counts(page) -> dict:
    """{field: {value: n}} read from the option texts 「…（n）…」."""
    raw = page.evaluate("""() => Object.fromEntries(['band', 'v', 'h', 'ict'].map((name) =>
      [name, [...document.querySelector('[data-module="region-filters"]').elements[name].options]
        .map((o) => [o.value, o.textContent])]))""")
    out = {}
    for name, options in raw.items():
        out[name] = {}
        for value, text in options:
            found = re.findall(r"（(\d+)）", text)
            assert found, f"{name}={value!r}: no count in {text!r}"
            # a model's count stands beside its code (あ2（1） …), any other choice's at the end
            out[name][value] = int(found[0] if name in ("v", "h") and value else found[-1])
    return out


def empty_combination(data: dict) -> dict:
    """A horizontal model and a floor on the 65+ rate that leave no region together, though each alone leaves some."""
    for code in sorted({c for d in data.values() for c in d["h"].split()}):
        members = [d["rate65"] for d in data.values() if code in d["h"].split()]
        above = [d["rate65"] for d in data.values() if d["rate65"] > max(members)]
        if above:
            return {"h": code, "rate65_min": min(above)}
    raise AssertionError("no empty combination in the data")


@pytest.mark.parametrize("state", [{}, "combo", "empty"])
def test_every_choice_counts_the_regions_it_would_show(regions_page, data, state):
    if state == "combo":
        code = max(sorted({c for d in data.values() for c in d["v"].split()}),
                   key=lambda c: sum(c in d["v"].split() for d in data.values()))
        state = {"v": code, "rate65_min": sorted(d["rate65"] for d in data.values())[len(data) // 3]}
    elif state == "empty":
        state = empty_combination(data)
    page = regions_page("?" + urlencode(state))
    counts = option_counts(page)
    checked = 0
    for name, options in counts.items():
        for value, n in options.items():
            want = len(shown_by(data, {**state, name: value}))
            assert n == want, f"with {state}: {name}={value!r} says {n}, would show {want}"
            checked += 1
    assert checked > 20
    # The counts follow the form as it changes, not only the address it was opened with.
    set_field(page, "band", next(v for v in counts["band"] if v))
    state = {**state, "band": page.locator('[name="band"]').input_value()}
    for name, options in option_counts(page).items():
        for value, n in options.items():
            assert n == len(shown_by(data, {**state, name: value})), (state, name, value)


def test_a_model_count_stays_beside_its_code(regions_page):
    page = regions_page()
    texts = page.evaluate("""() => [...document.querySelector('[name="h"]').options].slice(1).map((o) => [o.value, o.textContent])""")
    assert texts and all(re.match(re.escape(code) + r"（\d+）", text) for code, text in texts), texts


def test_an_empty_result_names_the_conditions_and_drops_one(regions_page, data, strings):
    state = empty_combination(data)
    page = regions_page("?" + urlencode(state))
    assert page.evaluate(VISIBLE_ROWS) == []
    status = page.locator('[data-module="region-filters"] [role="status"]').inner_text().strip()
    assert status == strings["filters"]["none"]
    advice = page.locator("[data-empty]")
    assert advice.is_visible()
    assert strings["filters"]["none_hint"] in advice.inner_text()
    buttons = advice.locator("button[data-drop]")
    offered = {buttons.nth(i).get_attribute("data-drop"): buttons.nth(i).inner_text() for i in range(buttons.count())}
    assert set(offered) == set(state), offered
    for name, text in offered.items():
        n = len(shown_by(data, state, without=name))
        assert text.endswith(f"（{n}件）"), (name, text)
    assert str(state["rate65_min"]) in offered["rate65_min"] and strings["filters"]["rate65"] in offered["rate65_min"]
    assert state["h"] in offered["h"] and strings["filters"]["horizontal"] in offered["h"]
    # Dropping the model brings back the regions over the floor, clears the field and updates the address.
    buttons.and_(page.locator('[data-drop="h"]')).click()
    assert page.evaluate(VISIBLE_ROWS) == shown_by(data, state, without="h")
    assert page.locator('[name="h"]').input_value() == ""
    assert parse_qs(urlsplit(page.url).query) == {"rate65_min": [str(state["rate65_min"])]}
    assert not advice.is_visible()
    assert page.evaluate("() => document.activeElement.name") == "h"


def test_on_a_phone_each_drop_button_wraps_its_condition_and_keeps_its_count_whole(open_context, site_url, data):
    """At 360 px the longest condition (a model with its title) wraps; the text reads from the start, lines break
    at a space or bracket of the condition, and 「」をやめる（N件）」 ends on one line (it was centred, with 「30%以」
    「上」 and 「（4」 「件）」 on two lines)."""
    context, _ = open_context(site_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site_url + INDEX + "?" + urlencode(empty_combination(data)), wait_until="load")
    buttons = page.locator("[data-empty] button[data-drop]")
    assert buttons.count() >= 2
    shapes = buttons.evaluate_all("""(bs) => bs.map((b) => {
      const tail = document.createRange(); const text = b.textContent, at = text.lastIndexOf('をやめる');
      const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT); let node, seen = 0, start = null, end = null;
      while ((node = walker.nextNode())) {
        if (start === null && seen + node.data.length > at) start = [node, at - seen];
        seen += node.data.length; end = [node, node.data.length];
      }
      tail.setStart(...start); tail.setEnd(...end);
      const lines = new Set([...tail.getClientRects()].map((r) => Math.round(r.top)));
      const r = b.getBoundingClientRect();
      return { text, align: getComputedStyle(b).textAlign, tailLines: lines.size, right: r.right,
               lines: Math.round(r.height / parseFloat(getComputedStyle(b).lineHeight)), starts: (%s)(b)[1] };
    })""" % LINE_STARTS)
    assert any(s["lines"] >= 2 for s in shapes), f"no condition wraps at 360 px, the test checks nothing: {shapes}"
    for s in shapes:
        assert s["tailLines"] == 1, f"「をやめる（N件）」 split across lines: {s['text']}"
        inside = [s["text"][:at] + "|" + s["text"][at:] for at in s["starts"][1:]
                  if s["text"][at - 1] not in " 　：、・" and s["text"][at] not in "（「"]
        assert not inside, f"a line breaks inside a word: {inside}"
        assert s["align"] in ("start", "left"), s
        assert s["right"] <= 360, s
    page.close()


def test_an_empty_result_no_single_drop_can_fix_says_so(regions_page, data, strings):
    # Two floors no region reaches: dropping either still leaves the other one empty.
    top65, top75 = max(d["rate65"] for d in data.values()), max(d["rate75"] for d in data.values())
    page = regions_page("?" + urlencode({"rate65_min": top65 + 1, "rate75_min": top75 + 1}))
    assert page.evaluate(VISIBLE_ROWS) == []
    advice = page.locator("[data-empty]")
    assert strings["filters"]["none_stuck"] in advice.inner_text()
    assert advice.locator("button").count() == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_selects_are_touch_sized_and_look_like_the_inputs(open_context, site_url, width):
    context, _ = open_context(site_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site_url + INDEX, wait_until="load")
    page.wait_for_selector(".sort-button", state="attached")
    looks = page.evaluate("""() => [...document.querySelectorAll('[data-module="region-filters"] select, [data-module="region-filters"] input[type=number]')]
      .map((el) => { const s = getComputedStyle(el), r = el.getBoundingClientRect();
        return { tag: el.tagName, name: el.name, height: r.height, right: r.right,
                 look: [s.fontSize, s.fontFamily, s.borderTopWidth, s.borderTopStyle, s.borderTopColor, s.borderRadius, s.backgroundColor, s.color, Math.round(r.height)] }; })""")
    selects = [x for x in looks if x["tag"] == "SELECT"]
    inputs = [x for x in looks if x["tag"] == "INPUT"]
    assert len(selects) == 6 and len(inputs) == 4  # band, v, h, ict; the sort column and its order
    for x in selects:
        assert x["height"] >= 24, f"{x['name']} is {x['height']} px tall"
        assert x["look"] == inputs[0]["look"], f"{x['name']} does not look like the inputs: {x['look']} vs {inputs[0]['look']}"
        assert x["right"] <= width, f"{x['name']} overflows the screen"
    page.close()


HEADER_WIDTHS = """() => [...document.querySelectorAll('[data-module="region-table"] thead th')].map((th) => th.getBoundingClientRect().width)"""


@pytest.mark.parametrize("width", [1280])  # a phone shows the rows stacked, without columns
def test_column_widths_do_not_jump_when_filtering_or_sorting(open_context, site_url, data, width):
    context, _ = open_context(site_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site_url + INDEX, wait_until="load")
    page.wait_for_selector(".sort-button", state="attached")
    full = page.evaluate(HEADER_WIDTHS)
    code = next(c for d in data.values() for c in d["h"].split())
    steps = [("h", code), ("rate65_min", max(d["rate65"] for d in data.values()) + 1), ("rate65_min", ""), ("h", "")]
    for name, value in steps:
        set_field(page, name, value)
        widths = page.evaluate(HEADER_WIDTHS)
        jumps = [(i, a, b) for i, (a, b) in enumerate(zip(full, widths)) if abs(a - b) > 0.5]
        assert not jumps, f"after {name}={value!r} at {width} px, columns moved: {jumps}"
    page.locator('th[data-sort="ict"] .sort-button').click()
    assert page.evaluate(HEADER_WIDTHS) == pytest.approx(full, abs=0.5), "sorting resized the columns"
    page.close()


def test_the_scripts_do_not_shift_the_page_after_the_first_paint(open_context, site_url):
    """The page paints before its deferred scripts run (a slow phone does so): hold the scripts until the first
    contentful paint, then let them run, and sum the layout shifts they cause (Cumulative Layout Shift)."""
    for width in (412, 1280):
        context, _ = open_context(site_url, viewport={"width": width, "height": 823})
        page = open_with_scripts_after_first_paint(context, site_url + INDEX)
        page.wait_for_selector(".sort-button", state="attached")
        page.wait_for_timeout(300)
        cls = layout_shift(page)
        assert cls < 0.01, f"layout shift {cls:.3f} at {width} px when the scripts ran"
        page.close()
