"""Diagram (actors and links) → SVG laid out so that boxes and labels do not overlap. Pure."""
from __future__ import annotations

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
    cx, cy = rx + widest / 2 + 20, ry + tallest / 2 + 20
    out = {}
    if centred:
        lines, w, h = boxes[hub]
        out[hub] = (cx, cy, w, h, lines)
    if len(ids) == 1:
        rx = ry = 0
        cx, cy = widest / 2 + 20, tallest / 2 + 20
    elif n == 2 and not centred:
        # Two parties read best side by side, as the report draws them.
        ry = 0
        cy = tallest / 2 + 20
    for k, actor_id in enumerate(ring):
        angle = (math.pi if n == 2 else -math.pi / 2) + 2 * math.pi * k / n
        lines, w, h = boxes[actor_id]
        out[actor_id] = (cx + rx * math.cos(angle) if n > 1 else cx, cy + ry * math.sin(angle) if n > 1 else cy, w, h, lines)
    return out


def render_diagram(diagram: Diagram, ident: str, title: str) -> Markup:
    if diagram.is_empty:
        return Markup("")
    boxes = layout(diagram)
    loops = any(link.source == link.target for link in diagram.links)
    width = max(x + w / 2 for x, _, w, _, _ in boxes.values()) + (60 if loops else 20)
    height = max(y + h / 2 for _, y, _, h, _ in boxes.values()) + 20
    if loops:
        # Leave room above the boxes for the loop and its marker.
        boxes = {k: (x, y + 40, w, h, lines) for k, (x, y, w, h, lines) in boxes.items()}
        height += 40
    parts = ['<g class="diagram__links">']
    labelled = 0
    for link in diagram.links:
        x1, y1, w1, h1, _ = boxes[link.source]
        x2, y2, w2, h2, _ = boxes[link.target]
        if link.source == link.target:
            # A relation among several parties of one kind (主・副 between clinics) loops back to its box.
            top, right = y1 - h1 / 2, x1 + w1 / 2
            parts.append(f'<path d="M{right - 10:.1f},{top:.1f} C{right + 30:.1f},{top - 40:.1f} {right + 40:.1f},{top + 10:.1f} '
                         f'{right:.1f},{top + 12:.1f}" fill="none" stroke="#444" stroke-width="1.5"/>')
            mx, my = right + 22, top - 14
        else:
            sx, sy = _edge_point(x1, y1, w1, h1, x2, y2)
            tx, ty = _edge_point(x2, y2, w2, h2, x1, y1)
            parts.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke="#444" stroke-width="1.5"/>')
            mx, my = (sx + tx) / 2, (sy + ty) / 2
        if link.label:
            parts.append(f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="10" fill="#fff" stroke="#444"/>'
                         f'<text x="{mx:.1f}" y="{my + 4.5:.1f}" font-size="12" text-anchor="middle">'
                         f'{esc(link_marker(labelled))}</text>')
            labelled += 1
    parts.append('</g><g class="diagram__actors">')
    for actor in diagram.actors:
        x, y, w, h, lines = boxes[actor.id]
        parts.append(f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" '
                     f'fill="#fff" stroke="#1d3b58" stroke-width="1.5"/>')
        first_baseline = y - (len(lines) - 1) * LINE / 2 + FONT * 0.35
        parts.append(text_block(lines, x, first_baseline, FONT, anchor="middle"))
    parts.append("</g>")
    desc = "、".join(a.label for a in diagram.actors)
    return svg_root(width, height, title, f"登場する主体：{desc}。関係は図の下に文章で示します。", ident, "".join(parts), "diagram")


def relations(diagram: Diagram) -> list[dict]:
    """The links as text rows, numbered like the markers in the SVG."""
    rows, labelled = [], 0
    for link in diagram.links:
        marker = None
        if link.label:
            marker = link_marker(labelled)
            labelled += 1
        rows.append({"marker": marker, "source": diagram.label_of(link.source), "target": diagram.label_of(link.target),
                     "label": link.label})
    return rows
