"""A survey table's derivation (how a local survey makes the table) quotes the report exactly and describes what the
tally does (issue 32)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from casebook.localsurvey.questionnaire import build_questionnaire
from casebook.localsurvey.responses import read_responses
from casebook.localsurvey.tally import tally
from casebook.text import clean_text

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
QUOTED = re.compile(r"「([^「」]*(?:「[^「」]*」[^「」]*)*)」")


def seed_text() -> str:
    lines = (clean_text(line) for line in (ROOT / "source" / "report.txt").read_text(encoding="utf-8").splitlines())
    return re.sub(r"\s", "", "".join(lines))


def test_every_quotation_in_a_derivation_is_printed_in_the_report(real_site):
    """「（A)訪問診療実施件数（医師１人あたり）」 was a shortened item; a quotation is the printed item or none."""
    seed = seed_text()
    assert re.sub(r"\s", "", "（A)訪問診療実施件数（医師１人あたり）") not in seed
    misquoted = [f"{t.id}: 「{q}」" for t in real_site.survey if t.derivation
                 for q in QUOTED.findall(t.derivation)
                 if "…" not in q and re.sub(r"\s", "", q) not in seed]  # 「(n=…)」 is a placeholder, not a quotation
    assert not misquoted, misquoted


def test_the_grouped_table_puts_each_clinic_where_its_derivation_says(real_site, tmp_path):
    """s6-1b: both answers round the clock → first series; 無回答 in either → second; a blank in either → neither.
    The derivation says each rule once, and says the report does not state how its groups were formed."""
    table = next(t for t in real_site.survey if t.id == "s6-1b")
    text = table.derivation
    assert text.count("どちらの系列にも入らない") == 1 and "どちらかの欄が空欄の診療所" in text
    assert "「無回答」を選んだ診療所）を2つ目の系列" in text
    assert "報告書は2つの系列（n=25、n=86）をどのように分けたかを書いておらず" in text

    questions = build_questionnaire(real_site.survey)
    ask = {t: next(q for q in questions if q.table == t) for t in ("s3-2", "s4-2", "s6-1")}
    clock = "24時間365日対応している（地域の他医療機関と協力しながら対応）"
    assert clock in ask["s3-2"].options and "無回答" in ask["s3-2"].options
    linked = ask["s6-1"].options[0]
    rows = [(clock, clock), ("無回答", clock), (clock, "")]  # first series, second series, neither
    path = tmp_path / "responses.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(q.id for q in questions)  # every column, as the template has; the others left blank
        for a, b in rows:
            answers = {ask["s3-2"].id: a, ask["s4-2"].id: b, ask["s6-1"].id: linked}
            out.writerow(answers.get(q.id, "") for q in questions)
    result = next(x for x in tally(real_site.survey, questions, read_responses(path, questions)) if x.table.id == "s6-1b")
    assert [n for _, n, _ in result.groups] == [1, 1]
