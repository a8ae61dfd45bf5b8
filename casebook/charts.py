"""SurveyTable → SVG bar charts, readable in grayscale and by colour-blind readers. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

from .model import SurveyTable
from .svg import esc, svg_root, text_block, text_width, wrap



@dataclass(frozen=True)
class Layout:
    """Where a chart's parts go.  A chart is drawn for the width it is shown at (1 unit = 1 CSS px), so its text
    is its nominal size on every screen: `PHONE` fills a 360 px phone's 328 px column, labels above their bars;
    `WIDE` is for 48rem and up and for print, labels beside their bars."""
    width: int
    font: float      # item labels and legend
    value: float     # figures next to or inside bars
    label_w: int     # 0: the label sits on its own lines above the bar; else the label column's width
    bar_w: int       # the longest bar
    bar_h: int       # one bar (a grouped chart: one series' bar)

    @property
    def x0(self) -> float:  # where bars start
        return 6 if not self.label_w else self.label_w + 10


WIDE = Layout(width=760, font=14, value=13, label_w=270, bar_w=350, bar_h=18)
PHONE = Layout(width=328, font=13, value=12, label_w=0, bar_w=200, bar_h=16)
BAR_W = WIDE.bar_w  # the site's first chart of each table is the wide one
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


def render_chart(table: SurveyTable, ident: str, layout: Layout = WIDE) -> Markup:
    if table.kind == "counts":
        if len(table.series) == 1:
            return _single(table, ident, "count", layout)
        return _stacked(table, ident, layout)
    if table.kind == "percents":
        return _grouped(table, ident, layout)
    return Markup("")


def rows_by_item(table: SurveyTable, column: str) -> list[tuple[str, dict]]:
    """Each item, in printed order, with its value per series (the chart and the figures table both read this)."""
    rows: dict[str, dict[str, float]] = {}
    for item, series, value in zip(table.figures["item"], table.figures["series"], table.figures[column]):
        rows.setdefault(item, {})[series] = value
    return list(rows.items())


def _label(item: str, y: float, lay: Layout, block_h: float) -> tuple[str, float, float]:
    """The item's label: above the bar (returns its height as the bar's offset) or beside it, vertically centred
    on a bar block of `block_h` (offset 0). Returns the markup, the bar's offset and the row's height."""
    step = lay.font * 1.3
    if not lay.label_w:
        lines = wrap(item, lay.width - 2 * lay.x0, lay.font, max_lines=3)
        above = len(lines) * step + 3
        return text_block(lines, lay.x0 + 4, y + lay.font, lay.font), above, above + block_h
    lines = wrap(item, lay.label_w, lay.font, max_lines=4)
    text_h = (len(lines) - 1) * step + lay.font
    row_h = max(text_h + 4, block_h)
    first = y + (row_h - text_h) / 2 + lay.font * 0.88
    return text_block(lines, 2, first, lay.font), (row_h - block_h) / 2, row_h


def _axis(lay: Layout, top: float, bottom: float) -> str:
    return f'<line x1="{lay.x0}" y1="{top:.1f}" x2="{lay.x0}" y2="{bottom:.1f}" stroke="#333"/>'


def _single(table: SurveyTable, ident: str, column: str, lay: Layout) -> Markup:
    rows = rows_by_item(table, column)
    series = table.series[0]
    peak = max((v.get(series, 0) for _, v in rows), default=0) or 1
    y, parts = 8.0, []
    for item, values in rows:
        value = values.get(series, 0)
        label, offset, height = _label(item, y, lay, lay.bar_h)
        by = y + offset
        w = lay.bar_w * value / peak
        parts.append(label)
        parts.append(f'<rect x="{lay.x0}" y="{by:.1f}" width="{w:.1f}" height="{lay.bar_h}" fill="{PALETTE[0]}"/>')
        text = f"{_fmt(value)}{table.unit}（{share(value, table.n)}）" if table.unit == "件" else f"{_fmt(value)}{table.unit}"
        parts.append(f'<text x="{lay.x0 + w + 6:.1f}" y="{by + lay.bar_h / 2 + lay.value * 0.36:.1f}" font-size="{lay.value}">{esc(text)}</text>')
        y += height + ROW_GAP
    body = _axis(lay, 4, y - ROW_GAP + 4) + "".join(parts)
    desc = "、".join(f"{item} {_fmt(v.get(series, 0))}{table.unit}" for item, v in rows)
    return svg_root(lay.width, y + 6, f"{table.title}（n={table.n}）", desc, ident, body, "chart")


def _legend(ident: str, labels: tuple[str, ...], y: float, lay: Layout) -> tuple[str, float]:
    """Swatches and labels in rows; a label too long for what is left of a row starts a new row, and a label too
    long for a whole row wraps onto more lines (s6-1b's series name both groups and their n)."""
    parts, x, row_y, row_h = [], 8.0, y, 0.0
    step = lay.font * 1.3
    room = lay.width - 8 - 20 - 4
    for i, label in enumerate(labels):
        lines = wrap(label, room, lay.font, max_lines=3)
        width = 20 + max(text_width(line, lay.font) for line in lines) + 18
        if x > 8 and x + width > lay.width:
            x, row_y, row_h = 8.0, row_y + row_h + 6, 0.0
        parts.append(f'<rect x="{x:.1f}" y="{row_y:.1f}" width="14" height="14" fill="{_fill(ident, i)}" stroke="#333" stroke-width="0.5"/>'
                     + text_block(lines, x + 20, row_y + 11.5, lay.font))
        row_h = max(row_h, 14 + (len(lines) - 1) * step + 2)
        x += width
    return "".join(parts), row_y + row_h + 10


def _stacked(table: SurveyTable, ident: str, lay: Layout) -> Markup:
    rows = rows_by_item(table, "count")
    peak = max((sum(v.values()) for _, v in rows), default=0) or 1
    legend, y = _legend(ident, table.series, 6, lay)
    top, parts = y, []
    bar_h = lay.bar_h + 2
    for item, values in rows:
        label, offset, height = _label(item, y, lay, bar_h)
        by = y + offset
        parts.append(label)
        x = float(lay.x0)
        for i, series in enumerate(table.series):
            value = values.get(series, 0)
            w = lay.bar_w * value / peak
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{by:.1f}" width="{w:.1f}" height="{bar_h}" fill="{_fill(ident, i)}" '
                             f'stroke="#fff" stroke-width="0.8"/>')
                if w >= 2 * lay.value:
                    parts.append(f'<text x="{x + w / 2:.1f}" y="{by + bar_h / 2 + lay.value * 0.36:.1f}" font-size="{lay.value}" text-anchor="middle" '
                                 f'class="chart__seg" paint-order="stroke" stroke="#fff" stroke-width="3">{esc(_fmt(value))}</text>')
            x += w
        total = sum(values.get(s, 0) for s in table.series)
        parts.append(f'<text x="{x + 6:.1f}" y="{by + bar_h / 2 + lay.font * 0.36:.1f}" font-size="{lay.font}">{esc("計" + _fmt(total))}</text>')
        y += height + ROW_GAP
    body = _defs(ident, len(table.series)) + legend + _axis(lay, top - 4, y - ROW_GAP + 4) + "".join(parts)
    desc = "。".join(item + "：" + "、".join(f"{s} {_fmt(v.get(s, 0))}" for s in table.series) for item, v in rows)
    return svg_root(lay.width, y + 6, f"{table.title}（n={table.n}）", desc, ident, body, "chart")


def _grouped(table: SurveyTable, ident: str, lay: Layout) -> Markup:
    rows = rows_by_item(table, "percent")
    legend, y = _legend(ident, table.series, 6, lay)
    top, parts = y, []
    bar_h = max(11, lay.value)
    block_h = len(table.series) * (bar_h + 2) - 2
    for item, values in rows:
        label, offset, height = _label(item, y, lay, block_h)
        parts.append(label)
        for i, series in enumerate(table.series):
            value = values.get(series, 0)
            by = y + offset + i * (bar_h + 2)
            w = lay.bar_w * value / 100
            parts.append(f'<rect x="{lay.x0}" y="{by:.1f}" width="{w:.1f}" height="{bar_h}" fill="{_fill(ident, i)}"/>'
                         f'<text x="{lay.x0 + w + 4:.1f}" y="{by + bar_h / 2 + lay.value * 0.36:.1f}" font-size="{lay.value}">{esc(pct(value))}</text>')
        y += height + ROW_GAP
    body = _defs(ident, len(table.series)) + legend + _axis(lay, top - 4, y - ROW_GAP + 4) + "".join(parts)
    desc = "。".join(item + "：" + "、".join(f"{s} {pct(v.get(s, 0))}" for s in table.series) for item, v in rows)
    return svg_root(lay.width, y + 6, table.title, desc, ident, body, "chart")
