"""A multiple-answer column is read whatever the number of options each clinic chose (issue 32 found the case)."""
from __future__ import annotations

import csv

import pytest

from casebook.localsurvey.questionnaire import build_questionnaire
from casebook.localsurvey.responses import read_responses

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("answers", [["A"], ["A", "A"], ["A;B", "B;C"], ["A", "A;B"]])
def test_a_multiple_answer_column_with_equal_or_unequal_counts_per_clinic_is_read(real_site, tmp_path, answers):
    questions = build_questionnaire(real_site.survey)
    q = next(q for q in questions if q.answer == "multiple")
    options = dict(zip("ABC", q.options))
    cells = [";".join(options[x] for x in a.split(";")) for a in answers]
    path = tmp_path / "responses.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(x.id for x in questions)
        for cell in cells:
            out.writerow(cell if x.id == q.id else "" for x in questions)
    frame = read_responses(path, questions).frame
    assert [tuple(v) for v in frame[q.id]] == [tuple(options[x] for x in a.split(";")) for a in answers]
