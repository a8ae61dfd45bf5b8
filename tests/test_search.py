"""Search (issue 4): one tokenizer in Python and JS, a lunr.py index that lunr.js queries.

Expected results are always computed here by a plain substring scan of the documents under
test, never listed by hand.  Node runs the shipped JavaScript (tests/js/*.js).
"""
from __future__ import annotations

import json
import math
import random
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml

from casebook import search
from casebook.search import cache as search_cache, shards as search_shards, text as search_text
from casebook.search import (
    SearchDocument, build_lunr_index, build_search_assets, normalize, query_words, tokenize,
)
from tools import INSTALL, require_tool

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
NODE = shutil.which("node") or "/usr/bin/node"


@pytest.fixture(autouse=True)
def _node():
    require_tool("node", Path(NODE).exists(), INSTALL["node"])


HOSTILE = [
    "", " ", "\u3000", "a", "医", "😀", "👨‍👩‍👧‍👦", "🇯🇵", "𠮷野家の𠮷", "\U0002a6a5\U0002a6a6", "\U000e0001x",
    "\x00\x01\x1f\x7f\x85\u200b\u200d\ufeff", "a\u0000b", "line\nbreak\r\ntab\t", "\ud800", "x\udc00y",
    "ｶﾞｲﾄﾞ ﾊﾟﾝ ｶﾅﾐｯｸ", "か\u3099", "゛゜ゝゞヽヾ", "⽀⽤⾏ ⻘⻑⺠⻭", "㈱㍻①Ⅻ№℡", "ﬁﬂ ＩＣＴ ｉｃｔ Ict",
    "İstanbul ΣΊΣΥΦΟΣ ς Straße ǅ", "Ω Å K", "𝐀𝐁𝐂 𝟏𝟐", "\U0001e030\U0001e031", "\U0001ccd6",
    "e\u0301 é", "〜～~", "ｰー－―‐", "24時間365日", "OKはまゆりネット", "ＯＫはまゆり",
    "a" * 50, "医" * 40, "<script>alert(1)</script>", '"\\\'', "\u2028\u2029", "*~^:+-",
    "abc\U0010ffff", "\uffff\ufffe", "ヿゟ", "\u3099", "ｶ\uff9e", "\uff9e",
]


def _node(script: str, *args: str, payload) -> object:
    proc = subprocess.run(
        [NODE, str(JS / script), *args], input=json.dumps(payload), capture_output=True,
        text=True, timeout=120, encoding="utf-8", errors="surrogatepass",
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# ---------------------------------------------------------------------------------------
# documents


def _flatten(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in _flatten(v)]
    return [str(value)] if isinstance(value, (int, float)) else []


def _raw_documents() -> list[SearchDocument]:
    """Texts read straight out of the data files (used when no loader is available)."""
    docs = []
    for path in sorted((ROOT / "regions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        slug = data.get("slug", path.stem)
        docs.append(SearchDocument(
            id=f"region:{slug}", url=f"regions/{slug}/", kind="region", title=str(data.get("name", slug)),
            fields={"name": str(data.get("name", "")), "headline": str(data.get("headline") or ""),
                    "highlights": "\n".join(_flatten(data.get("highlights") or [])),
                    "body": "\n".join(_flatten({k: v for k, v in data.items()
                                                  if k not in ("name", "headline", "highlights")}))},
            summary={"人口": str((data.get("population") or {}).get("total", ""))}))
    for path in sorted((ROOT / "content").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^title:\s*(.+)$", text, re.M)
        docs.append(SearchDocument(id=f"page:{path.stem}", url=f"{path.stem}/", kind="page",
                                   title=title.group(1) if title else path.stem, fields={"body": text}))
    tables = ROOT / "survey" / "tables.yaml"
    if tables.exists():
        docs.append(SearchDocument(id="survey:all", url="survey/", kind="survey", title="調査",
                                   fields={"body": "\n".join(_flatten(yaml.safe_load(tables.read_text("utf-8"))))}))
    return docs


def real_documents() -> list[SearchDocument]:
    try:
        from casebook.search_docs import site_documents
        from casebook.validate import load_site
    except ImportError:
        return _raw_documents()
    return list(site_documents(load_site(ROOT)))


def hostile_documents() -> list[SearchDocument]:
    docs = []
    for i, text in enumerate(HOSTILE):
        docs.append(SearchDocument(id=f"h{i:02d}", url=f"h/{i}/", kind="page", title=f"hostile {i} {text[:5]}",
                                   fields={"body": text, "headline": text[::-1]}))
    rng = random.Random(4)
    pools = ["在宅医療連携拠点主治医副主治医制後方支援病院", "カナミックネットワーク", "かなみっく",
             "ICTictＩＣＴ24時間", "、。「」・（）", "𠮷😀\u0301"]
    for i in range(40):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 60)))
        docs.append(SearchDocument(id=f"r{i:02d}", url=f"r/{i}/", kind=rng.choice(["region", "model"]),
                                   title=text[:8] or "空", fields={"body": text}, summary={"n": str(i)}))
    return docs


@pytest.fixture(scope="module")
def real_docs():
    docs = real_documents()
    assert docs, "no documents found"
    return docs


def _write(assets: dict[str, bytes], out: Path) -> Path:
    for name, data in assets.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out / "search"


_NORM_CACHE: dict[str, str] = {}


def _norm(text: str) -> str:
    if text not in _NORM_CACHE:
        _NORM_CACHE[text] = normalize(text)
    return _NORM_CACHE[text]


def _expected(docs: list[SearchDocument], query: str) -> set[str]:
    """Ids of the documents holding every word of the query: a plain substring scan."""
    words = [w["text"] for w in query_words(query)]
    if not words:
        return set()
    hits = set()
    for doc in docs:
        texts = [_norm(t) for t in search.doc_fields(doc).values()]
        if all(any(w in t for t in texts) for w in words):
            hits.add(doc.id)
    return hits


def _queries(docs: list[SearchDocument], n: int, seed: int) -> list[str]:
    fixed = ["主治医", "カナミック", "後方支援", "ＩＣＴ", "ict", "ｉＣｔ", "医", "病", "在宅医療", "ICT 連携",
             "OKはまゆり", "ＯＫはまゆり", "24時間", "ｶﾅﾐｯｸ", "訪問看護ステーション", "。", "（", "⻑", "長",
             "ネット", "支援 病院", "ない語句ではない", "x", "𠮷", "😀", "主治医 カナミック", "ct", "4時"]
    rng = random.Random(seed)
    texts = [t for d in docs for t in search.doc_fields(d).values() if t.strip()]
    out = list(fixed)
    for _ in range(n):
        text = rng.choice(texts)
        size = rng.choice([1, 1, 2, 2, 3, 4, 5, 8])
        start = rng.randrange(max(1, len(text) - size + 1))
        q = text[start:start + size]
        if rng.random() < 0.2:  # a second word from elsewhere
            other = rng.choice(texts)
            k = rng.randrange(max(1, len(other) - 2))
            q += " " + other[k:k + 3]
        out.append(q)
    return out


# ---------------------------------------------------------------------------------------
# tokenizer


@pytest.mark.unit
def test_normalize_unifies_variants():
    assert normalize("ＩＣＴ") == normalize("ict") == normalize("Ict") == "ict"
    assert normalize("ｶﾅﾐｯｸ") == "カナミック"
    assert normalize("ｶﾞｲﾄﾞ") == "ガイド"
    assert normalize("⻑寿 ⻘年 市⺠ ⻭科") == "長寿 青年 市民 歯科"
    assert normalize("⽀援") == "支援"  # Kangxi radical
    assert normalize("か\u3099") == "が"


@pytest.mark.unit
def test_normalize_folds_the_capitals_of_latin_1_greek_and_cyrillic_as_tokenize_js_does():
    # tokenize.js folds these blocks only (toLowerCase elsewhere would differ between engines): the first and
    # last capital of each range fold, the letters beside the ranges stay.
    assert normalize("AZÀÖØÞΑΡΣΩЀЏАЯ") == "azàöøþαρσωѐџая"
    assert normalize("×ß÷ΐαаѐ") == "×ß÷ΐαаѐ"


@pytest.mark.unit
def test_tokens():
    assert tokenize("主治医") == ["主治", "治医", "医"]
    assert tokenize("医") == ["医"]
    assert tokenize("ICT化") == ["ict", "ct", "t", "化"]
    assert tokenize("。、😀") == []
    assert query_words("主治医 ＩＣＴ")[1] == {"text": "ict", "clauses": [("ict", True)], "exact": True}


@pytest.mark.unit
def test_a_latin_word_is_found_by_the_index_alone_up_to_the_indexed_length():
    # Terms are indexed whole up to MAX_WORD letters, so a word that long needs no literal check; one letter more
    # is indexed cut, and only a literal check can tell a longer word from another with the same start.
    longest = "a" * search.MAX_WORD
    assert query_words(longest) == [{"text": longest, "clauses": [(longest, True)], "exact": True}]
    assert query_words(longest + "b") == [{"text": longest + "b", "clauses": [(longest, True)], "exact": False}]


@pytest.mark.unit
def test_js_fast_path_is_nfkc_stable():
    ranges = [(0x20, 0x7E), (0x3041, 0x3096), (0x30A1, 0x30FA), (0x30FC, 0x30FC), (0x3400, 0x4DBF),
              (0x4E00, 0x9FFF), (0x3001, 0x3011)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if cp == 0x3004:  # not in the JS fast path
                continue
            assert unicodedata.normalize("NFKC", ch) == ch, hex(cp)


def _hostile_texts() -> list[str]:
    rng = random.Random(7)
    texts = list(HOSTILE)
    ranges = [(0x0, 0x7F), (0x80, 0x4FF), (0x2000, 0x2FFF), (0x2E80, 0x2FDF), (0x3000, 0x30FF),
              (0x3200, 0x33FF), (0x4E00, 0x9FFF), (0xF900, 0xFFFF), (0x10000, 0x10FFFF), (0x1D400, 0x1D7FF),
              (0x1F300, 0x1FAFF), (0x20000, 0x2FA1F)]
    for _ in range(400):
        lo, hi = rng.choice(ranges)
        texts.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(1, 12))))
    # Lone surrogates, never two in a row (a Python pair of surrogates is no JS string).
    texts += ["a\udfffb", "\udbff医", "医\ud800"]
    return texts


@pytest.mark.site
def test_python_and_js_tokenizers_agree(real_docs):
    texts = [t for d in real_docs for t in search.doc_fields(d).values()] + _hostile_texts()
    texts += [d.title for d in hostile_documents()] + [t for d in hostile_documents() for t in d.fields.values()]
    got = _node("tokenize_cli.js", payload=texts)
    assert len(got) == len(texts)
    for text, (norm, tokens, words) in zip(texts, got):
        assert norm == normalize(text), repr(text)
        assert tokens == tokenize(text), repr(text)
        expected = [{"text": w["text"], "exact": w["exact"],
                     "clauses": [{"term": t, "prefix": p} for t, p in w["clauses"]]} for w in query_words(text)]
        assert words == expected, repr(text)


# ---------------------------------------------------------------------------------------
# index


@pytest.mark.unit
def test_assets_are_byte_identical(real_docs):
    a = build_search_assets(real_docs)
    b = build_search_assets(list(reversed(real_docs)))
    assert a == b
    assert list(a) == sorted(a)
    assert "search/index.js" in a
    for name, data in a.items():
        assert name.startswith("search/") and name.endswith(".js")
        assert b"eval(" not in data and b"\xe2\x80\xa8" not in data


@pytest.mark.unit
def test_duplicate_ids_are_refused():
    doc = SearchDocument(id="x", url="x/", kind="page", title="x")
    with pytest.raises(ValueError, match="duplicate"):
        build_search_assets([doc, doc])


@pytest.mark.site
@pytest.mark.parametrize("small_shards", [False, True])
def test_js_index_equals_lunr_py(tmp_path, monkeypatch, small_shards):
    """lunr.Index.load in search.js gets lunr.py's own index: every term's postings and every vector
    element (lunr.py's score, not recomputed) are the ones lunr.py built, shard by shard."""
    docs = real_documents()[:8] + hostile_documents()
    if small_shards:
        monkeypatch.setattr(search_shards, "SHARD_TARGET", 500)
    assets = build_search_assets(docs)
    got = _node("search_cli.js", str(_write(assets, tmp_path)), "vectors", payload={})
    assert len(got) > (20 if small_shards else 1), "expected several shards"
    builder, index, terms, names = build_lunr_index(sorted(docs, key=lambda d: d.id))
    by_index = {builder.inverted_index[k]["_index"]: terms[int(k, 36)] for k in builder.inverted_index}
    expected = {}
    for ref, vector in index.field_vectors.items():
        el = vector.elements
        named = {by_index[el[i]]: el[i + 1] for i in range(0, len(el), 2)}
        if named:
            expected[ref] = named
    merged: dict[str, dict[str, float]] = {}
    inverted: dict[str, dict[str, list[str]]] = {}
    for shard in got.values():
        for ref, named in shard["vectors"].items():
            assert not merged.get(ref, {}).keys() & named.keys(), "a term in two shards"
            merged.setdefault(ref, {}).update(named)
        assert not inverted.keys() & shard["inverted"].keys()
        inverted.update(shard["inverted"])
    assert merged.keys() == expected.keys()
    for ref in expected:
        assert merged[ref].keys() == expected[ref].keys(), ref
        for term, score in expected[ref].items():
            assert merged[ref][term] == pytest.approx(score, abs=1e-9), (ref, term)
    assert inverted.keys() == set(terms)
    for key, posting in builder.inverted_index.items():
        want = {f: sorted(posting[f]) for f in names}
        assert inverted[terms[int(key, 36)]] == want, terms[int(key, 36)]


@pytest.mark.unit
def test_the_browser_never_builds_an_index():
    """search-engine.js loads lunr.py's index with lunr.Index.load; it creates no lunr.Index, Builder or TokenSet itself."""
    code = (ROOT / "static/js/search-engine.js").read_text(encoding="utf-8")
    assert "lunr.Index.load(" in code
    for banned in ("new lunr.Index", "lunr.Builder", "lunr.TokenSet", "new lunr.Vector", "lunr(function"):
        assert banned not in code, banned


# ---------------------------------------------------------------------------------------
# search


def _check_queries(docs, queries, search_dir, limit=10**9):
    got = _node("search_cli.js", str(search_dir), "query", payload={"queries": queries, "limit": limit})
    for q, res in zip(queries, got):
        expected = _expected(docs, q)
        ids = [r["id"] for r in res["results"]]
        if res["unsupported"]:
            assert ids == [], q
            continue
        assert len(ids) == len(set(ids)), q
        # A result reached through a reading or variant spelling holds the written form it names
        # (precision); every other result holds the query as typed, and all of those are found (recall).
        by_id = {d.id: d for d in docs}
        via = {r["id"] for r in res["results"] if r["via"]}
        for r in res["results"]:
            if r["via"]:
                texts = [_norm(t) for t in search.doc_fields(by_id[r["id"]]).values()]
                words = {w["text"]: w["text"] for w in query_words(q)}
                words.update({v["from"]: v["to"] for v in r["via"]})
                assert all(any(w in t for t in texts) for w in words.values()), (q, r["id"], r["via"])
        literal = set(ids) - via
        assert literal == expected, f"query {q!r}: missing {expected - literal}, extra {literal - expected}"
        assert not via & expected, q
        assert res["total"] == len(ids) and res["exact"], q
    return got


@pytest.mark.site
def test_real_site_queries_match_substring_scan(tmp_path, real_docs):
    assets = build_search_assets(real_docs)
    got = _check_queries(real_docs, _queries(real_docs, 150, seed=1), _write(assets, tmp_path))
    hit = {r["query"]: r for r in got}
    for q in ("主治医", "カナミック", "ＩＣＴ"):
        if _expected(real_docs, q):
            assert hit[q]["results"][0]["snippet"]["ranges"], q


@pytest.mark.unit
def test_hostile_documents_queries(tmp_path):
    docs = hostile_documents()
    queries = _queries(docs, 150, seed=2) + [t for t in HOSTILE if t.strip()][:30]
    _check_queries(docs, queries, _write(build_search_assets(docs), tmp_path))


@pytest.mark.site
def test_sharded_lazy_site_keeps_recall(tmp_path, monkeypatch, real_docs):
    monkeypatch.setattr(search_shards, "SHARD_TARGET", 8000)
    monkeypatch.setattr(search_shards, "BLOCK_TARGET", 3000)
    docs = real_docs + hostile_documents()
    assets = build_search_assets(docs)
    assert sum(n.startswith("search/t") for n in assets) > 2
    assert sum(n.startswith("search/d") for n in assets) > 2
    queries = [q for q in _queries(docs, 80, seed=3) if query_words(q) and any(w["clauses"] for w in query_words(q))]
    search_dir = _write(assets, tmp_path)
    _check_queries(docs, queries, search_dir)
    # With a small page the lazy engine loads only what the first results need.
    got = _node("search_cli.js", str(search_dir), "query", payload={"queries": ["医"], "limit": 2})
    assert len(got[0]["results"]) == min(2, len(_expected(docs, "医")))
    assert got[0]["total"] == len(_expected(docs, "医")) and got[0]["exact"]
    blocks = [f for f in got[0]["loaded"] if f.startswith("d")]
    assert len(blocks) <= 4  # search.js verifies in batches of at least 4 documents


@pytest.mark.unit
def test_the_manifest_knows_each_documents_kind_and_the_files_carry_text_as_utf8(real_docs):
    # Before a block of documents loads, the engine counts results per kind (事例 n・モデル n) from the manifest's
    # run-length list of kinds, in index order (documents sorted by id).
    assets = build_search_assets(real_docs)
    manifest = json.loads(re.search(rb"d\.manifest=(\{.*\});\}", assets["search/index.js"]).group(1))
    expanded = [kind for kind, count in manifest["docKinds"] for _ in range(count)]
    assert expanded == [d.kind for d in sorted(real_docs, key=lambda d: d.id)]
    # Japanese text is shipped as UTF-8 (3 bytes a character), not as \uXXXX escapes (6 bytes).
    shipped = b"".join(v for k, v in assets.items() if k.endswith(".js"))
    assert "在宅医療".encode("utf-8") in shipped and not re.search(rb"\\u(?!202[89])[0-9a-f]{4}", shipped)


@pytest.mark.site
def test_name_or_headline_ranks_first(tmp_path):
    filler = "地域の在宅医療について述べる。" * 30
    docs = [
        SearchDocument(id="a", url="a/", kind="region", title="甲市", fields={"body": filler + "後方支援" * 6}),
        SearchDocument(id="b", url="b/", kind="region", title="乙市",
                       fields={"headline": "後方支援病院による連携", "body": filler}),
        SearchDocument(id="c", url="c/", kind="region", title="後方支援の丙市", fields={"body": filler}),
        SearchDocument(id="d", url="d/", kind="region", title="丁市", fields={"body": filler}),
    ]
    got = _node("search_cli.js", str(_write(build_search_assets(docs), tmp_path)), "query",
                payload={"queries": ["後方支援"]})
    ids = [r["id"] for r in got[0]["results"]]
    assert set(ids) == {"a", "b", "c"}
    assert ids[-1] == "a"


@pytest.mark.site
def test_snippet_maps_back_to_original_text(tmp_path):
    docs = [SearchDocument(id="x", url="x/", kind="page", title="題",
                           fields={"body": "前置き。ｶﾞｲﾄﾞと𠮷野家とＩＣＴ化の話。" + "後書き" * 40})]
    got = _node("search_cli.js", str(_write(build_search_assets(docs), tmp_path)), "query",
                payload={"queries": ["ガイド", "ict化", "𠮷野"]})
    for res, original in zip(got, ["ｶﾞｲﾄﾞ", "ＩＣＴ化", "𠮷野"]):
        sn = res["results"][0]["snippet"]
        units = sn["text"].encode("utf-16-le")  # ranges count UTF-16 code units, as JS does
        assert [units[2 * a:2 * b].decode("utf-16-le") for a, b in sn["ranges"]] == [original]
        # the snippet is the sentence that holds the match, whole (issue 13)
        assert sn["text"] == "ｶﾞｲﾄﾞと𠮷野家とＩＣＴ化の話。" and not sn["after"] and not sn["before"]


@pytest.mark.unit
def test_shipped_files():
    lunr_js = (ROOT / "static/vendor/lunr/lunr.min.js").read_text(encoding="utf-8")
    assert "2.3.9" in lunr_js[:300]
    assert "Oliver Nightingale" in (ROOT / "static/vendor/lunr/LICENSE").read_text(encoding="utf-8")
    for name in ("search.js", "search-engine.js", "search-worker.js", "search-readings.js"):
        text = (ROOT / "static/js" / name).read_text(encoding="utf-8")
        for banned in ("innerHTML", "eval(", "new Function", "fetch(", "insertAdjacentHTML", "document.write",
                       "Blob(", "createObjectURL"):  # a blob: worker would need worker-src blob: in the CSP
            assert banned not in text, (name, banned)
    code = (ROOT / "static/js/search.js").read_text(encoding="utf-8")
    assert "compositionend" in code and "isComposing" in code


# ---------------------------------------------------------------------------------------
# What the index holds is what the page shows


def _ui_strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _ui_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _ui_strings(v)]
    return [str(node)] if isinstance(node, str) else []


def _shown_words(element, skip_classes) -> list[str]:
    """Japanese and Latin runs of every text node the reader sees in *element*."""
    words = []
    for child in element.children:
        if isinstance(child, str):
            words.extend(run for kind, run in search_text.runs(normalize(child))
                         if (kind == "J" and len(run) > 1) or (kind == "W" and not run.isdigit()))
        elif not (any(child.has_class(c) for c in skip_classes) or child.tag in ("nav", "code", "h2", "h3", "title", "desc")
                  or "visually-hidden" in (child.attrs.get("class") or "")):
            words.extend(_shown_words(child, skip_classes))
    return words


@pytest.mark.site
def test_every_word_a_case_page_shows_is_in_its_search_document(real_site, built_site, root):
    from casebook.search_docs import label_text, site_documents
    from tests.html_tree import parse

    ui = {w for s in _ui_strings(yaml.safe_load((root / "templates/strings.ja.yaml").read_text(encoding="utf-8")))
          for kind, w in search_text.runs(normalize(s.split("{")[0]))}
    docs = {d.id: d for d in site_documents(real_site)}
    missing = {}
    for region in real_site.regions:
        html = (built_site / "regions" / region.slug / "index.html").read_text(encoding="utf-8")
        case = parse(html).find("article", **{"class": "case"})
        # Key figures are summary data (numbers); similar cases and the pager are other pages' words;
        # the SVG's <title>/<desc> are built from strings plus the words already listed.
        shown = _shown_words(case, skip_classes=("similar-cases", "figures", "case__cite", "note"))
        indexed = normalize(label_text("\n".join(docs[f"region:{region.slug}"].fields.values())))
        indexed_joined = re.sub(r"\s+", "", indexed)
        lost = sorted({w for w in shown if w not in ui and w not in indexed_joined})
        if lost:
            missing[region.slug] = lost
    assert missing == {}


@pytest.mark.site
def test_every_word_a_model_page_shows_is_in_its_search_document(real_site, built_site, root):
    """A model page lists its regions with the labels the report prints for them (B2: 「メディカルケアステーション」):
    the model is found by every one of those words, not only by its figure callouts."""
    from casebook.search_docs import label_text, site_documents
    from tests.html_tree import parse

    ui = {w for s in _ui_strings(yaml.safe_load((root / "templates/strings.ja.yaml").read_text(encoding="utf-8")))
          for kind, w in search_text.runs(normalize(s.split("{")[0]))}
    docs = {d.id: d for d in site_documents(real_site)}
    missing = {}
    for model in real_site.models:
        main = parse((built_site / "models" / model.slug / "index.html").read_text(encoding="utf-8")).find("main")
        shown = _shown_words(main, skip_classes=("case__number", "memberships__page", "note", "print-header"))
        doc = docs[f"model:{model.slug}"]
        indexed = re.sub(r"\s+", "", normalize(label_text("\n".join([doc.title, *doc.fields.values()]))))
        lost = sorted({w for w in shown if w not in ui and w not in indexed})
        if lost:
            missing[model.slug] = lost
    assert missing == {}


@pytest.mark.site
def test_every_word_a_survey_section_shows_is_in_one_of_its_search_documents(real_site, built_site, root):
    from casebook.search_docs import site_documents
    from tests.html_tree import parse

    ui = {w for s in _ui_strings(yaml.safe_load((root / "templates/strings.ja.yaml").read_text(encoding="utf-8")))
          for kind, w in search_text.runs(normalize(s.split("{")[0]))}
    docs = site_documents(real_site)
    missing = {}
    for number in sorted({t.section_number for t in real_site.survey}):
        main = parse((built_site / "survey" / f"s{number}" / "index.html").read_text(encoding="utf-8")).find("main")
        shown = _shown_words(main, skip_classes=("print-header", "note", "chart", "table-wrap", "survey-table__csv"))
        indexed = re.sub(r"\s+", "", normalize("\n".join(
            t for d in docs if d.url.startswith(f"survey/s{number}/") for t in (d.title, *d.fields.values()))))
        lost = sorted({w for w in shown if w not in ui and w not in indexed})
        if lost:
            missing[number] = lost
    assert missing == {}


@pytest.mark.site
def test_a_search_document_filled_from_the_wrong_region_fails_the_page_text_check(real_site, built_site):
    from casebook.search_docs import region_fields
    from tests.html_tree import parse

    a, b = real_site.regions[0], real_site.regions[1]
    html = (built_site / "regions" / a.slug / "index.html").read_text(encoding="utf-8")
    case = parse(html).find("article", **{"class": "case"})
    shown = set(_shown_words(case, skip_classes=("similar-cases", "figures", "case__cite", "note")))
    wrong = re.sub(r"\s+", "", normalize("\n".join(region_fields(real_site, b).values())))
    assert any(w not in wrong for w in shown)


@pytest.mark.unit
def test_a_label_with_a_full_width_space_is_found_with_or_without_the_space(real_site):
    from casebook.search_docs import site_documents

    docs = [d for d in site_documents(real_site) if d.kind == "region"]
    assert any("患者　家族" in a.label for r in real_site.regions for a in r.diagram.actors)
    for query in ("患者家族", "患者 家族", "患者　家族"):
        words = [w["text"] for w in query_words(query)]
        found = [d.id for d in docs if all(w in normalize("\n".join(d.fields.values())) for w in words)]
        assert "region:mibu" in found, (query, found)


# ---------------------------------------------------------------------------------------
# snippets (issue 13): one per result, from the matching sentences or labels, each phrase once


@pytest.mark.site
def test_every_result_has_one_snippet_of_matching_sentences(tmp_path, real_docs):
    queries = ["主治医", "看取り", "カナミック", "医師会", "ICT", "連携", "主治医 搬送", "患者家族", "病院", "在宅"]
    got = _node("search_cli.js", str(_write(build_search_assets(real_docs), tmp_path)), "query",
                payload={"queries": queries})
    by_id = {d.id: d for d in real_docs}
    for res in got:
        words = [w["text"] for w in query_words(res["query"])]
        assert res["results"], res["query"]
        for r in res["results"]:
            sn = r["snippet"]
            assert sn and sn["text"].strip(), (res["query"], r["id"])
            parts = [p.strip("…") for p in sn["text"].split(" / ")]
            assert len(parts) == len(set(normalize(p) for p in parts)), (r["id"], sn["text"])  # no phrase twice
            body = [normalize(t) for f, t in search.doc_fields(by_id[r["id"]]).items() if f != "title"]
            if any(w in t for t in body for w in words):
                # a match outside the title: every part shows a query word (no unrelated labels)
                for p in parts:
                    assert any(w in normalize(p) for w in words), (res["query"], r["id"], sn["text"])
                assert sn["ranges"]
            assert len(sn["text"]) <= 130, sn["text"]
    both = next(r for r in got[queries.index("主治医 搬送")]["results"] if r["id"] == "region:nagaoka")
    assert "主治医" in both["snippet"]["text"] and "搬送" in both["snippet"]["text"]


@pytest.mark.site
def test_search_assets_are_cached_by_content(tmp_path, monkeypatch, real_docs):
    """A build reuses the assets of the same documents indexed by the same code (issue 13: build time);
    any change of the documents misses the cache, and a cache that cannot be written only costs time."""
    from dataclasses import replace

    monkeypatch.setenv("CASEBOOK_CACHE", str(tmp_path / "cache"))
    fresh = build_search_assets(real_docs)
    assert search.cached_search_assets(real_docs) == fresh
    assert len(list((tmp_path / "cache").glob("search-*.json"))) == 1
    built = []
    monkeypatch.setattr(search_cache, "build_search_assets", lambda docs, readings=True: built.append(1) or {})
    assert search.cached_search_assets(real_docs) == fresh and not built  # a hit: the same bytes, nothing built
    changed = [replace(real_docs[0], fields={**real_docs[0].fields, "body": real_docs[0].fields.get("body", "") + "。"})]
    search.cached_search_assets(changed + real_docs[1:])
    assert built == [1], "a changed document must not hit the cache"
    monkeypatch.undo()  # the real builder again
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("CASEBOOK_CACHE", str(tmp_path / "file" / "cache"))  # a folder that cannot be made
    assert search.cached_search_assets(real_docs) == fresh
    monkeypatch.setenv("CASEBOOK_CACHE", "off")
    assert search_cache.cache_dir() is None and search.cached_search_assets(real_docs) == fresh


@pytest.mark.site
def test_assets_without_readings_are_cached_apart_from_assets_with_them(tmp_path, monkeypatch, real_docs):
    monkeypatch.setenv("CASEBOOK_CACHE", str(tmp_path / "cache"))
    plain = search.cached_search_assets(real_docs, readings=False)
    assert not any(name.startswith("search/r") for name in plain)
    with_readings = search.cached_search_assets(real_docs, readings=True)
    assert with_readings == build_search_assets(real_docs, True) and "search/readings.js" in with_readings
    assert len(list((tmp_path / "cache").glob("search-*.json"))) == 2


@pytest.mark.unit
def test_the_cache_key_changes_with_the_installed_versions_of_the_indexing_libraries(monkeypatch, real_docs):
    from importlib import metadata

    versions = search_cache.library_versions()
    assert versions == {dist: metadata.version(dist) for dist in search_cache.VERSIONED}
    key = search_cache.cache_key(real_docs)
    monkeypatch.setattr(search_cache, "library_versions", lambda: {**versions, "lunr": versions["lunr"] + ".post1"})
    assert search_cache.cache_key(real_docs) != key


@pytest.mark.unit
def test_the_light_terms_fill_as_few_shards_as_hold_them(real_docs):
    # Terms of a heavy first character have shards of their own; the rest are hashed into just enough shards
    # of SHARD_TARGET bytes (fewer would make a first search load more, more would cost requests).
    assets = build_search_assets(real_docs)
    manifest = json.loads(re.search(rb"d\.manifest=(\{.*\});\}", assets["search/index.js"]).group(1))
    own = len(manifest["own"])
    assert own > 0
    light = 0
    for i in range(own, own + manifest["hashed"]):
        shard = json.loads(re.search(rb"d\.shards\[\d+\]=(\{.*\});\}", assets[f"search/t{i}.js"]).group(1))
        terms, postings = shard["t"].split(" "), shard["p"].split(" ")
        light += sum(len(t.encode("utf-8")) + len(p) + 2 for t, p in zip(terms, postings))
    assert manifest["hashed"] == math.ceil(light / search_shards.SHARD_TARGET)


@pytest.mark.unit
def test_an_index_whose_postings_outgrow_the_limit_ships_no_pair_positions(monkeypatch):
    # The limit is on the postings' bytes (six per posting), so a word in many documents counts many times.
    docs = [SearchDocument(id=f"p{i:03d}", url=f"p/{i}/", kind="page", title="看取り") for i in range(100)]
    manifest = lambda assets: json.loads(re.search(rb"d\.manifest=(\{.*\});\}", assets["search/index.js"]).group(1))
    assert manifest(build_search_assets(docs, False))["pairs"] is True
    monkeypatch.setattr(search_shards, "POSITIONS_LIMIT", 500)  # under the 6 × 100 bytes of one term's postings
    assert manifest(build_search_assets(docs, False))["pairs"] is False


@pytest.mark.site
def test_every_search_result_opens_a_page_of_the_site_and_its_summary_holds_the_pages_figures(real_site, built_site):
    """A result links to a built page (and to an element of it, for a survey table); a model's result says how many
    cases name that model, counted here from the region files; a page's text has single spaces, as a snippet shows."""
    from casebook.search_docs import site_documents

    docs = site_documents(real_site)
    assert {d.kind for d in docs} == {"region", "model", "survey", "page"}
    for doc in docs:
        page, _, anchor = doc.url.partition("#")
        html = (built_site / page).read_text(encoding="utf-8")
        assert not anchor or f'id="{anchor}"' in html, doc.url
        assert doc.title and all(doc.fields.values()) or doc.kind == "model", doc.id
        # each field weighted as designed (an unknown name would silently get body's weight); ids are kind:slug
        # (the index orders documents by id)
        assert set(doc.fields) <= set(search.FIELD_BOOSTS) and re.fullmatch(rf"{doc.kind}:[a-z0-9-]+", doc.id), doc.id
    for model in real_site.models:
        doc = next(d for d in docs if d.id == f"model:{model.slug}")
        named = sum(1 for r in real_site.regions if any(m.code == model.code for m in r.models))
        assert doc.url == f"models/{model.slug}/index.html" and doc.summary == {"該当地域": f"{named}地域"}
    pages = [d for d in docs if d.kind == "page"]
    assert pages and all(not re.search(r"[ \t]{2,}", d.fields["body"]) for d in pages)


@pytest.mark.unit
def test_normalize_gives_the_cluster_by_cluster_result_with_or_without_combining_marks():
    rng = random.Random(13)
    every_char = "".join(chr(cp) for cp in range(0x20, 0x10000) if not 0xD800 <= cp <= 0xDFFF)
    texts = HOSTILE + [every_char, "".join(rng.choice(every_char) for _ in range(5000))]
    for text in texts:
        slow = "".join(search_text._norm_cluster(text[a:b]) for a, b in search_text._clusters(text))
        assert normalize(text) == slow, repr(text[:40])


@pytest.mark.unit
def test_the_index_equals_the_one_lunrs_own_builder_makes(real_docs):
    import lunr.builder
    library_tokenizer = lunr.builder.Tokenizer
    _, fast, fast_terms, _ = build_lunr_index(real_docs)
    assert lunr.builder.Tokenizer is library_tokenizer  # the library is never patched
    _, reference, terms, _ = build_lunr_index(real_docs, library_builder=True)
    assert fast_terms == terms and fast.serialize() == reference.serialize()
