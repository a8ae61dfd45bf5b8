"""What a reader sees on a case or model page is what the report prints, in the shape it prints it (issue 32)."""
from __future__ import annotations

import pytest

from html_tree import parse

pytestmark = pytest.mark.site


def lines_of(element) -> list[str]:
    """The lines of an element's text, split where it has a <br>."""
    lines, current = [], []

    def walk(node):
        for child in node.children:
            if isinstance(child, str):
                current.append(child)
            elif child.tag == "br":
                lines.append("".join(current))
                current.clear()
            else:
                walk(child)
    walk(element)
    lines.append("".join(current))
    return lines


def test_a_label_printed_as_several_lines_shows_each_line_on_its_own(built_site, real_site):
    """静岡's 「・訪問診療」「・往診」… and 長岡's 「後方支援」「・ 入力されている…」 are separate lines of the report's
    figure: the relations list shows them as separate lines, not joined with 「・」 into one label."""
    several = 0
    for region in real_site.regions:
        doc = parse((built_site / "regions" / region.slug / "index.html").read_text(encoding="utf-8"))
        items = doc.by_class("relations")[0].find_all("li") if doc.by_class("relations") else []
        labelled = [link for link in region.diagram.links if link.lines]
        assert len(items) == len(region.diagram.links), region.slug
        for link, li in zip(region.diagram.links, items):
            if len(link.lines) > 1:
                several += 1
                shown = li.by_class("relations__lines")
                assert shown and lines_of(shown[0]) == list(link.lines), (region.slug, li.text)
            elif link.lines:
                assert li.text.endswith("：" + link.lines[0]), (region.slug, li.text)
        assert len([li for li in items if li.by_class("relations__marker")]) == len(labelled), region.slug
    assert several == 6  # 静岡 four, 長岡 two


def test_every_figure_page_the_data_holds_is_shown(built_site, real_site):
    """坂井's い3・い4 callouts print only 「９.坂井地区医師会 →P.169」: no text to quote, but the page is the report's."""
    for region in real_site.regions:
        doc = parse((built_site / "regions" / region.slug / "index.html").read_text(encoding="utf-8"))
        entries = doc.by_class("memberships__figure") + doc.by_class("memberships__page")
        with_page = [m for m in region.models if m.figure_page]
        for m in with_page:
            assert any(f"p.{m.figure_page}" in e.text for e in entries), (region.slug, m.code)
        sakai_like = [m for m in with_page if not m.figure_label]
        for m in sakai_like:
            model_page = parse((built_site / "models" / next(x.slug for x in real_site.models if x.code == m.code)
                                / "index.html").read_text(encoding="utf-8"))
            assert any(f"、図 p.{m.figure_page}）" in e.text
                       for e in model_page.by_class("memberships__page")), (region.slug, m.code)
    assert [m.code for m in real_site.region("sakai").models if m.figure_page and not m.figure_label] == ["い3", "い4"]
