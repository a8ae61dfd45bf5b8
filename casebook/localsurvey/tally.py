"""Responses → tables in the shape of survey/<id>.csv, tallied with pandas the way the report tallies."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable, Optional

import numpy as np
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
    suppressed: bool = False  # render.private left out the figures of a row of fewer than 3 clinics
    clinics: tuple[int, ...] = ()  # a values table: the clinics behind each cell, in the order of the frame's rows


def _frame(responses: Responses, questions: list[Question]) -> pd.DataFrame:
    return responses.frame[[q.id for q in questions]]


def _counts(table: SurveyTable, q: Question, answers: pd.Series) -> tuple[pd.DataFrame, int]:
    answered = answers.dropna()
    if q.answer == "multiple":
        answered = answered[answered.map(len) > 0]
        counted = answered.explode().value_counts()
    else:
        counted = answered.value_counts()
    items = list(table.items)
    if q.answer == "area":
        others = {str(a): int(c) for a, c in counted.items() if a not in table.items}
        items += sorted(others, key=lambda a: (-others[a], a))
    frame = pd.DataFrame({"item": items, "series": table.series[0],
                          "count": [int(counted.get(o, 0)) for o in items]})
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
    d = doctors.to_numpy(dtype="float64")
    group = np.where(d >= 2, series[1], series[0]).astype(object)
    group[~(d >= 1)] = None  # NaN compares false: no answer is in neither group
    return pd.Series(group, index=doctors.index, dtype=object)


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


# Figures have at most 3 decimals (responses.MAX_DECIMALS): each clinic's figure is an exact fraction
# num / den of integers, den = SCALE × its doctors where divided, and sums, means and medians are exact.
SCALE = 1000
PAIR = 1 << 20  # above every den: SCALE × at most 999 doctors


@dataclass(frozen=True)
class Figures:
    """Each clinic's figure as num / den exactly; den 0 where it is not counted (no answer, no doctor)."""
    num: np.ndarray
    den: np.ndarray

    def approx(self) -> np.ndarray:
        """The figures as floats, NaN where not counted: for choosing clinics, never for the printed values."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.den > 0, self.num / np.where(self.den > 0, self.den, 1), np.nan)


def _figures(values: pd.Series, doctors: Optional[pd.Series]) -> Figures:
    """Each clinic's figure, divided exactly by its doctors where *doctors* is given (none or 0 → not counted)."""
    v = values.to_numpy(dtype="float64")
    counted = ~np.isnan(v)
    num = np.where(counted, np.round(np.where(counted, v, 0) * SCALE), 0)
    if not np.array_equal(num[counted] / SCALE, v[counted]):
        raise ValueError("a figure with more than 3 decimals reached the tally")  # read_responses refuses them
    den = np.where(counted, SCALE, 0).astype(np.int64)
    if doctors is not None:
        d = doctors.to_numpy(dtype="float64")
        with_doctor = counted & (d >= 1)
        den = np.where(with_doctor, np.round(np.where(with_doctor, d, 0)) * SCALE, 0).astype(np.int64)
    return Figures(num.astype(np.int64), den)


def _decimal(f: Fraction) -> Decimal:
    return Decimal(f.numerator) / Decimal(f.denominator)


def _summary(num: np.ndarray, den: np.ndarray) -> tuple[int, Decimal, Decimal, Decimal, Decimal]:
    """n, mean, median, min and max of the fractions num/den (all counted), exact before the final division."""
    n = len(num)
    total = sum((Fraction(int(num[den == d].sum()), int(d)) for d in np.unique(den)), Fraction(0))
    approx = num / den
    order = np.argsort(approx, kind="stable")
    ranked = approx[order]

    def kth(k: int) -> Fraction:
        # Floats order the fractions except within a rounding error of each other: those are ordered exactly.
        x = ranked[k]
        tol = 1e-9 * max(abs(x), 1.0)
        lo, hi = np.searchsorted(ranked, x - tol, "left"), np.searchsorted(ranked, x + tol, "right")
        window = order[lo:hi]
        # Equal figures (often most of the window) counted once: num and den in one int64 (den < 2^20, num < 2^43)
        counted = pd.Series(num[window] * PAIR + den[window]).value_counts(sort=False)
        near: dict[Fraction, int] = {}
        for key, c in zip(counted.index.tolist(), counted.tolist()):
            f = Fraction(key // PAIR, key % PAIR)
            near[f] = near.get(f, 0) + c
        rank = k - lo
        for f in sorted(near):
            if rank < near[f]:
                return f
            rank -= near[f]
        raise AssertionError("the window holds the k-th figure")

    mid = n // 2
    median = kth(mid) if n % 2 else (kth(mid - 1) + kth(mid)) / 2
    return n, _decimal(total / n), _decimal(median), _decimal(kth(0)), _decimal(kth(n - 1))


def _mean(figures: Figures, mask: np.ndarray) -> Decimal | None:
    num, den = figures.num[mask], figures.den[mask]
    if not len(num):
        return None
    return _decimal(sum((Fraction(int(num[den == d].sum()), int(d)) for d in np.unique(den)), Fraction(0)) / len(num))


def _stats(table: SurveyTable, qs: list[Question], df: pd.DataFrame, all_items: list[Question] | None = None,
           labels: list[str] | None = None, keep: pd.Series | None = None,
           doctors: Question | None = None) -> tuple[pd.DataFrame, int]:
    """n, mean, median, min, max per row in the report's format. *all_items*: the questions a clinic must all have
    answered (「すべての項目を回答した方のみ抽出」); *keep*: the clinics of a split table; *doctors*: the question a
    医師１人あたり row is divided by. Mean and median are exact (decimal) before rounding half up."""
    every = all_items or qs
    counts = df[doctors.id] if doctors is not None else None
    figures = {q.id: _figures(df[q.id], counts if counts is not None and per_doctor(table, q) else None)
               for q in dict.fromkeys([*every, *qs])}
    chosen = np.ones(len(df), dtype=bool)
    if keep is not None:
        chosen &= keep.fillna(False).astype(bool).to_numpy()
    if ALL_ITEMS_NOTE in table.notes:  # the report counts only clinics that answered every item
        for q in every:
            chosen &= figures[q.id].den > 0
    fmt = {c: _formatter(table, c) for c in ("mean", "median", "min", "max")}
    rows = []
    answered = np.zeros(len(df), dtype=bool)
    for q, label in zip(qs, labels or [q.item for q in qs]):
        mine = chosen & (figures[q.id].den > 0)
        answered |= mine
        if not mine.any():
            rows.append((label, 0, "", "", "", ""))
            continue
        n, mean, median, low, high = _summary(figures[q.id].num[mine], figures[q.id].den[mine])
        rows.append((label, n, fmt["mean"](mean), fmt["median"](median), fmt["min"](low), fmt["max"](high)))
    return pd.DataFrame(rows, columns=["item", "n", "mean", "median", "min", "max"]), int(answered.sum())


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
    n_doctors = df[doctors.id]
    values = _figures(df[figure.id], n_doctors if divide else None)
    group = doctor_group(n_doctors, table.series[1:]).to_numpy()
    answers = df[answer.id].to_numpy(dtype=object)
    counted = (values.den > 0) & pd.notna(answers) & pd.notna(group)
    rows, clinics = [], []
    for item in dict.fromkeys(table.data["item"]):
        for series in table.series:
            mask = counted & (answers == item) & ((group == series) if series != table.series[0] else True)
            clinics.append(int(mask.sum()))
            mean = _mean(values, mask)
            if mean is None:
                rows.append((item, series, "", "該当無し"))
            else:
                shown = f"{mean.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"
                rows.append((item, series, shown, f"{shown}{table.unit}"))
    return pd.DataFrame(rows, columns=["item", "series", "value", "printed"]), int(counted.sum()), tuple(clinics)


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
            frame, n, clinics = _values_from(table, questions, df, doctors)
            out.append(Tally(table, n, frame, clinics=clinics))
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
