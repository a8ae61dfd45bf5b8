"""The tally as data: what the browser page (static/js/survey-core.js) tallies, derived from the same tables,
questions and rules as the command line's tally (tally.py), so that both give the same cells.

The specification both follow, table by table (`op`):
- counts: one question; n = clinics that answered it (a multiple answer with at least one option); a count per option.
- matrix: one single-answer question per printed row; n = clinics that answered any row; a count per row and answer.
- by_doctors: one question split by the home-care doctors (empty or below 1: not counted; below 2: first series;
  else second); n = clinics with both.
- stats: per row n, mean, median, min, max of the clinics' figures; a per-doctor row is each figure divided by the
  clinic's doctors (empty or below 1: not counted); with `require` only clinics that gave every one of those rows;
  with `keep` only clinics whose figure in `keep.question` is below (or from) `keep.limit`.
- values: the mean per doctor of the clinics giving each answer, overall and by 医師１人のみ／２人以上 (a clinic without
  doctors, answer or figure is not counted); n = clinics counted.
- grouped: the share of each option among the clinics that answered both questions `pair` with `option` (first
  series) and among the other clinics that answered both (second series); n = both groups.
Arithmetic: each figure as its shortest decimal; quotient, sum, mean and median in decimal arithmetic of 28
significant digits rounded half to even (Python's decimal context), each sum in the order of the rows (stats: in
ascending order of the figures); printed figures rounded half up to the places the report prints (`format`)."""
from __future__ import annotations

import json

from ..model import SurveyTable
from .questionnaire import (ALL_ITEMS_NOTE, DOCTOR_GROUP_TABLES, FOLLOW_UPS, GROUPED_FROM, STATS_FROM, VALUES_FROM,
                            VISITS_LIMIT, Question, build_questionnaire, doctors_question, per_doctor)

SHEET_NAME = "responses.xlsx"  # the Excel input sheet, beside the page (sheet.py)
REPORT_MONTH = "平成30年1月"
MONTH_WORDS = "対象月"
SPLIT_SERIES_FROM = 1  # values tables: the first series is 全体, the others the doctor groups


def formats(table: SurveyTable) -> dict:
    """The report's format of each stats column (tally._formatter reads the same cells)."""
    out = {}
    for column in ("mean", "median", "min", "max"):
        cells = [c for c in table.cells[column] if c != ""]
        places = [len(c.split(".")[1]) if "." in c else 0 for c in cells]
        k = max(places, default=0)
        out[column] = {"places": k, "fixed": k > 0 and all(p == k for p in places)}
    return out


def heading(number: int, q: Question) -> str:
    """The column heading of the input sheet and the question of the printed form: the site's wording (問 number,
    the table's title and row), with the report's fixed month replaced by the survey's own."""
    return f"問{number} {q.text.replace(REPORT_MONTH, MONTH_WORDS)}"


def _question(number: int, q: Question) -> dict:
    return {"id": q.id, "number": number, "heading": heading(number, q), "table": q.table, "answer": q.answer,
            "options": list(q.options), "item": q.item}


def _table_op(table: SurveyTable, qs: list[Question], questions: list[Question], asked: set,
              doctors: Question | None) -> dict | None:
    """Which computation tally.tally() does for *table* (None where it leaves the table out)."""
    if table.id in STATS_FROM and STATS_FROM[table.id][0] in asked:
        source, first, split = STATS_FROM[table.id]
        source_qs = [q for q in questions if q.table == source]
        rows = source_qs[first:first + len(table.cells["item"])]
        op = _stats(table, rows, source_qs, list(table.cells["item"]), doctors)
        if split is not None:
            op["keep"] = {"question": source_qs[0].id, "limit": VISITS_LIMIT, "below": split == "below-2000"}
        return op
    if table.id in VALUES_FROM and doctors is not None:
        intention, source, row, divide = VALUES_FROM[table.id]
        return {"op": "values", "intention": next(q for q in questions if q.table == intention).id,
                "figure": [q for q in questions if q.table == source][row].id, "divide": divide,
                "doctors": doctors.id, "items": list(dict.fromkeys(table.figures["item"]))}
    if table.id in GROUPED_FROM:
        source, pair, option = GROUPED_FROM[table.id]
        if not {source, *pair} <= asked:
            return None
        ids = [next(q for q in questions if q.table == t).id for t in (source, *pair)]
        return {"op": "grouped", "question": ids[0], "pair": ids[1:], "option": option}
    if not qs or (table.id in DOCTOR_GROUP_TABLES and doctors is None):
        return None
    if table.kind == "stats":
        return _stats(table, qs, qs, [q.item for q in qs], doctors)
    if table.id in DOCTOR_GROUP_TABLES:
        return {"op": "by_doctors", "question": qs[0].id, "doctors": doctors.id}
    if qs[0].item is not None:
        return {"op": "matrix", "questions": [q.id for q in qs]}
    return {"op": "counts", "question": qs[0].id, "areas": qs[0].answer == "area"}


def _stats(table: SurveyTable, rows: list[Question], every: list[Question], labels: list[str],
           doctors: Question | None) -> dict:
    divided = [q.id for q in dict.fromkeys([*every, *rows]) if doctors is not None and per_doctor(table, q)]
    return {"op": "stats", "rows": [q.id for q in rows], "labels": labels,
            "require": [q.id for q in every] if ALL_ITEMS_NOTE in table.notes else [],
            "per_doctor": divided, "doctors": doctors.id if doctors is not None else None,
            "format": formats(table)}


def _asked_if(table: SurveyTable, questions: list[Question]) -> dict | None:
    if table.id not in FOLLOW_UPS:
        return None
    source, option = FOLLOW_UPS[table.id]
    q = next((q for q in questions if q.table == source), None)
    return None if q is None else {"question": q.id, "option": option}


def _report(table: SurveyTable) -> dict:
    """The report's printed table, cell by cell as printed, for the comparison beside the region's."""
    return {"columns": list(table.cells.names), "rows": [list(r) for r in zip(*table.cells.values)]}


def tally_plan(tables) -> dict:
    tables = list(tables)
    questions = build_questionnaire(tables)
    doctors = doctors_question(questions)
    asked = {q.table for q in questions}
    plan_tables = []
    for table in tables:
        op = _table_op(table, [q for q in questions if q.table == table.id], questions, asked, doctors)
        if op is None:
            continue
        plan_tables.append({"id": table.id, "section": table.section, "number": table.number, "title": table.title,
                            "kind": table.kind, "answer": table.answer, "unit": table.unit, "n": table.n,
                            "series": list(table.series), "items": list(table.items), **op,
                            "asked_if": _asked_if(table, questions), "report": _report(table)})
    return {"questions": [_question(i, q) for i, q in enumerate(questions, 1)],
            "doctors": doctors.id if doctors is not None else None, "tables": plan_tables}


def plan_script(tables, strings: dict) -> bytes:
    """survey/local/plan.js, loaded by the page before survey-core.js: the plan and the page's strings as data
    (a file of the site's own, so the page runs under the CSP's script-src 'self' and from file://)."""
    data = json.dumps({"plan": tally_plan(tables), "strings": strings}, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)
    return ("// Made by the build (casebook/localsurvey/plan.py) from survey/ and templates/strings.ja.yaml.\n"
            f"window.SurveyData = {data};\n").encode("utf-8")


def local_survey_files(site, templates) -> list[tuple[str, bytes]]:
    """The files beside /survey/local/: the Excel input sheet and plan.js."""
    from ..render import load_strings
    from .sheet import input_sheet
    return [(f"survey/local/{SHEET_NAME}", input_sheet(tally_plan(site.survey))),
            ("survey/local/plan.js", plan_script(site.survey, load_strings(templates)["survey_tally"]))]
