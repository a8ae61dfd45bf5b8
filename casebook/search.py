"""Japanese full-text search: one tokenizer, a lunr index built here, queried by lunr.js.

Design
------
* ``normalize`` works cluster by cluster (a code point plus the combining marks after it):
  NFKC (full-width/half-width, Kangxi radicals, ``ｶﾞ`` → ``ガ``), then ⻘⻑⺠⻭ and 〜 are
  mapped by hand, then ASCII/Latin-1/Greek/Cyrillic capitals are lowered by a fixed table.
  It is the same code in ``static/js/tokenize.js``; tests compare both over every indexed
  text and over hostile strings.  Code points above U+FFFF other than math alphanumerics and
  CJK compatibility ideographs are left as they are, so a browser with a newer Unicode table
  cannot normalize differently from Python 3.11.
* ``tokenize``: Japanese runs (kana, kanji) give overlapping character pairs plus the run's last
  character alone; Latin/digit runs give every suffix (at most ``MAX_WORD`` characters long).
  Any substring of a run is then a prefix of some term: a one-character query is the lunr
  clause ``x*``, a longer Japanese query is all its pairs, a Latin query is ``word*``; every
  clause is required.  Queries are never given to lunr's query parser.
* The index is built by lunr.py (``Builder``; terms enter as opaque ids because lunr.py lowers
  list tokens).  The browser gets lunr.py's own index: each term shard carries, per term, every
  field/document it occurs in with lunr.py's score for it (3 decimals, as lunr.py keeps them);
  ``search.js`` writes a shard back as lunr's serialized JSON and calls ``lunr.Index.load`` (a
  test checks every posting and vector element against lunr.py's).  Nothing is rebuilt there.
* Beside lunr's data, a shard gives the token positions of each pair of Japanese characters, so
  a word of 3+ Japanese characters (pairs at consecutive positions) is checked exactly without
  the documents' text; other words (several runs, symbols) are checked on the text.
* Shards: terms are split by their first code point (a heavy first character gets a shard of
  its own, the rest are hashed), small enough that a query reads only a few KB: the shards of
  its clauses' first characters.  Documents are split into list blocks (``l{n}.js``: id, URL,
  kind, title, figures) and text blocks (``d{n}.js``: the indexed fields), loaded for the
  results checked and shown; the page asks for the snippets of results after the first
  screenful as they near the screen.
* Ranking: a document whose title/name/headline holds every query word comes first, then lunr's
  score (field boosts in ``FIELD_BOOSTS``).
* ``cached_search_assets`` (the build's entry) keeps the assets between builds, keyed by the
  documents, this module's and readings.py's source and the libraries' versions.

Assets (all JavaScript files that assign to ``globalThis.CasebookSearchData``, so they load with
``<script src>`` from file:// and under a strict CSP, and with importScripts in search.js's
worker): ``search/index.js`` (manifest), ``search/t{n}.js`` (term shards), ``search/l{n}.js``
and ``search/d{n}.js`` (documents), ``search/readings.js`` (casebook/readings.py).
Figures: ``python bench/search_bench.py`` and BENCHMARKS.md.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

__all__ = [
    "FIELD_BOOSTS",
    "KIND_LABELS",
    "MAX_WORD",
    "SearchDocument",
    "build_search_assets",
    "normalize",
    "query_words",
    "shard_of",
    "tokenize",
]

#: Field boosts given to lunr; fields not named here get 1.  "title" is always indexed.
FIELD_BOOSTS: dict[str, int] = {
    "title": 10,
    "name": 10,
    "headline": 6,
    "highlights": 3,
    "models": 2,
    "body": 1,
}
#: Fields whose match puts a document in the top tier.
PRIMARY_FIELDS = ("title", "name", "headline")
KIND_LABELS = {"region": "事例", "model": "モデル", "survey": "調査", "page": "解説"}
#: Longest Latin/digit term; longer query words are matched by their first MAX_WORD characters.
MAX_WORD = 20

# Targets for splitting (raw bytes of the encoded data): a first search on the real site reads a few
# shards of ~1 KB and the blocks of the documents it shows (issue 13: ≤ 50 KB gzip in all).  Term
# shards hold the terms of several first characters each; smaller ones cost a query fewer bytes of
# other characters' terms (ほうもんかんご's eight shards: 18.6 KB gzip at 3,000, 6.4 KB at 1,000).
SHARD_TARGET = 1_000
BLOCK_TARGET = 2_500
LIST_TARGET = 24_000
READING_TARGET = 1_000
POSITIONS_LIMIT = 600_000

# ---------------------------------------------------------------------------------------
# normalize / tokenize (mirrored in static/js/tokenize.js: change both together)

VARIANTS = {"⻘": "青", "⻑": "長", "⺠": "民", "⻭": "歯", "〜": "~", "ς": "σ"}
_COMBINING = (
    (0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F), (0x3099, 0x309A), (0xFF9E, 0xFF9F),
)
_STABLE_ASTRAL = ((0x1D400, 0x1D7FF), (0x2F800, 0x2FA1F))
_JA = (
    (0x3005, 0x3007), (0x303B, 0x303B), (0x3041, 0x3096), (0x3099, 0x309A), (0x309D, 0x309F),
    (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
)
_WORD = ((0x30, 0x39), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x370, 0x4FF))
_SPACE = re.compile("[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def _in(cp: int, ranges) -> bool:
    for lo, hi in ranges:
        if lo <= cp <= hi:
            return True
    return False


def _lower(cp: int) -> int:
    if 0x41 <= cp <= 0x5A or (0xC0 <= cp <= 0xDE and cp != 0xD7):
        return cp + 0x20
    if 0x391 <= cp <= 0x3A9 and cp != 0x3A2:
        return cp + 0x20
    if 0x410 <= cp <= 0x42F:
        return cp + 0x20
    if 0x400 <= cp <= 0x40F:
        return cp + 0x50
    return cp


def _clusters(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each code point plus the combining marks that follow it."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _in(ord(text[j]), _COMBINING):
            j += 1
        yield i, j
        i = j


@lru_cache(maxsize=65536)  # the build normalizes ~100,000 clusters of a few thousand distinct ones
def _norm_cluster(cluster: str) -> str:
    cp = ord(cluster[0])
    if cp <= 0xFFFF or _in(cp, _STABLE_ASTRAL):
        cluster = unicodedata.normalize("NFKC", cluster)
    return "".join(chr(_lower(ord(VARIANTS.get(ch, ch)))) for ch in cluster)


def _ranges_class(ranges) -> str:
    return "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges)


_ANY_COMBINING = re.compile(f"[{_ranges_class(_COMBINING)}]")


class _CharTable(dict):
    """str.translate's table for text without combining marks, where every cluster is one code point:
    filled on first sight of each character (a few thousand distinct ones)."""

    def __missing__(self, cp: int) -> str:
        value = self[cp] = _norm_cluster(chr(cp))
        return value


_CHAR_TABLE = _CharTable()


def normalize(text: str) -> str:
    """NFKC + radical variants + lower case, cluster by cluster (same as tokenize.js)."""
    if not _ANY_COMBINING.search(text):
        # One cluster per code point: the same result, by one C loop (7 s → 0.3 s over 1,741 regions)
        return text.translate(_CHAR_TABLE)
    return "".join(_norm_cluster(text[a:b]) for a, b in _clusters(text))


@lru_cache(maxsize=65536)
def _class(cp: int) -> str:
    if _in(cp, _JA):
        return "J"
    if _in(cp, _WORD):
        return "W"
    return ""


# Maximal runs of Japanese characters (group 1) or of word characters (group 2); the rest separates them.
_RUN = re.compile(f"([{_ranges_class(_JA)}]+)|([{_ranges_class(_WORD)}]+)")


def _runs(norm: str) -> list[tuple[str, str]]:
    return [("J", m.group(1)) if m.group(1) else ("W", m.group(2)) for m in _RUN.finditer(norm)]


def tokenize(text: str) -> list[str]:
    """Index terms of *text*, in order (duplicates kept: they are term frequencies)."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)  # the index and the pair positions tokenize the same texts
def _tokens(text: str) -> tuple[str, ...]:
    terms: list[str] = []
    for kind, run in _runs(normalize(text)):
        if kind == "J":
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
            terms.append(run[-1])
        else:
            terms.extend(run[i:i + MAX_WORD] for i in range(len(run)))
    return tuple(terms)


def query_words(query: str) -> list[dict]:
    """The query as search.js sees it: words, each with its lunr clauses.

    A clause is (term, prefix).  ``exact`` means a document matching the clauses certainly
    contains the word, so no literal check is needed.
    """
    words = []
    for word in _SPACE.split(normalize(query)):
        if not word:
            continue
        clauses: list[tuple[str, bool]] = []
        runs = _runs(word)
        for kind, run in runs:
            if kind == "J" and len(run) > 1:
                clauses.extend((run[i:i + 2], False) for i in range(len(run) - 1))
            else:
                clauses.append((run[:MAX_WORD], True))
        exact = len(runs) == 1 and runs[0][1] == word and (
            (runs[0][0] == "J" and len(word) <= 2) or (runs[0][0] == "W" and len(word) <= MAX_WORD))
        words.append({"text": word, "clauses": list(dict.fromkeys(clauses)), "exact": exact})
    return words


def _first(term: str) -> str:
    """First code point, as JS's codePointAt(0) sees it."""
    return term[0]


def shard_of(term: str, shards: int) -> int:
    """Shard of a term (or prefix): a hash of its first code point."""
    if shards <= 1:
        return 0
    return ((ord(term[0]) * 2654435761) & 0xFFFFFFFF) % shards


def utf16_key(term: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


# ---------------------------------------------------------------------------------------
# documents and assets


@dataclass(frozen=True)
class SearchDocument:
    """One search result: a case (region), a model, a survey table or a page.

    ``fields``: indexed text per field name (name, headline, highlights, body, ...);
    ``summary``: small display data shown with the result (e.g. key figures of a region).
    ``url`` is site-relative without a leading slash ("regions/kamaishi/").
    """

    id: str
    url: str
    kind: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)


def _b36(n: int) -> str:
    if n < 0:
        raise ValueError(n)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _field_names(docs: list[SearchDocument]) -> list[str]:
    names = {"title"}
    for doc in docs:
        names.update(doc.fields)
    return sorted(names, key=lambda f: (-FIELD_BOOSTS.get(f, 1), f))


def _doc_fields(doc: SearchDocument) -> dict[str, str]:
    """Indexed text per field: the title, then every non-empty field that is not the title."""
    fields = {"title": doc.title}
    for name, text in doc.fields.items():
        if name != "title" and text and text != doc.title:
            fields[name] = text
    return fields


DIRECT_TOKENS = True  # False: lunr.py's own Tokenizer (the test's reference)
_TOKENIZER_SWAP = threading.Lock()


def build_lunr_index(docs: list[SearchDocument]):
    """lunr.py index over *docs* (refs are positions "0", "1", …) and its term list.

    Returns (builder, index, terms) where ``terms[i]`` is the real term behind lunr key
    ``_b36(i)``.  Terms enter lunr as opaque ids because lunr.py lower-cases list tokens.
    """
    from lunr import builder as lunr_builder
    from lunr.builder import Builder
    from lunr.token import Token

    names = _field_names(docs)
    term_ids: dict[str, str] = {}

    def ids(text: str) -> list[str]:
        out = []
        for term in tokenize(text):
            key = term_ids.get(term)
            if key is None:
                key = term_ids[term] = _b36(len(term_ids))
            out.append(key)
        return out

    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("id")
    for name in names:
        builder.field(name, boost=FIELD_BOOSTS.get(name, 1))
    # lunr.py's Tokenizer turns a list of terms into Tokens by lower-casing each and deep-copying an empty
    # metadata mapping for it (4 of 18 s at 1,741 regions); our terms are ids already in lower case, so the
    # same Tokens are made directly while the builder adds documents. (lunr.py 0.8 reads Tokenizer from its
    # module; a test checks the index equals the one its own Tokenizer gives.) The lock: one swap at a time.
    with _TOKENIZER_SWAP:
        library_tokenizer = lunr_builder.Tokenizer
        if DIRECT_TOKENS:
            lunr_builder.Tokenizer = lambda terms, metadata=None, separator=None: [Token(t, {}) for t in terms]
        try:
            for i, doc in enumerate(docs):
                fields = _doc_fields(doc)
                record = {"id": str(i)}
                for name in names:
                    record[name] = ids(fields.get(name, ""))
                builder.add(record)
        finally:
            lunr_builder.Tokenizer = library_tokenizer
    index = builder.build()
    terms = [""] * len(term_ids)
    for term, key in term_ids.items():
        terms[int(key, 36)] = term
    return builder, index, terms, names


def _js(store_key: str, payload) -> bytes:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    text = ("(function(g){var d=g.CasebookSearchData=g.CasebookSearchData||{shards:{},blocks:{},lists:{}};"
            f"{store_key}={body};}})(typeof globalThis!=='undefined'?globalThis:this);\n")
    # Lone surrogates (hostile input) become \\udXXX escapes, which JS reads back as such.
    return text.encode("utf-8", "backslashreplace")


def _doc_entry(doc: SearchDocument) -> list:
    """What a result shows besides its snippet (list blocks)."""
    return [doc.id, doc.url, doc.kind, doc.title, dict(sorted(doc.summary.items()))]


def _doc_text(doc: SearchDocument) -> dict[str, str]:
    """Indexed text per field but the title (in the list blocks): literal checks and snippets (text blocks)."""
    return {k: v for k, v in sorted(_doc_fields(doc).items()) if k != "title"}


def _is_pair(term: str) -> bool:
    return len(term) == 2 and _class(ord(term[0])) == "J" and _class(ord(term[1])) == "J"


def pair_positions(docs: list[SearchDocument], names: list[str]) -> dict[str, dict[int, list[int]]]:
    """{character pair: {fieldref number: [token positions]}}: a word of three or more Japanese
    characters is in a field exactly when its pairs stand at consecutive positions there, so
    search.js checks such words without the document's text (issue 13)."""
    nfields = len(names)
    field_pos = {name: i for i, name in enumerate(names)}
    out: dict[str, dict[int, list[int]]] = {}
    for d, doc in enumerate(docs):
        for name, text in _doc_fields(doc).items():
            fr = d * nfields + field_pos[name]
            for i, term in enumerate(tokenize(text)):
                if _is_pair(term):
                    out.setdefault(term, {}).setdefault(fr, []).append(i)
    return out


def _runs_of(values: list[str]) -> list[list]:
    runs: list[list] = []
    for v in values:
        if runs and runs[-1][0] == v:
            runs[-1][1] += 1
        else:
            runs.append([v, 1])
    return runs


def lunr_shards(docs: list[SearchDocument]) -> tuple[list[str], dict[str, list[tuple[int, float]]], str]:
    """lunr.py's index of *docs* as postings: (field names, {term: [(fieldref number, score)]}, lunr version).

    The score of a posting is the element lunr.py put in that field's vector for that term (BM25,
    field boosts applied, 3 decimals); fieldref number = doc position * len(fields) + field position.
    This is all of ``Index.serialize()`` but its term numbering (a shard numbers its own terms) and
    its empty metadata: search.js writes the shard back as lunr's serialized JSON for
    ``lunr.Index.load``.
    """
    builder, index, terms, names = build_lunr_index(docs)
    nfields = len(names)
    field_pos = {name: i for i, name in enumerate(names)}
    by_index = {posting["_index"]: terms[int(key, 36)] for key, posting in builder.inverted_index.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for ref, vector in index.field_vectors.items():
        fname, doc_ref = ref.rsplit("/", 1)
        fr = int(doc_ref) * nfields + field_pos[fname]
        el = vector.elements
        for i in range(0, len(el), 2):
            postings.setdefault(by_index[el[i]], []).append((fr, el[i + 1]))
    version = index.serialize()["version"] if docs else "2.3.9"
    return names, {t: sorted(p) for t, p in postings.items()}, version


def build_search_assets(docs: list[SearchDocument], readings: bool = True) -> dict[str, bytes]:
    """Relative path → bytes of every search asset; identical bytes for identical input.

    ``readings``: also write ``search/readings.js`` (casebook/readings.py: the site's words with
    their kana readings, loaded by search.js only for a kana query or a query without results).
    """
    docs = sorted(docs, key=lambda d: d.id)
    seen = set()
    for doc in docs:
        if doc.id in seen:
            raise ValueError(f"search: duplicate document id {doc.id!r}")
        seen.add(doc.id)

    names, postings, version = lunr_shards(docs)
    # Pair positions save a small site the documents' text for checks; on a big site they would make
    # the shard of a frequent first character too heavy for a first search (≤ 300 KB at 1,741 regions),
    # and there the results shown are checked on their text, block by block.
    size = sum(len(t.encode("utf-8", "surrogatepass")) + 6 * len(p) for t, p in postings.items())
    positions = pair_positions(docs, names) if size <= POSITIONS_LIMIT else {}

    def encode(term: str, entries: list[tuple[int, float]]) -> str:
        # fieldref as the gap from the previous one, then lunr.py's score in thousandths (it keeps 3
        # decimals); for a character pair, ":" and its token positions in that field (gaps).  (Positions
        # in files of their own, loaded only for longer words, cost more gzip than they save.)
        out, prev = [], 0
        where = positions.get(term)
        for fr, score in entries:
            entry = _b36(fr - prev) + "." + _b36(round(score * 1000))
            if where is not None:
                gaps, at = [], 0
                for p in where[fr]:
                    gaps.append(_b36(p - at))
                    at = p
                entry += ":" + ".".join(gaps)
            out.append(entry)
            prev = fr
        return ",".join(out)

    encoded = {term: encode(term, entries) for term, entries in postings.items()}
    entries = [_doc_entry(doc) for doc in docs]
    records = [_doc_text(doc) for doc in docs]
    sizes = [len(json.dumps(r, ensure_ascii=False).encode("utf-8", "backslashreplace")) for r in records]
    entry_sizes = [len(json.dumps(r, ensure_ascii=False).encode("utf-8", "backslashreplace")) for r in entries]
    raw_size = sum(len(t.encode("utf-8", "surrogatepass")) + len(p) + 2 for t, p in encoded.items())
    # Terms sharing a first code point stay together (a prefix clause reads one shard).  A first
    # character heavier than half a shard gets a shard of its own; the rest are hashed.  Small
    # shards even on a small site: a query reads only the shards of its clauses' first characters.
    by_first: dict[str, int] = {}
    for term, post in encoded.items():
        first = _first(term)
        by_first[first] = by_first.get(first, 0) + len(term.encode("utf-8", "surrogatepass")) + len(post) + 2
    heavy = sorted((c for c, size in by_first.items() if size > SHARD_TARGET / 2), key=utf16_key)
    own = {c: i for i, c in enumerate(heavy)}
    raw_size -= sum(by_first[c] for c in heavy)
    hashed = max(1, math.ceil(raw_size / SHARD_TARGET))
    shards: list[list[str]] = [[] for _ in range(len(own) + hashed)]
    for term in sorted(encoded, key=utf16_key):
        first = _first(term)
        shards[own[first] if first in own else len(own) + shard_of(term, hashed)].append(term)

    def split(sizes: list[int], target: int) -> list[int]:
        starts, acc = [0], 0  # start position of each block
        for i, size in enumerate(sizes):
            if acc and acc + size > target:
                starts.append(i)
                acc = 0
            acc += size
        return starts

    blocks = split(sizes, BLOCK_TARGET)
    lists = split(entry_sizes, LIST_TARGET)

    assets: dict[str, bytes] = {}
    shard_files, block_files = [], []
    for s, members in enumerate(shards):
        name = f"t{s}.js"
        shard_files.append(name)
        assets["search/" + name] = _js(f"d.shards[{s}]", {"t": " ".join(members),
                                                          "p": " ".join(encoded[t] for t in members)})
    for b, start in enumerate(blocks):
        end = blocks[b + 1] if b + 1 < len(blocks) else len(docs)
        name = f"d{b}.js"
        block_files.append(name)
        assets["search/" + name] = _js(f"d.blocks[{b}]", records[start:end])
    list_files = []
    for b, start in enumerate(lists):
        end = lists[b + 1] if b + 1 < len(lists) else len(docs)
        name = f"l{b}.js"
        list_files.append(name)
        assets["search/" + name] = _js(f"d.lists[{b}]", entries[start:end])

    manifest = {
        "v": 2,
        "lunr": version,
        "n": len(docs),
        "fields": names,
        "primary": [f for f in names if f in PRIMARY_FIELDS],
        "shards": shard_files,
        "pairs": bool(positions),
        "own": own,
        "hashed": hashed,
        "blocks": block_files,
        "blockStarts": blocks,
        "lists": list_files,
        "listStarts": lists,
        "maxWord": MAX_WORD,
        "kinds": KIND_LABELS,
        # Kind of every document, run-length coded ([kind, count], …): counts per kind and the
        # kind filter work before the document blocks are loaded.
        "docKinds": _runs_of([d.kind for d in docs]),
        "readings": None,
    }
    if readings:
        from .readings import readings_assets  # the analyser is imported only by a build that ships readings

        files = readings_assets((t for doc in docs for t in _doc_fields(doc).values()), READING_TARGET)
        for name, data in files.items():
            assets["search/" + name] = data
        manifest["readings"] = "readings.js"
        manifest["readingShards"] = sorted((n for n in files if n != "readings.js"), key=lambda n: int(n[1:-3]))
    assets["search/index.js"] = _js("d.manifest", manifest)
    return dict(sorted(assets.items()))


# ---------------------------------------------------------------------------------------
# cache of the assets between builds (issue 13: the search index is the largest stage of a build)

#: Everything besides the documents that decides the assets' bytes: this module and readings.py
#: (their source), the split targets, and the versions of lunr.py, SudachiPy and its dictionary.
_SOURCES = ("search.py", "readings.py")
CACHE_KEEP = 16


#: The libraries whose versions decide the index: distribution → its top-level package.
VERSIONED = {"lunr": "lunr", "sudachipy": "sudachipy", "sudachidict-core": "sudachidict_core"}


def _wheel_version(dist: str, package: str) -> str | None:
    """The version in the name of the installed wheel's NAME-VERSION.dist-info folder beside *package*; None
    where there is not exactly one (an editable or egg install). importlib.metadata.version finds the same by
    scanning every path entry and parsing METADATA with the email package: 55 ms a build for three names."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)  # finds the package without importing it
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent.parent
    prefix = re.sub(r"[-_.]+", "_", dist).lower() + "-"
    try:
        found = [e for e in os.listdir(folder) if e.endswith(".dist-info") and e.lower().startswith(prefix)]
    except OSError:
        return None
    return found[0][len(prefix):-len(".dist-info")] if len(found) == 1 else None


def _versions() -> dict[str, str]:
    out = {}
    for dist, package in VERSIONED.items():
        version = _wheel_version(dist, package)
        if version is None:
            from importlib import metadata
            try:
                version = metadata.version(dist)
            except metadata.PackageNotFoundError:
                version = ""
        out[dist] = version
    return out


def cache_key(docs: list[SearchDocument], readings: bool = True) -> str:
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in _SOURCES:
        h.update((here / name).read_bytes())
    h.update(json.dumps({
        "versions": _versions(), "readings": readings,
        "targets": [SHARD_TARGET, BLOCK_TARGET, LIST_TARGET, READING_TARGET, POSITIONS_LIMIT, MAX_WORD,
                    FIELD_BOOSTS, KIND_LABELS],
        "docs": [[d.id, d.url, d.kind, d.title, d.fields, d.summary] for d in sorted(docs, key=lambda d: d.id)],
    }, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def cache_dir() -> Path | None:
    """$CASEBOOK_CACHE, else $XDG_CACHE_HOME/casebook or ~/.cache/casebook; "off" for none."""
    env = os.environ.get("CASEBOOK_CACHE")
    if env == "off":
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "casebook"


def cached_search_assets(docs: list[SearchDocument], readings: bool = True) -> dict[str, bytes]:
    """build_search_assets(docs), taken from the cache when the same documents were indexed by the same
    code, dictionary and libraries before (the key covers all of them, so a hit gives the same bytes a
    fresh build would).  A cache that cannot be read or written is only slower."""
    folder = cache_dir()
    key = cache_key(docs, readings) if folder else ""
    path = folder / f"search-{key}.json" if folder else None
    if path is not None:
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            return {name: text.encode("utf-8") for name, text in stored.items()}
        except (OSError, ValueError, AttributeError):
            pass
    assets = build_search_assets(docs, readings)
    if path is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            # The assets are ASCII-safe UTF-8 (lone surrogates are escaped): text round-trips exactly.
            tmp.write_text(json.dumps({n: b.decode("utf-8") for n, b in assets.items()}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, path)
            # Keep the newest few: serve rebuilds after every edit.
            # Only names this function writes (search-<sha256>.json): the folder may be one the user named.
            ours = [p for p in folder.glob("search-*.json") if re.fullmatch(r"search-[0-9a-f]{64}\.json", p.name)]
            old = sorted(ours, key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in old[CACHE_KEEP:]:
                stale.unlink(missing_ok=True)
        except (OSError, UnicodeDecodeError):
            pass
    return assets
