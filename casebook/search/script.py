"""The form of every search data file: a script that stores its payload in ``CasebookSearchData``,
so it loads with ``<script src>`` from file:// and under a strict CSP, and with importScripts in the worker."""
from __future__ import annotations

import json

__all__ = ["data_script"]


def data_script(store_key: str, payload) -> bytes:
    """A data file: a script that puts *payload* at *store_key* of ``CasebookSearchData``
    (``d`` in the script; e.g. ``d.shards[3]``)."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    text = ("(function(g){var d=g.CasebookSearchData=g.CasebookSearchData||{shards:{},blocks:{},lists:{}};"
            f"{store_key}={body};}})(typeof globalThis!=='undefined'?globalThis:this);\n")
    # Lone surrogates (hostile input) become \\udXXX escapes, which JS reads back as such.
    return text.encode("utf-8", "backslashreplace")
