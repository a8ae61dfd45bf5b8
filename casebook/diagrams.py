"""Diagram (actors and links) → SVG laid out so that boxes and labels do not overlap. Pure."""
from __future__ import annotations

import itertools
import math

from markupsafe import Markup

from .model import Diagram
from .svg import esc, svg_root, text_block, text_width, wrap

FONT = 13
LINE = FONT * 1.3
MAX_LABEL = FONT * 9  # about nine Japanese characters per line
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def link_marker(index: int) -> str:
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


def _box(label: str) -> tuple[list[str], float, float]:
    lines = wrap(label, MAX_LABEL, FONT, max_lines=4)
    width = max(text_width(line, FONT) for line in lines) + 18
    height = len(lines) * LINE + 14
    return lines, width, height


def _edge_point(cx, cy, w, h, tx, ty):
    """Where the segment from the box centre towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((w / 2) / abs(dx) if dx else math.inf, (h / 2) / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def layout(diagram: Diagram) -> dict[str, tuple[float, float, float, float, list[str]]]:
    """Centre, size and lines of each actor: the most-linked actor in the middle, the rest on an ellipse."""
    boxes = {a.id: _box(a.label) for a in diagram.actors}
    degree = {a.id: 0 for a in diagram.actors}
    for link in diagram.links:
        degree[link.source] = degree.get(link.source, 0) + 1
        degree[link.target] = degree.get(link.target, 0) + 1
    ids = [a.id for a in diagram.actors]
    hub = max(ids, key=lambda i: (degree[i], -ids.index(i))) if ids else None
    centred = hub is not None and degree[hub] >= 3 and len(ids) > 3
    ring = [i for i in ids if not (centred and i == hub)]
    n = max(len(ring), 1)
    widest = max((boxes[i][1] for i in ids), default=0)
    tallest = max((boxes[i][2] for i in ids), default=0)
    # Grow the ellipse until neighbouring boxes on it cannot touch.
    rx = max(widest * 1.2, (widest + 24) * n / (2 * math.pi) * 1.15, 150 if n > 1 else 0)
    ry = max(tallest * 1.6, (tallest + 30) * n / (2 * math.pi) * 1.6, 90 if n > 1 else 0)
    if centred:
        rx = max(rx, boxes[hub][1] / 2 + widest / 2 + 40)
        ry = max(ry, boxes[hub][2] / 2 + tallest / 2 + 40)
    if len(ids) == 1:
        rx = ry = 0
    elif n == 2 and not centred:
        # Two parties read best side by side, as the report draws them.
        ry = 0
    # Grow it further while two boxes stand too close for a number circle between them.
    for _ in range(12):
        out = _place(boxes, ring, hub if centred else None, rx, ry, widest, tallest)
        if _closest_gap(out) >= 2 * R + 16:
            break
        rx, ry = rx * 1.12, ry * 1.12
    return out


def _place(boxes, ring, hub, rx, ry, widest, tallest):
    cx, cy = rx + widest / 2 + 20, ry + tallest / 2 + 20
    out = {}
    if hub is not None:
        lines, w, h = boxes[hub]
        out[hub] = (cx, cy, w, h, lines)
    n = len(ring)
    for k, actor_id in enumerate(ring):
        angle = (math.pi if n == 2 else -math.pi / 2) + 2 * math.pi * k / n
        lines, w, h = boxes[actor_id]
        out[actor_id] = (cx + rx * math.cos(angle) if n > 1 else cx, cy + ry * math.sin(angle) if n > 1 else cy, w, h, lines)
    return out


def _closest_gap(placed) -> float:
    """The smallest clear space between two boxes (along whichever axis separates them)."""
    gaps = [max(abs(x1 - x2) - (w1 + w2) / 2, abs(y1 - y2) - (h1 + h2) / 2)
            for (x1, y1, w1, h1, _), (x2, y2, w2, h2, _) in itertools.combinations(placed.values(), 2)]
    return min(gaps, default=math.inf)


R = 10  # radius of a number circle
MARKER_FONT = 13  # the circles' digits: as large as the labels, so a phone shows them at 11 px or more


def _dist_to_segment(px, py, ax, ay, bx, by) -> float:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _dist_to_box(px, py, box) -> float:
    x, y, w, h = box
    return math.hypot(max(abs(px - x) - w / 2, 0), max(abs(py - y) - h / 2, 0))


# Where along its line a number may sit, best first: the middle, then outwards.
_ALONG = tuple(0.5 + sign * k / 50 for k in range(0, 20) for sign in ((1,) if k == 0 else (-1, 1)))


def place_markers(segments: list[tuple[float, float, float, float]], wanted: list[int],
                  boxes: list[tuple[float, float, float, float]], fixed: list[tuple[float, float]]) -> dict[int, tuple[float, float]]:
    """A position for the number circle of each segment in *wanted*: on its own line, clear of the other circles,
    of every box and of the other lines where possible (a circle on a crossing reads as belonging to both)."""
    placed = list(fixed)
    out = {}
    for i in wanted:
        x1, y1, x2, y2 = segments[i]
        best, best_cost = None, math.inf
        for t in _ALONG:
            px, py = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
            cost = sum(4 for qx, qy in placed if math.hypot(px - qx, py - qy) < 2 * R + 3)
            cost += sum(2 for b in boxes if _dist_to_box(px, py, b) < R + 2)
            cost += sum(1 for j, s in enumerate(segments) if j != i and _dist_to_segment(px, py, *s) < R + 1)
            if cost < best_cost:
                best, best_cost = (px, py), cost
            if cost == 0:
                break
        out[i] = best
        placed.append(best)
    return out


def _circle(x: float, y: float, marker: str) -> str:
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{R}" fill="#fff" stroke="#444"/>'
            f'<text x="{x:.1f}" y="{y + MARKER_FONT * 0.36:.1f}" font-size="{MARKER_FONT}" text-anchor="middle">'
            f'{esc(marker)}</text>')


def _wide(diagram: Diagram, ident: str, title: str, desc: str) -> tuple[Markup, float]:
    """The picture as the report draws it: the most-linked party in the middle, the others around it."""
    boxes = layout(diagram)
    loops = any(link.source == link.target for link in diagram.links)
    width = max(x + w / 2 for x, _, w, _, _ in boxes.values()) + (60 if loops else 20)
    height = max(y + h / 2 for _, y, _, h, _ in boxes.values()) + 20
    if loops:
        # Leave room above the boxes for the loop and its marker.
        boxes = {k: (x, y + 40, w, h, lines) for k, (x, y, w, h, lines) in boxes.items()}
        height += 40
    # Links between the same two parties are drawn side by side, not on top of each other.
    pairs: dict[frozenset, list[int]] = {}
    for i, link in enumerate(diagram.links):
        if link.source != link.target:
            pairs.setdefault(frozenset((link.source, link.target)), []).append(i)
    segments, loop_marks, lines_svg = [], {}, []
    for i, link in enumerate(diagram.links):
        x1, y1, w1, h1, _ = boxes[link.source]
        x2, y2, w2, h2, _ = boxes[link.target]
        if link.source == link.target:
            # A relation among several parties of one kind (主・副 between clinics) loops back to its box.
            top, right = y1 - h1 / 2, x1 + w1 / 2
            lines_svg.append(f'<path d="M{right - 10:.1f},{top:.1f} C{right + 30:.1f},{top - 40:.1f} {right + 40:.1f},{top + 10:.1f} '
                             f'{right:.1f},{top + 12:.1f}" fill="none" stroke="#444" stroke-width="1.5"/>')
            loop_marks[i] = (right + 22, top - 14)
            segments.append((right + 22, top - 14, right + 22, top - 14))
            continue
        sx, sy = _edge_point(x1, y1, w1, h1, x2, y2)
        tx, ty = _edge_point(x2, y2, w2, h2, x1, y1)
        group = pairs[frozenset((link.source, link.target))]
        if len(group) > 1:
            length = math.hypot(tx - sx, ty - sy) or 1
            nx, ny = -(ty - sy) / length, (tx - sx) / length
            if (link.source, link.target) != (diagram.links[group[0]].source, diagram.links[group[0]].target):
                nx, ny = -nx, -ny  # the same side whichever way the link was written
            off = (group.index(i) - (len(group) - 1) / 2) * 7
            sx, sy, tx, ty = sx + nx * off, sy + ny * off, tx + nx * off, ty + ny * off
        segments.append((sx, sy, tx, ty))
        lines_svg.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke="#444" stroke-width="1.5"/>')
    wanted = [i for i, link in enumerate(diagram.links) if link.lines and i not in loop_marks]
    rects = [(x, y, w, h) for x, y, w, h, _ in boxes.values()]
    marks = {**loop_marks, **place_markers(segments, wanted, rects, list(loop_marks.values()))}
    parts = ['<g class="diagram__links">', *lines_svg]
    for number, i in enumerate(i for i, link in enumerate(diagram.links) if link.lines):
        parts.append(_circle(*marks[i], link_marker(number)))
    parts.append('</g><g class="diagram__actors">')
    for actor in diagram.actors:
        x, y, w, h, lines = boxes[actor.id]
        parts.append(f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" '
                     f'fill="#fff" stroke="#1d3b58" stroke-width="1.5"/>')
        first_baseline = y - (len(lines) - 1) * LINE / 2 + FONT * 0.35
        parts.append(text_block(lines, x, first_baseline, FONT, anchor="middle"))
    parts.append("</g>")
    return svg_root(width, height, title, desc, ident, "".join(parts), "diagram diagram--wide"), width


# ---------------------------------------------------------------- the narrow form, for a phone

NARROW = 328  # the content column of a 360 px phone: drawn at this width, the labels show at their own 13 px
HUB_FILL, HUB_STROKE, HUB_NODE = "#e8eef5", "#1d3b58", 8  # a box other boxes' lines start from, and its node
TRACK_GAP = 12
ROW_GAP = 10
STUB_GAP = 2 * R + 4


def _row_order(diagram: Diagram, degree: dict[str, int]) -> list[str]:
    """Actors top to bottom: the most-linked first, then depth first, so that a party linked to one other
    stands right under it and the lines stay short."""
    ids = [a.id for a in diagram.actors]
    neighbours: dict[str, list[str]] = {i: [] for i in ids}
    for link in diagram.links:
        if link.source != link.target:
            neighbours[link.source].append(link.target)
            neighbours[link.target].append(link.source)
    order: list[str] = []

    def visit(i: str) -> None:
        order.append(i)
        for n in neighbours[i]:
            if n not in order:
                visit(n)

    for start in sorted(ids, key=lambda i: (-degree[i], ids.index(i))):
        if start not in order:
            visit(start)
    return order


def narrow_layout(diagram: Diagram, width: float = NARROW):
    """The same actors and links laid out for a phone (or any column *width* units wide): one column of boxes, and left of it one vertical line
    (a track) per party with the links it has most of; each link is a short horizontal stub from a box to the
    track, carrying its number. Nothing can overlap: rows do not share height and stubs in a row are spaced."""
    degree = {a.id: 0 for a in diagram.actors}
    for link in diagram.links:
        degree[link.source] += 1
        degree[link.target] += 1
    order = _row_order(diagram, degree)
    row = {i: k for k, i in enumerate(order)}
    # Each link belongs to the track of its busier end (the earlier row on a tie).
    groups: dict[str, list[int]] = {}
    for n, link in enumerate(diagram.links):
        a, b = link.source, link.target
        owner = a if (degree[a], -row[a]) >= (degree[b], -row[b]) else b
        groups.setdefault(owner, []).append(n)
    extent = {}
    for owner, members in groups.items():
        rows = [row[owner]] + [row[diagram.links[n].target if diagram.links[n].source == owner else diagram.links[n].source]
                               for n in members]
        extent[owner] = (min(rows), max(rows))
    # The busiest group takes the track next to the boxes; a group shares a track only with groups whose rows
    # lie wholly above or below its own.
    track: dict[str, int] = {}
    taken: list[list[tuple[int, int]]] = []
    for owner in sorted(groups, key=lambda o: (-len(groups[o]), row[o])):
        lo, hi = extent[owner]
        k = next((k for k, spans in enumerate(taken) if all(hi < a or lo > b for a, b in spans)), len(taken))
        if k == len(taken):
            taken.append([])
        taken[k].append((lo, hi))
        track[owner] = k
    tracks = max(len(taken), 1)
    # Stubs: per row, one for each group the actor owns and one for each link it is the other end of.
    stubs: dict[str, list[tuple[str, int | None]]] = {i: [] for i in order}
    for owner in sorted(groups, key=lambda o: track[o]):
        stubs[owner].append((owner, None))
        for n in groups[owner]:
            link = diagram.links[n]
            other = link.target if link.source == owner else link.source
            stubs[other].append((owner, n))
    for i in order:
        stubs[i].sort(key=lambda s: (track[s[0]], s[1] is not None, s[1] or 0))
    track_x = {k: 6 + (tracks - 1 - k) * TRACK_GAP for k in range(tracks)}
    circle_x = track_x[0] + 4 + R
    box_x = circle_x + R + 4
    room = width - box_x - 2
    wrapped = {i: wrap(diagram.label_of(i), room - 18, FONT, max_lines=6) for i in order}
    # Boxes as wide as the longest label needs, so that a short list stays a compact picture.
    box_w = min(room, max(text_width(line, FONT) for lines in wrapped.values() for line in lines) + 18)
    y = 6.0
    rows_out = []
    for i in order:
        lines = wrapped[i]
        h = max(len(lines) * LINE + 14, len(stubs[i]) * STUB_GAP + 8)
        stub_y = [y + h / 2 + (k - (len(stubs[i]) - 1) / 2) * STUB_GAP for k in range(len(stubs[i]))]
        rows_out.append((i, y, h, lines, list(zip(stubs[i], stub_y))))
        y += h + ROW_GAP
    return {"rows": rows_out, "track": track, "track_x": track_x, "circle_x": circle_x, "box_x": box_x,
            "box_w": box_w, "height": y - ROW_GAP + 6}


def _narrow(diagram: Diagram, ident: str, title: str, desc: str, width: float = NARROW) -> Markup:
    lay = narrow_layout(diagram, width)
    numbers, count = {}, 0
    for n, link in enumerate(diagram.links):
        if link.lines:
            numbers[n] = link_marker(count)
            count += 1
    # Which box a line joins is read from its hub: each track starts at the box that owns it (its busier end),
    # whose stub is drawn thick and meets the track in a square, and whose box is drawn as a hub (thick border,
    # tinted); every other stub is thin and meets the track in a dot. A stub crossing another party's track
    # passes over it (a white halo cuts the track), so a track is never read as joining a box it only crosses.
    ends: dict[str, list[float]] = {}
    stubs, marks = [], []
    box_x = lay["box_x"]
    for _, _, _, _, row_stubs in lay["rows"]:
        for (owner, n), sy in row_stubs:
            tx = lay["track_x"][lay["track"][owner]]
            ends.setdefault(owner, []).append(sy)
            hub = n is None
            stubs.append(f'<line x1="{tx + 4:.1f}" y1="{sy:.1f}" x2="{box_x:.1f}" y2="{sy:.1f}" stroke="#fff" stroke-width="{7 if hub else 5}"/>'
                         f'<line x1="{tx:.1f}" y1="{sy:.1f}" x2="{box_x:.1f}" y2="{sy:.1f}" stroke="#444" stroke-width="{3.5 if hub else 1.5}"/>'
                         + (f'<path d="M{tx - HUB_NODE / 2:.1f},{sy - HUB_NODE / 2:.1f}h{HUB_NODE}v{HUB_NODE}h-{HUB_NODE}z" fill="{HUB_STROKE}"/>'
                            if hub else f'<circle cx="{tx:.1f}" cy="{sy:.1f}" r="2.5" fill="#444"/>'))
            if n in numbers:
                marks.append(_circle(lay["circle_x"], sy, numbers[n]))
    parts = ['<g class="diagram__links">']
    for owner, ys in ends.items():
        tx = lay["track_x"][lay["track"][owner]]
        parts.append(f'<line x1="{tx:.1f}" y1="{min(ys):.1f}" x2="{tx:.1f}" y2="{max(ys):.1f}" stroke="#444" stroke-width="1.5"/>')
    parts += stubs + marks
    parts.append('</g><g class="diagram__actors">')
    for actor_id, top, h, lines, _ in lay["rows"]:
        hub = actor_id in lay["track"]
        parts.append(f'<rect x="{box_x:.1f}" y="{top:.1f}" width="{lay["box_w"]:.1f}" height="{h:.1f}" rx="6" '
                     + (f'fill="{HUB_FILL}" stroke="{HUB_STROKE}" stroke-width="3" class="diagram__hub"/>' if hub
                        else f'fill="#fff" stroke="{HUB_STROKE}" stroke-width="1.5"/>'))
        first_baseline = top + h / 2 - (len(lines) - 1) * LINE / 2 + FONT * 0.35
        parts.append(text_block(lines, box_x + 9, first_baseline, FONT))
    parts.append("</g>")
    return svg_root(lay["box_x"] + lay["box_w"] + 2, lay["height"], title, desc, ident, "".join(parts), "diagram diagram--narrow")


# A drawing is legible where its 13 px labels show at 11 px or more (on paper, 8 pt = 10.67 px or more: site.css
# prints drawings at zoom .825).
SCREEN_SCALE = 11 / FONT
PRINT_SCALE = (8 / 0.75) / FONT
PRINT_WIDTH = 186 / 25.4 * 96  # A4 less the 12 mm margins of @page, in CSS px
# The container widths site.css has a rule for: from a column of the comparison table (about 230 px with four
# cases at 1280 px or on A4 landscape) up to the widest content column.
FIT_STEPS = (300, *range(400, 1200, 100))
COMPARE_NARROW = 220  # the narrow drawing in a column of the comparison table, shown at its own size there


def fit_class(width: float) -> str:
    """The class that tells site.css from which container width on the wide drawing is legible."""
    needed = width * SCREEN_SCALE
    if needed <= 220:
        return ""  # legible in any column the site has
    step = next((s for s in FIT_STEPS if needed <= s), None)
    return f" diagram-pair--fit-{step}" if step else " diagram-pair--narrow-only"


def render_diagram(diagram: Diagram, ident: str, title: str, narrow_width: float = NARROW) -> Markup:
    """The wide drawing and the same relations laid out as one column *narrow_width* units wide (a phone's
    column, or a column of the comparison table); site.css shows the one that is legible in the column at hand,
    the other is display: none and so hidden from assistive technology too."""
    if diagram.is_empty:
        return Markup("")
    desc = f"登場する主体：{'、'.join(a.label for a in diagram.actors)}。関係は図の下に文章で示します。"
    wide, width = _wide(diagram, ident, title, desc)
    classes = "diagram-pair" + fit_class(width) + (" diagram-pair--print-narrow" if width * PRINT_SCALE > PRINT_WIDTH else "")
    return Markup(f'<div class="{classes}">{wide}{_narrow(diagram, ident + "-narrow", title, desc, narrow_width)}</div>')


def relations(diagram: Diagram) -> list[dict]:
    """The links as text rows, numbered like the markers in the SVG; a label's printed lines stay apart."""
    rows, labelled = [], 0
    for link in diagram.links:
        marker = None
        if link.lines:
            marker = link_marker(labelled)
            labelled += 1
        rows.append({"marker": marker, "source": diagram.label_of(link.source), "target": diagram.label_of(link.target),
                     "lines": link.lines})
    return rows
