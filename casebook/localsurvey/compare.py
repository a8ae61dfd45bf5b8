"""Tallies → the comparison the pages show: each question on the report's base (無回答 counted where the report
counts it), the region's and the report's count and n side by side, and the largest differences for the summary.
A table the report prints with an n below its respondents and a 無回答 row has a base the report does not state:
it is shown with a note and kept out of the summary's differences.

The same rules as the browser's page (static/js/survey-page.js: countViews, groupedViews, differences), on the same
plan (plan.tally_plan), so that the command line's pages and the browser's page show the same figures."""
from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from .responses import Responses
from .tally import Tally

SMALL = 5     # fewer clinics than this: counts only, never a percentage
FEW = 20      # fewer than this: the percentage is flagged as a small group
PRIVATE = 3   # fewer clinics than this: no mean, median, min or max (they would show a clinic's figures)
TOP = 10      # largest differences on the summary
NO_ANSWER = "無回答"


def percent(count: int, n: int) -> str:
    """count × 100 / n to one decimal, half up, in whole numbers (exact; SurveyCore.percent)."""
    tenths = (2 * int(count) * 1000 + n) // (2 * n)
    return f"{tenths // 10}.{tenths % 10}"


def rate(count: int, n: int) -> str | None:
    return percent(count, n) if n >= SMALL else None


def _asked(t: dict, frame: pd.DataFrame) -> pd.DataFrame:
    """The clinics the question was asked of: all read, or those whose earlier answer leads to it."""
    if not t["asked_if"]:
        return frame
    option = t["asked_if"]["option"]
    chosen = frame[t["asked_if"]["question"]].map(
        lambda v: option in v if isinstance(v, (list, tuple)) else v == option)
    return frame[chosen.astype(bool)]


def _blank(column: pd.Series) -> pd.Series:
    """No answer: empty (None, NaN) or a multiple answer with no option (an empty tuple)."""
    blank = column.isna()
    if column.dtype == object:
        blank |= column.str.len().fillna(1).eq(0)
    return blank


def _report_counts(t: dict) -> dict:
    cols = t["report"]["columns"]
    i, s, c = cols.index("item"), cols.index("series"), cols.index("count")
    return {(r[i], r[s]): 0 if r[c] == "" else int(float(r[c])) for r in t["report"]["rows"]}


def count_views(t: dict, tally: Tally, frame: pd.DataFrame) -> list[dict]:
    """One view per question (a matrix per printed row): rows of (label, own count, report count), each side's n."""
    report = _report_counts(t)
    asked = _asked(t, frame)
    rows = list(zip(tally.frame["item"], tally.frame["series"], tally.frame["count"]))
    views = []
    if t["op"] == "matrix":
        items = list(dict.fromkeys(tally.frame["item"]))
        for q, item in zip(t["questions"], items):
            own = {s: int(c) for i, s, c in rows if i == item}
            n = sum(own.values())
            if NO_ANSWER in t["series"]:
                blank = int(_blank(asked[q]).sum())
                own[NO_ANSWER] = own.get(NO_ANSWER, 0) + blank
                n += blank
            rn = sum(report.get((item, s), 0) for s in t["series"])
            views.append({"title": f"{t['title']}：{item}", "item": item, "n": n, "rn": rn,
                          "rows": [(s, own.get(s, 0), report.get((item, s), 0)) for s in t["series"]]})
        return views
    if t["op"] == "by_doctors":
        for k, s in enumerate(t["series"]):
            own = {i: int(c) for i, ss, c in rows if ss == s}
            n = sum(own.values())
            if NO_ANSWER in t["items"]:
                d = pd.to_numeric(asked[t["doctors"]], errors="coerce")
                group = (d >= 2).astype(int)
                blank = int(((d >= 1) & (group == k) & _blank(asked[t["question"]])).sum())
                own[NO_ANSWER] = own.get(NO_ANSWER, 0) + blank
                n += blank
            rn = sum(report.get((i, s), 0) for i in t["items"])
            views.append({"title": f"{t['title']}：{s}", "n": n, "rn": rn,
                          "rows": [(i, own.get(i, 0), report.get((i, s), 0)) for i in t["items"]]})
        return views
    own = {i: int(c) for i, _, c in rows}
    n = tally.n
    if NO_ANSWER in t["items"]:
        blank = int(_blank(asked[t["question"]]).sum())
        own[NO_ANSWER] = own.get(NO_ANSWER, 0) + blank
        n += blank
    return [{"title": t["title"], "n": n, "rn": t["n"],
             "rows": [(i, own.get(i, 0), report.get((i, t["series"][0]), 0)) for i, _, _ in rows]}]


def grouped_views(t: dict, tally: Tally) -> list[dict]:
    """A table the report prints as percentages of two groups (s6-1b): its counts are not printed."""
    cols = t["report"]["columns"]
    n_in = re.compile(r"\(n=(\d+)\)$")
    views = []
    for (label, n, count), series in zip(tally.groups, t["series"]):
        found = n_in.search(series)
        report = {r[cols.index("item")]: r[cols.index("percent")] for r in t["report"]["rows"]
                  if r[cols.index("series")] == series}
        views.append({"title": f"{t['title']}：{n_in.sub('', series)}", "n": n, "rn": int(found.group(1)) if found else 0,
                      "percent_only": report, "rows": [(i, int(count.get(i, 0)), None) for i in t["items"]]})
    return views


def respondents(plan: dict) -> int:
    """The report's respondents: the largest n it prints for a table."""
    return max((t["n"] for t in plan["tables"] if t["n"] is not None), default=0)


def base_unknown(t: dict, total: int) -> bool:
    """A table asked of every clinic whose printed n is below the report's respondents: the report left clinics out
    without saying which, yet counts a 無回答, so the region cannot be put on its base (SurveyPage baseUnknown)."""
    return t["op"] in ("counts", "matrix", "by_doctors") and t["n"] is not None and t["n"] < total \
        and not t["asked_if"]


def differences(computed: list[dict]) -> list[dict]:
    """The largest differences in points between the two sides, both n at least SMALL, 無回答 and the tables whose
    base is unknown left out."""
    out = []
    for x in computed:
        if x["base_unknown"]:
            continue
        for v in x["views"]:
            if v["n"] < SMALL or v["rn"] < SMALL:
                continue
            for item, count, rcount in v["rows"]:
                if item == NO_ANSWER:
                    continue
                a = percent(count, v["n"])
                b = v["percent_only"].get(item) if "percent_only" in v else percent(rcount, v["rn"])
                if b is None or b == "":
                    continue
                d = Decimal(a) - Decimal(str(b))
                out.append({"title": v["title"], "item": item, "a": a, "b": b, "count": count,
                            "rcount": "—" if "percent_only" in v else rcount, "n": v["n"], "rn": v["rn"], "d": d,
                            "table": x["t"]["id"], "section": x["t"]["section"]})
    out.sort(key=lambda p: -abs(p["d"]))
    return out[:TOP]


def signed(d: Decimal) -> str:
    return ("+" if d > 0 else "−" if d < 0 else "±") + f"{abs(d):.1f}"


def compare(plan: dict, tallies: list[Tally], responses: Responses) -> list[dict]:
    """Per plan table: the table, its tally, its views (none for figures: those are shown as tallied) and whether
    its base is unknown (base_unknown: shown with the report's n and a note, never in the summary)."""
    by_id = {tl.table.id: tl for tl in tallies}
    total = respondents(plan)
    computed = []
    for t in plan["tables"]:
        tally = by_id.get(t["id"])
        if tally is None:
            continue
        views = []
        if t["op"] in ("counts", "matrix", "by_doctors"):
            views = count_views(t, tally, responses.frame)
        elif t["op"] == "grouped":
            views = grouped_views(t, tally)
        computed.append({"t": t, "tally": tally, "views": views, "anchor": f"result-{t['id']}",
                         "base_unknown": bool(views) and base_unknown(t, total)})
    return computed
