"""The report's survey run in a region: template, validation of a real spreadsheet's file, tally, comparison pages."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import yaml

from casebook import cli
from casebook.localsurvey.questionnaire import NOT_ASKED, build_questionnaire
from casebook.localsurvey.tally import neutralise, to_csv
from conftest import ROOT
from survey_synth import synthetic_rows, to_csv_text

# Tables whose printed figures cannot all come from one set of 124 clinics, and why (see 出典注記 in tables.yaml).
# The synthetic clinics reproduce every published CSV byte for byte; what cannot be reproduced is the n printed
# beside a table when its own figures add up to another n.
INCONSISTENT_N = {
    # The counts and the 計 agree with each other (96 clinics) but the chart prints n=(99).
    "s4-3": 96,
}
# Cross-table relations the report's tables imply: (what, left, right). Each is checked on the published tables
# (so a relation that the source breaks is listed in SOURCE_BREAKS instead) and on the tally of the synthetic
# clinics, so the synthetic file is one coherent set of clinics, not one column per table.
SOURCE_BREAKS = {
    # (２)⑦ prints 117 clinics doing 往診, (３)② n=(118) with 「往診は行っていない」 0 (出典注記 of s3-2).
    "s3-2 n = s2-7 (1) 往診 している",
}
@pytest.fixture(scope="module")
def synthetic(real_site, tmp_path_factory):
    questions, rows = synthetic_rows(list(real_site.survey))
    path = tmp_path_factory.mktemp("synth") / "responses.csv"
    path.write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
    return path


def run(*args) -> int:
    return cli.main([*map(str, args), "--root", str(ROOT)])


@pytest.fixture(scope="module")
def tallied(synthetic, tmp_path_factory):
    out = tmp_path_factory.mktemp("tally") / "out"
    assert run("survey-tally", synthetic, "--out", out) == 0
    return out


@pytest.mark.unit
def test_synthetic_clinics_tally_to_every_published_table(real_site, tallied):
    """Counts, stacked and cross tables, stats (n, mean, median, min, max), the 医師１人あたり values tables and the
    s6-1b percentages: every published survey CSV comes out byte for byte."""
    tables = list(real_site.survey)
    assert len(tables) == 35 and {t.kind for t in tables} == {"counts", "stats", "values", "percents"}
    for table in tables:
        assert (tallied / f"{table.id}.csv").read_bytes() == (ROOT / "survey" / table.csv).read_bytes(), table.id


def _read(folder, table_id):
    with open(folder / f"{table_id}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _count(rows, item, series=None):
    return sum(int(r["count"]) for r in rows if r["item"] == item and (series is None or r["series"] == series))


def _group_sizes(rows):
    return [sum(int(x["count"]) for x in rows if x["series"] == s) for s in dict.fromkeys(x["series"] for x in rows)]


def _relations(folder, n_of):
    """The relations between tables that the report's tables imply, as (name, left, right) from one folder of CSVs.
    *n_of*: table id → that table's n (printed, or the tally's)."""
    r = {tid: _read(folder, tid) for tid in ("s2-7", "s2-9", "s3-2", "s4-2", "s6-1", "s6-1b", "s4-1", "s4-1b",
                                              "s4-1c", "s2-8", "s5-1", "s3-3", "s5-2")}
    out = []
    for tid in ("s2-7", "s2-9"):  # every row of a matrix is answered by all of the table's clinics
        for item in dict.fromkeys(x["item"] for x in r[tid]):
            out.append((f"{tid} {item} row total = {tid} n", _count(r[tid], item), n_of(tid)))
    out += [
        ("s4-2 n = s2-7 (2) 訪問診療 している", n_of("s4-2"), _count(r["s2-7"], "(2) 訪問診療", "している")),
        ("s3-2 n = s2-7 (1) 往診 している", n_of("s3-2"), _count(r["s2-7"], "(1) 往診", "している")),
        ("s3-2b n = s3-2 曜日・時間帯", n_of("s3-2b"), _count(r["s3-2"], "往診を行う曜日・時間帯を決めて行っている")),
        ("s3-2c n = s3-2 曜日・時間帯", n_of("s3-2c"), _count(r["s3-2"], "往診を行う曜日・時間帯を決めて行っている")),
        ("s4-2b n = s4-2 曜日・時間帯", n_of("s4-2b"), _count(r["s4-2"], "訪問診療を行う曜日・時間帯を決めて行っている")),
        ("s6-2 n = s6-1 訪問看護ステーション", n_of("s6-2"), _count(r["s6-1"], "訪問看護ステーション")),
        ("s6-3 n = s6-1 薬局", n_of("s6-3"), _count(r["s6-1"], "薬局")),
        ("s6-4 n = s6-1 n − 特にない − 無回答", n_of("s6-4"),
         n_of("s6-1") - _count(r["s6-1"], "特にない") - _count(r["s6-1"], "無回答")),
        ("s4-1c n = s4-1 n + s4-1b n", int(r["s4-1c"][0]["n"]), int(r["s4-1"][0]["n"]) + int(r["s4-1b"][0]["n"])),
        ("s5-1 = s2-8 death rows (n, mean, min, max)", [(x["n"], x["mean"], x["min"], x["max"]) for x in r["s5-1"]],
         [(x["n"], x["mean"], x["min"], x["max"]) for x in r["s2-8"][4:]]),
        # (５)② 「１人のみ所属75件、２人以上所属25件で（３）③と同じ内訳」 (出典注記 of s5-2)
        ("s3-3 and s5-2 split the same doctor groups", _group_sizes(r["s3-3"]), _group_sizes(r["s5-2"])),
    ]
    # s6-1b's two groups never name an option more often than s6-1 does, and their n fit within s6-1's.
    groups = {}
    for x in r["s6-1b"]:
        groups.setdefault(x["series"], []).append(x)
    sizes = [int(re.search(r"\(n=(\d+)\)$", s).group(1)) for s in groups]
    out.append(("s6-1b n ≤ s6-1 n", min(sum(sizes), n_of("s6-1")), sum(sizes)))
    for item in dict.fromkeys(x["item"] for x in r["s6-1"]):
        total = sum(round(float(next(x for x in rows if x["item"] == item)["percent"]) * size / 100)
                    for size, rows in zip(sizes, groups.values()))
        out.append((f"s6-1b {item} ≤ s6-1", min(total, _count(r["s6-1"], item)), total))
    return out


@pytest.mark.unit
def test_cross_table_relations_hold_in_the_report_and_in_the_tally(real_site, synthetic, tallied):
    from casebook.localsurvey.responses import read_responses
    from casebook.localsurvey.tally import tally
    printed_n = {t.id: t.n for t in real_site.survey}
    report = _relations(ROOT / "survey", printed_n.get)
    broken = {name for name, left, right in report if left != right}
    assert broken == SOURCE_BREAKS
    questions = build_questionnaire(real_site.survey)
    tallied_n = {tl.table.id: tl.n for tl in tally(list(real_site.survey), questions, read_responses(synthetic, questions))}
    mine = _relations(tallied, tallied_n.get)
    assert len(mine) == len(report) > 40
    for name, left, right in mine:
        if name in SOURCE_BREAKS:
            continue  # the synthetic clinics follow the printed tables, so they inherit the break
        assert left == right, name


@pytest.mark.unit
def test_synthetic_follow_up_questions_are_answered_by_the_clinics_they_follow(synthetic):
    """Clinic by clinic: a follow-up question is answered exactly by the clinics whose earlier answer leads to it."""
    with open(synthetic, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))

    def who(column, test=lambda v: v != ""):
        return {i for i, r in enumerate(rows) if test(r[column])}
    has = lambda option: (lambda v: option in v.split(";"))  # noqa: E731
    assert who("q_s3_2b") == who("q_s3_2c") == who("q_s3_2", lambda v: v == "往診を行う曜日・時間帯を決めて行っている")
    assert who("q_s4_2b") == who("q_s4_2", lambda v: v == "訪問診療を行う曜日・時間帯を決めて行っている")
    assert who("q_s4_2") == who("q_s2_7_02", lambda v: v == "している")
    assert who("q_s6_2") == who("q_s6_1", has("訪問看護ステーション"))
    assert who("q_s6_3") == who("q_s6_1", has("薬局"))
    assert who("q_s6_4") == who("q_s6_1", lambda v: v != "" and v not in ("特にない", "無回答"))
    assert who("q_s6_5") == who("q_s6_6") == who("q_s6_7") == who("q_s6_1")


@pytest.mark.unit
def test_each_tables_n_is_the_printed_n_except_where_the_source_disagrees(real_site, synthetic):
    from casebook.localsurvey.responses import read_responses
    from casebook.localsurvey.tally import tally
    questions = build_questionnaire(real_site.survey)
    tallies = tally(list(real_site.survey), questions, read_responses(synthetic, questions))
    off = {tl.table.id: tl.n for tl in tallies if tl.table.kind == "counts" and tl.n != tl.table.n}
    assert off == INCONSISTENT_N
    for table_id in off:
        table = next(t for t in real_site.survey if t.id == table_id)
        assert any("n=(99)と3件合わない" in s.note for s in table.source_notes)


@pytest.mark.unit
def test_stats_tables_are_tallied_in_the_published_columns(tallied):
    header = (tallied / "s2-5.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (ROOT / "survey" / "s2-5.csv").read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.site
def test_template_lists_every_survey_table_and_only_printed_options(real_site, tmp_path):
    assert run("survey-template", "--out", tmp_path / "t") == 0
    questions = yaml.safe_load((tmp_path / "t" / "questionnaire.yaml").read_text(encoding="utf-8"))
    fed = {q["table"] for q in questions}
    for table in real_site.survey:
        # A derived table has no question of its own; its metadata says where its figures come from.
        assert table.id in fed or (table.id in NOT_ASKED and table.derivation), table.id
    by_id = {t.id: t for t in real_site.survey}
    free = [q for q in questions if q["answer"] == "text"]
    # the free-text question （６）⑧ is asked (the report lists its answers), with no options and no table
    assert [q["table"] for q in free] == ["s6-8"] and "options" not in free[0]
    for q in questions:
        assert re.fullmatch(r"[a-z0-9_]+", q["id"])
        if q["answer"] == "text":
            continue
        if q["answer"] == "area":  # the clinic's own area: a region's areas are not the report's 13
            assert q["table"] == "s1" and "options" not in q
            continue
        table = by_id[q["table"]]
        if q["answer"] == "numeric":
            assert q["item"] in table.items
        elif "item" in q:
            assert q["item"] in table.items and q["options"] == list(table.series)
        else:
            assert q["options"] == list(table.items)
    raw = (tmp_path / "t" / "responses.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").strip().split(",") == [q["id"] for q in questions]
    readme = (tmp_path / "t" / "README.txt").read_text(encoding="utf-8")
    assert "1行" in readme
    # how to save from Excel, what an error looks like, the one command — each as the code really does it
    assert "「CSV UTF-8（コンマ区切り）(*.csv)」" in readme and "「Unicode テキスト (*.txt)」" in readme
    assert "responses.csv:3: q_s2_1: unknown option '病院'; allowed: 「国等」、" in readme
    assert ".venv/bin/python build.py survey-tally 回答ファイル.csv --out 結果フォルダ --region 地域名 --month 調査月" in readme


@pytest.mark.unit
def test_the_questionnaire_is_written_as_the_pure_python_yaml_writer_writes_it(real_site, tmp_path):
    # The build uses libyaml's faster writer where PyYAML has it; the file must not change with that choice.
    assert run("survey-template", "--out", tmp_path / "t") == 0
    written = (tmp_path / "t" / "questionnaire.yaml").read_text(encoding="utf-8")
    questions = [q.as_yaml() for q in build_questionnaire(real_site.survey)]
    assert written == yaml.dump(questions, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, width=1000)
    assert "\\u" not in written and "看取り" in written  # Japanese written as itself, not escaped


@pytest.mark.unit
def test_derived_tables_document_their_derivation(real_site):
    for table_id in ("s3-3", "s4-3", "s5-2", "s3-3b", "s4-3b", "s5-2b", "s6-1b"):
        assert next(t for t in real_site.survey if t.id == table_id).derivation


def _responses(tmp_path, header, rows, encoding="utf-8", newline="\n", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline, delimiter=delimiter).writerows([header, *rows])
    path = tmp_path / "responses.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def header(real_site):
    return [q.id for q in build_questionnaire(real_site.survey)]


def _row(header, **cells):
    return [cells.get(h, "") for h in header]


def fails(capsys, path, tmp_path) -> list[str]:
    out = tmp_path / "out"
    assert run("survey-tally", path, "--out", out) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and not out.exists()
    return err.splitlines()


@pytest.mark.unit
def test_every_error_is_reported_at_once_with_line_and_column(tmp_path, capsys, header):
    path = _responses(tmp_path, header, [_row(header, q_s2_1="医療法人"), _row(header, q_s2_1="病院", q_s2_5_01="三"),
                                         _row(header, q_s2_1="3", q_s2_4="内科;眼科X")])
    lines = fails(capsys, path, tmp_path)
    assert lines[0].startswith("responses.csv:3: q_s2_1: unknown option '病院'; allowed: 「国等」、")
    assert "responses.csv:3: q_s2_5_01: expected a number written with the digits 0-9 (such as 12, 1,200 or 2.5), " \
           "got '三'" in lines
    assert any(l.startswith("responses.csv:4: q_s2_1: expected the text of an option, got the number '3'") for l in lines)
    assert any(l.startswith("responses.csv:4: q_s2_4: unknown option '眼科X'; allowed:") for l in lines)
    assert lines[-1] == "4 error(s); nothing was written."


@pytest.mark.unit
def test_a_missing_or_duplicated_column_is_named(tmp_path, capsys, header):
    broken = [h for h in header if h != "q_s2_2"] + ["q_s2_1"]
    lines = fails(capsys, _responses(tmp_path, broken, []), tmp_path)
    assert any(l.startswith("responses.csv:1: q_s2_1: column appears twice") for l in lines)
    assert "responses.csv:1: q_s2_2: missing column; copy the header row from the template's responses.csv" in lines


@pytest.mark.unit
@pytest.mark.parametrize("encoding,newline,delimiter", [
    ("utf-8", "\n", ","), ("utf-8", "\r\n", ","), ("utf-8-sig", "\n", ","), ("utf-8-sig", "\r\n", ","),
    ("cp932", "\r\n", ","), ("utf-16", "\r\n", "\t"), ("utf-16", "\r\n", ",")])
def test_files_as_excel_saves_them_are_read(tmp_path, header, encoding, newline, delimiter):
    path = _responses(tmp_path, header, [_row(header, q_s2_1="医療法人", q_s2_4="内科;外科"), _row(header, q_s2_1="個人")],
                      encoding, newline, delimiter)
    out = tmp_path / "out"
    assert run("survey-tally", path, "--out", out) == 0
    assert "医療法人,件数,1\n" in (out / "s2-1.csv").read_text(encoding="utf-8")
    assert "外科,件数,1\n" in (out / "s2-4.csv").read_text(encoding="utf-8")


@pytest.mark.unit
def test_a_file_that_is_not_csv_text_says_how_to_save_it(tmp_path, capsys, header):
    path = tmp_path / "responses.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # an .xlsx renamed to .csv
    lines = fails(capsys, path, tmp_path)
    assert lines[0].startswith("responses.csv:1: (file): this is an Excel workbook, not a CSV file; in Excel choose "
                               "「名前を付けて保存」→「CSV UTF-8 (コンマ区切り) (*.csv)」")
    path.write_bytes(",".join(header).encode("utf-8") + b"\r\n\x81\x20\x81\x20\r\n")  # neither UTF-8 nor Shift_JIS
    lines = fails(capsys, path, tmp_path)
    assert lines == ["responses.csv:1: (file): expected text in UTF-8 or Shift_JIS; in Excel choose "
                     "「名前を付けて保存」→「CSV UTF-8 (コンマ区切り) (*.csv)」 and save again", "1 error(s); nothing was written."]


@pytest.mark.unit
def test_a_negative_number_and_a_row_longer_than_the_header_are_errors(tmp_path, capsys, header):
    rows = [_row(header, q_s2_5_01="-2"), _row(header) + ["extra"]]
    lines = fails(capsys, _responses(tmp_path, header, rows), tmp_path)
    assert "responses.csv:2: q_s2_5_01: expected a number of 0 or more, got '-2'" in lines
    assert f"responses.csv:3: (row): expected {len(header)} cells as in the header, got {len(header) + 1}" in lines


HOSTILE = ['<script>alert(1)</script>', '=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)",
           '<svg onload=alert(1)>', '"; DROP', "&amp;<b>"]


@pytest.mark.unit
@pytest.mark.parametrize("column", ["q_s2_1", "q_s2_4", "q_s2_7_01"])
def test_hostile_text_in_an_answer_is_refused_and_shown_only_as_quoted_text(tmp_path, capsys, header, column):
    """An answer must be an option, so hostile text never reaches a page or a CSV; the message quotes it."""
    rows = [_row(header, **{column: text}) for text in HOSTILE]
    lines = fails(capsys, _responses(tmp_path, header, rows), tmp_path)
    for line_no, text in enumerate(HOSTILE, 2):
        parts = [x.strip() for x in text.split(";") if x.strip()] if column == "q_s2_4" else [text]  # multiple: ; splits
        for part in parts:
            assert any(l.startswith(f"responses.csv:{line_no}: {column}: ") and repr(part) in l for l in lines), part


@pytest.mark.site
def test_hostile_region_name_is_text_in_html_and_css_and_never_a_formula_in_csv(synthetic, tmp_path):
    out = tmp_path / "out"
    hostile = '=cmd|\' /C calc\'!A0<svg onload=alert(1)>&'
    assert run("survey-tally", synthetic, "--out", out, "--region", hostile) == 0
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<svg onload" not in html and "&lt;svg onload=alert(1)&gt;&amp;" in html, page.name
    # The printed pages' running header is one CSS string: the name cannot end it early.
    running = (out / "css" / "running.css").read_text(encoding="utf-8")
    assert re.fullmatch(r':root \{ --survey-running: "(?:[^"\\]|\\[0-9a-f]+ )*"; \}\n', running), running
    for table in out.glob("*.csv"):
        for row in csv.reader(io.StringIO(table.read_text(encoding="utf-8"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")) and not re.match(r"-[^\d]", cell), (table.name, cell)


@pytest.mark.unit
def test_formula_cells_are_neutralised_but_numbers_stay_numbers():
    import pandas as pd
    frame = pd.DataFrame({"item": ["=HYPERLINK(\"x\")", "+1", "-a", "@SUM(A1)", "―うち"], "value": [-1.5, 2, 0, 3, 4]})
    text = to_csv(frame).decode("utf-8")
    assert "'=HYPERLINK" in text and "'+1," in text and "'-a," in text and "'@SUM" in text
    assert "―うち,4" in text and ",-1.5\n" in text
    assert neutralise(-3) == "-3"


@pytest.mark.unit
def test_hostile_region_name_is_text_in_pages_and_the_running_header(synthetic, tmp_path):
    out = tmp_path / "out"
    hostile = '<script>alert(1)</script>"\\&'
    assert run("survey-tally", synthetic, "--out", out, "--region", hostile, "--month", '"}body{x') == 0
    page = (out / "s2.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    running = (out / "css" / "running.css").read_text(encoding="utf-8")
    assert running.count('"') == 2 and '\\22 ' in running and '\\5c ' in running and "body{x" in running


@pytest.mark.unit
def test_tally_writes_only_inside_its_folder_and_pages_load_nothing_from_elsewhere(synthetic, tmp_path):
    out = tmp_path / "inner" / "out"
    assert run("survey-tally", synthetic, "--out", out) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["inner"] and [p.name for p in (tmp_path / "inner").iterdir()] == ["out"]
    css = (out / "css" / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(?!data:)", css)  # no fonts or images fetched
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "default-src 'none'" in html and 'name="referrer" content="no-referrer"' in html
        assert "<script" not in html and "style=" not in html
        for ref in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert not re.match(r"[a-z]+:|//", ref) and (out / ref.split("#")[0]).exists() if not ref.startswith("#") else True, ref


@pytest.mark.unit
def test_a_folder_the_tool_did_not_make_is_never_touched(synthetic, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    assert run("survey-tally", synthetic, "--out", out) == 1
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.site
def test_the_survey_page_links_the_template_and_its_readme(built_site):
    index = (built_site / "survey" / "index.html").read_text(encoding="utf-8")
    assert 'href="../data/survey-template/index.html"' in index
    for name in ("responses.csv", "questionnaire.yaml", "README.txt"):  # downloadable from /survey/ itself
        assert f'href="../data/survey-template/{name}" download' in index
    local = (built_site / "data" / "survey-template" / "index.html").read_text(encoding="utf-8")
    for name in ("responses.csv", "questionnaire.yaml", "README.txt"):
        assert f'href="../../data/survey-template/{name}"' in local and (built_site / "data" / "survey-template" / name).exists()
    assert "survey-tally" in local


@pytest.mark.unit
def test_per_doctor_and_split_tables_are_derived_from_the_questions_they_come_from(tmp_path, header):
    rows = [_row(header, q_s2_5_02="1", q_s3_3="増やしたい", q_s3_1_01="100", q_s4_1c_01="1000", q_s4_1c_02="1200"),
            _row(header, q_s2_5_02="2", q_s3_3="増やしたい", q_s3_1_01="200", q_s4_1c_01="3000", q_s4_1c_02="3500"),
            _row(header, q_s2_5_02="2", q_s3_3="増やしたい", q_s3_1_01="400"),
            _row(header, q_s2_5_02="0", q_s3_3="増やしたい", q_s3_1_01="900")]  # no doctor: in neither group
    out = tmp_path / "out"
    assert run("survey-tally", _responses(tmp_path, header, rows), "--out", out) == 0
    per_doctor = (out / "s3-3b.csv").read_text(encoding="utf-8")
    # 100/1, 200/2, 400/2 → all 133.3, one doctor 100.0, two or more 150.0
    assert "増やしたい,全体,133.3,133.3件\n増やしたい,医師１人のみ所属する診療所,100.0,100.0件\n" \
           "増やしたい,医師２人以上が所属する診療所,150.0,150.0件\n" in per_doctor
    assert "やめたい,全体,,該当無し\n" in per_doctor
    below, above = (out / "s4-1.csv").read_text(encoding="utf-8"), (out / "s4-1b.csv").read_text(encoding="utf-8")
    # one clinic on each side of 2,000 visits: counted there, its figures not shown (fewer than 3 clinics)
    assert "あたり）,1,,,,\n" in below and "あたり）,1,,,,\n" in above
    assert "増やしたい,在宅医療を行う医師が１人のみ所属,1\n増やしたい,在宅医療を行う医師が２人以上所属,2\n" \
        in (out / "s3-3.csv").read_text(encoding="utf-8")


NUMBER_MISTAKES = "expected a number written with the digits 0-9 (such as 12, 1,200 or 2.5), got "
# What a person would call a mistake in a responses file, as data: (cells of the rows after the header, or a
# function making the whole file from the header; the lines the command must print before its last).
SURVEY_MISTAKES = [
    ([{"q_s2_5_01": "1_000"}], [f"responses.csv:2: q_s2_5_01: {NUMBER_MISTAKES}'1_000'"]),
    ([{"q_s2_5_01": "١٢"}], [f"responses.csv:2: q_s2_5_01: {NUMBER_MISTAKES}'١٢'"]),
    ([{"q_s2_5_01": "-0"}], ["responses.csv:2: q_s2_5_01: expected a number of 0 or more, got '-0'"]),
    ([{"q_s2_5_01": "1e30"}], [f"responses.csv:2: q_s2_5_01: {NUMBER_MISTAKES}'1e30'"]),
    ([{"q_s2_8_01": "1e308"}, {"q_s2_8_01": "1e308"}],
     [f"responses.csv:2: q_s2_8_01: {NUMBER_MISTAKES}'1e308' (also on line 3)"]),
    ([{"q_s2_5_01": "NaN"}, {"q_s2_5_01": "inf"}],
     [f"responses.csv:2: q_s2_5_01: {NUMBER_MISTAKES}'NaN'", f"responses.csv:3: q_s2_5_01: {NUMBER_MISTAKES}'inf'"]),
    ([{"q_s2_5_01": "10000000"}], ["responses.csv:2: q_s2_5_01: expected a number of at most 9,999,999, got '10000000'"]),
    ([{"q_s2_5_01": "0.1234"}], ["responses.csv:2: q_s2_5_01: expected a number with at most 3 decimals, got '0.1234'"]),
    ([{"q_s2_5_02": "1.5"}], ["responses.csv:2: q_s2_5_02: expected a whole number of doctors, got '1.5'"]),
    ([{"q_s2_5_02": "1e20"}], [f"responses.csv:2: q_s2_5_02: {NUMBER_MISTAKES}'1e20'"]),
    ([{"q_s2_5_02": "1000"}], ["responses.csv:2: q_s2_5_02: expected a number of at most 999, got '1000'"]),
    ([{"q_s2_1": "医療法人\u202e"}], None),  # an unknown option, shown escaped
    (lambda header: ",".join(header) + "\r\n" + ",".join(["個人"] + [""] * (len(header) - 4)) + "\r\n",
     [f"responses.csv:2: (row): expected {{n}} cells as in the header, got {{short}}; the row looks cut short"]),
    (lambda header: ",".join(header) + ",\r\n" + "," * len(header) + "個人\r\n",
     ["responses.csv:2: (column {n_plus}): the column has no header but holds answers; give it its question id or "
      "delete it"]),
    ("/dev/zero", ["zero: expected a CSV file, found no regular file"]),
    (lambda header: ",".join(header) + "\r\n", ["responses.csv:2: (rows): expected at least one filled-in form below "
                                                 "the header, found none"]),
    (lambda header: ",".join(header) + "\r\n" + ("," * (len(header) - 1) + "\r\n") * 3,
     ["responses.csv:2: (rows): expected at least one filled-in form below the header, found none (3 empty rows)"]),
]


@pytest.mark.unit
@pytest.mark.parametrize("rows, expected", SURVEY_MISTAKES, ids=range(len(SURVEY_MISTAKES)))
def test_a_mistake_in_the_responses_is_refused_and_named(tmp_path, capsys, header, rows, expected):
    if isinstance(rows, str):
        path = Path(rows)
    elif callable(rows):
        path = tmp_path / "responses.csv"
        path.write_text(rows(header), encoding="utf-8")
    else:
        path = _responses(tmp_path, header, [_row(header, **cells) for cells in rows])
    lines = fails(capsys, path, tmp_path)
    if expected is None:
        assert lines[0].startswith("responses.csv:2: q_s2_1: unknown option '医療法人\\u202e'; allowed:"), lines
        return
    values = {"n": len(header), "short": len(header) - 3, "n_plus": len(header) + 1}
    assert lines == [line.format(**values) for line in expected] + [f"{len(expected)} error(s); nothing was written."]


@pytest.mark.unit
def test_the_tally_says_what_it_read(tmp_path, capsys, header):
    rows = [_row(header, q_s2_1="個人"), _row(header), _row(header, q_s2_1="医療法人"), _row(header)]
    out = tmp_path / "out"
    assert run("survey-tally", _responses(tmp_path, header, rows), "--out", out) == 0
    said = capsys.readouterr().out
    assert said.startswith("read 2 clinics (2 empty forms skipped) from responses.csv; wrote ")


@pytest.mark.unit
@pytest.mark.parametrize("command", ["survey-tally", "survey-template"])
@pytest.mark.parametrize("where", ["survey/new", "templates", ".git/refs/tags", "regions/x/y", "notes.txt/out"])
def test_the_survey_commands_never_write_into_the_sources_or_a_repository(synthetic, tmp_path, capsys, command,
                                                                          where):
    import shutil
    project = tmp_path / "project"
    for name in ("regions", "content", "survey", "templates", "static"):
        shutil.copytree(ROOT / name, project / name)
    (project / ".git/refs/tags").mkdir(parents=True)
    (project / "notes.txt").write_text("mine", encoding="utf-8")
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    args = ([command, synthetic] if command == "survey-tally" else [command])
    assert cli.main([*map(str, args), "--out", str(project / where), "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err and ("inside the sources" in err or "version-control" in err
                                             or "notes.txt is a file, so" in err), err
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before


@pytest.mark.unit
@pytest.mark.parametrize("err, advice", [(28, "the disk is full; free some space and build again"),
                                         (30, "the folder is on a read-only file system; choose another --out")])
def test_a_full_or_read_only_disk_writes_nothing_and_says_so(synthetic, tmp_path, capsys, monkeypatch, err, advice):
    import builtins
    import os
    real_open = builtins.open
    opened = []

    class Full:  # the third file is created, and writing into it fails as on a full or read-only disk
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(err, os.strerror(err), self.handle.name)

    def failing(path, mode="r", *args, **kwargs):
        if "x" in mode:
            opened.append(path)
            if len(opened) == 3:
                return Full(real_open(path, mode, *args, **kwargs))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing)
    out = tmp_path / "out"
    assert run("survey-tally", synthetic, "--out", out) == 1
    monkeypatch.undo()
    said = capsys.readouterr().err
    assert said.startswith(f"error: cannot write {opened[2]}: {os.strerror(err)}; {advice}. Nothing was written.")
    assert not out.exists(), sorted(p.name for p in out.rglob("*"))
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.name != "out"]


@pytest.mark.unit
def test_a_file_too_large_for_the_tally_is_refused_unread(tmp_path, capsys):
    path = tmp_path / "responses.csv"
    with open(path, "wb") as handle:
        handle.truncate(3 << 29)  # 1.5 GiB, sparse: takes no disk
    lines = fails(capsys, path, tmp_path)
    assert lines == ["responses.csv: expected a file of at most 1,024 MB, found 1,536.0 MB; nothing in it was read",
                     "1 error(s); nothing was written."]


@pytest.mark.unit
def test_figures_of_fewer_than_three_clinics_are_left_out_of_pages_and_csvs(tmp_path, header):
    # Two clinics answer 往診件数: its n stays, its mean, median, min and max would be theirs, so they are left out.
    rows = [_row(header, q_s2_1="医療法人", q_s2_5_02="1", q_s3_1_01="120"),
            _row(header, q_s2_1="個人", q_s2_5_02="1", q_s3_1_01="15")]
    out = tmp_path / "out"
    assert run("survey-tally", _responses(tmp_path, header, rows), "--out", out) == 0
    figures = (out / "s3-1.csv").read_text(encoding="utf-8").splitlines()
    assert figures[1].split(",")[1:] == ["2", "", "", "", ""]
    page = (out / "s3.html").read_text(encoding="utf-8")
    assert "120" not in page.split('id="result-s3-1"')[1].split("</section>")[0]
    assert "回答した診療所が3件未満のため" in page


@pytest.mark.unit
def test_the_comparison_csv_opens_in_japanese_excel_with_n_count_and_percent_of_both_sides(tallied):
    raw = (tallied / "comparison.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[1] == ["表", "項目", "区分", "地域のn", "地域の件数", "地域の%", "報告書のn", "報告書の件数", "報告書の%"]
    # the synthetic clinics reproduce the report: 医療法人 78 of 124 on both sides
    assert ["s2-1", "開設主体", "医療法人", "124", "78", "62.9", "124", "78", "62.9"] in rows
    stats_header = rows.index(["表", "項目", "区分", "地域のn", "平均", "中央値", "最小値", "最大値", "報告書のn",
                               "報告書の平均", "報告書の中央値", "報告書の最小値", "報告書の最大値"])
    assert all(len(r) == 13 for r in rows[stats_header + 1:])


# ---- The comparison pages as fair as the browser's page (the same views: casebook/localsurvey/compare.py) ----

def _tables(page: str):
    from html_tree import parse
    return parse(page).by_class("survey-tally__table")


@pytest.fixture(scope="module")
def few_clinics(real_site, tmp_path_factory):
    """Four clinics answer 開設主体, a fifth only 病床の有無, and one form is empty."""
    header = [q.id for q in build_questionnaire(real_site.survey)]
    tmp = tmp_path_factory.mktemp("few")
    rows = [_row(header, q_s2_1="医療法人", q_s2_2="無床診療所") for _ in range(3)]
    rows += [_row(header, q_s2_1="個人"), _row(header, q_s2_2="有床診療所"), _row(header)]
    out = tmp / "out"
    assert run("survey-tally", _responses(tmp, header, rows), "--out", out, "--region", "〇〇市医師会",
               "--month", "令和8年6月") == 0
    return out


@pytest.mark.unit
def test_the_summary_comes_first_with_both_survey_dates_the_reports_caveat_and_what_was_read(few_clinics):
    from casebook.render import load_strings
    S = load_strings(ROOT / "templates")["survey_tally"]
    index = (few_clinics / "index.html").read_text(encoding="utf-8")
    summary = index.split('class="survey-tally__summary"', 1)[1].split("</section>", 1)[0]
    assert "〇〇市医師会 結果の要約" in summary
    assert "読み込んだ診療所：5件（UTF-8）。何も回答のない調査票：1件" in summary
    assert "〇〇市医師会（調査月：令和8年6月、回答5診療所）" in summary and "平成30年２月～３月" in summary
    assert f"<p>{S['caveat']}</p>" in summary  # the source's sentence, verbatim (test_survey_form_sheet.py)
    # The largest differences, in points, each with both sides' count and n, and only where both n are 5 or more.
    shown = re.findall(r'<td class="num">([\d.]+)（(\d+)/(\d+)）</td><td class="num">([\d.]+)（(\d+|—)/(\d+)）</td>'
                       r'<td class="num">([+−±])([\d.]+)</td>', summary)
    assert 0 < len(shown) <= 10
    for a, count, n, b, rcount, rn, sign, d in shown:
        assert int(n) >= 5 and int(rn) >= 5
        assert abs(float(a) - float(b) - float(d) * {"+": 1, "−": -1, "±": 0}[sign]) < 0.05
    assert [float(r[-1]) for r in shown] == sorted((float(r[-1]) for r in shown), reverse=True)
    running = (few_clinics / "css" / "running.css").read_text(encoding="utf-8")
    assert "〇〇市医師会・調査月 令和8年6月" in running and "報告書の診療所調査（平成30年２月～３月" in running
    for page in few_clinics.glob("*.html"):
        assert 'href="css/running.css"' in page.read_text(encoding="utf-8"), page.name


@pytest.mark.unit
def test_the_region_is_on_the_reports_base_with_no_answer_counted_as_the_report_counts_it(few_clinics):
    # 開設主体: the report's n=124 includes its 無回答 (1); the region's fifth clinic left it blank: n=5, 無回答 1.
    table = next(t for t in _tables((few_clinics / "s2.html").read_text(encoding="utf-8"))
                 if t.find("caption").text == "開設主体")
    assert "〇〇市医師会（n=5）" in table.text and "報告書（n=124）" in table.text
    rows = {tr.find("th").text: [td.text for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")}
    assert rows["医療法人"] == ["3", "60.0", "78", "62.9"]
    assert rows["無回答"] == ["1", "20.0", "1", "0.8"]
    assert sum(int(r[0]) for r in rows.values()) == 5


@pytest.mark.unit
def test_no_percentage_of_fewer_than_five_clinics_and_every_percentage_has_its_n_and_count(few_clinics, tallied):
    flagged = 0
    for folder in (few_clinics, tallied):
        for page in sorted(folder.glob("s*.html")):
            for table in _tables(page.read_text(encoding="utf-8")):
                classes = table.attrs.get("class", "")
                if "--stats" in classes:
                    continue
                if "--matrix" in classes:
                    for tr in table.find("tbody").find_all("tr"):
                        n = re.search(r"（n=(\d+)／(\d+)）$", tr.find("th").text)
                        assert n, (page.name, tr.text)
                        for k, td in enumerate(tr.find_all("td")):
                            cell = re.fullmatch(r"(—|\d+\.\d)（(\d+)）", td.text)
                            assert cell, (page.name, td.text)
                            assert (cell.group(1) == "—") == (int(n.group(1 + k % 2)) < 5), (page.name, tr.text)
                    continue
                head = re.findall(r"（n=(\d+)）", table.find("thead").text)
                if not head:  # 医師１人あたり: each figure carries the clinics behind it
                    assert all("n=" in td.text or td.text in ("", "非表示") for td in table.find_all("td")
                               if "（" in td.text or td.text == "非表示"), page.name
                    continue
                own_n, report_n = map(int, head)
                for tr in table.find("tbody").find_all("tr"):
                    count, pct, rcount, rpct = (td.text for td in tr.find_all("td"))
                    assert count.isdigit(), (page.name, tr.text)
                    assert (pct == "—") == (own_n < 5), (page.name, tr.text)
                    assert rpct == "—" if report_n < 5 else re.fullmatch(r"\d+(\.\d+)?", rpct), (page.name, tr.text)
                if own_n < 20:
                    figure = page.read_text(encoding="utf-8").split(f"<caption>{table.find('caption').text}</caption>", 1)[1]
                    assert "survey-tally__flag" in figure.split("</figure>", 1)[0], (page.name, own_n)
                    flagged += 1
    assert flagged > 10


@pytest.mark.unit
@pytest.mark.parametrize("month, expected", [
    ("", "expected a survey month such as 令和8年6月, got an empty one"),
    ("令和8年\u200b6月", "expected a survey month in plain text"),
    ("月" * 31, "expected a survey month of at most 30 characters, got 31"),
])
def test_a_survey_month_that_cannot_be_printed_is_refused(synthetic, tmp_path, capsys, month, expected):
    with pytest.raises(SystemExit) as exit:
        run("survey-tally", synthetic, "--out", tmp_path / "out", "--month", month)
    assert exit.value.code == 2 and expected in capsys.readouterr().err and not (tmp_path / "out").exists()


@pytest.mark.unit
def test_clinics_that_reproduce_the_report_show_no_difference_in_the_summary(tallied):
    """The 124 synthetic clinics give every published table exactly, so every difference the summary lists is 0
    points. A table whose printed n is below the report's 124 respondents (the report does not say which clinics it
    left out, yet it counts a 無回答) cannot be put on the report's base: it carries the note and stays out of the
    summary (it had put 往診に対する意向's 40/95 one-doctor clinics beside the report's 40/70 as −15.0 points)."""
    from casebook.render import load_strings
    S = load_strings(ROOT / "templates")["survey_tally"]
    index = (tallied / "index.html").read_text(encoding="utf-8")
    summary = index.split('class="survey-tally__summary"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'<th scope="row"><a href="(s\d+)\.html#result-([\w-]+)">[^<]*</a>：[^<]*</th>'
                       r'<td class="num">[\d.]+（\d+/(\d+)）</td><td class="num">[\d.]+（(?:\d+|—)/(\d+)）</td>'
                       r'<td class="num">([+−±][\d.]+)</td>', summary)
    assert len(shown) == 10
    assert [d for *_, d in shown] == ["±0.0"] * 10, shown
    noted = set()
    for page in tallied.glob("s*.html"):
        text = page.read_text(encoding="utf-8")
        for block in text.split('class="survey-tally__block"')[1:]:
            table = re.search(r'id="result-([\w-]+)"', block).group(1)
            if S["report_base_note"].split("{n}", 1)[0] in block:
                noted.add(table)
    assert {"s3-3", "s4-3", "s5-2", "s6-4"} <= noted
    assert not noted & {table for _, table, *_ in shown}
