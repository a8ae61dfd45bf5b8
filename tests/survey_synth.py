"""Synthetic responses built from the published tables: clinics whose answers reproduce the printed counts."""
from __future__ import annotations

import csv
import io

from casebook.localsurvey.questionnaire import DOCTOR_GROUP_TABLES, build_questionnaire, doctors_question

CLINICS = 124
# 在宅医療を担当する医師数 as the split tables need it: the largest group sizes any of them prints
# (s5-2: 75 with one doctor; s4-3: 26 with two or more).
ONE_DOCTOR, TWO_DOCTORS = 75, 26


def synthetic_rows(tables, clinics: int = CLINICS) -> tuple[list, list[dict]]:
    questions = build_questionnaire(tables)
    rows = [{q.id: "" for q in questions} for _ in range(clinics)]
    doctors = doctors_question(questions)
    groups = (list(range(ONE_DOCTOR)), list(range(ONE_DOCTOR, ONE_DOCTOR + TWO_DOCTORS)))
    for i in groups[0]:
        rows[i][doctors.id] = "1"
    for i in groups[1]:
        rows[i][doctors.id] = "2"
    by_table = {t.id: t for t in tables}
    for q in questions:
        table = by_table[q.table]
        if q.answer == "numeric":
            continue
        data = table.data
        if table.id in DOCTOR_GROUP_TABLES:
            for g, series in enumerate(table.series):
                members = iter(groups[g])
                for item in table.items:
                    count = int(data[(data["item"] == item) & (data["series"] == series)]["count"].sum())
                    for _ in range(count):
                        rows[next(members)][q.id] = item
        elif q.item is not None:  # a matrix row: its answers are the series
            clinic = 0
            for series, count in zip(data[data["item"] == q.item]["series"], data[data["item"] == q.item]["count"]):
                for _ in range(int(count)):
                    rows[clinic][q.id] = series
                    clinic += 1
        elif q.answer == "single":
            clinic = 0
            for item, count in zip(data["item"], data["count"]):
                for _ in range(int(count)):
                    rows[clinic][q.id] = item
                    clinic += 1
        else:  # multiple: options go round the n respondents so that each answers at least one
            n, pointer = table.n, 0
            chosen = [[] for _ in range(n)]
            for item, count in zip(data["item"], data["count"]):
                for k in range(int(count)):
                    chosen[(pointer + k) % n].append(item)
                pointer = (pointer + int(count)) % n
            for clinic, options in enumerate(chosen):
                rows[clinic][q.id] = ";".join(o for o in q.options if o in options)
    return questions, rows


def to_csv_text(questions, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([q.id for q in questions])
    for row in rows:
        writer.writerow([row[q.id] for q in questions])
    return buffer.getvalue()
