"""Every page the build writes, in Chromium: axe-core (its default rules: WCAG 2.0/2.1 A+AA and best practices), console/requests/CSP, no
horizontal scroll at 360 px; plus the Nu Html Checker over every file and a static link check."""
from __future__ import annotations

import json
import subprocess

import pytest

from browserkit import block_site_scripts, format_violations, run_axe

pytestmark = pytest.mark.browser

MOBILE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def sweep(open_context, site_url, pages, axe_source):
    """Visit every page once with JavaScript on: axe results and everything the watcher saw."""
    context, watcher = open_context(site_url)
    page = context.new_page()
    results = {}
    for rel in pages:
        watcher.problems(page)  # drop anything left over from the previous page
        page.goto(site_url + rel, wait_until="load")
        if rel.startswith("search/"):  # the search page loads its index after "load"
            page.wait_for_load_state("networkidle")
        # default rules: the best practices too (issue 27: landmark-unique on the print document, search and
        # survey pages, empty-table-header on /about/ passed the WCAG-tagged run)
        axe = run_axe(page, tags=None)
        results[rel] = {"axe": axe, "problems": watcher.problems(page)}
    page.close()
    rules = sorted({rule for r in results.values() for rule in r["axe"]["rules"]})
    print(f"\naxe-core: {len(rules)} rules over {len(results)} pages")
    return results


def test_axe_every_page_with_javascript(sweep):
    failures = {rel: r["axe"]["violations"] for rel, r in sweep.items() if r["axe"]["violations"]}
    assert not failures, "axe-core violations:\n" + "\n".join(
        f"{rel}:\n{format_violations(v)}" for rel, v in failures.items())
    assert all(r["axe"]["rules"] for r in sweep.values())


def test_no_console_errors_failed_requests_foreign_origins_or_csp_violations(sweep):
    failures = {rel: r["problems"] for rel, r in sweep.items() if r["problems"]}
    assert not failures, "\n".join(f"{rel}:\n  " + "\n  ".join(p) for rel, p in failures.items())


def javascript_off_pages(real_site) -> list[str]:
    # the region index (the filters must stay hidden) and a case page with a diagram
    case = next(r for r in real_site.regions if not r.diagram.is_empty)
    return ["regions/index.html", f"regions/{case.slug}/index.html"]


def test_axe_without_javascript(open_context, site_url, built_site, real_site, axe_source):
    context, _ = open_context(site_url)
    block_site_scripts(context)
    page = context.new_page()
    failures = {}
    for rel in javascript_off_pages(real_site):
        assert "<noscript" not in (built_site / rel).read_text(encoding="utf-8"), \
            "blocking the site's scripts no longer equals JavaScript off; revisit block_site_scripts"
        page.goto(site_url + rel, wait_until="load")
        assert page.evaluate("() => document.querySelectorAll('.sort-button').length") == 0, "regions.js ran"
        violations = run_axe(page)["violations"]
        if violations:
            failures[rel] = violations
    page.close()
    assert not failures, "axe-core violations with JavaScript off:\n" + "\n".join(
        f"{rel}:\n{format_violations(v)}" for rel, v in failures.items())


def test_no_horizontal_scroll_at_360px(open_context, site_url, pages):
    context, _ = open_context(site_url, viewport=MOBILE)
    page = context.new_page()
    wide = {}
    for rel in pages:
        page.goto(site_url + rel, wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        sizes = page.evaluate("""() => {
          const d = document.documentElement;
          const culprits = [...document.body.querySelectorAll('*')]
            .filter((el) => el.getBoundingClientRect().right > d.clientWidth + 0.5)
            .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= d.clientWidth + 0.5)
            .slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
          return { scroll: d.scrollWidth, client: d.clientWidth, culprits };
        }""")
        if sizes["scroll"] > sizes["client"]:
            wide[rel] = sizes
    page.close()
    assert not wide, "horizontal scroll at 360×740:\n" + "\n".join(
        f"  {rel}: scrollWidth {s['scroll']} > clientWidth {s['client']}; widest: {', '.join(s['culprits'])}"
        for rel, s in wide.items())


def test_nu_html_checker(built_site, pages, vnu_jar):
    files = [str(built_site / rel) for rel in pages]
    run = subprocess.run(["java", "-Xss4m", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    errors = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    prefix = "file:" + str(built_site) + "/"
    assert not errors, f"Nu Html Checker: {len(errors)} errors in {len(pages)} files\n" + "\n".join(
        f"  {m.get('url', '').replace(prefix, '')}:{m.get('lastLine', '?')}: {m['message']}\n      {m.get('extract', '')!r}"
        for m in errors)
    assert run.returncode == 0, run.stderr[-2000:]
