"""Site search in a browser: the header box reaches /search/?q=… with results, and ?q= shows results on load.
Skipped only while the build writes no search index (search/index.js)."""
from __future__ import annotations

import shutil
import subprocess
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from browserkit import require

pytestmark = pytest.mark.browser

QUERY = "主治医"
RESULT_LINKS = "[data-module='search'] [data-results] li a[href]"


@pytest.fixture(scope="module")
def search_site(built_site, root):
    assert (built_site / "search" / "index.js").exists(), "the build wrote no search/index.js"
    assert (root / "static" / "js" / "search.js").exists()
    return built_site


@pytest.fixture
def watched_page(open_context, site_url, search_site):
    context, watcher = open_context(site_url)
    page = context.new_page()
    yield page
    problems = watcher.problems(page)
    page.close()
    assert not problems, "\n".join(problems)


def check_results(page, site_url: str, built_site, query: str) -> int:
    page.wait_for_selector(RESULT_LINKS)
    hrefs = page.locator(RESULT_LINKS).evaluate_all("(links) => links.map((a) => a.href)")
    assert hrefs
    for href in hrefs:
        assert href.startswith(site_url), href
        path = unquote(urlsplit(href).path).lstrip("/")
        target = built_site / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        assert target.is_file(), f"result {href} leads nowhere"
        assert query in target.read_text(encoding="utf-8"), f"result {href} does not contain {query}"
    return len(hrefs)


def test_header_box_submits_to_the_search_page(watched_page, site_url, search_site):
    page = watched_page
    page.goto(site_url + "regions/index.html", wait_until="load")  # a page below the root: relative action
    page.locator(".site-header [name='q']").fill(QUERY)
    page.locator(".site-header [name='q']").press("Enter")
    page.wait_for_url("**/search/**")
    assert parse_qs(urlsplit(page.url).query).get("q") == [QUERY], page.url
    assert check_results(page, site_url, search_site, QUERY) > 0
    assert page.locator("#search-q, [data-module='search'] [name='q']").first.input_value() == QUERY


def test_query_in_the_address_shows_results_on_load(watched_page, site_url, search_site):
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=" + QUERY), wait_until="load")
    assert check_results(page, site_url, search_site, QUERY) > 0
    status = page.locator("[data-module='search'] [data-status]").inner_text().strip()
    assert status, "the result count is not announced"
    assert not page.locator("[data-module='search'] [data-nojs]").first.is_visible()


def result_count(page) -> int:
    return page.locator(RESULT_LINKS).count()


def test_results_update_as_you_type_and_the_count_is_announced(watched_page, site_url, search_site):
    page = watched_page
    page.goto(site_url + "search/index.html", wait_until="load")
    box = page.locator("[data-module='search'] [name='q']")
    box.click()
    box.type("カナミック", delay=20)  # key by key, as a reader types, with no submit
    page.wait_for_selector(RESULT_LINKS)
    typed = result_count(page)
    assert typed > 0
    status = page.locator("[data-module='search'] [data-status]")
    assert status.get_attribute("aria-live") == "polite" and str(typed) in status.inner_text()
    box.fill("カナミック 坂井")  # every space-separated word is required: fewer, never more, results
    page.wait_for_function("n => document.querySelectorAll(\"[data-results] li a[href]\").length < n", arg=typed)
    assert 0 < result_count(page) < typed


def test_committed_ime_text_searches_without_key_events(watched_page, site_url, search_site):
    """An input method commits text with compositionend and no key events; the search must still run."""
    page = watched_page
    page.goto(site_url + "search/index.html", wait_until="load")
    page.locator("[data-module='search'] [name='q']").focus()
    page.evaluate("""() => {
        const box = document.querySelector("[data-module='search'] [name='q']");
        box.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true}));
        box.value = '後方支援';
        box.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true, data: '後方支援'}));
    }""")
    page.wait_for_timeout(400)
    assert result_count(page) == 0, "searched while the input method was still composing"
    page.evaluate("""() => {
        const box = document.querySelector("[data-module='search'] [name='q']");
        box.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '後方支援'}));
    }""")
    page.wait_for_selector(RESULT_LINKS)
    assert result_count(page) > 0


def test_keyboard_reaches_the_results(watched_page, site_url, search_site):
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=" + QUERY), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    page.locator("[data-module='search'] [name='q']").focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.matches(\"[data-results] a[href]\")")
    if not focused:  # without an arrow-key shortcut, Tab order must lead from the box to the results
        for _ in range(3):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches(\"[data-results] a[href]\")"):
                break
    assert page.evaluate("() => document.activeElement.matches(\"[data-results] a[href]\")")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


# ---- issue 13: readings, suggestions, counts per kind ----

RESULTS = "[data-module='search'] [data-results] > li"
SNIPPET = ".search-result__snippet:not(.search-result__snippet--pending)"


def shown(item):
    """A result as the reader sees it: scrolled to, its snippet in (after the first screenful, snippets come
    in one message once every result is in)."""
    item.scroll_into_view_if_needed()
    item.locator(SNIPPET).wait_for()
    return item


def test_a_kana_query_shows_which_written_form_matched_and_highlights_it(watched_page, site_url, search_site):
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=みとり"), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    items = page.locator(RESULTS)
    assert items.count() > 0
    for i in range(items.count()):
        item = shown(items.nth(i))
        via = item.locator(".search-result__via")
        assert via.count() == 1, item.inner_text()
        assert "みとり → 看取り" in via.inner_text()
        assert via.locator("mark").inner_text() == "看取り"
        marks = item.locator(".search-result__snippet mark, .search-result__title mark").all_inner_texts()
        assert "看取り" in marks, item.inner_text()
    # every result page holds the written form shown
    check_results(page, site_url, search_site, "看取り")
    # 「ミトリ」 in katakana finds the same pages
    links = page.locator(RESULT_LINKS).evaluate_all("(ls) => ls.map((a) => a.href)")
    page.goto(urljoin(site_url, "search/?q=ミトリ"), wait_until="load")
    page.wait_for_function(f"() => document.querySelectorAll(\"{RESULT_LINKS}\").length >= {len(links)}")
    assert page.locator(RESULT_LINKS).evaluate_all("(ls) => ls.map((a) => a.href)") == links


def test_a_query_without_results_offers_site_words_that_run_a_search(watched_page, site_url, search_site):
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=みとる"), wait_until="load")
    links = page.locator("[data-suggest] a")
    links.first.wait_for()
    assert page.locator(RESULT_LINKS).count() == 0
    words = links.all_inner_texts()
    assert "看取り" in words, words
    assert page.locator("[data-kinds]").is_hidden()
    links.filter(has_text="看取り").first.click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('q') === '看取り'")
    page.wait_for_selector(RESULT_LINKS)
    assert page.locator("[name='q']").last.input_value() == "看取り"
    assert page.locator("[data-suggest]").is_hidden()
    check_results(page, site_url, search_site, "看取り")
    page.go_back()
    page.wait_for_function("() => new URL(location.href).searchParams.get('q') === 'みとる'")
    page.locator("[data-suggest] a").first.wait_for()
    assert page.locator(RESULT_LINKS).count() == 0


def _kind_counts(page) -> dict[str, int]:
    out = {}
    for text in page.locator("[data-kinds] a").all_inner_texts():
        label, count = text.split()
        out[label] = int(count)
    return out


def test_counts_per_kind_filter_the_results_and_stay_in_the_address(watched_page, site_url, search_site):
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=看取り"), wait_until="load")
    page.wait_for_selector("[data-kinds] a")
    counts = _kind_counts(page)
    total = counts.pop("すべて")
    assert total == sum(counts.values()) == page.locator(RESULTS).count()
    assert counts.get("事例", 0) > 0 and len(counts) > 1
    assert page.locator("[data-kinds] a[aria-current]").inner_text().startswith("すべて")
    page.locator("[data-kinds] a", has_text="事例").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('kind') === 'case'")
    page.wait_for_function("n => document.querySelectorAll(\"[data-results] > li\").length === n",
                           arg=counts["事例"])
    kinds = page.locator(RESULTS + " .search-result__kind").all_inner_texts()
    assert set(kinds) == {"事例"}
    assert page.locator("[data-kinds] a[aria-current]").inner_text().startswith("事例")
    assert _kind_counts(page)["すべて"] == total  # the other kinds' counts stay
    page.go_back()
    page.wait_for_function("() => !new URL(location.href).searchParams.has('kind')")
    page.wait_for_function("n => document.querySelectorAll(\"[data-results] > li\").length === n", arg=total)
    page.go_forward()
    page.wait_for_function("n => document.querySelectorAll(\"[data-results] > li\").length === n",
                           arg=counts["事例"])
    # the filtered address opens filtered
    page.goto(urljoin(site_url, "search/?q=看取り&kind=model"), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    assert set(page.locator(RESULTS + " .search-result__kind").all_inner_texts()) == {"モデル"}


def test_every_result_has_one_snippet_without_repeated_phrases(watched_page, site_url, search_site):
    page = watched_page
    for query in ("主治医", "カナミック", "医師会"):
        page.goto(urljoin(site_url, "search/?q=" + query), wait_until="load")
        page.wait_for_selector(RESULT_LINKS)
        items = page.locator(RESULTS)
        for i in range(items.count()):
            snippets = shown(items.nth(i)).locator(".search-result__snippet")
            assert snippets.count() == 1, items.nth(i).inner_text()
            text = snippets.inner_text()
            parts = [p.strip("…") for p in text.split(" / ")]
            assert all(parts) and len(parts) == len(set(parts)), text
            assert snippets.locator("mark").count() or items.nth(i).locator(".search-result__title mark").count()


SHIFTS = """
(() => {
  window.__shifts = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); })
    .observe({ type: 'layout-shift', buffered: true });
})();
"""


@pytest.mark.parametrize("width", [360, 1280])
def test_results_arriving_do_not_shift_the_page(open_context, site_url, search_site, width):
    """The results area is reserved before the index loads: results arriving move nothing (CLS < 0.1)."""
    context, _ = open_context(site_url, viewport={"width": width, "height": 800})
    context.add_init_script(SHIFTS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})  # results arrive well after the first paint
    try:
        page.goto(urljoin(site_url, "search/?q=看取り"), wait_until="load")
        page.wait_for_selector(RESULT_LINKS)
        page.wait_for_timeout(300)
        shift = page.evaluate("() => window.__shifts.reduce((a, b) => a + b, 0)")
    finally:
        # A throttled page left open keeps its renderer busy (half a core each) for the rest of the session.
        context.close()
    assert shift < 0.1, f"layout shift {shift:.3f} at {width} px"


# ---- issue 13: the engine in a worker, the same engine on the page where a worker cannot start ----

ENGINE = "[data-module='search']"


def test_the_index_loads_and_is_queried_in_a_worker(watched_page, site_url, search_site):
    """Over http the engine runs in search-worker.js: the page itself never loads lunr, the tokenizer or the
    index files (the worker's requests go to the same origin, so the page's CSP allows them)."""
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=看取り"), wait_until="load")
    assert check_results(page, site_url, search_site, "看取り") > 0
    assert page.locator(ENGINE).get_attribute("data-engine") == "worker"
    assert page.evaluate("() => typeof window.lunr === 'undefined' && typeof window.CasebookTokenize === 'undefined'"
                         " && typeof window.CasebookSearchData === 'undefined'"), "the index was loaded on the page"
    page.locator("[data-module='search'] [name='q']").fill("カナミック 坂井")
    page.wait_for_function("() => /坂井/.test(document.querySelector('[data-status]').textContent)")
    assert check_results(page, site_url, search_site, "カナミック") > 0


def test_without_a_worker_the_same_engine_runs_on_the_page(open_context, site_url, search_site):
    """A worker that cannot start (here: its script fails to load) leaves the search working on the page."""
    context, watcher = open_context(site_url)
    page = context.new_page()
    page.route("**/js/search-worker.js", lambda route: route.fulfill(status=200, content_type="text/javascript",
                                                                    body="throw new Error('no worker here');"))
    page.goto(urljoin(site_url, "search/?q=看取り"), wait_until="load")
    assert check_results(page, site_url, search_site, "看取り") > 0
    assert page.locator(ENGINE).get_attribute("data-engine") == "page"
    assert page.evaluate("() => typeof window.lunr === 'function'")
    problems = [p for p in watcher.problems(page) if "no worker here" not in p]
    page.close()
    assert not problems, "\n".join(problems)


def test_search_works_from_file_urls(open_context, search_site):
    """Opened from disk (file://), where Chromium refuses workers, the search runs on the page: readings,
    highlights and kind counts included."""
    context, watcher = open_context(search_site.as_uri() + "/")
    page = context.new_page()
    page.goto(search_site.as_uri() + "/search/index.html?q=みとり", wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    assert page.locator(ENGINE).get_attribute("data-engine") == "page"
    assert "みとり → 看取り" in page.locator(RESULTS).first.inner_text()
    assert page.locator("[data-kinds] a").count() > 1
    for href in page.locator(RESULT_LINKS).evaluate_all("(ls) => ls.map((a) => a.href)"):
        assert href.startswith("file://"), href
    problems = watcher.problems(page)
    page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [360, 1280])
def test_journey_a_reading_typed_shows_every_case_hit_with_its_snippet(open_context, site_url, search_site, width,
                                                                       tmp_path):
    """A reader types 「みとり」 on a phone or a PC: every result is drawn with its title, and scrolling down the
    list, screen by screen, every case hit on the screen shows a snippet with 看取り marked (the snippets of
    results below the screen come as the reader nears them).  Printed afterwards, every case hit's snippet
    is on paper."""
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    height = 740 if width == 360 else 900
    context, watcher = open_context(site_url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site_url + "search/index.html", wait_until="load")
    box = page.locator("[data-module='search'] [name='q']")
    box.click()
    box.type("みとり", delay=30)
    page.wait_for_selector(RESULT_LINKS)
    page.wait_for_function("() => document.querySelectorAll('[data-results] > li').length > 10")
    items = page.locator(RESULTS)
    for i in range(items.count()):  # every result drawn: a title, laid out like the first ones
        item = items.nth(i)
        assert item.locator(".search-result__title").inner_text().strip(), i
        assert item.bounding_box()["height"] > 40, (i, item.inner_text())
    # What is on the screen, screen by screen: each case hit there has its snippet with the match marked.
    on_screen_cases = """[...document.querySelectorAll('[data-results] > li.search-result--region')]
        .filter((li) => { const r = li.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })"""
    seen, snippets = set(), {}
    while True:
        page.wait_for_function("() => " + on_screen_cases + ".every((li) => li.querySelector("
                               f"'{SNIPPET} mark'))", timeout=10_000)
        for title, text, marks in page.evaluate("() => " + on_screen_cases + ".map((li) => ["
                                                "li.querySelector('.search-result__title').textContent,"
                                                f"li.querySelector('{SNIPPET}').textContent,"
                                                f"[...li.querySelectorAll('{SNIPPET} mark')].map((m) => m.textContent)])"):
            assert "看取り" in marks, (title, text)
            seen.add(title)
            snippets[title] = text
        before = page.evaluate("scrollY")
        page.evaluate(f"() => window.scrollTo({{top: scrollY + {height * 0.8}, behavior: 'instant'}})")
        if page.evaluate("scrollY") <= before:  # the end of the list
            break
    cases = page.evaluate("() => [...document.querySelectorAll('[data-results] > li.search-result--region "
                          ".search-result__title')].map((a) => a.textContent)")
    assert len(cases) >= 4 and seen == set(cases), set(cases) - seen
    # On paper: every case hit's snippet, as on the screen.
    pdf = tmp_path / "search.pdf"
    page.pdf(path=str(pdf), format="A4")
    printed = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                     check=True).stdout.split())
    for title, text in snippets.items():
        assert "".join(text.split()).strip("…") in printed, title
    problems = watcher.problems(page)
    page.close()
    assert not problems, "\n".join(problems)


def test_a_variant_spelling_finds_the_written_form_and_marks_it(watched_page, site_url, search_site):
    """ケアマネージャー (a long vowel the report does not write) finds the pages with ケアマネジャー, says so
    and marks the form; every page shown holds it."""
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=ケアマネージャー"), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    page.wait_for_function("() => !document.querySelector('.search-result__snippet--pending')")
    items = page.locator(RESULTS)
    assert items.count() > 0
    for i in range(items.count()):
        via = items.nth(i).locator(".search-result__via")
        assert "ケアマネージャー → ケアマネジャー" in via.inner_text()
        assert via.locator("mark").inner_text() == "ケアマネジャー"
        assert "ケアマネジャー" in items.nth(i).locator(SNIPPET + " mark").all_inner_texts()
    check_results(page, site_url, search_site, "ケアマネジャー")


def test_an_abbreviation_finds_the_full_form_with_a_help_line_apart_from_the_results(watched_page, site_url, search_site):
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=特養"), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    help_box = page.locator("[data-module='search'] [data-help]")
    assert help_box.is_visible()
    assert "『特養』は『特別養護老人ホーム』の略として検索しました。" in help_box.inner_text()
    assert help_box.locator(".search__help-source").inner_text().strip()  # where the pairing comes from
    assert page.locator("[data-results] [data-help], [data-results] .search__help-line").count() == 0
    items = page.locator(RESULTS)
    for i in range(items.count()):
        via = items.nth(i).locator(".search-result__via")
        assert "特養 → 特別養護老人ホーム" in via.inner_text() and "略語" in via.inner_text()
    check_results(page, site_url, search_site, "特別養護老人ホーム")
    # a literal query has no help line
    page.goto(urljoin(site_url, "search/?q=主治医"), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    assert page.locator("[data-module='search'] [data-help]").is_hidden()


def test_a_word_the_report_does_not_contain_says_so_plainly(watched_page, site_url, search_site):
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=ショートステイ"), wait_until="load")
    status = page.locator("[data-module='search'] [data-status]")
    page.wait_for_function("() => /報告書には出てきません/.test(document.querySelector('[data-status]').textContent)")
    assert "「ショートステイ」はこの報告書には出てきません" in status.inner_text()
    assert page.locator("[data-suggest]").is_hidden() and page.locator(RESULT_LINKS).count() == 0


def test_a_model_page_is_found_by_a_label_it_lists_for_a_region(watched_page, site_url, search_site):
    """The B2 model page lists a region's ICT system 「メディカルケアステーション」; searching that name finds it."""
    page = watched_page
    page.goto(urljoin(site_url, "search/?q=メディカルケアステーション&kind=model"), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    hrefs = page.locator(RESULT_LINKS).evaluate_all("(ls) => ls.map((a) => a.href)")
    assert any(h.endswith("models/v-b2/index.html") or h.endswith("models/v-b2/") for h in hrefs), hrefs
    check_results(page, site_url, search_site, "メディカルケアステーション")


SWAP_TO_SITE_CSS = """() => new Promise((resolve, reject) => {
  const link = document.querySelector('link[rel=stylesheet]');
  link.addEventListener('load', resolve); link.addEventListener('error', reject);
  link.href = link.href.replace(/search\\.css$/, 'site.css');
})"""


@pytest.mark.parametrize("width, media, query", [
    (360, "screen", "看取り"), (1280, "screen", "みとり"), (1280, "screen", "みとる"),
    (360, "screen", "看取り&kind=model"), (1280, "print", "看取り"),
])
def test_the_search_page_looks_the_same_with_its_own_stylesheet_as_with_the_sites(
        open_context, site_url, search_site, width, media, query):
    """search.css is site.css cut to the blocks the search page uses; a rule it lost would show here."""
    context, watcher = open_context(site_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(urljoin(site_url, "search/?q=" + query), wait_until="load")
    assert page.locator("link[rel=stylesheet]").get_attribute("href").endswith("css/search.css")
    page.wait_for_selector(RESULT_LINKS if query != "みとる" else "[data-suggest] a")
    page.wait_for_load_state("networkidle")
    own = page.screenshot(full_page=(media == "print"), animations="disabled")
    page.evaluate(SWAP_TO_SITE_CSS)
    page.wait_for_load_state("networkidle")
    site = page.screenshot(full_page=(media == "print"), animations="disabled")
    assert own == site, f"the search page at {width} px ({media}, q={query}) looks different with site.css"
    problems = watcher.problems(page)
    page.close()
    assert not problems, "\n".join(problems)


def test_asked_to_print_the_page_fetches_every_snippet_still_waiting(open_context, site_url, search_site):
    """Paper does not scroll, so results below the screen would be printed without their text."""
    context, watcher = open_context(site_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(urljoin(site_url, "search/?q=主治医"), wait_until="load")
    page.wait_for_selector(RESULT_LINKS)
    page.wait_for_timeout(500)
    assert page.locator(".search-result__snippet--pending").count() > 2
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function("() => !document.querySelector('.search-result__snippet--pending')")
    total = page.locator(RESULTS).count()
    assert page.locator(RESULTS + " " + SNIPPET).count() == total, "a result has no snippet after printing began"
    assert page.evaluate("() => window.scrollY") == 0  # nothing was scrolled into view to get them
    problems = watcher.problems(page)
    page.close()
    assert not problems, "\n".join(problems)
