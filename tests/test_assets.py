"""Shipped JavaScript loses only whole-line comments, CSS its comments, and both still work."""
from __future__ import annotations

import re
import subprocess

from casebook.assets import shipped, strip_comment_lines, strip_css_comments

from conftest import ROOT


def test_whole_line_comments_go_and_code_stays():
    source = "// why\nvar a = 1; // keep trailing\n/* block\n * more\n */\nvar b = '/* not a comment */';\n  /* one line */\nvar c = 2;\n"
    assert strip_comment_lines(source) == "var a = 1; // keep trailing\nvar b = '/* not a comment */';\nvar c = 2;\n"


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


def test_css_comments_go_strings_and_rules_stay():
    source = ('/* ---- block ---- */\n.a { margin: 0/* gap */auto; }\n\n  /* why,\n     over lines */\n'
              '.b::before { content: "/* kept */"; }\n.c::after { content: \'it\\\'s /* too */\'; }\n')
    assert strip_css_comments(source) == ('.a { margin: 0 auto; }\n.b::before { content: "/* kept */"; }\n'
                                          ".c::after { content: 'it\\'s /* too */'; }\n")


def test_the_shipped_stylesheet_has_every_rule_of_the_source_and_no_comment():
    source = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    # The site's stylesheet has no string holding a comment mark, so a plain pattern finds every comment.
    assert not re.search(r"[\"'][^\"'\n]*/\*", source)
    rules = re.sub(r"/\*.*?\*/", " ", source, flags=re.S)
    shipped_css = shipped("css/site.css", source.encode("utf-8")).decode("utf-8")
    assert "/*" not in shipped_css
    assert re.sub(r"\s+", " ", shipped_css).strip() == re.sub(r"\s+", " ", rules).strip()
    assert len(shipped_css) < 0.85 * len(source)
