"""The Python/JavaScript twins keep one contract: tests/vectors/*.json (tests/update_vectors.py writes them).

Each vector pairs an input with the output both sides must give: normalize/tokenize/query_words/reading_key
(casebook/search/text.py, static/js/tokenize.js), the shard hash (shard_of, shardOf), the closeness
ranking (casebook/similar.py, static/js/similar-core.js) and the reading data (casebook/search/readings.py
writes it, static/js/search-readings.js reads it).  Here the Python side is checked; node checks the JS
side (tests/js/vectors.js).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from casebook.search import normalize, query_words, shard_of, tokenize
from casebook.search import readings
from casebook.search.text import reading_key
from casebook.similar import rank
from tools import INSTALL, require_tool

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
NODE = shutil.which("node") or "/usr/bin/node"


def _load(name: str):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("vector", _load("tokenize.json"), ids=lambda v: repr(v["text"][:12]))
def test_python_normalizes_and_tokenizes_as_the_vectors_say(vector):
    assert normalize(vector["text"]) == vector["normalize"]
    assert tokenize(vector["text"]) == vector["tokenize"]
    got = [{**w, "clauses": [{"term": t, "prefix": p} for t, p in w["clauses"]]} for w in query_words(vector["text"])]
    assert got == vector["queryWords"]
    assert reading_key(vector["normalize"]) == vector["readingKey"]


def test_python_hashes_terms_to_the_shards_the_vectors_say():
    for v in _load("shard_hash.json"):
        assert shard_of(v["term"], v["shards"]) == v["shard"], v


def test_python_ranks_close_cases_as_the_vectors_say():
    data = _load("similarity.json")
    for job in data["jobs"]:
        got = [{"slug": r["slug"], "key": r["key"], "reasons": r["reasons"]}
               for r in rank(job["query"], data["cases"], job["exclude"])]
        assert got == job["ranked"], job["query"]


def test_python_writes_the_reading_data_the_vectors_hold():
    data = _load("readings.json")
    assert readings.reading_data(data["texts"]) == data["data"]
    for text, katakana in data["katakana"]:
        assert readings.to_katakana(text) == katakana


def test_the_shipped_javascript_gives_every_vector():
    require_tool("node", Path(NODE).exists(), INSTALL["node"])
    done = subprocess.run([NODE, str(ROOT / "tests" / "js" / "vectors.js")], capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_twin_that_drifts_fails_the_node_check(tmp_path):
    """The node runner reports a mismatch (here: a vector that says something else) and fails."""
    require_tool("node", Path(NODE).exists(), INSTALL["node"])
    copy = tmp_path / "tests"
    shutil.copytree(ROOT / "tests" / "js", copy / "js")
    shutil.copytree(VECTORS, copy / "vectors")
    shutil.copytree(ROOT / "static" / "js", tmp_path / "static" / "js")
    vectors = json.loads((copy / "vectors" / "shard_hash.json").read_text(encoding="utf-8"))
    vectors[-1]["shard"] += 1
    (copy / "vectors" / "shard_hash.json").write_text(json.dumps(vectors), encoding="utf-8")
    done = subprocess.run([NODE, str(copy / "js" / "vectors.js")], capture_output=True, text=True, encoding="utf-8",
                          timeout=60)
    assert done.returncode == 1 and "shardOf(" in done.stdout
