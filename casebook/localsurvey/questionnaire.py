"""The questionnaire, derived from the survey tables: one question per table (per row for a matrix or numeric table)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from ..model import SurveyTable

# Tables whose series is not a question of its own but a split by another answer.
# The split is documented next to the table (survey/tables.yaml: derivation).
DOCTORS_QUESTION = ("s2-5", "1-1）医師のうち在宅医療を担当する医師数")
DOCTOR_GROUP_TABLES = ("s3-3", "s4-3", "s5-2")
# Numeric tables that re-list or split another table's answers: (source table, first source row, filter).
STATS_FROM = {
    "s5-1": ("s2-8", 4, None),            # the death rows of (２)⑧, re-listed
    "s4-1": ("s4-1c", 0, "below-2000"),   # clinics with (A) below 2,000 a year per doctor
    "s4-1b": ("s4-1c", 0, "from-2000"),   # clinics with (A) of 2,000 or more
}
VISITS_LIMIT = 2000
# 医師１人あたり values tables: (intention table, figures table, its row, divide by the doctors?)
VALUES_FROM = {
    "s3-3b": ("s3-3", "s3-1", 0, True),
    "s4-3b": ("s4-3", "s4-1c", 0, False),  # (A) is asked per doctor already
    "s5-2b": ("s5-2", "s2-8", 6, True),    # ―うち自宅での死亡者数
}
# s6-1b splits s6-1's answers by the clinic's answers to 往診の実施 (s3-2) and 訪問診療の実施 (s4-2).
ROUND_THE_CLOCK = ("s6-1", ("s3-2", "s4-2"), "24時間365日対応している（地域の他医療機関と協力しながら対応）")
GROUPED_FROM = {"s6-1b": ROUND_THE_CLOCK}
# Stats tables the report divides by the clinic's home-care doctors (its note 「「医師１人あたり」の数値については、
# …医師数で各数値を按分したもの」), except rows that are asked per doctor already (s4-1c's items say 医師１人あたり).
PER_DOCTOR_NOTE = "※「医師１人あたり」の数値については、診療所において在宅医療を行う医師数で各数値を按分したものである"
ASKED_PER_DOCTOR = "医師１人あたり"
NOT_ASKED = (*STATS_FROM, *VALUES_FROM, *GROUPED_FROM)
ALL_ITEMS_NOTE = "※すべての項目を回答した方のみ抽出"
# s1 counts the clinics by area. The report's areas are its 13 regions; a region's own survey has its own areas
# (市区町村, 地区), so the clinic writes its area and the tally counts each written area after the report's ones.
AREA_TABLE = "s1"
AREA_TEXT = "所在地域（市区町村・地区など）"
# Follow-up questions, asked only of the clinics giving an answer to an earlier question (the report's notes on
# s3-2b, s3-2c and s4-2b; s6-2 and s6-3 ask about the 訪問看護ステーション and 薬局 a clinic named in s6-1): the form
# says whom to skip, and the base of a fair comparison is the clinics asked.
FOLLOW_UPS = {
    "s3-2b": ("s3-2", "往診を行う曜日・時間帯を決めて行っている"),
    "s3-2c": ("s3-2", "往診を行う曜日・時間帯を決めて行っている"),
    "s4-2b": ("s4-2", "訪問診療を行う曜日・時間帯を決めて行っている"),
    "s6-2": ("s6-1", "訪問看護ステーション"),
    "s6-3": ("s6-1", "薬局"),
}


@dataclass(frozen=True)
class Question:
    id: str
    table: str
    text: str
    answer: str  # single, multiple, numeric, text or area (written, counted by what is written)
    options: tuple[str, ...]
    item: Optional[str] = None

    def as_yaml(self) -> dict:
        d = {"id": self.id, "table": self.table, "text": self.text, "answer": self.answer}
        if self.answer in ("single", "multiple"):
            d["options"] = list(self.options)
        if self.item is not None:
            d["item"] = self.item
        return d


def _qid(table_id: str, row: int | None = None) -> str:
    base = "q_" + table_id.replace("-", "_")
    return base if row is None else f"{base}_{row:02d}"


def questions_for(table: SurveyTable) -> list[Question]:
    if table.id in NOT_ASKED:
        return []
    if table.kind == "stats":
        # Printed rows, not distinct items: s2-8 prints 「―うち悪性新生物を原因とする死亡者数」 twice.
        return [Question(_qid(table.id, i), table.id, f"{table.title}：{item}", "numeric", (), item)
                for i, item in enumerate(table.cells["item"], 1)]
    if table.kind != "counts":
        return []
    if len(table.series) > 1 and table.id not in DOCTOR_GROUP_TABLES:
        # A matrix: each printed row is asked on its own, its answers are the table's series.
        return [Question(_qid(table.id, i), table.id, f"{table.title}：{item}", "single", table.series, item)
                for i, item in enumerate(table.items, 1)]
    if table.id == AREA_TABLE:
        return [Question(_qid(table.id), table.id, AREA_TEXT, "area", table.items)]
    return [Question(_qid(table.id), table.id, table.title, table.answer, table.items)]


# （６）⑧ is free text in the report (survey/free-text-s6-8.yaml): asked after the other questions of （６）, listed
# on the results as written, never tallied.
FREE_TEXT = Question("q_s6_8", "s6-8", "他医療機関との在宅医療の連携の特徴と連携ができている要因（自由記述）", "text", ())
FREE_TEXT_AFTER = "s6-"


def build_questionnaire(tables) -> list[Question]:
    questions = [q for t in tables for q in questions_for(t)]
    last = max((i for i, q in enumerate(questions) if q.table.startswith(FREE_TEXT_AFTER)), default=None)
    if last is not None:
        questions.insert(last + 1, FREE_TEXT)
    return questions


def doctors_question(questions: list[Question]) -> Question | None:
    """The question the 医師１人のみ／２人以上 split reads (None in a project without that table)."""
    return next((q for q in questions if (q.table, q.item) == DOCTORS_QUESTION), None)


def per_doctor(table: SurveyTable, q: Question) -> bool:
    """Whether the report divides this row by the clinic's home-care doctors (its 医師１人あたり note)."""
    return PER_DOCTOR_NOTE in table.notes and ASKED_PER_DOCTOR not in (q.item or "")


# The input sheet's headings (plan.heading): 「問N …」 names question N; a column headed ID, No. or 番号 is the
# coordinator's own and is not read. static/js/survey-core.js reads headings by the same two rules.
QUESTION_NUMBER = re.compile(r"問(\d+)(?!\d)")
ID_HEADING = re.compile(r"(id|no\.?|番号|通し番号|診療所id|診療所番号|メモ)\b|id[（(]|.*集計しません", re.IGNORECASE)
IGNORED = "ignored"


def column_of(heading: str, questions: list[Question]):
    """The question a column heading names (its id, or 「問N …」), IGNORED for an ID column, else None."""
    text = unicodedata.normalize("NFKC", heading).strip()
    for q in questions:
        if q.id == text:
            return q
    number = QUESTION_NUMBER.match(text)
    if number and 1 <= int(number.group(1)) <= len(questions):
        return questions[int(number.group(1)) - 1]
    if text and ID_HEADING.match(text):
        return IGNORED
    return None
