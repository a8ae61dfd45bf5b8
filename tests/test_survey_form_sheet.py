"""What the coordinator hands out and fills in: the printable 調査票 and the Excel input sheet, both built from the
tally plan (casebook/localsurvey/plan.py), so that every question asked is a column read and a cell tallied."""
from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest

from casebook.localsurvey.plan import tally_plan
from casebook.localsurvey.sheet import ID_HEADING, input_sheet
from html_tree import parse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def plan(real_site):
    return tally_plan(real_site.survey)


def sheet_parts(xlsx: bytes) -> dict[str, ElementTree.Element]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        assert z.testzip() is None
        return {n: ElementTree.fromstring(z.read(n)) for n in z.namelist() if n.endswith((".xml", ".rels"))}


def texts(row) -> list[str]:
    return ["".join(t.text or "" for t in c.iter(MAIN + "t")) for c in row.iter(MAIN + "c")]


@pytest.mark.unit
def test_the_sheet_has_an_id_column_then_one_column_per_question_with_its_drop_down(plan):
    xlsx = input_sheet(plan)
    assert input_sheet(plan) == xlsx  # the same bytes every build
    parts = sheet_parts(xlsx)
    answers, options = parts["xl/worksheets/sheet1.xml"], parts["xl/worksheets/sheet2.xml"]
    headings = texts(next(answers.iter(MAIN + "row")))
    assert headings == [ID_HEADING] + [q["heading"] for q in plan["questions"]]
    assert all(re.match(rf"問{q['number']} ", h) for q, h in zip(plan["questions"], headings[1:]))
    lists = {}
    for row in options.iter(MAIN + "row"):
        for c in row.iter(MAIN + "c"):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            lists.setdefault(col, []).append(texts(c)[0])
    checks = {v.get("sqref").split(":")[0].rstrip("0123456789"): v for v in answers.iter(MAIN + "dataValidation")}
    by_heading = dict(zip(headings, [None] + plan["questions"]))
    for ref, v in checks.items():
        col_index = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(ref))) - 1
        q = by_heading[headings[col_index]]
        if q["answer"] == "single":
            source = v.find(MAIN + "formula1").text
            m = re.fullmatch(r"'選択肢'!\$([A-Z]+)\$2:\$\1\$(\d+)", source)
            assert m and lists[m.group(1)][1:] == q["options"], q["heading"]
        elif q["answer"] == "numeric":
            assert v.get("type") == ("whole" if q["id"] == plan["doctors"] else "decimal")
    single = [q for q in plan["questions"] if q["answer"] == "single"]
    assert len([v for v in checks.values() if v.get("type") == "list"]) == len(single)


@pytest.mark.site
def test_the_printed_form_asks_every_question_in_the_sites_words(built_site, plan):
    html = (built_site / "survey" / "local" / "questionnaire" / "index.html").read_text(encoding="utf-8")
    doc = parse(html)
    text = doc.text
    for q in plan["questions"]:
        assert f"問{q['number']}" in text, q["heading"]
    assert "報告書で使われた調査票そのものではありません" in text
    assert "平成30年1月" not in text and "対象月" in text  # the survey's own month, not the report's
    assert "実人数" in text and "常勤換算ではありません" in text  # what the per-doctor tables divide by
    gate = next(q for q in plan["questions"] if q["table"] == "s3-2")["number"]
    assert f"問{gate}で「往診を行う曜日・時間帯を決めて行っている」を選んだ診療所のみお答えください" in text
    assert "□ 無回答" not in text  # a blank is 無回答; it is not a box to tick
    assert "所在地域（市区町村・地区など）" in text  # a region answers with its own areas
    assert "自由記述" in text


@pytest.mark.site
def test_the_tally_page_links_the_form_and_the_sheet_and_loads_its_scripts_only_there(built_site):
    page = (built_site / "survey" / "local" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../survey/local/questionnaire/index.html"' in page
    assert 'href="../../survey/local/responses.xlsx" download' in page
    assert "survey-core.js" in page and "plan.js" in page
    others = [p for p in built_site.rglob("*.html") if "survey-core.js" in p.read_text(encoding="utf-8")]
    assert others == [built_site / "survey" / "local" / "index.html"]
    survey = (built_site / "survey" / "index.html").read_text(encoding="utf-8")
    assert 'href="../survey/local/index.html"' in survey


@pytest.mark.unit
def test_the_caveat_about_the_reports_clinics_is_quoted_as_the_source_prints_it():
    from pathlib import Path
    from casebook.render import load_strings
    root = Path(__file__).resolve().parent.parent
    source = "".join((root / "source" / "report.txt").read_text(encoding="utf-8").split())  # PDF line breaks out
    caveat = load_strings(root / "templates")["survey_tally"]["caveat"]
    assert caveat.startswith("なお、集計結果については") and "".join(caveat.split()) in source
