"""Static assets as shipped: our JavaScript and CSS without their comments.

The comments explain why to maintainers; a reader on a phone need not download them (in the
stylesheet they were 40 % of its gzip bytes).  In JavaScript only lines that are entirely a
comment are removed (a `//` line, or a `/* … */` block whose first line starts with `/*` and
whose last line ends with `*/`), so no code or string can be touched; the scripts use no
multi-line template literals, which a test checks.  CSS has one kind of comment and strings
that cannot span lines, so every comment outside a string goes, with each line's indentation.

The search page gets a stylesheet of its own, made of the blocks of site.css it uses: it is the page a reader
opens to type into at once, and a first search on a phone is to cost at most 50 KB (issue 13; the other blocks
were 2.8 KB of it).  A browser test checks that the page looks the same with either stylesheet.
"""
from __future__ import annotations

import re

# site.css is written as blocks, each under a heading `/* ---- name: why ---- */` or `/* ---- name (why) ---- */`.
BLOCK_HEADING = re.compile(r"^/\* ---- (?P<heading>.*?) ---- \*/$", re.MULTILINE)

# Derived stylesheet → (its source, the names of the source's blocks it keeps, in the source's order).
PAGE_STYLESHEETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "css/search.css": ("css/site.css", ("base", "print header", "skip link", "site header and search box",
                                        "site navigation", "breadcrumbs", "footer", "buttons", "labels",
                                        "search page")),
}


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


# A string (to its closing quote, or to the end of its line: CSS strings cannot span lines) or a comment. One
# regular expression, not a loop over characters, which was slow enough to show in the build (BENCHMARKS.md).
_CSS_STRING_OR_COMMENT = re.compile(
    r"""("(?:\\[\s\S]?|[^"\\\n])*(?:"|(?=\n)|$)|'(?:\\[\s\S]?|[^'\\\n])*(?:'|(?=\n)|$))|/\*[\s\S]*?(?:\*/|$)""")


def strip_css_comments(source: str) -> str:
    """*source* without its comments, indentation and blank lines; strings kept as written."""
    # A comment separates tokens (`0/**/auto` is two values), so it becomes a space.
    text = _CSS_STRING_OR_COMMENT.sub(lambda m: m.group(1) or " ", source)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def block_name(heading: str) -> str:
    """`search page (results appear only with JS; …)` → `search page`; `home: ways in and cards` → `home`."""
    return re.split(r"[:(]", heading, maxsplit=1)[0].strip()


def css_blocks(source: str) -> list[tuple[str, str]]:
    """The (name, text) of each block of *source*, in order; text before the first heading is no block."""
    headings = list(BLOCK_HEADING.finditer(source))
    ends = [h.start() for h in headings[1:]] + [len(source)]
    return [(block_name(h["heading"]), source[h.start():end]) for h, end in zip(headings, ends)]


def stylesheet_of_blocks(source: str, names: tuple[str, ...]) -> str:
    blocks = css_blocks(source)
    missing = sorted(set(names) - {name for name, _ in blocks})
    if missing:
        # A renamed heading in site.css would otherwise drop a component's rules from the search page unseen.
        raise ValueError(f"site.css has no block named {', '.join(missing)}")
    return "".join(text for name, text in blocks if name in names)


def derived_assets(rel_path: str, content: bytes) -> list[tuple[str, bytes]]:
    """The files made from the static file *rel_path*, as shipped: the page stylesheets cut from site.css."""
    out = []
    for target, (source, names) in PAGE_STYLESHEETS.items():
        if source == rel_path:
            out.append((target, shipped(target, stylesheet_of_blocks(content.decode("utf-8"), names).encode("utf-8"))))
    return out


def shipped(rel_path: str, content: bytes) -> bytes:
    if rel_path.startswith("js/") and rel_path.endswith(".js"):
        return strip_comment_lines(content.decode("utf-8")).encode("utf-8")
    if rel_path.startswith("css/") and rel_path.endswith(".css"):
        return strip_css_comments(content.decode("utf-8")).encode("utf-8")
    return content
