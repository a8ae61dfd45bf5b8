"""Small helpers shared by the chart and diagram renderers: escaping, text measure, wrapping."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape

from markupsafe import Markup


def esc(text: object) -> str:
    return escape(str(text), quote=True)


_WIDE: dict[str, bool] = {}


def _is_wide(ch: str) -> bool:
    # East Asian wide characters take a full em; Latin letters and digits about 0.6 em.
    wide = _WIDE.get(ch)
    if wide is None:
        wide = _WIDE[ch] = unicodedata.east_asian_width(ch) in ("W", "F", "A")
    return wide


def _advance(width: float, text: str, size: float) -> float:
    """*width* plus that of *text*, added one character at a time as sum() does, so that measuring a line
    piece by piece (wrapping) gives exactly the figure of measuring it whole."""
    narrow = size * 0.6
    wide = _WIDE
    for ch in text:
        w = wide.get(ch)
        width += size if (w if w is not None else _is_wide(ch)) else narrow
    return width


# Labels are measured again where they are drawn (a box's width from its widest line).
@lru_cache(maxsize=16384, typed=True)  # typed: 12 and 12.0 would print differently
def text_width(text: str, size: float) -> float:
    return _advance(0, text, size)


# Japanese line breaking (JIS X 4051 / CSS line-break: strict, in the small): these never end a line …
OPENING = "（「『【〔［｛〈《“‘([{"
# … and these never start one.
CLOSING = "）」』】〕］｝〉》”’)]}、。，．・：；？！ゃゅょっぁぃぅぇぉゎァィゥェォャュョッヮヵヶー々〜…"
SPACES = " 　"


def _latin(ch: str) -> bool:
    """Letters, digits and the joiners of a Latin run (訪問看護ST, 24時間, S/T): never broken inside."""
    if "Ａ" <= ch <= "ｚ" or "０" <= ch <= "９":
        return True
    return ch.isascii() and (ch.isalnum() or ch in "/-.&+_:%#'")


def break_units(text: str) -> list[str]:
    """The text cut where a line may break: a Latin run is one unit, an opening bracket goes with what follows
    and a closing bracket, punctuation or small kana with what precedes. Spaces are units of their own."""
    units: list[str] = []
    pending = ""  # opening brackets waiting for the unit they open
    for ch in text:
        if ch in SPACES:
            if pending:
                units.append(pending)
                pending = ""
            units.append(ch)
        elif ch in OPENING:
            pending += ch
        elif pending:
            units.append(pending + ch)
            pending = ""
        elif units and units[-1] not in SPACES and (
                ch in CLOSING or (_latin(ch) and _latin(units[-1][-1]))):
            units[-1] += ch
        else:
            units.append(ch)
    if pending:
        if units and units[-1] not in SPACES:
            units[-1] += pending
        else:
            units.append(pending)
    return units


def _fill(units: list[str], max_width: float, size: float) -> list[str]:
    """Greedy filling of lines with unbreakable units; a space at a break is dropped. The width of the line so
    far is carried along: measuring each growing line again was most of the cost of drawing a chart."""
    lines: list[str] = []
    current, gap = "", ""
    current_w: float = 0
    for unit in units:
        if unit in SPACES:
            gap = unit if current else ""
            continue
        longer = _advance(current_w, gap + unit, size) if current else 0
        if current and longer > max_width:
            lines.append(current)
            current, current_w = "", 0
        elif current:
            current += gap
        gap = ""
        if not current and text_width(unit, size) > max_width:
            # One unit wider than the line (a very long Latin word): only here is it cut between characters.
            for ch in unit:
                if current and _advance(current_w, ch, size) > max_width:
                    lines.append(current)
                    current, current_w = "", 0
                current += ch
                current_w = _advance(current_w, ch, size)
            continue
        current_w = longer if current else text_width(unit, size)
        current += unit
    if current:
        lines.append(current)
    return lines


def wrap(text: str, max_width: float, size: float, max_lines: int = 4) -> list[str]:
    """Break text into lines no wider than max_width. Japanese may break between most characters, but not after
    an opening bracket, before a closing one or small kana, nor inside a Latin run; where the label is made of
    terms joined by spaces (「ケアマネ　居宅介護支援事業所」) and each term fits a line, it breaks between terms."""
    pieces = [p for p in re.split(f"([{SPACES}])", text) if p]  # terms and the spaces between them, as written
    terms = [p for p in pieces if p not in SPACES]
    if len(terms) > 1 and all(text_width(t, size) <= max_width for t in terms):
        lines = _fill(pieces, max_width, size)
    else:
        lines = _fill(break_units(text), max_width, size)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def text_block(lines: list[str], x: float, y: float, size: float, anchor: str = "start", cls: str = "") -> str:
    """Multi-line SVG text; y is the first baseline."""
    attrs = f' class="{cls}"' if cls else ""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.3:.1f}">{esc(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{attrs}>{spans}</text>'


def svg_root(width: float, height: float, title: str, desc: str, ident: str, body: str, cls: str) -> Markup:
    return Markup(
        f'<svg class="{cls}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{esc(title)}</title><desc id="{ident}-desc">{esc(desc)}</desc>{body}</svg>')
