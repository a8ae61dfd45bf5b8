"""Clean text flattened from the report's PDF into standard Japanese.

The PDF-to-text step left three kinds of artifact behind: Kangxi-radical and
CJK-radical-supplement code points standing in for ordinary kanji, half-width
katakana, and spaces inserted wherever the script changes ("24 時間").  Only
those are touched; full-width digits, brackets and punctuation are kept as the
report prints them, which is why NFKC is applied per artifact, not to the text.
"""
from __future__ import annotations

import html
import re
import unicodedata

# NFKC leaves the radical-supplement block alone, so these four are mapped by hand.
RADICAL_SUPPLEMENT = {"⻘": "青", "⻑": "長", "⺠": "民", "⻭": "歯"}

_KANGXI = re.compile("[\u2f00-\u2fdf]")
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]+")
_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"
# A space between a Japanese character and a Latin letter or digit (either order),
# or between two Japanese characters, is a flattening artifact.
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}A-Za-z0-9])")
_SPACE_BEFORE_CJK = re.compile(rf"(?<=[A-Za-z0-9.,%])[ \t]+(?=[{_CJK}])")

ARTIFACT_CHARS = re.compile("[\u2e80-\u2fdf\uff61-\uff9f]")


def clean_text(text: str) -> str:
    """Return *text* with the PDF artifacts replaced; everything else unchanged."""
    # The flattening also left no-break spaces where it split words ("24時間365\u00a0日").
    text = text.replace("\u00a0", " ")
    text = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = "".join(RADICAL_SUPPLEMENT.get(ch, ch) for ch in text)
    text = _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _SPACE_AFTER_CJK.sub("", text)
    text = _SPACE_BEFORE_CJK.sub("", text)
    return text.strip()


def artifacts_in(text: str) -> list[str]:
    """The artifact characters still present in *text* (for validation messages)."""
    return sorted(set(ARTIFACT_CHARS.findall(text)))


# ---------------------------------------------------------------- cells of a CSV a spreadsheet opens

# Excel, LibreOffice and Google Sheets run a cell starting with one of these as a formula (=HYPERLINK(…), +cmd|…);
# tab and CR start one in some of them. A leading apostrophe makes the cell text and is not shown.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIGURE = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(cell) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(cell, (int, float)):
        return str(cell)
    text = str(cell)
    if _FIGURE.fullmatch(text):
        return text  # a figure (「-1.5」 stays a number)
    return "'" + text if text.startswith(FORMULA_START) else text


# ---------------------------------------------------------------- links in Markdown

SAFE_URL_SCHEMES = ("http", "https", "mailto")
# Browsers drop ASCII tab and newline anywhere in a URL and C0 controls and spaces around it: "java\tscript:".
_URL_NOISE = re.compile("[\u0000-\u0020\u007f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def url_as_read(url: str) -> str:
    """The URL as a browser acts on it: character references decoded once (an attribute value is decoded
    before it is used: &#106;avascript: is javascript:), then the characters browsers ignore in it removed."""
    return _URL_NOISE.sub("", html.unescape(url))


def safe_url(url: str) -> bool:
    """True for a relative URL or one whose scheme is http, https or mailto (never javascript:, data:, vbscript:),
    judged on the URL as the browser reads it."""
    scheme = _SCHEME.match(url_as_read(url))
    return scheme is None or scheme.group(1).lower() in SAFE_URL_SCHEMES


# Link destinations as Markdown finds them; a destination may start on the next line ("[x](\njavascript:…)").
_LINK_TARGETS = (
    re.compile(r"\]\(\s*<?([^\s)>]+)"),                              # [text](url) and ![alt](url)
    re.compile(r"^[ \t]{0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE),  # [ref]: url
    re.compile(r"<([^\s<>]*:[^\s>]*)>"),                               # <scheme:…> (also &#106;avascript:)
)
_ATTR_LIST = re.compile(r"\{:?([^}]*)\}")
_ATTRIBUTE = re.compile(r"([^\s=\"']+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s}]+)")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite")


def _shown(url: str) -> str:
    return url if len(url) <= 40 else url[:37] + "…"


# Lists and quotes nest by indentation and ">"; Markdown turns each level into a recursive call, and a few hundred
# levels exhaust Python's stack inside the build. No page of the report nests more than three.
MAX_NESTING = 20
_NESTING_PREFIX = re.compile(r"(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))+")


def _nesting(line: str) -> int:
    prefix = _NESTING_PREFIX.match(line)
    if not prefix:
        return 0
    text = prefix.group().expandtabs(4)
    markers = len(re.findall(r">|[-*+]|\d+[.)]", text))
    return markers + (len(text) - len(text.lstrip(" "))) // 4


def markdown_problems(body: str) -> list[tuple[int, str]]:
    """(line within *body*, message) for active content: links whose URL, as the browser reads it, has a scheme
    other than http, https or mailto, and attr_list attributes that run script or set a link; and lists or quotes
    nested deeper than MAX_NESTING."""
    found: dict[int, list[str]] = {}
    for line, text in enumerate(body.split("\n")):
        depth = _nesting(text)
        if depth > MAX_NESTING:
            found.setdefault(line, []).append(f"expected lists and quotes nested at most {MAX_NESTING} deep, found "
                                              f"{depth} levels")
            break  # the lines below are as deep: one message
    for pattern in _LINK_TARGETS:
        for match in pattern.finditer(body):
            if not safe_url(match.group(1)):
                line = body.count("\n", 0, match.start(1))
                found.setdefault(line, [])
                if not found[line]:  # one message a line: <url> inside (…) matches two patterns
                    found[line].append(f"expected a link to an http, https or mailto address or a page of this "
                                       f"site, found '{_shown(match.group(1))}'")
    for match in _ATTR_LIST.finditer(body):
        line = body.count("\n", 0, match.start())
        for name, value in _ATTRIBUTE.findall(match.group(1)):
            name = name.lower()
            if name.startswith("on"):
                found.setdefault(line, []).append(f"expected no script in the text, found the event attribute {name}")
            elif name in URL_ATTRIBUTES + ("style", "srcdoc"):
                found.setdefault(line, []).append(f"expected no {name} attribute in the text; write a link as "
                                                  "[text](https://…)")
    return [(line, message) for line in sorted(found) for message in found[line]]
