"""The search's own glossary (glossary.yaml beside this file): practitioners' short forms and
everyday words, each with where the pairing comes from.  It is read, checked and reduced to the
entries useful on this site (a form of the entry the site contains); the search ships those in its
manifest and tells the reader when one was used.  Never mixed into the report's text."""
from __future__ import annotations

from pathlib import Path

import yaml

from .text import normalize

__all__ = ["GLOSSARY", "GlossaryError", "glossary_entries", "read_glossary"]

GLOSSARY = Path(__file__).resolve().parent / "glossary.yaml"
KINDS = ("略", "言い換え")


class GlossaryError(ValueError):
    """The glossary file is not as described at its top; the message names the file and the entry."""


def read_glossary(path: Path = GLOSSARY) -> list[dict]:
    """Every entry of the glossary file, checked: all problems at once in one GlossaryError."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise GlossaryError(f"{path}: cannot be read as YAML ({e})") from None
    if not isinstance(data, list):
        raise GlossaryError(f"{path}: expected a list of entries, got {type(data).__name__}")
    problems, entries = [], []
    for i, entry in enumerate(data, 1):
        where = f"{path}: entry {i}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with short, long, kind, source")
            continue
        short, long, kind, source = (entry.get(k) for k in ("short", "long", "kind", "source"))
        if not isinstance(short, str) or not short.strip():
            problems.append(f"{where} short: expected a word, got {short!r}")
        if not isinstance(long, list) or not long or not all(isinstance(x, str) and x.strip() for x in long):
            problems.append(f"{where} long: expected a list of one or more words, got {long!r}")
        if kind not in KINDS:
            problems.append(f"{where} kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{where} source: expected a sentence saying where the pairing comes from, got {source!r}")
        unknown = sorted(set(entry) - {"short", "long", "kind", "source"})
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        if not any(p.startswith(where) for p in problems):
            entries.append({"short": short, "long": list(long), "kind": kind, "source": source.strip()})
    if problems:
        raise GlossaryError("\n".join(problems))
    return entries


def glossary_entries(texts: list[str], entries: list[dict] | None = None) -> list[list]:
    """The entries for the manifest: [short, [long, …], kind, source] in normalized spelling, only
    those with a form the site contains (the others could find nothing); sorted for identical bytes."""
    corpus = "\n".join(normalize(t) for t in texts)
    out = []
    for e in read_glossary() if entries is None else entries:
        forms = [normalize(e["short"]), *(normalize(x) for x in e["long"])]
        if any(f in corpus for f in forms):
            out.append([forms[0], forms[1:], e["kind"], e["source"]])
    return sorted(out)
