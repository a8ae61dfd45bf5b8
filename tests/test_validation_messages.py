"""Validation messages that tests/test_validation.py does not reach: one small broken edit per message, each
asserted word for word with its file and line.  tests/test_message_coverage.py proves the two files together reach
every message in the loading and checking code."""
from __future__ import annotations

from pathlib import Path

import pytest

from casebook.errors import ErrorReport
from casebook.load import read_csv, read_text, read_yaml
from test_validation import KOMAGANE, edit, errors, line_of

pytestmark = pytest.mark.unit

MODELS = "content/models.yaml"
TABLES = "survey/tables.yaml"


def test_model_on_the_wrong_axis(project):
    edit(project, MODELS, "- code: A\n  slug: v-a\n  axis: vertical\n", "- code: A\n  slug: v-a\n  axis: horizontal\n")
    assert errors(project) == [f"{MODELS}:1: axis: expected vertical for model A, got 'horizontal'"]


def test_model_code_twice_and_so_one_missing(project):
    edit(project, MODELS, "- code: A\n  slug: v-a\n", "- code: B1\n  slug: v-a\n")
    got = errors(project)
    b1 = [line for line in got if ": code: expected a unique code, found 'B1' 2 times" in line]
    assert len(b1) == 2 and f"{MODELS}:1: code: expected a unique code, found 'B1' 2 times" in b1
    assert f"{MODELS}: code: expected all 19 model codes, missing A" in got


def test_model_taxonomy_file_missing(project):
    (project / MODELS).unlink()
    assert f"{MODELS}: expected the model taxonomy file, found none" in errors(project)


def test_survey_metadata_missing(project):
    (project / TABLES).unlink()
    assert f"{TABLES}: expected the survey metadata file, found none" in errors(project)


def test_duplicate_table_id_and_csv_name_not_the_id(project):
    edit(project, TABLES, "- id: s2-1\n", "- id: s1\n")
    second = [i for i, text in enumerate((project / TABLES).read_text(encoding="utf-8").split("\n"), 1) if text == "- id: s1"]
    got = errors(project)
    assert len(second) == 2
    for n in second:
        assert any(e.startswith(f"{TABLES}:{n}: ") and e.endswith("expected a unique table id, found 's1' 2 times") for e in got), got
    assert any(e.startswith(f"{TABLES}:{second[1]}: ") and e.endswith("expected s1.csv (the id plus .csv), got 's2-1.csv'")
               for e in got), got


def test_empty_item_label(project):
    edit(project, "survey/s2-1.csv", "国等,件数,0\n", ",件数,0\n")
    assert "survey/s2-1.csv:2: item: expected an item label, got an empty cell" in errors(project)


def test_artifact_character_in_an_item_label(project):
    edit(project, "survey/s2-1.csv", "国等,件数,0\n", "国等\u2f00,件数,0\n")
    assert "survey/s2-1.csv:2: item: expected clean text without PDF artifact characters, found '\u2f00'" in errors(project)


def test_table_with_no_series_labels(project):
    edit(project, TABLES, "  series:\n    - 件数\n  unit: 件\n  csv: s1.csv\n", "  series: []\n  unit: 件\n  csv: s1.csv\n")
    got = errors(project)
    assert any(e.startswith(f"{TABLES}:") and e.endswith("series: expected at least one series label for kind counts, got none")
               for e in got), got


def test_respondents_with_no_area(project):
    edit(project, KOMAGANE, "  respondent_area: 駒ケ根市\n", "  respondent_area: null\n")
    line = line_of(project, KOMAGANE, "  respondents: 7")
    assert f"{KOMAGANE}:{line}: survey.respondents: expected 0 when survey.respondent_area is null, got 7" in errors(project)


def test_free_text_file_missing(project):
    (project / "survey/free-text-s6-8.yaml").unlink()
    assert "survey/free-text-s6-8.yaml: expected the free-text answers file, found none" in errors(project)


def test_artifact_character_in_a_page_body(project):
    path = project / "content/method.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n本文\u2f00\n", encoding="utf-8")
    got = errors(project)
    assert any(e.startswith("content/method.md:") and e.endswith("body: expected clean text without PDF artifact characters, found '\u2f00'")
               for e in got), got


def test_duplicate_page_slug(project):
    edit(project, "content/data.md", "slug: data\n", "slug: method\n")
    got = errors(project)
    assert "content/data.md:1: slug: expected a unique page slug, found 'method' 2 times" in got
    assert "content/method.md:1: slug: expected a unique page slug, found 'method' 2 times" in got


def test_no_region_files(project):
    for path in (project / "regions").glob("*.yaml"):
        path.unlink()
    assert "regions: expected region files named NN-slug.yaml, found none" in errors(project)


def test_a_key_that_is_not_text(project):
    edit(project, KOMAGANE, "  respondents: 7\n", "  respondents: 7\n  1: x\n")
    line = line_of(project, KOMAGANE, "  1: x")
    assert f"{KOMAGANE}:{line}: 1: keys must be text, found int 1" in errors(project)


def test_a_region_file_that_is_not_a_mapping(project):
    (project / KOMAGANE).write_text("- 駒ヶ根\n", encoding="utf-8")
    got = errors(project)
    assert any(e.startswith(f"{KOMAGANE}:1: (file): expected a mapping of keys to values, got ") for e in got), got


def test_a_number_too_long_to_convert(project):
    edit(project, KOMAGANE, "  respondents: 7\n", "  respondents: " + "9" * 5000 + "\n")
    got = errors(project)
    assert f"{KOMAGANE}:39: survey.respondents: expected a number of at most 15 digits, found one of 5000 digits" in got, got


def test_undecodable_bytes_in_a_yaml_file(project):
    (project / KOMAGANE).write_bytes(b"number: 10\nname: \xff\n")
    assert f"{KOMAGANE}: expected UTF-8 text, found an undecodable byte at offset 17" in errors(project)


def test_a_yaml_path_that_cannot_be_read(tmp_path):
    report = ErrorReport(tmp_path)
    assert read_text(tmp_path, report) is None  # a folder where a file is expected
    assert len(report) == 1 and report.lines()[0].endswith(": cannot read file: Is a directory")
    (tmp_path / "regions").mkdir()
    report = ErrorReport(tmp_path)
    assert read_text(tmp_path / "regions", report) is None
    assert report.lines() == ["regions: cannot read file: Is a directory"]  # no field: the whole file failed


def test_csv_reader_messages(tmp_path):
    report = ErrorReport(tmp_path)
    assert read_csv(tmp_path / "gone.csv", report) is None
    (tmp_path / "latin1.csv").write_bytes(b"item,count\n\xe9t\xe9,1\n")
    assert read_csv(tmp_path / "latin1.csv", report) is None
    assert report.lines() == ["gone.csv: file not found", "latin1.csv: expected UTF-8 text, found undecodable bytes"]


@pytest.mark.parametrize("slug, message", [
    ("print", "expected a slug other than 'print' (/regions/print/ is the print document of selected cases), got 'print'"),
    ("by-rate", "expected a slug not starting with 'by-' (/regions/by-…/ are the index pages sorted by one figure), got 'by-rate'"),
])
def test_a_region_slug_taken_by_a_page_of_the_site(project, slug, message):
    """/regions/print/ and /regions/by-*/ are the site's own pages: a region there would overwrite one of them."""
    edit(project, KOMAGANE, "slug: komagane\n", f"slug: {slug}\n")
    renamed = project / f"regions/10-{slug}.yaml"
    (project / KOMAGANE).rename(renamed)
    rel = f"regions/10-{slug}.yaml"
    assert errors(project) == [f"{rel}:{line_of(project, rel, 'slug:')}: slug: {message}"]


def test_a_link_with_an_empty_end_is_reported_once_by_the_schema_not_again_as_an_unknown_actor(project):
    edit(project, "regions/03-mibu.yaml", "    - from: zaishishin\n      to: mibu\n", "    - from: ''\n      to: mibu\n")
    assert errors(project) == ["regions/03-mibu.yaml:81: diagram.links[0].from: expected text, got ''"]


def test_csv_reader_counts_lines_across_blank_lines_and_quoted_line_breaks(tmp_path):
    (tmp_path / "t.csv").write_text('item,series,count\n\n"two\nlines",a,1\n\nlast,b\n', encoding="utf-8")
    report = ErrorReport(tmp_path)
    source = read_csv(tmp_path / "t.csv", report)
    assert report.lines() == []
    assert source.columns == {"item": ["two\nlines", "last"], "series": ["a", "b"], "count": ["1", ""]}
    assert [source.line_of(0), source.line_of(1)] == [3, 6]  # a short row is padded with empty cells


def test_csv_reader_names_the_line_of_a_row_with_too_many_fields(tmp_path):
    (tmp_path / "t.csv").write_text('item,series,count\n\n"two\nlines",a,1,9\n', encoding="utf-8")
    report = ErrorReport(tmp_path)
    assert read_csv(tmp_path / "t.csv", report) is None
    assert report.lines() == [
        "t.csv:4: cannot parse CSV: Error tokenizing data. C error: Expected 3 fields in line 4, saw 4"]


def test_csv_reader_messages_for_an_empty_file_and_text_after_a_closing_quote(tmp_path):
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    (tmp_path / "quote.csv").write_text('item,series,count\n"a"b,c,1\n', encoding="utf-8")
    report = ErrorReport(tmp_path)
    assert read_csv(tmp_path / "empty.csv", report) is None
    assert read_csv(tmp_path / "quote.csv", report) is None
    assert report.lines() == ["empty.csv: cannot parse CSV: No columns to parse from file",
                              "quote.csv:2: cannot parse CSV: ',' expected after '\"'"]


def test_a_link_label_given_as_an_empty_list_or_with_an_empty_line(project):
    """A label printed as several lines is a list of lines; an empty list or an empty line is a typing slip."""
    path = "regions/11-shizuoka.yaml"
    edit(project, path, "      label:\n        - 緊急時の往診\n        - 看取り\n", "      label: []\n")
    edit(project, path, "        - 訪問看護\n        - 緊急時の訪問看護\n", "        - 訪問看護\n        - ''\n")
    assert errors(project) == [
        f"{path}:{line_of(project, path, 'label: []')}: diagram.links[1].label: "
        "expected text or a list of at least one line of text, got an empty list",
        f"{path}:{line_of(project, path, chr(39) * 2)}: diagram.links[2].label[1]: expected text, got ''"]
