"""A reader checks 静岡's figure and cites the case (issue 32): on a phone, on a wide screen, without JS and on paper,
the printed bullets 「・訪問診療」「・往診」… are separate lines under their relation (never one label joined with 「・」),
and the citation names this website and the report's chapter apart. Needs pdftotext (poppler-utils) for paper."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from browserkit import require

pytestmark = pytest.mark.browser

LINES = ["訪問診療", "往診", "緊急時の往診", "看取り"]
ROW_OF_LINES = """(first) => {
  const li = [...document.querySelectorAll('.relations li')].find((x) => x.textContent.includes(first));
  const block = li.querySelector('.relations__lines');
  const range = document.createRange();
  const tops = [];
  for (const node of block.childNodes) {
    if (node.nodeType !== Node.TEXT_NODE) continue;
    range.selectNodeContents(node);
    tops.push([node.textContent, Math.round(range.getBoundingClientRect().top)]);
  }
  return tops;
}"""


@pytest.mark.parametrize("width, js", [(360, True), (1280, True), (360, False)])
def test_a_reader_sees_each_printed_bullet_of_a_label_on_its_own_line(open_context, site_url, width, js):
    context, _ = open_context(site_url, viewport={"width": width, "height": 740}, java_script_enabled=js)
    page = context.new_page()
    page.goto(site_url + "regions/shizuoka/", wait_until="load")
    tops = page.evaluate(ROW_OF_LINES, LINES[0])
    assert [text for text, _ in tops] == LINES
    assert len({top for _, top in tops}) == len(LINES), tops  # one line each, none run together
    relations = page.locator(".relations").inner_text()
    assert "訪問診療・往診" not in relations and "後方支援・" not in relations
    cite = page.locator(".case__cite").inner_text()
    assert "ウェブサイト「在宅医療連携モデル 事例集」の「事例11 " in cite
    assert "原典：報告書の「Ⅲ 各地域の概要（事例集）」 p.198" in cite


def test_on_paper_the_bullets_print_as_lines_and_the_citation_tells_site_from_report(open_context, site_url, tmp_path):
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None)
    context, _ = open_context(site_url)
    page = context.new_page()
    page.goto(site_url + "regions/nagaoka/", wait_until="load")
    page.emulate_media(media="print")
    pdf = tmp_path / "nagaoka.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert not any("後方支援・" in line for line in lines)
    # 「後方支援」 stands on a line of its own under each of its two relations (the two columns of print may share a row).
    assert sum(1 for line in lines for cell in line.split("  ") if cell.strip() == "後方支援") == 2, text
    flat = "".join(text.split())
    assert "ウェブサイト「在宅医療連携モデル事例集」の「事例8" in flat and "原典：報告書の「Ⅲ各地域の概要（事例集）」p.156" in flat
