"""Japanese full-text search: one tokenizer, a lunr index built here, queried by lunr.js.

One stage of the build (site documents → search assets), in modules by what they own:

* ``text``      normalising and tokenizing (twin: static/js/tokenize.js)
* ``index``     search documents and lunr.py's index of them as postings
* ``readings``  the site's words with their kana readings and normalized spellings (SudachiPy)
* ``script``    the form of a data file (a script that stores its payload)
* ``shards``    the index, documents and readings encoded as small files a query loads a few of
* ``cache``     the assets kept between builds, keyed by everything that decides their bytes

The browser side: static/js/search-engine.js (the engine, loaded by the worker and by node),
search-worker.js, search-readings.js, tokenize.js, and search.js (the page's UI).  The contract
between the Python and JavaScript twins is in tests/vectors/*.json, read by pytest and by node.
"""
from __future__ import annotations

from .cache import cached_search_assets
from .index import FIELD_BOOSTS, KIND_LABELS, SearchDocument, build_lunr_index, doc_fields
from .shards import build_search_assets
from .text import MAX_WORD, normalize, query_words, shard_of, tokenize

__all__ = [
    "FIELD_BOOSTS",
    "KIND_LABELS",
    "MAX_WORD",
    "SearchDocument",
    "build_lunr_index",
    "build_search_assets",
    "cached_search_assets",
    "doc_fields",
    "normalize",
    "query_words",
    "shard_of",
    "tokenize",
]
