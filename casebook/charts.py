"""SurveyTable → SVG bar charts, readable in grayscale and by colour-blind readers. Pure."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

from .model import SurveyTable
from .svg import esc, svg_root, text_block, wrap

FONT = 12
# Each item's label sits above its bar, so a chart stays 400 px wide and is read at full size on a
# 360 px phone instead of being scaled down to an illegible width.
WIDTH = 400
X0 = 6  # where bars start
BAR_W = 270
ROW_GAP = 8
# Okabe–Ito colours, each paired with a pattern so series stay apart in grayscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
PATTERNS = ("solid", "hatch", "dots", "cross", "solid", "hatch", "dots", "cross")


def one_decimal(value) -> Decimal:
    """A figure to the printed precision, rounded half up as Japanese statistics are (6.25 → 6.3). Format
    strings and round() round the binary float half to even (6.25 → 6.2, and 677 / 2000 × 100 → 33.8)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{one_decimal(value):,}"


def pct(value: float) -> str:
    """A printed percentage (percents tables) to one decimal."""
    return f"{one_decimal(value)}%"


def share(count: float, n: int) -> str:
    """count of n in %, from the exact quotient, not a float that lands just below a half."""
    return f"{one_decimal(Decimal(str(count)) * 100 / Decimal(n))}%" if n else "—"


def _defs(ident: str, count: int) -> str:
    defs = []
    for i in range(count):
        colour, kind = PALETTE[i % len(PALETTE)], PATTERNS[i % len(PATTERNS)]
        pid = f"{ident}-p{i}"
        if kind == "solid":
            continue
        body = {
            "hatch": '<path d="M0,6 L6,0" stroke="#fff" stroke-width="1.6"/>',
            "dots": '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
            "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="1.2"/>',
        }[kind]
        defs.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                    f'<rect width="6" height="6" fill="{colour}"/>{body}</pattern>')
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(ident: str, i: int) -> str:
    return PALETTE[i % len(PALETTE)] if PATTERNS[i % len(PATTERNS)] == "solid" else f"url(#{ident}-p{i})"


def render_chart(table: SurveyTable, ident: str) -> Markup:
    if table.kind == "counts":
        if len(table.series) == 1:
            return _single(table, ident, "count")
        return _stacked(table, ident)
    if table.kind == "percents":
        return _grouped(table, ident)
    return Markup("")


def rows_by_item(table: SurveyTable, column: str) -> list[tuple[str, dict]]:
    """Each item, in printed order, with its value per series (the chart and the figures table both read this)."""
    rows: dict[str, dict[str, float]] = {}
    for item, series, value in zip(table.data["item"], table.data["series"], table.data[column]):
        rows.setdefault(item, {})[series] = value
    return list(rows.items())


def _label(item: str, y: float) -> tuple[str, float]:
    """The item's label on its own lines above the bar; returns the markup and the height it takes."""
    lines = wrap(item, WIDTH - 2 * X0, FONT, max_lines=3)
    return text_block(lines, X0 + 4, y + FONT, FONT), len(lines) * FONT * 1.3 + 3


def _axis(top: float, bottom: float) -> str:
    return f'<line x1="{X0}" y1="{top:.1f}" x2="{X0}" y2="{bottom:.1f}" stroke="#333"/>'


def _single(table: SurveyTable, ident: str, column: str) -> Markup:
    rows = rows_by_item(table, column)
    series = table.series[0]
    peak = max((v.get(series, 0) for _, v in rows), default=0) or 1
    y, parts = 8.0, []
    for item, values in rows:
        value = values.get(series, 0)
        label, label_h = _label(item, y)
        bar_h = 16
        by = y + label_h
        height = label_h + bar_h
        w = BAR_W * value / peak
        parts.append(label)
        parts.append(f'<rect x="{X0}" y="{by:.1f}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>')
        text = f"{_fmt(value)}{table.unit}（{share(value, table.n)}）" if table.unit == "件" else f"{_fmt(value)}{table.unit}"
        parts.append(f'<text x="{X0 + w + 6:.1f}" y="{by + 12.5:.1f}" font-size="{FONT}">{esc(text)}</text>')
        y += height + ROW_GAP
    body = _axis(4, y - ROW_GAP + 4) + "".join(parts)
    desc = "、".join(f"{item} {_fmt(v.get(series, 0))}{table.unit}" for item, v in rows)
    return svg_root(WIDTH, y + 6, f"{table.title}（n={table.n}）", desc, ident, body, "chart")


def _legend(ident: str, labels: tuple[str, ...], y: float) -> tuple[str, float]:
    parts, x, row_y = [], 8.0, y
    for i, label in enumerate(labels):
        width = 22 + len(label) * FONT + 18
        if x + width > WIDTH:
            x, row_y = 8.0, row_y + 22
        parts.append(f'<rect x="{x:.1f}" y="{row_y:.1f}" width="14" height="14" fill="{_fill(ident, i)}" stroke="#333" stroke-width="0.5"/>'
                     f'<text x="{x + 20:.1f}" y="{row_y + 11.5:.1f}" font-size="{FONT}">{esc(label)}</text>')
        x += width
    return "".join(parts), row_y + 26


def _stacked(table: SurveyTable, ident: str) -> Markup:
    rows = rows_by_item(table, "count")
    peak = max((sum(v.values()) for _, v in rows), default=0) or 1
    legend, y = _legend(ident, table.series, 6)
    top, parts = y, []
    for item, values in rows:
        label, label_h = _label(item, y)
        bar_h = 18
        by = y + label_h
        height = label_h + bar_h
        parts.append(label)
        x = float(X0)
        for i, series in enumerate(table.series):
            value = values.get(series, 0)
            w = BAR_W * value / peak
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{by:.1f}" width="{w:.1f}" height="{bar_h}" fill="{_fill(ident, i)}" '
                             f'stroke="#fff" stroke-width="0.8"/>')
                if w >= 22:
                    parts.append(f'<text x="{x + w / 2:.1f}" y="{by + 13:.1f}" font-size="11" text-anchor="middle" '
                                 f'class="chart__seg" paint-order="stroke" stroke="#fff" stroke-width="3">{esc(_fmt(value))}</text>')
            x += w
        total = sum(values.get(s, 0) for s in table.series)
        parts.append(f'<text x="{x + 6:.1f}" y="{by + 13:.1f}" font-size="{FONT}">{esc("計" + _fmt(total))}</text>')
        y += height + ROW_GAP
    body = _defs(ident, len(table.series)) + legend + _axis(top - 4, y - ROW_GAP + 4) + "".join(parts)
    desc = "。".join(item + "：" + "、".join(f"{s} {_fmt(v.get(s, 0))}" for s in table.series) for item, v in rows)
    return svg_root(WIDTH, y + 6, f"{table.title}（n={table.n}）", desc, ident, body, "chart")


def _grouped(table: SurveyTable, ident: str) -> Markup:
    rows = rows_by_item(table, "percent")
    legend, y = _legend(ident, table.series, 6)
    top, parts = y, []
    for item, values in rows:
        label, label_h = _label(item, y)
        bar_h = 11
        height = label_h + len(table.series) * (bar_h + 2)
        parts.append(label)
        for i, series in enumerate(table.series):
            value = values.get(series, 0)
            by = y + label_h + i * (bar_h + 2)
            w = BAR_W * value / 100
            parts.append(f'<rect x="{X0}" y="{by:.1f}" width="{w:.1f}" height="{bar_h}" fill="{_fill(ident, i)}"/>'
                         f'<text x="{X0 + w + 4:.1f}" y="{by + 9.5:.1f}" font-size="10">{esc(pct(value))}</text>')
        y += height + ROW_GAP
    body = _defs(ident, len(table.series)) + legend + _axis(top - 4, y - ROW_GAP + 4) + "".join(parts)
    desc = "。".join(item + "：" + "、".join(f"{s} {pct(v.get(s, 0))}" for s in table.series) for item, v in rows)
    return svg_root(WIDTH, y + 6, table.title, desc, ident, body, "chart")


def render_comparison(table: SurveyTable, ident: str) -> Markup:
    """Two series of percentages (a region's clinics beside the report's), drawn as the grouped bars of percents tables."""
    if table.kind != "percents" or len(table.series) != 2:
        raise ValueError("a comparison chart takes a percents table with two series")
    return _grouped(table, ident)
