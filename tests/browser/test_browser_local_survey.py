"""The local-survey comparison pages as a coordinator opens them: from file://, JavaScript off, on a 360 px phone
and on paper. The pages come from `build.py survey-tally` of the synthetic 124 clinics."""
from __future__ import annotations

import sys

import pytest

from tools import run_ok

from browserkit import ROOT

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PAGES = ["index.html", "s1.html", "s2.html", "s3.html", "s4.html", "s5.html", "s6.html", "s7.html"]


@pytest.fixture(scope="module")
def tallied(real_site, tmp_path_factory):
    sys.path.insert(0, str(ROOT / "tests"))
    from casebook import cli
    from survey_synth import synthetic_rows, to_csv_text
    questions, rows = synthetic_rows(list(real_site.survey))
    folder = tmp_path_factory.mktemp("local")
    (folder / "responses.csv").write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
    out = folder / "out"
    assert cli.main(["survey-tally", str(folder / "responses.csv"), "--out", str(out), "--region", "〇〇市",
                     "--root", str(ROOT)]) == 0
    return out


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_on_a_phone_the_menu_is_one_row_and_every_column_is_within_reach(phone, tallied):
    problems = []
    for name in PAGES:
        phone.goto((tallied / name).as_uri(), wait_until="load")
        width = phone.evaluate("document.documentElement.scrollWidth")
        nav = phone.evaluate("document.querySelector('.site-nav').getBoundingClientRect().height")
        # the section menu fills the first screen no more (it used to take 400 of 740 px)
        if width > PHONE["width"] or nav > 60:
            problems.append(f"{name}: page {width} px wide, menu {nav:.0f} px high")
        # A table wider than the phone scrolls sideways inside its own region, which a keyboard can reach and a
        # screen reader names, so no column is out of reach (the browser page's tables share this markup).
        cut = phone.evaluate("""[...document.querySelectorAll('.table-wrap')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .filter(e => !(e.getAttribute('role') === 'region' && e.getAttribute('tabindex') === '0'
                           && e.getAttribute('aria-label') && getComputedStyle(e).overflowX === 'auto'))
            .map(e => e.getAttribute('aria-label') || e.textContent.slice(0, 30))""")
        problems += [f"{name}: a table wider than the phone that cannot be scrolled by itself: {c}" for c in cut]
    assert not problems, "\n".join(problems)


def test_the_last_stats_column_is_on_screen_and_every_section_is_reachable(phone, tallied):
    phone.goto((tallied / "s2.html").as_uri(), wait_until="load")
    right = phone.evaluate("""Math.max(...[...document.querySelectorAll('#result-s2-8 thead th')]
        .map(th => th.getBoundingClientRect().right))""")
    assert right <= PHONE["width"], right
    assert phone.locator("#result-s2-8 thead th").last.inner_text() == "最大値"
    # the one-row menu scrolls sideways: every section link is there, none is hidden
    links = phone.locator(".site-nav__link")
    assert links.count() == len(PAGES)
    assert all(links.nth(i).is_visible() for i in range(links.count()))


def test_a_comparison_page_prints_with_its_tables_and_without_the_menu(browser, tallied, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((tallied / "s2.html").as_uri(), wait_until="load")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-nav')).display") == "none"
    pdf = tmp_path / "s2.pdf"
    page.pdf(path=str(pdf), format="A4")
    context.close()
    import subprocess
    text = run_ok(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "開設主体" in text and "最大値" in text and "〇〇市" in text
