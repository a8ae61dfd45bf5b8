"""Normalising and tokenizing: the one tokenizer of the index, the queries and the readings.

Mirrored in ``static/js/tokenize.js``; the contract between the twins is
``tests/vectors/tokenize.json`` (and ``shard_hash.json``), read by pytest and by node.

* ``normalize`` works cluster by cluster (a code point plus the combining marks after it):
  NFKC (full-width/half-width, Kangxi radicals, ``ｶﾞ`` → ``ガ``), then ⻘⻑⺠⻭ and 〜 are
  mapped by hand, then ASCII/Latin-1/Greek/Cyrillic capitals are lowered by a fixed table.
  Code points above U+FFFF other than math alphanumerics and CJK compatibility ideographs are
  left as they are, so a browser with a newer Unicode table cannot normalize differently from
  Python 3.11.
* ``tokenize``: Japanese runs (kana, kanji) give overlapping character pairs plus the run's last
  character alone; Latin/digit runs give every suffix (at most ``MAX_WORD`` characters long).
  Any substring of a run is then a prefix of some term: a one-character query is the lunr
  clause ``x*``, a longer Japanese query is all its pairs, a Latin query is ``word*``; every
  clause is required.  Queries are never given to lunr's query parser.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

__all__ = ["MAX_WORD", "base36", "char_class", "first_char", "is_pair", "normalize", "query_words", "reading_key",
           "runs", "shard_of", "tokenize", "utf16_key"]

#: Longest Latin/digit term; longer query words are matched by their first MAX_WORD characters.
MAX_WORD = 20

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
        # Without combining marks every cluster is one code point, so one translate() gives the same result.
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


def first_char(term: str) -> str:
    """First code point, as JS's codePointAt(0) sees it (terms are grouped into shards by it)."""
    return term[0]


def shard_of(term: str, shards: int) -> int:
    """Shard of a term (or prefix): a hash of its first code point."""
    if shards <= 1:
        return 0
    return ((ord(term[0]) * 2654435761) & 0xFFFFFFFF) % shards


def utf16_key(term: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


def base36(n: int) -> str:
    """*n* ≥ 0 in base 36 (digits, then lower-case letters), as JavaScript's ``n.toString(36)``:
    the compact numbers of the shard and reading files."""
    if n < 0:
        raise ValueError(n)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def is_pair(term: str) -> bool:
    """A term of two Japanese characters (the positions of these make exact checks possible)."""
    return len(term) == 2 and _class(ord(term[0])) == "J" and _class(ord(term[1])) == "J"


def char_class(cp: int) -> str:
    """"J" for a Japanese character (kana, kanji), "W" for a word character, "" for the rest."""
    return _class(cp)


def runs(norm: str) -> list[tuple[str, str]]:
    """Maximal runs ("J" or "W", text) of a normalized text."""
    return _runs(norm)


# ---------------------------------------------------------------------------------------
# reading keys (mirrored in static/js/tokenize.js readingKey): what a spelling variant of a loanword
# or a place name does not change.  Only the reading matcher compares in this space; the forms it
# finds are written forms of the site, searched literally, so a folded key never widens a match.

_VU = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴ": "ブ"}
_VU_RE = re.compile("ヴ[ァィェォ]?")
_SMALL = str.maketrans({"ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ", "ッ": "ツ", "ャ": "ヤ", "ュ": "ユ",
                        "ョ": "ヨ", "ヮ": "ワ", "ヵ": "ケ", "ヶ": "ケ", "ー": None, "・": None, "=": None})


def reading_key(text: str) -> str:
    """*text* (normalized) as the reading matcher compares it: hiragana in katakana, ヴァ/ヴィ/ヴ… as
    バ/ビ/ブ…, small kana as large ones (ヵ and ヶ as ケ: 駒ヶ根 = 駒ケ根), and without long-vowel marks
    and middle dots (コーディネータ = コーディネーター, ターミナル・ケア = ターミナルケア)."""
    kata = "".join(chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 or c in "ゝゞ" else c for c in text)
    return _VU_RE.sub(lambda m: _VU[m.group(0)], kata).translate(_SMALL)
