"""Static assets as shipped: our JavaScript without its whole-line comments.

The comments explain why to maintainers; a reader on a phone need not download them.
Only lines that are entirely a comment are removed (a `//` line, or a `/* … */` block whose
first line starts with `/*` and whose last line ends with `*/`), so no code or string can be
touched; the scripts use no multi-line template literals, which a test checks.
"""
from __future__ import annotations


def strip_comment_lines(source: str) -> str:
    out: list[str] = []
    in_block = False
    for line in source.split("\n"):
        text = line.strip()
        if in_block:
            if text.endswith("*/"):
                in_block = False
            continue
        if text.startswith("/*"):
            in_block = not text.endswith("*/")
            continue
        if text.startswith("//") or not text:
            continue
        out.append(text)
    return "\n".join(out) + "\n"


def shipped(rel_path: str, content: bytes) -> bytes:
    if rel_path.startswith("js/") and rel_path.endswith(".js"):
        return strip_comment_lines(content.decode("utf-8")).encode("utf-8")
    return content
