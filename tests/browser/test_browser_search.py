"""Site search in a browser: the header box reaches /search/?q=… with results, and ?q= shows results on load.
Skipped only while the build writes no search index (search/index.js)."""
from __future__ import annotations

from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest

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
