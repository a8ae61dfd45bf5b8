"""The questionnaire, derived from the survey tables: one question per table (per row for a matrix or numeric table)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import SurveyTable

# Tables whose series is not a question of its own but a split by another answer.
# The split is documented next to the table (survey/tables.yaml: derivation).
DOCTORS_QUESTION = ("s2-5", "1-1）医師のうち在宅医療を担当する医師数")
DOCTOR_GROUP_TABLES = ("s3-3", "s4-3", "s5-2")
NOT_ASKED = ("s3-3b", "s4-3b", "s5-2b", "s6-1b")  # derived figures the local tally does not yet produce


@dataclass(frozen=True)
class Question:
    id: str
    table: str
    text: str
    answer: str  # single, multiple or numeric
    options: tuple[str, ...]
    item: Optional[str] = None

    def as_yaml(self) -> dict:
        d = {"id": self.id, "table": self.table, "text": self.text, "answer": self.answer}
        if self.answer != "numeric":
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
        return [Question(_qid(table.id, i), table.id, f"{table.title}：{item}", "numeric", (), item)
                for i, item in enumerate(table.items, 1)]
    if table.kind != "counts":
        return []
    if len(table.series) > 1 and table.id not in DOCTOR_GROUP_TABLES:
        # A matrix: each printed row is asked on its own, its answers are the table's series.
        return [Question(_qid(table.id, i), table.id, f"{table.title}：{item}", "single", table.series, item)
                for i, item in enumerate(table.items, 1)]
    return [Question(_qid(table.id), table.id, table.title, table.answer, table.items)]


def build_questionnaire(tables) -> list[Question]:
    return [q for t in tables for q in questions_for(t)]


def doctors_question(questions: list[Question]) -> Question | None:
    """The question the 医師１人のみ／２人以上 split reads (None in a project without that table)."""
    return next((q for q in questions if (q.table, q.item) == DOCTORS_QUESTION), None)
