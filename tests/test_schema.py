"""The schema as editors and readers see it (issue 2): JSON Schema, README field reference, and a
property-based test that no edit of a region file, however odd, makes the loader crash.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook import schema
from casebook.errors import DataInvalid
from casebook.schema import Field, Str, field_reference, region_json_schema
from casebook.validate import load_site

ROOT = Path(__file__).resolve().parent.parent
REGION_FILES = sorted((ROOT / "regions").glob("*.yaml"))
FUZZED = "regions/09-sakai.yaml"  # five models, a diagram with actors and links, source notes


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    region_schema = region_json_schema()
    jsonschema.Draft202012Validator.check_schema(region_schema)
    return jsonschema.Draft202012Validator(region_schema)


# ---------------------------------------------------------------- JSON Schema

@pytest.mark.unit
@pytest.mark.parametrize("path", REGION_FILES, ids=lambda p: p.name)
def test_every_real_region_file_validates_against_the_json_schema(validator, path):
    assert [e.message for e in validator.iter_errors(read_yaml(path))] == []


def _set(doc, path, value):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    doc[last] = value


def _delete(doc, path):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    del doc[last]


BROKEN = [
    # (what, change, JSON path of the error, validator keyword)
    ("unknown key", lambda d: _set(d, ["nickname"], "板橋"), "$", "additionalProperties"),
    ("wrong type", lambda d: _set(d, ["population", "aged_65_plus"], "12万"), "$.population.aged_65_plus", "type"),
    ("negative count", lambda d: _set(d, ["population", "aged_75_plus"], -1), "$.population.aged_75_plus", "minimum"),
    ("missing field", lambda d: _delete(d, ["headline"]), "$", "required"),
    ("empty text", lambda d: _set(d, ["name"], ""), "$.name", "minLength"),
    ("bad slug", lambda d: _set(d, ["slug"], "Itabashi"), "$.slug", "pattern"),
    ("no models", lambda d: _set(d, ["models"], []), "$.models", "minItems"),
    ("unknown key in a model entry", lambda d: _set(d, ["models", 0, "pages"], 80), "$.models[0]",
     "additionalProperties"),
    ("bad actor id", lambda d: _set(d, ["diagram", "actors"], [{"id": "病院", "label": "病院"}]),
     "$.diagram.actors[0].id", "pattern"),
    ("boolean for a number", lambda d: _set(d, ["population", "rate_65_printed"], True),
     "$.population.rate_65_printed", "type"),
    ("list for text", lambda d: _set(d, ["survey", "not_surveyed_reason"], ["都合により"]),
     "$.survey.not_surveyed_reason", "type"),
]


@pytest.mark.unit
@pytest.mark.parametrize("what, change, where, keyword", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_region_file_does_not_validate(validator, what, change, where, keyword):
    doc = read_yaml(ROOT / "regions/04-itabashi.yaml")
    change(doc)
    found = [(e.json_path, e.validator) for e in validator.iter_errors(doc)]
    assert found == [(where, keyword)]


@pytest.mark.site
def test_schema_describes_every_property(validator):
    def walk(node, where):
        for name, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{where}.{name}"
            walk(prop, f"{where}.{name}")
        if "items" in node:
            walk(node["items"], where + "[]")
    walk(validator.schema, "$")


@pytest.mark.site
def test_cli_writes_the_schema(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "schema", "--root", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "regions.schema.json"
    assert json.loads(written.read_text(encoding="utf-8")) == region_json_schema()
    assert result.stdout.strip() == "wrote regions.schema.json"


@pytest.mark.site
def test_committed_schema_file_is_up_to_date():
    committed = json.loads((ROOT / "regions.schema.json").read_text(encoding="utf-8"))
    assert committed == region_json_schema(), "run `python build.py schema` and commit regions.schema.json"


@pytest.mark.site
def test_region_files_point_editors_at_the_schema():
    for path in REGION_FILES:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == "# yaml-language-server: $schema=../regions.schema.json", path.name


# ---------------------------------------------------------------- README field reference

def readme_fields() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count("<!-- fields:start -->") == 1 and text.count("<!-- fields:end -->") == 1, \
        "README.md must embed the field reference between <!-- fields:start --> and <!-- fields:end -->"
    return text.split("<!-- fields:start -->", 1)[1].split("<!-- fields:end -->", 1)[0]


@pytest.mark.unit
def test_readme_documents_every_field_as_the_schema_declares_it():
    assert readme_fields().strip() == field_reference().strip(), (
        "README.md's field reference is out of date: paste the output of "
        "`python -c 'from casebook.schema import field_reference; print(field_reference())'` between the markers")


@pytest.mark.site
def test_field_reference_lists_every_json_schema_property():
    reference = field_reference()

    def walk(node, prefix):
        for name, prop in node.get("properties", {}).items():
            dotted = f"{prefix}.{name}" if prefix else name
            assert f"| `{dotted}` |" in reference, dotted
            walk(prop, dotted)
        if "items" in node:
            walk(node["items"], prefix + "[]")
    walk(region_json_schema(), "")


@pytest.mark.unit
def test_a_field_added_to_the_schema_but_not_to_the_readme_is_caught(monkeypatch):
    monkeypatch.setattr(schema.REGION, "members",
                        schema.REGION.members + [Field("website", Str(), "The case's web page.", required=False)])
    assert "| `website` | text | no | The case's web page. |" in field_reference()
    assert readme_fields().strip() != field_reference().strip()


# ---------------------------------------------------------------- property-based: random edits never crash

@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One copy of the data sources; each example rewrites only the fuzzed region file."""
    target = tmp_path_factory.mktemp("fuzz") / "project"
    for name in ("regions", "content", "survey"):
        shutil.copytree(ROOT / name, target / name)
    return target


ORIGINAL = read_yaml(ROOT / FUZZED)
ORIGINAL_TEXT = (ROOT / FUZZED).read_text(encoding="utf-8")

MARKUP = ["<script>alert(1)</script>", "**太字**", "[リンク](javascript:alert(1))", "{{ name }}", "{% raw %}",
          "---", "- 項目", "# 見出し", "a: b", "&anchor", "*alias", "!!python/object", "⽤", "ｶﾀｶﾅ", "24 時間",
          "", " ", "\n", "\t", "null", "~", "yes", "1e3", "0x1F", "2017-01-01", "C2", "あ1", "itabashi", "\u2028"]


def _keys(tree) -> set[str]:
    if isinstance(tree, dict):
        return set(tree) | {k for v in tree.values() for k in _keys(v)}
    if isinstance(tree, list):
        return {k for v in tree for k in _keys(v)}
    return set()


KNOWN_KEYS = sorted(_keys(ORIGINAL))

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(min_value=-2, max_value=300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(MARKUP),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=6)), children, max_size=3)),
    max_leaves=6,
)


def _paths(tree, prefix=()):
    yield prefix
    if isinstance(tree, dict):
        for key, child in tree.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(tree, list):
        for i, child in enumerate(tree):
            yield from _paths(child, prefix + (i,))


PATHS = list(_paths(ORIGINAL))


def _mutate(data, doc):
    """Replace, delete or insert one value somewhere in *doc* (a deep copy of the region file)."""
    path = data.draw(st.sampled_from(PATHS), label="path")
    op = data.draw(st.sampled_from(["replace", "delete", "insert"]), label="op")
    target = doc
    for key in path:
        target = target[key]
    if op == "replace" or (op == "delete" and not path):
        value = data.draw(values, label="value")
        if not path:
            return value
        _set(doc, path, value)
    elif op == "delete":
        _delete(doc, path)
    elif isinstance(target, dict):
        target[data.draw(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=6)), label="key")] = \
            data.draw(values, label="value")
    elif isinstance(target, list):
        target.insert(data.draw(st.integers(0, len(target)), label="at"), data.draw(values, label="value"))
    elif path:  # insert next to a scalar: it becomes a list of two
        _set(doc, path, [target, data.draw(values, label="value")])
    return doc


def _load_or_report(root: Path) -> list[str]:
    """[] when the site loads; the report's lines when it does not.  Any other exception fails the test."""
    try:
        load_site(root)
    except DataInvalid as exc:
        lines = exc.report.lines()
        assert lines, "DataInvalid must carry at least one line"
        for line in lines:
            assert ": " in line and "Traceback" not in line, line
        return lines
    return []


# Fixed examples keep CI stable and under ~15 s; CASEBOOK_FUZZ_EXAMPLES=2000 explores afresh on each run.
_EXPLORE = int(os.environ.get("CASEBOOK_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_EXPLORE or 60, deadline=None, derandomize=not _EXPLORE, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@pytest.mark.site
@FUZZ
@given(data=st.data())
def test_random_edits_of_a_region_file_validate_or_are_reported(scratch, validator, data):
    doc = _mutate(data, copy.deepcopy(ORIGINAL))
    text = "# yaml-language-server: $schema=../regions.schema.json\n" + yaml.safe_dump(
        doc, allow_unicode=True, sort_keys=False)
    (scratch / FUZZED).write_text(text, encoding="utf-8")
    try:
        lines = _load_or_report(scratch)
    finally:
        (scratch / FUZZED).write_text(ORIGINAL_TEXT, encoding="utf-8")
    # The JSON Schema never rejects a file the validator accepts (it may be looser: cross-checks are not in it).
    if not any(line.startswith(FUZZED + ":") for line in lines):
        assert [e.message for e in validator.iter_errors(yaml.safe_load(text))] == []


YAML_NOISE = list(":-[]{}#&*!|>'\"%@`,? \t\n") + ["  ", "\n  ", "- ", ": ", "⽤", "~", "0", "1e9", "\ufeff", "\x00"]


@pytest.mark.site
@FUZZ
@given(data=st.data())
def test_random_text_edits_of_a_region_file_validate_or_are_reported(scratch, data):
    text = ORIGINAL_TEXT
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        start = data.draw(st.integers(0, len(text)), label="start")
        end = data.draw(st.integers(start, min(len(text), start + 40)), label="end")
        insert = "".join(data.draw(st.lists(st.sampled_from(YAML_NOISE), max_size=4), label="insert"))
        text = text[:start] + insert + text[end:]
    (scratch / FUZZED).write_text(text, encoding="utf-8")
    try:
        _load_or_report(scratch)
    finally:
        (scratch / FUZZED).write_text(ORIGINAL_TEXT, encoding="utf-8")
