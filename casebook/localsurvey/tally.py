"""Responses → tables in the shape of survey/<id>.csv, tallied with pandas the way the report tallies."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from ..model import SurveyTable
from .questionnaire import (DOCTOR_GROUP_TABLES, STATS_FROM, VALUES_FROM, VISITS_LIMIT, Question, doctors_question,
                            questions_for)
from .responses import Responses

ALL_ITEMS_NOTE = "※すべての項目を回答した方のみ抽出"


@dataclass(frozen=True)
class Tally:
    table: SurveyTable  # the report's table
    n: int              # clinics counted in the region
    frame: pd.DataFrame  # columns exactly as survey/<id>.csv


def _frame(responses: Responses, questions: list[Question]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(responses.rows), columns=[q.id for q in questions])


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


def _decimals(table: SurveyTable, column: str) -> int:
    return max((len(c.split(".")[1]) if "." in c else 0) for c in table.printed[column])


def _stats(table: SurveyTable, qs: list[Question], df: pd.DataFrame, all_items: list[Question] | None = None,
           labels: list[str] | None = None, keep: pd.Series | None = None) -> tuple[pd.DataFrame, int]:
    """n, mean, median, min, max per row, with the report's decimals. *all_items*: the questions a clinic must
    all have answered (「すべての項目を回答した方のみ抽出」); *keep*: the clinics of a split table."""
    every = all_items or qs
    values = df[list(dict.fromkeys([q.id for q in every] + [q.id for q in qs]))].astype("float64")
    if keep is not None:
        values = values[keep.fillna(False).astype(bool)]
    if ALL_ITEMS_NOTE in table.notes:
        values = values.dropna(subset=[q.id for q in every])  # the report counts only clinics that answered every item
    values = values[[q.id for q in qs]]
    rows = []
    for q, label in zip(qs, labels or [q.item for q in qs]):
        col = values[q.id].dropna()
        if col.empty:
            rows.append((label, 0, "", "", "", ""))
            continue
        f = {c: _decimals(table, c) for c in ("mean", "median", "min", "max")}
        rows.append((label, int(col.size), f"{col.mean():.{f['mean']}f}", f"{col.median():.{f['median']}f}",
                     f"{col.min():.{f['min']}f}", f"{col.max():.{f['max']}f}"))
    n = int(values.notna().any(axis=1).sum())
    return pd.DataFrame(rows, columns=["item", "n", "mean", "median", "min", "max"]), n


def _stats_from(table: SurveyTable, questions: list[Question], df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    source, first, split = STATS_FROM[table.id]
    source_qs = [q for q in questions if q.table == source]
    qs = source_qs[first:first + len(table.printed)]
    keep = None
    if split is not None:
        visits = df[source_qs[0].id].astype("float64")
        keep = visits < VISITS_LIMIT if split == "below-2000" else visits >= VISITS_LIMIT
        keep = keep.where(visits.notna())
    return _stats(table, qs, df, all_items=source_qs, labels=list(table.printed["item"]), keep=keep)


def _values_from(table: SurveyTable, questions: list[Question], df: pd.DataFrame,
                 doctors: Question) -> tuple[pd.DataFrame, int]:
    """The mean figure per doctor of the clinics giving each answer, for all of them and by 医師１人のみ／２人以上."""
    intention, source, row, per_doctor = VALUES_FROM[table.id]
    answer = next(q for q in questions if q.table == intention)
    figure = [q for q in questions if q.table == source][row]
    n_doctors = df[doctors.id].astype("float64")
    value = df[figure.id].astype("float64")
    if per_doctor:
        value = value / n_doctors.where(n_doctors >= 1)
    group = doctor_group(n_doctors, table.series[1:])
    frame = pd.DataFrame({"answer": df[answer.id], "group": group, "value": value}).dropna()
    intention_items = [t for t in dict.fromkeys(table.data["item"])]
    rows = []
    for item in intention_items:
        for series in table.series:
            mine = frame[(frame["answer"] == item) & ((frame["group"] == series) if series != table.series[0] else True)]
            if mine.empty:
                rows.append((item, series, "", "該当無し"))
            else:
                mean = f"{mine['value'].mean():.1f}"
                rows.append((item, series, mean, f"{mean}{table.unit}"))
    return pd.DataFrame(rows, columns=["item", "series", "value", "printed"]), len(frame)


def tally(tables: list[SurveyTable], questions: list[Question], responses: Responses) -> list[Tally]:
    df = _frame(responses, questions)
    doctors = doctors_question(questions)
    out = []
    for table in tables:
        qs = [q for q in questions if q.table == table.id]
        if table.id in STATS_FROM and any(q.table == STATS_FROM[table.id][0] for q in questions):
            frame, n = _stats_from(table, questions, df)
            out.append(Tally(table, n, frame))
            continue
        if table.id in VALUES_FROM and doctors is not None:
            frame, n = _values_from(table, questions, df, doctors)
            out.append(Tally(table, n, frame))
            continue
        if not qs or (table.id in DOCTOR_GROUP_TABLES and doctors is None):
            continue
        if table.kind == "stats":
            frame, n = _stats(table, qs, df)
        elif table.id in DOCTOR_GROUP_TABLES:
            frame, n = _by_doctors(table, qs[0], df, doctors)
        elif qs[0].item is not None:
            frame, n = _matrix(table, qs, df)
        else:
            frame, n = _counts(table, qs[0], df[qs[0].id])
        out.append(Tally(table, n, frame))
    return out


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(cell, (int, float)):
        return str(cell)
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow([neutralise(c) for c in row])
    return buffer.getvalue().encode("utf-8")
