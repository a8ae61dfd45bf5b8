"""The browser's tally (static/js/survey-core.js) and the command line's (casebook/localsurvey) are one
specification (casebook/localsurvey/plan.py): the shared vectors hold in both, and random response files, as Excel
saves them, tally to the same cells in both."""
from __future__ import annotations

import base64
import csv
import io
import json
import random
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from casebook.localsurvey.plan import tally_plan
from casebook.localsurvey.questionnaire import build_questionnaire
from casebook.localsurvey.responses import ResponsesInvalid, read_responses
from casebook.localsurvey.tally import tally
from tools import INSTALL, require_tool

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors" / "survey_tally.json"
NODE = shutil.which("node") or "/usr/bin/node"


@pytest.fixture(scope="module")
def plan(real_site):
    return tally_plan(real_site.survey)


@pytest.fixture(scope="module")
def questions(real_site):
    return build_questionnaire(real_site.survey)


def vectors() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def as_csv(ids: list[str], clinics: list[dict], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(ids)
    for clinic in clinics:
        writer.writerow([clinic.get(i, "") for i in ids])
    return out.getvalue()


def python_side(path: Path, real_site, questions) -> dict:
    try:
        responses = read_responses(path, questions)
    except ResponsesInvalid as exc:
        return {"errors": [[int(m.group(1)), m.group(2)] for m in
                           (re.match(r"[^:]+:(\d+): (\w+):", line) for line in exc.lines) if m]}
    return {"errors": [], "read": responses.clinics,
            "tallies": [{"id": t.table.id, "n": t.n, "columns": list(t.frame.columns),
                         "rows": [[str(c) for c in row] for row in t.frame.itertuples(index=False)]}
                        for t in tally(list(real_site.survey), questions, responses)]}


def node(job: dict) -> list:
    require_tool("node", shutil.which(NODE) is not None, INSTALL["node"])
    done = subprocess.run([NODE, str(ROOT / "tests" / "js" / "survey_cli.js")], input=json.dumps(job),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.unit
def test_decimal_vectors_hold_in_python():
    for v in vectors()["decimal"]:
        a = Decimal(v["a"])
        x = a if v["op"] == "quantize" else (a + Decimal(v["b"]) if v["op"] == "add" else a / Decimal(v["b"]))
        got = f"{x.quantize(Decimal(1).scaleb(-v['places']), rounding=ROUND_HALF_UP):f}"
        assert got == v["expected"], v["name"]


@pytest.mark.unit
def test_file_vectors_hold_in_python(real_site, questions, tmp_path):
    ids = [q.id for q in questions]
    for k, v in enumerate(vectors()["files"]):
        path = tmp_path / f"v{k}.csv"
        path.write_text(as_csv(ids, v["clinics"]), encoding="utf-8", newline="")
        got = python_side(path, real_site, questions)
        assert got["errors"] == v.get("errors", []), v["name"]
        for table_id, want in v.get("expected", {}).items():
            mine = next(t for t in got["tallies"] if t["id"] == table_id)
            assert mine["n"] == want["n"], (v["name"], table_id)
            for row in want["rows"]:
                assert row in mine["rows"], (v["name"], table_id, row)
        for table_id, order in v.get("order", {}).items():
            items = [r[0] for r in next(t for t in got["tallies"] if t["id"] == table_id)["rows"]]
            assert [i for i in items if i in order] == order, (v["name"], items)


@pytest.mark.unit
def test_vectors_hold_in_the_browser_tally(plan, tmp_path):
    require_tool("node", shutil.which(NODE) is not None, INSTALL["node"])
    (tmp_path / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([NODE, str(ROOT / "tests" / "js" / "survey_vectors.js"), str(VECTORS),
                           str(tmp_path / "plan.json")], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def random_clinic(rng: random.Random, questions, doctors_id: str) -> dict:
    clinic = {}
    for q in questions:
        if rng.random() < 0.15:
            continue  # left empty
        if q.answer == "single":
            clinic[q.id] = rng.choice(q.options)
        elif q.answer == "multiple":
            clinic[q.id] = rng.choice([";", "；"]).join(rng.sample(q.options, rng.randint(1, min(4, len(q.options)))))
        elif q.answer == "area":
            clinic[q.id] = rng.choice([*q.options[:3], "東地区", "西地区", "西地区", "ｶﾅ町", "カナ町"])
        elif q.answer == "text":
            clinic[q.id] = rng.choice(["連携が取りやすい", "一行目\n二行目", "「医師会」, 病院"])
        elif q.id == doctors_id:
            clinic[q.id] = str(rng.choice([0, 1, 1, 1, 2, 2, 3, 4, 7]))
        else:
            value = rng.choice([0, 1, 2, 3, 5, 8, 13, 21, 120, 1999, 2000, 2500, 12345])
            if rng.random() < 0.3:
                value = value + rng.choice([0.5, 0.25, 0.1, 0.05, 0.333])
            text = repr(value) if isinstance(value, float) else str(value)
            clinic[q.id] = "１２" if rng.random() < 0.02 else text
    return clinic


ENCODINGS = [("utf-8-sig", ","), ("utf-8", ","), ("cp932", ","), ("utf-16", "\t")]


@pytest.mark.site
def test_random_response_files_tally_to_the_same_cells_in_both(real_site, questions, plan, tmp_path):
    rng = random.Random(31)
    ids = [q.id for q in questions]
    files, paths = [], []
    sheet = ["ID（自由記入・集計しません）"] + [q["heading"] for q in plan["questions"]]
    for k in range(30):
        clinics = [random_clinic(rng, questions, plan["doctors"]) for _ in range(rng.choice([1, 2, 3, 5, 12, 40, 150]))]
        encoding, delimiter = ENCODINGS[k % len(ENCODINGS)]
        if k % 3:
            raw = as_csv(ids, clinics, delimiter).encode(encoding)
        else:
            # The Excel input sheet: headings 「問N …」, the coordinator's ID column, a form left empty but for its ID.
            for n, clinic in enumerate(clinics, 1):
                clinic["ID"] = f"No.{n}"
            clinics.insert(len(clinics) // 2, {"ID": "空"})
            rows = [{h: c.get(q.id if q else "ID", "") for h, q in zip(sheet, [None, *questions])} for c in clinics]
            raw = as_csv(sheet, rows, delimiter).encode(encoding)
        path = tmp_path / f"r{k}.csv"
        path.write_bytes(raw)
        paths.append(path)
        files.append(base64.b64encode(raw).decode("ascii"))
    browser = node({"plan": plan, "files": files})
    cells = 0
    for path, theirs in zip(paths, browser):
        mine = python_side(path, real_site, questions)
        assert mine["errors"] == [] and theirs["errors"] == [], path.name
        assert theirs["read"] == mine["read"], path.name
        assert [t["id"] for t in theirs["tallies"]] == [t["id"] for t in mine["tallies"]]
        for a, b in zip(mine["tallies"], theirs["tallies"]):
            assert (a["id"], a["n"], a["columns"]) == (b["id"], b["n"], b["columns"]), path.name
            assert a["rows"] == b["rows"], (path.name, a["id"])
            cells += sum(len(r) for r in a["rows"]) + 1
    assert cells > 30 * 1000  # every table of every file was compared
