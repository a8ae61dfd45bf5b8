"""Comparison → the static pages `survey-tally` writes (a summary first, then one page per section) and its CSVs.

The pages show what the browser's page (/survey/local/, static/js/survey-page.js) draws for the same file: the same
views (compare.py), the same strings (templates/strings.ja.yaml, survey_tally) and the same print rules (the running
header with region, survey month and source, the page number), rendered here without JS."""
from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from ..model import Site
from ..render import load_strings, make_environment
from ..text import spreadsheet_safe
from .compare import FEW, PRIVATE, SMALL, compare, differences, rate, respondents, signed
from .plan import tally_plan
from .responses import Responses
from .tally import Tally, to_csv

FIGURES = ("mean", "median", "min", "max")


def private(tally: Tally) -> Tally:
    """The tally as exported: a stats row of 1 or 2 clinics keeps its n, its figures are left out (as the
    browser's page does)."""
    if tally.table.kind != "stats":
        return tally
    frame = tally.frame.copy()
    few = (frame["n"] > 0) & (frame["n"] < PRIVATE)
    if few.any():
        frame.loc[few, list(FIGURES)] = ""
        return dataclasses.replace(tally, frame=frame, suppressed=True)
    return tally


def _fill(template: str, **values) -> str:
    for k, v in values.items():
        template = template.replace("{" + k + "}", str(v))
    return template


def _flag(n: int, S: dict) -> str:
    if n < SMALL:
        return S["small"] + "：" + _fill(S["small_note"], min=SMALL)
    if n < FEW:
        return S["small"] + "：" + _fill(S["few_note"], min=FEW)
    return ""


def _count_view(v: dict, S: dict) -> dict:
    rows = []
    for item, count, rcount in v["rows"]:
        if "percent_only" in v:
            theirs, rcount = v["percent_only"].get(item, ""), "—"
        else:
            theirs = rate(rcount, v["rn"]) or "—"
        rows.append({"item": item, "count": count, "pct": rate(count, v["n"]) or "—", "rcount": rcount,
                     "rpct": theirs})
    return {"title": v["title"], "n": v["n"], "rn": v["rn"], "rows": rows, "flag": _flag(v["n"], S),
            "long": len(rows) > 12}


def _matrix(x: dict, S: dict) -> dict:
    rows, small = [], False
    for v in x["views"]:
        small = small or v["n"] < SMALL
        cells = []
        for _, count, rcount in v["rows"]:
            cells.append(f"{rate(count, v['n']) or '—'}（{count}）")
            cells.append(f"{rate(rcount, v['rn']) or '—'}（{rcount}）")
        rows.append({"item": f"{v['item']}（n={v['n']}／{v['rn']}）", "cells": cells})
    return {"rows": rows, "flag": S["small"] + "：" + _fill(S["small_note"], min=SMALL) if small else ""}


def _stats(t: dict, tally: Tally, S: dict) -> dict:
    cols = t["report"]["columns"]
    rows, hidden = [], False
    for k, r in enumerate(tally.frame.itertuples(index=False)):
        rep = t["report"]["rows"][k] if k < len(t["report"]["rows"]) else []
        own = [r.n, r.mean, r.median, r.min, r.max]
        if 0 < r.n < PRIVATE:
            own, hidden = [r.n] + [S["suppressed"]] * 4, True
        rows.append({"item": r.item, "own": own,
                     "theirs": [rep[cols.index(c)] if rep else "" for c in ("n", *FIGURES)]})
    return {"rows": rows, "hidden": hidden, "long": len(rows) > 4}


def _values(t: dict, tally: Tally, S: dict) -> dict:
    cols = t["report"]["columns"]
    report = {(r[cols.index("item")], r[cols.index("series")]): r[cols.index("printed")] for r in t["report"]["rows"]}
    printed = list(tally.frame["printed"])
    rows, hidden = [], False
    for i, item in enumerate(t["items"]):
        own = []
        for k in range(len(t["series"])):
            at = i * len(t["series"]) + k
            c = tally.clinics[at]
            if 0 < c < PRIVATE:
                own.append(S["suppressed"])
                hidden = True
            else:
                own.append(f"{printed[at]}（n={c}）")
        rows.append({"item": item, "own": own, "theirs": [report.get((item, s), "") for s in t["series"]]})
    return {"rows": rows, "hidden": hidden}


def comparison_csv(computed: list[dict], S: dict, region: str, month: str) -> bytes:
    """The region beside the report, one row per answer, then the numeric questions' figures: the browser's
    download (toCsv) cell for cell; UTF-8 with a BOM and CRLF, as Japanese Excel opens it, never a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells):
        writer.writerow([spreadsheet_safe("" if c is None else c) for c in cells])

    line([S["region"], region, S["month"], month])
    line(S["csv_header"])
    for x in computed:
        for v in x["views"]:
            for item, count, rcount in v["rows"]:
                own = rate(count, v["n"])
                theirs = v["percent_only"].get(item) if "percent_only" in v else rate(rcount, v["rn"])
                line([x["t"]["id"], v["title"], item, v["n"], count, own or "", v["rn"],
                      "" if "percent_only" in v else rcount, theirs or ""])
    writer.writerow([])
    line(S["csv_stats_header"])
    for x in computed:
        if x["t"]["op"] != "stats":
            continue
        cols = x["t"]["report"]["columns"]
        for k, r in enumerate(x["tally"].frame.itertuples(index=False)):
            rep = x["t"]["report"]["rows"][k] if k < len(x["t"]["report"]["rows"]) else []
            own = [r.n, "", "", "", ""] if 0 < r.n < PRIVATE else [r.n, r.mean, r.median, r.min, r.max]
            line([x["t"]["id"], x["t"]["title"], r.item, *own,
                  *[rep[cols.index(c)] if rep else "" for c in ("n", *FIGURES)]])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _css_string(text: str) -> str:
    """*text* as a CSS string (region and month are plain text without control characters: cli._region)."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\' or ord(c) < 32 else c for c in text) + '"'


def render_pages(site: Site, templates: Path, tallies: list[Tally], responses: Responses, region: str,
                 month: str) -> dict[str, bytes]:
    tallies = [private(tl) for tl in tallies]
    plan = tally_plan(site.survey)
    computed = compare(plan, tallies, responses)
    env = make_environment(templates, bytecode_cache=False)  # the tally writes nothing outside its output folder
    t = load_strings(templates)
    S = t["survey_tally"]
    running = _fill(S["footer"], region=region, month=month)
    sections: dict[str, list] = {}
    for x in computed:
        sections.setdefault(x["t"]["section"], []).append(x)
    pages = {name: f"s{k}.html" for k, name in enumerate(sections, 1)}
    nav = [{"title": name, "href": href} for name, href in pages.items()]
    total = respondents(plan)
    base = {"t": t, "S": S, "depth": 0, "absolute_links": False, "base_path": "/", "region_label": region,
            "month": month, "running": running, "nav": nav}
    files: dict[str, bytes] = {}
    for name, xs in sections.items():
        blocks = []
        for x in xs:
            tt = x["t"]
            block = {"id": tt["id"], "anchor": x["anchor"], "heading": (f"{tt['number']} " if tt["number"] else "") + tt["title"],
                     "title": tt["title"], "op": tt["op"], "derivation": x["tally"].table.derivation or "", "series": tt["series"], "csv": f"{tt['id']}.csv",
                     "base_note": _fill(S["report_base_note"], n=tt["n"], all=total) if x["base_unknown"] else ""}
            if tt["op"] == "stats":
                block["stats"] = _stats(tt, x["tally"], S)
            elif tt["op"] == "values":
                block["values"] = _values(tt, x["tally"], S)
            elif tt["op"] == "matrix":
                block["matrix"] = _matrix(x, S)
            else:
                block["views"] = [_count_view(v, S) for v in x["views"]]
            blocks.append(block)
        free = None
        if name.startswith("（６）"):
            q = next((q for q in plan["questions"] if q["answer"] == "text"), None)
            answers = [] if q is None else sorted(a for a in responses.frame[q["id"]] if isinstance(a, str) and a)
            free = {"title": "⑧ " + _fill(S["free_text"], n=len(answers)), "answers": answers}
        files[pages[name]] = env.get_template("local_survey_section.html").render(
            **base, title=name, blocks=blocks, free=free, current=pages[name]).encode("utf-8")
    diffs = [{**d, "href": f"{pages[d['section']]}#result-{d['table']}", "signed": signed(d["d"])}
             for d in differences(computed)]
    files["index.html"] = env.get_template("local_survey_index.html").render(
        **base, current="index.html", diffs=diffs, read=responses.clinics, empty=responses.skipped, responses_encoding=responses.encoding,
        source=responses.path.name, tallies=tallies, own_side=_fill(S["own_side"], region=region, month=month,
                                                                  read=responses.clinics),
        summary_lead=_fill(S["summary_lead"], min=SMALL)).encode("utf-8")
    for tl in tallies:
        files[f"{tl.table.id}.csv"] = to_csv(tl.frame)
    files["comparison.csv"] = comparison_csv(computed, S, region, month)
    files["css/site.css"] = (templates.parent / "static" / "css" / "site.css").read_bytes()
    # The running header of every printed page (site.css: @page survey), as a file: the pages' CSP allows no
    # inline style.
    files["css/running.css"] = f":root {{ --survey-running: {_css_string(running)}; }}\n".encode("utf-8")
    return files
