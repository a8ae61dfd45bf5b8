"""Tallies → static comparison pages (region beside the report, as % of each side's n) and the CSV files."""
from __future__ import annotations

import csv
import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..charts import one_decimal, render_comparison, rows_by_item
from ..text import spreadsheet_safe
from ..model import Columns, Site, SurveyTable
from ..render import load_strings, make_environment
from .tally import N_IN_LABEL, Tally, to_csv


def _pct(count: float, n: int) -> float:
    # Half up from the exact quotient, as the report and the survey pages round (round() goes half to even).
    return float(one_decimal(Decimal(str(count)) * 100 / Decimal(n))) if n else 0.0


def _labelled(frame: pd.DataFrame, table: SurveyTable) -> list[tuple[str, float]]:
    """(label, count) per bar: a single series keeps the item; a split table names item and series."""
    if len(table.series) == 1:
        return [(i, c) for i, c in zip(frame["item"], frame["count"])]
    return [(f"{i}（{s}）", c) for i, s, c in zip(frame["item"], frame["series"], frame["count"])]


def comparison_views(tally: Tally, region_label: str, t: dict) -> list[dict]:
    """One view per question: the chart and table of region % and report % (a matrix table has one per row)."""
    table = tally.table
    own = f"{region_label}（n={tally.n}）"
    theirs = f"{t['local_survey']['report']}（n={table.n if table.n is not None else '—'}）"
    report_n = table.n or 0
    if table.kind == "stats":
        columns = ("n", "mean", "median", "min", "max")
        # By position: an item can be printed twice (s2-8's 「―うち悪性新生物を原因とする死亡者数」).
        rows = [{"item": mine["item"], "own": [mine[c] for c in columns], "theirs": [printed[c] for c in columns]}
                for (_, mine), (_, printed) in zip(tally.frame.iterrows(), table.printed.iterrows())]
        return [{"ident": f"cmp-{table.id}", "title": table.title, "stats": rows, "chart": "", "own": own,
                 "theirs": theirs, "own_side": region_label, "their_side": t["local_survey"]["report"],
                 "headers": list(t["local_survey"]["stats_headers"])}]
    if table.kind == "values":
        report = {(i, s): p for i, s, p in zip(table.printed["item"], table.printed["series"], table.printed["printed"])}
        mine = {(i, s): p for i, s, p in zip(tally.frame["item"], tally.frame["series"], tally.frame["printed"])}
        rows = [{"item": item, "own": [mine.get((item, s), "") for s in table.series],
                 "theirs": [report.get((item, s), "") for s in table.series]} for item in table.items]
        return [{"ident": f"cmp-{table.id}", "title": table.title, "stats": rows, "chart": "", "own": own,
                 "theirs": theirs, "own_side": own, "their_side": t["local_survey"]["report"],
                 "headers": list(table.series)}]
    if table.kind == "percents":
        return _grouped_views(tally, region_label, t)
    groups: list[tuple[str, pd.DataFrame, pd.DataFrame, int]] = []
    is_matrix = len(table.series) > 1 and table.chart == "stacked-bar" and not table.series[0].startswith("在宅医療を行う医師")
    if is_matrix:
        for k, item in enumerate(table.items, 1):
            groups.append((f"{table.title}：{item}", tally.frame[tally.frame["item"] == item],
                           table.data[table.data["item"] == item], k))
    else:
        groups.append((table.title, tally.frame, table.data, 0))
    views = []
    for title, mine, printed, k in groups:
        if is_matrix:
            own_rows = list(zip(mine["series"], mine["count"]))
            their_rows = dict(zip(printed["series"], printed["count"]))
            own_n = int(mine["count"].sum())
        else:
            own_rows = _labelled(mine, table)
            their_rows = dict(_labelled(printed, table))
            own_n = tally.n
        items, series_a, series_b, rows = [], [], [], []
        for label, count in own_rows:
            theirs_count = their_rows.get(label, 0)
            a, b = _pct(count, own_n), _pct(theirs_count, report_n)
            items += [label, label]
            series_a.append(a)
            series_b.append(b)
            rows.append({"item": label, "own_count": int(count), "own_pct": a, "their_count": int(theirs_count), "their_pct": b})
        labels = (f"{region_label}（n={own_n}）", theirs)
        data = pd.DataFrame({"item": items, "series": [labels[0], labels[1]] * len(rows),
                             "percent": [v for pair in zip(series_a, series_b) for v in pair]})
        chart_table = dataclasses.replace(table, title=title, kind="percents", series=labels,
                                          figures=Columns.of_frame(data), cells=Columns.of_frame(data))
        ident = f"cmp-{table.id}" + (f"-{k}" if k else "")
        views.append({"ident": ident, "title": title, "chart": render_comparison(chart_table, ident), "rows": rows,
                      "own": labels[0], "theirs": theirs, "stats": None, "own_n": own_n,
                      "their_n": int(sum(their_rows.values())) if is_matrix else table.n})
    return views


def _grouped_views(tally: Tally, region_label: str, t: dict) -> list[dict]:
    """A percents table split into groups (s6-1b): one view per group, the region's share beside the report's.
    The report prints only percentages here, so its counts are shown as —."""
    table = tally.table
    views = []
    for k, ((label, n, count), series) in enumerate(zip(tally.groups, table.series), 1):
        group = N_IN_LABEL.sub("", series)
        printed_n = N_IN_LABEL.search(series)
        theirs = f"{t['local_survey']['report']}{printed_n.group(0).replace('(', '（').replace(')', '）') if printed_n else ''}"
        own = f"{region_label}（n={n}）"
        report = dict(zip(table.data[table.data["series"] == series]["item"], table.data[table.data["series"] == series]["percent"]))
        rows, items, values = [], [], []
        for item in table.items:
            a, b = _pct(count[item], n), float(report.get(item, 0.0))
            rows.append({"item": item, "own_count": count[item], "own_pct": a, "their_count": "—", "their_pct": b})
            items += [item, item]
            values += [a, b]
        data = pd.DataFrame({"item": items, "series": [own, theirs] * len(rows), "percent": values})
        title = f"{table.title}：{group}"
        chart_table = dataclasses.replace(table, title=title, kind="percents", series=(own, theirs),
                                          figures=Columns.of_frame(data), cells=Columns.of_frame(data))
        ident = f"cmp-{table.id}-{k}"
        views.append({"ident": ident, "title": title, "chart": render_comparison(chart_table, ident), "rows": rows,
                      "own": own, "theirs": theirs, "stats": None, "own_n": n,
                      "their_n": int(printed_n.group(0)[3:-1]) if printed_n else None})
    return views


PRIVATE = 3  # fewer clinics than this: no mean, median, min or max (they would show a clinic's own figures)
FIGURES = ("mean", "median", "min", "max")


def private(tally: Tally) -> Tally:
    """The tally as shown and exported: a stats row of 1 or 2 clinics keeps its n, its figures are left out
    (the browser's page does the same, static/js/survey-page.js)."""
    if tally.table.kind != "stats":
        return tally
    frame = tally.frame.copy()
    few = (frame["n"] > 0) & (frame["n"] < PRIVATE)
    if few.any():
        frame.loc[few, list(FIGURES)] = ""
        return dataclasses.replace(tally, frame=frame, suppressed=True)
    return tally


SMALL = 5  # fewer clinics than this: counts only, no percentage (as the browser's page)


def comparison_csv(views: list[dict], region_label: str, s: dict) -> bytes:
    """The region beside the report, one row per answer: n, count and % of each side (a % only from 5 clinics),
    then the figures of the numeric questions; UTF-8 with a BOM and CRLF, as Japanese Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([s["region"], spreadsheet_safe(region_label)])
    writer.writerow(s["csv_header"])
    stats = []
    for table in views:
        tid = table["tally"].table.id
        for v in table["views"]:
            if v["stats"] is not None:
                stats += [(tid, v, r) for r in v["stats"]]
                continue
            for r in v["rows"]:
                own = f"{r['own_pct']:.1f}" if v["own_n"] >= SMALL else ""
                theirs = f"{r['their_pct']:.1f}" if (v["their_n"] or 0) >= SMALL else ""
                writer.writerow([spreadsheet_safe(c) for c in (tid, v["title"], r["item"], v["own_n"], r["own_count"],
                                                               own, v["their_n"] or "", r["their_count"], theirs)])
    writer.writerow([])
    writer.writerow(s["csv_stats_header"])
    for tid, v, r in stats:
        own, theirs = list(r["own"]), list(r["theirs"])
        if len(own) == 5:
            writer.writerow([spreadsheet_safe(c) for c in (tid, v["title"], r["item"], *own, *theirs)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def render_pages(site: Site, templates: Path, tallies: list[Tally], region_label: str) -> dict[str, bytes]:
    tallies = [private(tl) for tl in tallies]
    env = make_environment(templates, bytecode_cache=False)  # the tally writes nothing outside its output folder
    t = load_strings(templates)
    base = {"t": t, "depth": 0, "absolute_links": False, "base_path": "/", "region_label": region_label}
    files: dict[str, bytes] = {}
    sections: dict[str, list] = {}
    for tl in tallies:
        sections.setdefault(tl.table.section, []).append(tl)
    nav = [{"title": title, "href": f"s{tls[0].table.section_number}.html"} for title, tls in sections.items()]
    every_view = []
    for title, tls in sections.items():
        href = f"s{tls[0].table.section_number}.html"
        views = [{"tally": tl, "views": comparison_views(tl, region_label, t)} for tl in tls]
        every_view += views
        files[href] = env.get_template("local_survey_section.html").render(
            **base, title=title, tables=views, nav=nav, current=href).encode("utf-8")
    files["index.html"] = env.get_template("local_survey_index.html").render(
        **base, nav=nav, tallies=tallies, current="index.html").encode("utf-8")
    for tl in tallies:
        files[f"{tl.table.id}.csv"] = to_csv(tl.frame)
    files["comparison.csv"] = comparison_csv(every_view, region_label, t["survey_tally"])
    files["css/site.css"] = (templates.parent / "static" / "css" / "site.css").read_bytes()
    return files
