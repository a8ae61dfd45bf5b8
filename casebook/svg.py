"""Small helpers shared by the chart and diagram renderers: escaping, text measure, wrapping."""
from __future__ import annotations

import unicodedata
from html import escape

from markupsafe import Markup


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def char_width(ch: str, size: float) -> float:
    # East Asian wide characters take a full em; Latin letters and digits about 0.6 em.
    return size if unicodedata.east_asian_width(ch) in ("W", "F", "A") else size * 0.6


def text_width(text: str, size: float) -> float:
    return sum(char_width(ch, size) for ch in text)


def wrap(text: str, max_width: float, size: float, max_lines: int = 4) -> list[str]:
    """Break text into lines no wider than max_width; Japanese may break between any two characters."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and text_width(current + ch, size) > max_width:
            # Keep closing brackets and small kana with the previous line (line-break: strict).
            if ch in "）」』】、。・ゃゅょっァィゥェォャュョッー" and len(current) > 1:
                lines.append(current[:-1])
                current = current[-1]
            else:
                lines.append(current)
                current = ""
        current += ch
    if current:
        lines.append(current)
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
