"""Every case page printed to A4 PDF: at most three pages, with the headline, the citation and the page's
address, and without the site's navigation, search or filters.  Needs pdfinfo/pdftotext (poppler-utils)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tools import run_ok
import yaml

from browserkit import page_fill, require

pytestmark = pytest.mark.browser

MAX_PAGES = 3  # at meeting-handout type (body 10.5 pt, issue 27) the longest cases (mibu, sakai) take a third sheet


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def strings(root):
    return yaml.safe_load((root / "templates" / "strings.ja.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def poppler():
    for tool in ("pdfinfo", "pdftotext"):
        require(f"{tool} (poppler-utils)", shutil.which(tool) is not None)


def forbidden_texts(strings) -> list[str]:
    """Screen-only chrome that must not reach paper."""
    return [strings["nav"]["label"], strings["search"]["button"], strings["search"]["label"], strings["nav"]["skip"],
            strings["filters"]["legend"], strings["nav"]["crumbs"], strings["case"]["prev"], strings["case"]["next"]]


def test_case_pages_print_on_at_most_three_a4_pages(open_context, site_url, real_site, strings, poppler, tmp_path):
    context, watcher = open_context(site_url)
    page = context.new_page()
    page.emulate_media(media="print")
    failures = []
    for region in real_site.regions:
        url = f"{site_url}regions/{region.slug}/"
        page.goto(url, wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        # Chrome that is also part of the case's own text (a highlight mentioning 検索, say) may print.
        content = page.locator("main").inner_text()
        pdf = tmp_path / f"{region.slug}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        info = run_ok(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        sheets = [squash(t) for t in run_ok(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                                    text=True).stdout.split("\f")]
        text = "".join(sheets)
        cite = strings["case"]["cite_text"].format(site=strings["site"]["name"], number=region.number, name=region.name,
                                                   page=region.report_page)
        problems = []
        if pages > MAX_PAGES:
            problems.append(f"{pages} pages")
        for label, wanted in (("headline", region.headline), ("citation", cite), ("出典", strings["case"]["cite"]),
                              ("page", f"p.{region.report_page}"), ("address", url)):
            if squash(wanted) not in text:
                problems.append(f"no {label} ({wanted})")
        # The key figures are read with their note (where the rates come from): one sheet holds both, and no
        # sheet but the last is under a quarter full (a block pushed over leaves one so).
        note = squash(strings["case"]["rate_note"])
        together = [n for n, t in enumerate(sheets) if squash(strings["case"]["key_figures"]) in t and note in t]
        if not together:
            problems.append("the key figures and their note are on different sheets")
        fill = page_fill(pdf, tmp_path)
        if any(share < 0.25 for share in fill[:-1]):
            problems.append(f"a sheet under a quarter full: {[round(f, 2) for f in fill]}")
        for chrome in forbidden_texts(strings):
            if chrome not in content and squash(chrome) in text:
                problems.append(f"prints {chrome!r}")
        if problems:
            failures.append(f"regions/{region.slug}/: " + "; ".join(problems))
    leftovers = watcher.problems(page)
    page.close()
    assert not failures, "printing case pages:\n  " + "\n  ".join(failures)
    assert not leftovers, leftovers
