"""Search by reading and variant spelling (issue 13): the reading map built from the site's own
words (casebook/search/readings.py) and the shipped engine (static/js/search-engine.js) using it in node.

Which pages hold a written form is computed here by a substring scan, never listed by hand.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casebook import search
from casebook.search import readings
from casebook.search import SearchDocument, build_search_assets, normalize
from test_search import _node, _norm, _write, real_documents

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def real_docs():
    return real_documents()


@pytest.fixture(scope="module")
def real_assets(real_docs):
    return build_search_assets(real_docs)


@pytest.fixture(scope="module")
def real_dir(real_assets, tmp_path_factory):
    return _write(real_assets, tmp_path_factory.mktemp("readings"))


def _data(assets, name="search/readings.js") -> dict:
    text = assets[name].decode("utf-8")
    return json.loads(re.split(r"\[(?:\d+|\"all\")\]=", text, maxsplit=1)[1].rsplit(";})", 1)[0])


def _lexicon(assets) -> list[list[str]]:
    return [line.split("\t") for line in _data(assets)["lexicon"].split("\n")]


def _holding(docs, form: str) -> set[str]:
    return {d.id for d in docs if any(form in _norm(t) for t in search.doc_fields(d).values())}


def _query(search_dir, queries, **options):
    return _node("search_cli.js", str(search_dir), "query", payload={"queries": queries, **options})


def test_katakana_of_hiragana():
    assert readings.to_katakana("みとり・ゔぁ・ゝ") == "ミトリ・ヴァ・ヽ"
    assert readings.to_katakana("看取りＡ") == "看取リＡ"


def test_the_analyser_gives_readings_and_normalized_spellings():
    terms = readings.analyse(normalize("かかりつけ医が看取りを支える"))
    units = [(s, r, n) for term in terms for s, r, n, _, _ in term]
    assert ("かかりつけ", "カカリツケ", "掛かり付け") in units
    assert ("医", "イ", "医") in units
    assert "".join(r for s, r, n in units if s in ("看", "取り")) == "ミトリ"
    # particles end a term: を and が are not in any
    assert all(s not in ("を", "が") for s, _, _ in units)


def test_reading_map_is_built_from_the_site_words_only(real_docs, real_assets):
    """Every entry of the shipped map is a word of the site (nothing else of the dictionary)."""
    corpus = "\n".join(_norm(t) for d in real_docs for t in search.doc_fields(d).values())
    lexicon = _lexicon(real_assets)
    assert len(lexicon) > 500
    for fields in lexicon:
        assert fields[0][0] in "n-" and fields[0][1:] in corpus, fields
    entries = {f[0][1:]: f for f in lexicon}
    assert entries["看"][1] == "ミ" and entries["取り"][1] == "トリ"
    assert entries["かかりつけ"][2] == "掛かり付け"
    # the map is small: a few KB of gzip beside a dictionary of ~190 MB, in shards a kana query loads one of
    import gzip
    shards = [b for n, b in real_assets.items() if re.fullmatch(r"search/r\d+\.js", n)]
    whole = len(gzip.compress(real_assets["search/readings.js"]))
    assert len(shards) > 2 and whole < 20_000 and max(len(gzip.compress(b)) for b in shards) < whole / 2
    manifest = json.loads(real_assets["search/index.js"].decode().split("d.manifest=", 1)[1].rsplit(";})", 1)[0])
    assert manifest["readings"] == "readings.js"
    assert manifest["readingShards"] == [f"r{i}.js" for i in range(len(shards))]


def test_reading_map_is_deterministic_and_optional(real_docs):
    texts = [t for d in real_docs for t in search.doc_fields(d).values()]
    readings.analyse.cache_clear()
    first = readings.readings_assets(texts, 4000)
    assert readings.readings_assets(list(reversed(texts)), 4000) == first
    assert not any(re.fullmatch(r"search/r\d+\.js", n) for n in build_search_assets(real_docs[:3], readings=False))


@pytest.mark.parametrize("query, form", [
    ("みとり", "看取り"), ("ミトリ", "看取り"), ("ほうもんかんご", "訪問看護"), ("掛かり付け医", "かかりつけ医"),
    ("訪問かんご", "訪問看護"), ("ｶｶﾘﾂｹｲ", "かかりつけ医"),
])
def test_kana_and_variant_queries_find_the_written_form(real_docs, real_dir, query, form):
    res = _query(real_dir, [query])[0]
    expected = _holding(real_docs, form)
    assert expected, f"the site no longer holds {form}"
    ids = {r["id"] for r in res["results"]}
    assert ids == expected | _holding(real_docs, normalize(query)), query
    for r in res["results"]:
        if r["via"]:
            assert {v["to"] for v in r["via"]} == {form}, r["via"]
            assert r["via"][0]["from"] == normalize(query)
            # the snippet (or, for a title match, the title) highlights the written form that matched
            sn = r["snippet"]
            marked = [sn["text"][a:b] for a, b in sn["ranges"]] + [r["title"][a:b] for a, b in r["titleRanges"]]
            assert sn and form in {normalize(m) for m in marked}, (r["id"], sn, r["title"])


def test_a_reading_being_typed_already_finds_the_word(real_dir):
    res = _query(real_dir, ["みと", "ほうもんか"])
    assert any(v["to"] == "看取り" for r in res[0]["results"] for v in r["via"])
    assert any(v["to"] == "訪問看護" for r in res[1]["results"] for v in r["via"])


def test_multi_word_reading_query_needs_every_word(real_docs, real_dir):
    res = _query(real_dir, ["みとり 連携"])[0]
    both = _holding(real_docs, "看取り") & _holding(real_docs, "連携")
    assert {r["id"] for r in res["results"]} == both and both


def test_counts_per_kind_and_the_kind_filter(real_docs, real_dir):
    everything = _query(real_dir, ["看取り"])[0]
    counts = everything["counts"]
    assert sum(counts.values()) == everything["total"] > 0
    kinds = {d.id: d.kind for d in real_docs}
    for kind in ("region", "model", "survey", "page"):
        assert counts.get(kind, 0) == sum(kinds[r["id"]] == kind for r in everything["results"])
    filtered = _query(real_dir, ["看取り"], kind="region")[0]
    assert filtered["total"] == counts["region"] > 0
    assert {kinds[r["id"]] for r in filtered["results"]} == {"region"}
    assert filtered["counts"] == counts  # the counts of the other kinds stay visible


def test_a_query_without_results_suggests_site_words(real_docs, real_dir):
    res = _query(real_dir, ["みとる", "在宅医僚", "後方支緩"])
    for r, near in zip(res, ["看取り", "在宅医療", "後方支援"]):
        assert r["total"] == 0
        assert near in r["suggestions"], (r["query"], r["suggestions"])
        for word in r["suggestions"]:
            assert _holding(real_docs, word), f"suggested {word} is not on the site"
    found = _query(real_dir, ["看取り"])[0]
    assert found["suggestions"] == []


def test_hostile_texts_build_readings(tmp_path):
    from test_search import HOSTILE
    docs = [SearchDocument(id=f"h{i}", url=f"h/{i}/", kind="page", title=f"t{i}", fields={"body": t})
            for i, t in enumerate(HOSTILE)]
    assets = build_search_assets(docs)
    assert re.search(rb'\(d\.readings=d\.readings\|\|\{\}\)\["all"\]=', assets["search/readings.js"])
    assert re.search(rb"\(d\.readings=d\.readings\|\|\{\}\)\[0\]=", assets["search/r0.js"])


def test_a_kana_query_loads_one_reading_shard(real_docs, real_dir):
    """A kana word reads only the reading shard of its first character; every shard holds what such
    a word can match (each reading query of the quality set finds with its shard what the whole map finds)."""
    for q in ("みとり", "ほうもんかんご", "しゅじい", "かなみっく", "たしょくしゅれんけい", "かんご"):
        r = _query(real_dir, [q])[0]
        shards = [f for f in r["loaded"] if re.fullmatch(r"r\d+\.js", f)]
        assert r["results"] and len(shards) == 1 and "readings.js" not in r["loaded"], (q, r["loaded"])
    none = _query(real_dir, ["みとる"])[0]  # nothing found: near words from the whole map
    assert none["total"] == 0 and none["suggestions"] and "readings.js" in none["loaded"]


def test_reading_shards_find_what_the_whole_map_finds(tmp_path, real_assets):
    """For kana words, the shard of the first character gives the same results and written forms as the
    whole map (search.js reads the whole map where the manifest lists no shards)."""
    manifest_js = real_assets["search/index.js"].decode("utf-8")
    manifest = json.loads(manifest_js.split("d.manifest=", 1)[1].rsplit(";})", 1)[0])
    whole = dict(real_assets)
    whole["search/index.js"] = manifest_js.replace(json.dumps(manifest["readingShards"], separators=(",", ":")),
                                                   "[]").encode("utf-8")
    assert whole["search/index.js"] != real_assets["search/index.js"]
    readings_of = sorted({f[1] for f in _lexicon(real_assets) if len(f) > 1 and len(f[1]) >= 2})
    queries = ["みとり", "ほうもんかんご", "しゅじい", "ざいたくいりょう", "いしかい"] + readings_of[::25]
    sharded = _query(_write(real_assets, tmp_path / "sharded"), queries)
    plain = _query(_write(whole, tmp_path / "whole"), queries)
    assert "readings.js" in plain[0]["loaded"] and not any("readings.js" in a["loaded"] for a in sharded)
    for a, b in zip(sharded, plain):
        assert [(r["id"], r["via"]) for r in a["results"]] == [(r["id"], r["via"]) for r in b["results"]], a["query"]
