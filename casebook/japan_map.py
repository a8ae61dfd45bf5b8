"""A tile-grid map of Japan's 47 prefectures with the cases marked, as SVG rendered at build time. Pure.

Each prefecture is one square in roughly its geographic place (north-east top right, Okinawa bottom left); a
prefecture with cases is drawn with a heavier outline and carries one numbered, linked mark per case. The mark's
fill shows the chosen measure on a light-to-dark ramp, so the map reads in grayscale; the number on the mark and
the text list beside the map carry the same information without colour.
"""
from __future__ import annotations

from markupsafe import Markup

from .svg import esc

# (column, row) of each prefecture.
GRID = {
    "北海道": (12, 0), "青森県": (12, 1), "秋田県": (11, 2), "岩手県": (12, 2), "山形県": (11, 3), "宮城県": (12, 3),
    "石川県": (8, 4), "富山県": (9, 4), "新潟県": (10, 4), "福島県": (11, 4),
    "島根県": (3, 5), "鳥取県": (4, 5), "兵庫県": (5, 5), "京都府": (6, 5), "福井県": (7, 5), "岐阜県": (8, 5),
    "長野県": (9, 5), "群馬県": (10, 5), "栃木県": (11, 5), "茨城県": (12, 5),
    "長崎県": (0, 6), "佐賀県": (1, 6), "福岡県": (2, 6), "山口県": (3, 6), "広島県": (4, 6), "岡山県": (5, 6),
    "大阪府": (6, 6), "滋賀県": (7, 6), "愛知県": (8, 6), "山梨県": (9, 6), "埼玉県": (10, 6), "東京都": (11, 6),
    "千葉県": (12, 6),
    "熊本県": (1, 7), "大分県": (2, 7), "愛媛県": (4, 7), "香川県": (5, 7), "和歌山県": (6, 7), "奈良県": (7, 7),
    "三重県": (8, 7), "静岡県": (9, 7), "神奈川県": (10, 7),
    "鹿児島県": (1, 8), "宮崎県": (2, 8), "高知県": (4, 8), "徳島県": (5, 8),
    "沖縄県": (0, 9),
}
assert len(GRID) == 47

TILE = 52
GAP = 4
PAD = 8
# Light to dark; each step differs in lightness so grayscale print keeps them apart. Text turns white from step 2.
RAMP = ("#e8f0f8", "#9dbedb", "#3f74a6", "#0e2a47")
DARK = (False, False, True, True)  # marks whose number is drawn white (class jmap__num--on-dark)
MODEL_FILL = ("#fff", "#0e2a47")  # without / with the chosen model

# Bins of each measure: (lower bound, label key in strings). The upper bound is the next lower bound.
BINS = {
    "rate65": (0, 25, 30, 35),
    "rate75": (0, 10, 13, 16),
    "total": (0, 100_000, 300_000, 1_000_000),
}
MEASURE_VALUE = {
    "rate65": lambda r: r.population.rate_65_printed,
    "rate75": lambda r: r.population.rate_75_printed,
    "total": lambda r: r.population.total,
}


def bin_of(measure: str, value: float) -> int:
    bounds = BINS[measure]
    return max(i for i, lower in enumerate(bounds) if value >= lower)


def short_pref(name: str) -> str:
    return name if name == "北海道" else name[:-1]


def legend(measure: str, strings: dict) -> list[dict]:
    """Swatches and labels of one measure, e.g. 25%以上30%未満."""
    bounds = BINS[measure]
    unit = strings["map"]["units"][measure]
    out = []
    for i, lower in enumerate(bounds):
        upper = bounds[i + 1] if i + 1 < len(bounds) else None
        fmt = (lambda v: f"{v // 10_000:,}万") if measure == "total" else (lambda v: f"{v}")
        if i == 0:
            label = strings["map"]["below"].format(v=fmt(upper), unit=unit)
        elif upper is None:
            label = strings["map"]["above"].format(v=fmt(lower), unit=unit)
        else:
            label = strings["map"]["between"].format(lo=fmt(lower), hi=fmt(upper), unit=unit)
        out.append({"fill": RAMP[i], "label": label, "bin": i})
    return out


# The whole grid is 740 units wide and is shown at its own size (1 unit = 1 px) from 48rem up. A phone cannot
# hold 13 columns legibly (a tile would be 23 px, a 14 px mark and 5 px labels), so below 48rem the same map is
# drawn as two parts, each as wide as the screen: the east (columns 7-12, 北海道 to 静岡・神奈川) above the west
# (columns 0-6, 島根・京都 to 沖縄). Their text sizes are chosen so that at a 328 px column (a 360 px phone)
# labels are at least 11 px and every mark's link is at least 24 x 24 px (WCAG 2.2 2.5.8).
PARTS = {"east": (range(7, 13), range(0, 8)), "west": (range(0, 7), range(5, 10))}
PHONE_COLUMN = 328


def _sizes(width: float, phone: bool) -> dict:
    """Font sizes in SVG units that give at least 11.3 px at the width the SVG is shown."""
    scale = PHONE_COLUMN / width if phone else 1.0
    px = lambda target: round(target / scale, 1)  # noqa: E731
    return {"pref": px(11.5), "num1": px(14), "num2": px(12)}


def render_japan_map(regions, ident: str, title: str, href, strings: dict, measure: str = "rate65",
                     part: str | None = None) -> Markup:
    """`href(region)` gives the link of a case mark (relative to the page); `part` is None (the whole grid) or
    a key of PARTS (that part alone, sized for a phone)."""
    if part is None:
        cells = dict(GRID)
    else:
        cols, rows_ = PARTS[part]
        cells = {name: (c - cols.start, r - rows_.start) for name, (c, r) in GRID.items() if c in cols and r in rows_}
    cols = max(c for c, _ in cells.values()) + 1
    rows = max(r for _, r in cells.values()) + 1
    width = PAD * 2 + cols * (TILE + GAP) - GAP
    height = PAD * 2 + rows * (TILE + GAP) - GAP
    size = _sizes(width, part is not None)
    by_pref: dict[str, list] = {}
    for region in regions:
        by_pref.setdefault(region.prefecture, []).append(region)
    parts = ['<g class="jmap__tiles">']
    for name, (c, r) in cells.items():
        x, y = PAD + c * (TILE + GAP), PAD + r * (TILE + GAP)
        has = name in by_pref
        parts.append(f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="3" fill="{"#fff" if has else "#f1f1f1"}" '
                     f'stroke="{"#000" if has else "#b5b5b5"}" stroke-width="{2 if has else 1}"/>'
                     f'<text x="{x + 3}" y="{y + 2 + size["pref"]:.1f}" font-size="{size["pref"]}" '
                     f'class="jmap__pref{" jmap__pref--on" if has else ""}">{esc(short_pref(name))}</text>')
    parts.append('</g><g class="jmap__marks">')
    for name, members in by_pref.items():
        if name not in cells:
            continue
        c, r = cells[name]
        x, y = PAD + c * (TILE + GAP), PAD + r * (TILE + GAP)
        n = len(members)
        top = y + 4 + size["pref"]  # below the prefecture's label
        for k, region in enumerate(members):
            # The link is the mark's slice of the tile (the whole tile for one case), not just the circle, so
            # two cases in one prefecture still get targets of half a tile each.
            slice_w = TILE / n
            cx = x + slice_w * (k + 0.5)
            radius = min(16 if n == 1 else 12, slice_w / 2 - 1, (y + TILE - top) / 2 - 1)
            cy = top + (y + TILE - top) / 2
            font = size["num1"] if n == 1 else size["num2"]
            bins = {m: bin_of(m, MEASURE_VALUE[m](region)) for m in BINS}
            b = bins[measure]
            label = strings["map"]["mark"].format(number=region.number, name=region.short_name)
            data = " ".join(f'data-bin-{m}="{v}"' for m, v in bins.items())
            parts.append(f'<a href="{esc(href(region))}" class="jmap__mark" {data} data-models="{esc(" ".join(m.code for m in region.models))}">'
                         f'<title>{esc(label)}</title>'
                         f'<rect class="jmap__hit" x="{x + slice_w * k:.1f}" y="{y}" width="{slice_w:.1f}" height="{TILE}" rx="3" fill="#fff" fill-opacity="0"/>'
                         f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{RAMP[b]}" stroke="#000" stroke-width="1.5"/>'
                         f'<text x="{cx:.1f}" y="{cy + font * 0.36:.1f}" font-size="{font}" font-weight="700" '
                         f'text-anchor="middle" class="jmap__num{" jmap__num--on-dark" if DARK[b] else ""}">{region.number}</text></a>')
    parts.append("</g>")
    desc = strings["map"]["desc"]
    klass = "jmap" if part is None else f"jmap-part jmap-part--{part}"
    return Markup(
        f'<svg class="{klass}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg" data-ramp="{" ".join(RAMP)}" '
        f'data-dark="{" ".join("1" if d else "0" for d in DARK)}" data-model-fill="{" ".join(MODEL_FILL)}">'
        f'<title id="{ident}-title">{esc(title)}</title><desc id="{ident}-desc">{esc(desc)}</desc>{"".join(parts)}</svg>')
