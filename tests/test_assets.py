"""Shipped JavaScript loses only whole-line comments, and still runs."""
from __future__ import annotations

import subprocess

from casebook.assets import strip_comment_lines

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
