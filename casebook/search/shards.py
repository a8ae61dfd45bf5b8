"""Shard encoding: the index, documents and readings as the small script files the browser loads.

Assets (all JavaScript files that assign to ``globalThis.CasebookSearchData``, so they load with
``<script src>`` from file:// and under a strict CSP, and with importScripts in the worker):
``search/index.js`` (manifest), ``search/t{n}.js`` (term shards), ``search/l{n}.js`` and
``search/d{n}.js`` (documents), ``search/readings.js`` and ``search/r{n}.js`` (readings.py).

* Beside lunr's data, a shard gives the token positions of each pair of Japanese characters, so
  a word of 3+ Japanese characters (pairs at consecutive positions) is checked exactly without
  the documents' text; other words (several runs, symbols) are checked on the text.
* Shards: terms are split by their first code point (a heavy first character gets a shard of
  its own, the rest are hashed by ``shard_of``, twin of tokenize.js's ``shardOf``), small enough
  that a query reads only a few KB: the shards of its clauses' first characters.  Documents are
  split into list blocks (``l{n}.js``: id, URL, kind, title, figures) and text blocks (``d{n}.js``:
  the indexed fields), loaded for the results checked and shown.
Figures: ``python bench/search_bench.py`` and BENCHMARKS.md.
"""
from __future__ import annotations

import json
import math

from .glossary import glossary_entries
from .index import KIND_LABELS, PRIMARY_FIELDS, SearchDocument, doc_fields, lunr_shards, pair_positions
from .script import data_script
from .text import MAX_WORD, base36, first_char, shard_of, utf16_key

__all__ = ["SPLIT_TARGETS", "build_search_assets"]

# Targets for splitting (raw bytes of the encoded data): a first search on the real site reads a few
# shards of ~1 KB and the blocks of the documents it shows (≤ 50 KB gzip in all).  Term
# shards hold the terms of several first characters each; smaller ones cost a query fewer bytes of
# other characters' terms (ほうもんかんご's eight shards: 18.6 KB gzip at 3,000, 6.4 KB at 1,000).
SHARD_TARGET = 1_000
BLOCK_TARGET = 2_500
LIST_TARGET = 24_000
READING_TARGET = 1_000
POSITIONS_LIMIT = 600_000
#: Everything above, for the cache key.
SPLIT_TARGETS = [SHARD_TARGET, BLOCK_TARGET, LIST_TARGET, READING_TARGET, POSITIONS_LIMIT, MAX_WORD]


def _doc_entry(doc: SearchDocument) -> list:
    """What a result shows besides its snippet (list blocks)."""
    return [doc.id, doc.url, doc.kind, doc.title, dict(sorted(doc.summary.items()))]


def _doc_text(doc: SearchDocument) -> dict[str, str]:
    """Indexed text per field but the title (in the list blocks): literal checks and snippets (text blocks)."""
    return {k: v for k, v in sorted(doc_fields(doc).items()) if k != "title"}


def _runs_of(values: list[str]) -> list[list]:
    runs: list[list] = []
    for v in values:
        if runs and runs[-1][0] == v:
            runs[-1][1] += 1
        else:
            runs.append([v, 1])
    return runs


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
    texts = [t for doc in docs for t in doc_fields(doc).values()]
    glossary = glossary_entries(texts)
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
            entry = base36(fr - prev) + "." + base36(round(score * 1000))
            if where is not None:
                gaps, at = [], 0
                for p in where[fr]:
                    gaps.append(base36(p - at))
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
        first = first_char(term)
        by_first[first] = by_first.get(first, 0) + len(term.encode("utf-8", "surrogatepass")) + len(post) + 2
    heavy = sorted((c for c, size in by_first.items() if size > SHARD_TARGET / 2), key=utf16_key)
    own = {c: i for i, c in enumerate(heavy)}
    raw_size -= sum(by_first[c] for c in heavy)
    hashed = max(1, math.ceil(raw_size / SHARD_TARGET))
    shards: list[list[str]] = [[] for _ in range(len(own) + hashed)]
    for term in sorted(encoded, key=utf16_key):
        first = first_char(term)
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
        assets["search/" + name] = data_script(f"d.shards[{s}]", {"t": " ".join(members),
                                                          "p": " ".join(encoded[t] for t in members)})
    for b, start in enumerate(blocks):
        end = blocks[b + 1] if b + 1 < len(blocks) else len(docs)
        name = f"d{b}.js"
        block_files.append(name)
        assets["search/" + name] = data_script(f"d.blocks[{b}]", records[start:end])
    list_files = []
    for b, start in enumerate(lists):
        end = lists[b + 1] if b + 1 < len(lists) else len(docs)
        name = f"l{b}.js"
        list_files.append(name)
        assets["search/" + name] = data_script(f"d.lists[{b}]", entries[start:end])

    manifest = {
        "v": 3,
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
        # The search's glossary (glossary.yaml): short forms and everyday words ([short, [long…], kind]);
        # where each pairing comes from is in glossary.js, loaded only by a search that used an entry.
        "glossary": [entry[:3] for entry in glossary],
        # Words the site spells in more than one way (readings.variant_groups; needs the analyser).
        "variants": [],
    }
    if readings:
        from .readings import readings_assets, variant_groups  # the analyser only for a build that ships readings

        manifest["variants"] = variant_groups(texts)
        files = readings_assets(texts, READING_TARGET)
        for name, data in files.items():
            assets["search/" + name] = data
        manifest["readings"] = "readings.js"
        manifest["readingShards"] = sorted((n for n in files if n != "readings.js"), key=lambda n: int(n[1:-3]))
    assets["search/glossary.js"] = data_script("d.glossarySources", [entry[3] for entry in glossary])
    assets["search/index.js"] = data_script("d.manifest", manifest)
    return dict(sorted(assets.items()))
