"""Shipped JavaScript loses only whole-line comments, CSS its comments, and both still work; the search page's
stylesheet is site.css's blocks it names (the browser suite checks the page looks the same with either)."""
from __future__ import annotations

import re
import subprocess

import pytest

from casebook.assets import (PAGE_STYLESHEETS, css_blocks, derived_assets, shipped, strip_comment_lines,
                             strip_css_comments, stylesheet_of_blocks)

from conftest import ROOT


@pytest.mark.unit
def test_whole_line_comments_go_and_code_stays():
    source = "// why\nvar a = 1; // keep trailing\n/* block\n * more\n */\nvar b = '/* not a comment */';\n  /* one line */\nvar c = 2;\n"
    assert strip_comment_lines(source) == "var a = 1; // keep trailing\nvar b = '/* not a comment */';\nvar c = 2;\n"


@pytest.mark.site
def test_our_scripts_have_no_multiline_template_literals_and_still_parse(tmp_path):
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        code = path.read_text(encoding="utf-8")
        for line in code.split("\n"):
            # A backtick outside a comment could open a literal spanning lines, where stripping is unsafe.
            assert "`" not in line or line.strip().startswith(("//", "*", "/*")), f"{path.name}: {line}"
        stripped = tmp_path / path.name
        stripped.write_text(strip_comment_lines(code), encoding="utf-8")
        result = subprocess.run(["node", "--check", str(stripped)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name}: {result.stderr}"


@pytest.mark.unit
def test_css_comments_go_strings_and_rules_stay():
    source = ('/* ---- block ---- */\n.a { margin: 0/* gap */auto; }\n\n  /* why,\n     over lines */\n'
              '.b::before { content: "/* kept */"; }\n.c::after { content: \'it\\\'s /* too */\'; }\n')
    assert strip_css_comments(source) == ('.a { margin: 0 auto; }\n.b::before { content: "/* kept */"; }\n'
                                          ".c::after { content: 'it\\'s /* too */'; }\n")


@pytest.mark.unit
def test_a_css_string_ends_at_its_line_and_an_unclosed_comment_at_the_file():
    # A string cannot span lines unless its newline is escaped; what follows a broken string is CSS again.
    assert strip_css_comments('.a { content: "open\n/* c */.b {}') == '.a { content: "open\n.b {}\n'
    assert strip_css_comments('.a { content: "x\\\n/* in */"; }') == '.a { content: "x\\\n/* in */"; }\n'
    assert strip_css_comments(".a { content: 'x\\") == ".a { content: 'x\\\n"
    assert strip_css_comments(".a {} /* never closed\n.b {}") == ".a {}\n"


@pytest.mark.unit
def test_the_shipped_stylesheet_has_every_rule_of_the_source_and_no_comment():
    source = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    # The site's stylesheet has no string holding a comment mark, so a plain pattern finds every comment.
    assert not re.search(r"[\"'][^\"'\n]*/\*", source)
    rules = re.sub(r"/\*.*?\*/", " ", source, flags=re.S)
    shipped_css = shipped("css/site.css", source.encode("utf-8")).decode("utf-8")
    assert "/*" not in shipped_css
    assert re.sub(r"\s+", " ", shipped_css).strip() == re.sub(r"\s+", " ", rules).strip()
    assert len(shipped_css) < 0.85 * len(source)


SHEET = """/* the file's own comment */
/* ---- base ---- */
a { color: red; }
/* ---- home: ways in ---- */
.home { margin: 0; }
/* ---- search page (results only with JS) ---- */
.search { padding: 0; }
"""


@pytest.mark.unit
def test_a_stylesheet_is_cut_into_its_named_blocks_in_order():
    assert [name for name, _ in css_blocks(SHEET)] == ["base", "home", "search page"]
    assert stylesheet_of_blocks(SHEET, ("search page", "base")) == (
        "/* ---- base ---- */\na { color: red; }\n/* ---- search page (results only with JS) ---- */\n"
        ".search { padding: 0; }\n")


@pytest.mark.unit
def test_a_page_stylesheet_naming_a_block_the_sheet_lacks_is_an_error_not_a_silent_gap():
    with pytest.raises(ValueError, match="no block named sorted links"):
        stylesheet_of_blocks(SHEET, ("base", "sorted links"))


@pytest.mark.unit
def test_the_search_stylesheet_is_made_from_site_css_and_is_a_part_of_it():
    source = (ROOT / "static" / "css" / "site.css").read_bytes()
    made = dict(derived_assets("css/site.css", source))
    assert set(made) == set(PAGE_STYLESHEETS) == {"css/search.css"}
    assert derived_assets("css/other.css", source) == []
    site_rules = set(shipped("css/site.css", source).decode("utf-8").split("\n"))
    search_rules = made["css/search.css"].decode("utf-8").split("\n")
    assert set(search_rules) <= site_rules
    assert any(line.startswith(".search-result__snippet") for line in search_rules)
    assert not any(line.startswith((".case__number", ".compare", ".filters")) for line in search_rules)
