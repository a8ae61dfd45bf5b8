"""The cache of the search assets between builds (the search index is the largest stage of a build).

The key covers everything that decides the assets' bytes: the documents, the source of this
package, the split targets and the installed versions of lunr.py, SudachiPy and its dictionary,
so a hit gives the bytes a fresh build would.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .index import FIELD_BOOSTS, KIND_LABELS, SearchDocument
from .shards import SPLIT_TARGETS, build_search_assets

__all__ = ["VERSIONED", "cache_dir", "cache_key", "cached_search_assets", "library_versions"]

CACHE_KEEP = 16
#: The distributions whose versions decide the index.
VERSIONED = ("lunr", "sudachipy", "sudachidict-core")


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Installed version of each distribution in VERSIONED ("" where one is not installed); read once
    per process (serve rebuilds after every edit)."""
    out = {}
    for dist in VERSIONED:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = ""
    return out


def _sources() -> list[bytes]:
    here = Path(__file__).resolve().parent
    return [p.read_bytes() for p in sorted(here.glob("*.py")) if p.is_file()] + \
        [p.read_bytes() for p in sorted(here.glob("*.yaml")) if p.is_file()]


def cache_key(docs: list[SearchDocument], readings: bool = True) -> str:
    h = hashlib.sha256()
    for source in _sources():
        h.update(hashlib.sha256(source).digest())
    h.update(json.dumps({
        "versions": library_versions(), "readings": readings,
        "targets": [*SPLIT_TARGETS, FIELD_BOOSTS, KIND_LABELS],
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
