"""Clean text flattened from the report's PDF into standard Japanese.

The PDF-to-text step left three kinds of artifact behind: Kangxi-radical and
CJK-radical-supplement code points standing in for ordinary kanji, half-width
katakana, and spaces inserted wherever the script changes ("24 時間").  Only
those are touched; full-width digits, brackets and punctuation are kept as the
report prints them, which is why NFKC is applied per artifact, not to the text.
"""
from __future__ import annotations

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


# ---------------------------------------------------------------- links in Markdown

SAFE_URL_SCHEMES = ("http", "https", "mailto")
_URL_NOISE = re.compile("[\u0000-\u0020\u007f]")  # browsers drop these inside a scheme: "java\tscript:"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_url(url: str) -> bool:
    """True for a relative URL or one whose scheme is http, https or mailto (never javascript:, data:, vbscript:)."""
    scheme = _SCHEME.match(_URL_NOISE.sub("", url))
    return scheme is None or scheme.group(1).lower() in SAFE_URL_SCHEMES


_LINK_TARGETS = (
    re.compile(r"\]\(\s*<?([^\s)>]+)"),                 # [text](url) and ![alt](url)
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"),   # [ref]: url
    re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^\s>]*)>"),  # <scheme:…>
)
_EVENT_ATTRIBUTE = re.compile(r"\{:?[^}]*?\b(on[a-z]+)\s*=", re.IGNORECASE)


def markdown_problems(body: str) -> list[tuple[int, str]]:
    """(line within *body*, message) for active content: unsafe link schemes and attr_list event attributes."""
    problems = []
    for number, line in enumerate(body.split("\n")):
        unsafe = [url for pattern in _LINK_TARGETS for url in pattern.findall(line) if not safe_url(url)]
        if unsafe:  # one message a line: <url> inside (…) matches two patterns
            shown = unsafe[0] if len(unsafe[0]) <= 40 else unsafe[0][:37] + "…"
            problems.append((number, f"expected a link to an http, https or mailto address or a page of this site, "
                                     f"found '{shown}'"))
        for attribute in _EVENT_ATTRIBUTE.findall(line):
            problems.append((number, f"expected no script in the text, found the event attribute {attribute}"))
    return problems
