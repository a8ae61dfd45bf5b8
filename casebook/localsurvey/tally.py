"""Responses → tables in the shape of survey/<id>.csv, tallied with pandas the way the report tallies."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Optional

import pandas as pd

from ..model import SurveyTable
from ..text import spreadsheet_safe
from .questionnaire import (ALL_ITEMS_NOTE, DOCTOR_GROUP_TABLES, GROUPED_FROM, STATS_FROM, VALUES_FROM,
                            VISITS_LIMIT, Question, doctors_question, per_doctor)
from .responses import Responses


@dataclass(frozen=True)
class Tally:
    table: SurveyTable  # the report's table
    n: int              # clinics counted in the region
    frame: pd.DataFrame  # columns exactly as survey/<id>.csv
    # A percents table split into groups (s6-1b): per series, the region's n and count per item.
    groups: tuple[tuple[str, int, dict], ...] = field(default=())


def _frame(responses: Responses, questions: list[Question]) -> pd.DataFrame:
    return responses.frame[[q.id for q in questions]]


def _counts(table: SurveyTable, q: Question, answers: pd.Series) -> tuple[pd.DataFrame, int]:
    answered = answers.dropna()
    if q.answer == "multiple":
        answered = answered[answered.map(len) > 0]
        counted = answered.explode().value_counts()
    else:
        counted = answered.value_counts()
    frame = pd.DataFrame({"item": list(table.items), "series": table.series[0],
                          "count": [int(counted.get(o, 0)) for o in table.items]})
    return frame, len(answered)


def _matrix(table: SurveyTable, qs: list[Question], df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    rows = []
    for q in qs:
        counted = df[q.id].dropna().value_counts()
        rows += [(q.item, s, int(counted.get(s, 0))) for s in table.series]
    n = int(df[[q.id for q in qs]].notna().any(axis=1).sum())
    return pd.DataFrame(rows, columns=["item", "series", "count"]), n


def doctor_group(doctors: pd.Series, series: tuple[str, ...]) -> pd.Series:
    """在宅医療を担当する医師数 → the report's split: １人のみ所属 / ２人以上所属; none or no answer → not counted."""
    return doctors.map(lambda v: None if pd.isna(v) or v < 1 else (series[0] if v < 2 else series[1]))


def _by_doctors(table: SurveyTable, q: Question, df: pd.DataFrame, doctors: Question) -> tuple[pd.DataFrame, int]:
    groups = doctor_group(df[doctors.id], table.series)
    both = pd.DataFrame({"answer": df[q.id], "group": groups}).dropna()
    counted = both.groupby(["answer", "group"]).size()
    rows = [(item, s, int(counted.get((item, s), 0))) for item in table.items for s in table.series]
    return pd.DataFrame(rows, columns=["item", "series", "count"]), len(both)


def _formatter(table: SurveyTable, column: str) -> Callable[[Decimal], str]:
    """The report's format of one stats column, read from its printed cells: a fixed number of decimals where every
    cell shows them (「16.0」「0.0」), else Excel's General — up to that many decimals, trailing zeros dropped
    (「0.9」 and 「1」 in one column; 「1.25」 and 「4」). A column of whole numbers keeps up to one decimal, so a
    region's 27.5 is not shown as 28. Rounding is half up, as the report rounds."""
    cells = [c for c in table.printed[column] if c != ""]
    places = [len(c.split(".")[1]) if "." in c else 0 for c in cells]
    k = max(places, default=0)
    fixed = k > 0 and all(p == k for p in places)
    quantum = Decimal(1).scaleb(-max(k, 1) if not fixed else -k)

    def fmt(value: Decimal) -> str:
        q = value.quantize(quantum, rounding=ROUND_HALF_UP)
        if fixed:
            return f"{q:f}"
        text = f"{q:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return fmt


def exact(value: float) -> Decimal:
    """A cell as the clinic typed it: the float read from text back to its shortest decimal (0.1 stays 0.1)."""
    return Decimal(repr(float(value)))


def _divided(values: pd.Series, doctors: Optional[pd.Series]) -> list[Optional[Decimal]]:
    """Each clinic's figure, divided exactly by its doctors where *doctors* is given (none or 0 → not counted)."""
    out = []
    for i, v in values.items():
        if pd.isna(v):
            out.append(None)
        elif doctors is None:
            out.append(exact(v))
        else:
            d = doctors.get(i)
            out.append(None if d is None or pd.isna(d) or d < 1 else exact(v) / exact(d))
    return out


def _stats(table: SurveyTable, qs: list[Question], df: pd.DataFrame, all_items: list[Question] | None = None,
           labels: list[str] | None = None, keep: pd.Series | None = None,
           doctors: Question | None = None) -> tuple[pd.DataFrame, int]:
    """n, mean, median, min, max per row in the report's format. *all_items*: the questions a clinic must all have
    answered (「すべての項目を回答した方のみ抽出」); *keep*: the clinics of a split table; *doctors*: the question a
    医師１人あたり row is divided by. Mean and median are exact (decimal) before rounding half up."""
    every = all_items or qs
    values = df[list(dict.fromkeys([q.id for q in every] + [q.id for q in qs]))].astype("float64")
    counts = df[doctors.id].astype("float64") if doctors is not None else None
    divided = {}
    for q in dict.fromkeys([*every, *qs]):
        split = counts if counts is not None and per_doctor(table, q) else None
        divided[q.id] = pd.Series(_divided(values[q.id], split), index=values.index, dtype="object")
    frame = pd.DataFrame(divided, index=values.index)
    if keep is not None:
        frame = frame[keep.fillna(False).astype(bool)]
    if ALL_ITEMS_NOTE in table.notes:
        frame = frame.dropna(subset=[q.id for q in every])  # the report counts only clinics that answered every item
    frame = frame[[q.id for q in qs]]
    fmt = {c: _formatter(table, c) for c in ("mean", "median", "min", "max")}
    rows = []
    for q, label in zip(qs, labels or [q.item for q in qs]):
        col = sorted(v for v in frame[q.id] if v is not None)
        if not col:
            rows.append((label, 0, "", "", "", ""))
            continue
        mid = len(col) // 2
        median = col[mid] if len(col) % 2 else (col[mid - 1] + col[mid]) / 2
        rows.append((label, len(col), fmt["mean"](sum(col) / len(col)), fmt["median"](median),
                     fmt["min"](col[0]), fmt["max"](col[-1])))
    n = int(frame.notna().any(axis=1).sum())
    return pd.DataFrame(rows, columns=["item", "n", "mean", "median", "min", "max"]), n


def _stats_from(table: SurveyTable, questions: list[Question], df: pd.DataFrame,
                doctors: Question | None) -> tuple[pd.DataFrame, int]:
    source, first, split = STATS_FROM[table.id]
    source_qs = [q for q in questions if q.table == source]
    qs = source_qs[first:first + len(table.printed)]
    keep = None
    if split is not None:
        visits = df[source_qs[0].id].astype("float64")
        keep = visits < VISITS_LIMIT if split == "below-2000" else visits >= VISITS_LIMIT
        keep = keep.where(visits.notna())
    return _stats(table, qs, df, all_items=source_qs, labels=list(table.printed["item"]), keep=keep, doctors=doctors)


def _values_from(table: SurveyTable, questions: list[Question], df: pd.DataFrame,
                 doctors: Question) -> tuple[pd.DataFrame, int]:
    """The mean figure per doctor of the clinics giving each answer, for all of them and by 医師１人のみ／２人以上."""
    intention, source, row, divide = VALUES_FROM[table.id]
    answer = next(q for q in questions if q.table == intention)
    figure = [q for q in questions if q.table == source][row]
    n_doctors = df[doctors.id].astype("float64")
    value = pd.Series(_divided(df[figure.id].astype("float64"), n_doctors if divide else None), index=df.index,
                      dtype="object")
    group = doctor_group(n_doctors, table.series[1:])
    frame = pd.DataFrame({"answer": df[answer.id], "group": group, "value": value}).dropna()
    rows = []
    for item in dict.fromkeys(table.data["item"]):
        for series in table.series:
            mine = frame[(frame["answer"] == item) & ((frame["group"] == series) if series != table.series[0] else True)]
            if mine.empty:
                rows.append((item, series, "", "該当無し"))
            else:
                mean = f"{(sum(mine['value']) / len(mine)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"
                rows.append((item, series, mean, f"{mean}{table.unit}"))
    return pd.DataFrame(rows, columns=["item", "series", "value", "printed"]), len(frame)


N_IN_LABEL = re.compile(r"\(n=\d+\)$")


def _grouped(table: SurveyTable, questions: list[Question], df: pd.DataFrame) -> Tally:
    """s6-1b: the share of each answer to s6-1 among the clinics that answered both s3-2 and s4-2 with the
    round-the-clock option (first series) and among the other clinics that answered both (second series). A clinic
    that left s3-2 or s4-2 empty is in neither group. Each series label carries the region's own n."""
    source, (first, second), option = GROUPED_FROM[table.id]
    q = next(q for q in questions if q.table == source)
    a, b = (df[next(x for x in questions if x.table == t).id] for t in (first, second))
    answered = df[q.id].map(lambda v: isinstance(v, tuple) and len(v) > 0)
    both = a.notna() & b.notna() & answered
    in_group = both & (a == option) & (b == option)
    groups, rows = [], []
    for series, members in zip(table.series, (in_group, both & ~in_group)):
        chosen = df.loc[members, q.id]
        n = len(chosen)
        counted = chosen.explode().value_counts()
        count = {item: int(counted.get(item, 0)) for item in table.items}
        label = N_IN_LABEL.sub(f"(n={n})", series)
        groups.append((label, n, count))
    for item in table.items:
        for label, n, count in groups:
            pct = (Decimal(count[item]) * 100 / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if n else None
            rows.append((item, label, "" if pct is None else f"{pct:f}"))
    frame = pd.DataFrame(rows, columns=["item", "series", "percent"])
    return Tally(table, int(sum(n for _, n, _ in groups)), frame, tuple(groups))


def tally(tables: list[SurveyTable], questions: list[Question], responses: Responses) -> list[Tally]:
    df = _frame(responses, questions)
    doctors = doctors_question(questions)
    asked = {q.table for q in questions}
    out = []
    for table in tables:
        qs = [q for q in questions if q.table == table.id]
        if table.id in STATS_FROM and STATS_FROM[table.id][0] in asked:
            frame, n = _stats_from(table, questions, df, doctors)
            out.append(Tally(table, n, frame))
            continue
        if table.id in VALUES_FROM and doctors is not None:
            frame, n = _values_from(table, questions, df, doctors)
            out.append(Tally(table, n, frame))
            continue
        if table.id in GROUPED_FROM:
            source, pair, _ = GROUPED_FROM[table.id]
            if {source, *pair} <= asked:
                out.append(_grouped(table, questions, df))
            continue
        if not qs or (table.id in DOCTOR_GROUP_TABLES and doctors is None):
            continue
        if table.kind == "stats":
            frame, n = _stats(table, qs, df, doctors=doctors)
        elif table.id in DOCTOR_GROUP_TABLES:
            frame, n = _by_doctors(table, qs[0], df, doctors)
        elif qs[0].item is not None:
            frame, n = _matrix(table, qs, df)
        else:
            frame, n = _counts(table, qs[0], df[qs[0].id])
        out.append(Tally(table, n, frame))
    return out


neutralise = spreadsheet_safe  # the rule the site's own downloads follow (casebook/text.py)


def to_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow([neutralise(c) for c in row])
    return buffer.getvalue().encode("utf-8")
