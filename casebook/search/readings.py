"""Readings of the site's own words, for search by kana and by variant spelling.

At build time every indexed text is cut into words by SudachiPy with sudachidict_core (it read
this report's words right more often than fugashi+unidic-lite, sudachidict_small and janome; the
comparison is in BENCHMARKS.md).  The browser gets no
dictionary: only ``search/readings.js``, the site's words with their readings, in this form::

    lexicon: one entry per distinct short unit (Sudachi's mode A), "\\n"-separated:
             FLAGS SURFACE [\\t READING [\\t NORMALIZED [\\t VARIANTS]]]
             FLAGS "n" = a non-conjugating word (noun, suffix, …: a search may start at it and
             its normalized spelling is a key), "-" otherwise.  READING (katakana) is left out
             when it equals the surface in katakana; NORMALIZED (Sudachi's normalized spelling,
             e.g. かかりつけ → 掛かり付け) when it equals the surface or the word conjugates.
             VARIANTS: other spellings of a noun with okurigana, " "-separated, each one Sudachi
             reads as the same word (受け入れ → 受入れ, 受入): a query may use any of them.
    terms:   the site's runs of words between particles, auxiliaries and symbols, "," separated
             (runs of one unit are left out: every lexicon entry is also read as a term);
             each a list of lexicon positions in base 36: " " starts a long unit (mode C, e.g.
             看取り, かかりつけ医), "." continues one (看|取り).

search-readings.js matches a query against a term from a long-unit start (or a noun inside one) by
consuming each short unit by its surface, its reading, its normalized spelling or a variant,
all compared as reading keys (casebook.search.text.reading_key: ヴァ = バ, small kana = large,
no long-vowel marks, ヶ = ケ); the written
form shown to the reader (「みとり → 看取り」) is the matched units extended to the end of their
long unit, and that form is then searched literally, so precision stays 1.0.

Texts are analysed in the normalized space of casebook.search.text (the forms are substrings of the
normalized text the browser checks), line by line, each distinct line once; the analyser is
loaded once per process.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .script import data_script
from .text import base36, normalize, reading_key, shard_of

__all__ = ["analyse", "reading_data", "reading_shards", "readings_assets", "to_katakana", "variant_groups"]

# Parts of speech that end a term (a term is what a reader would type as one word or compound).
_BREAK = {"助詞", "助動詞", "補助記号", "空白", "記号"}
# Parts of speech that do not conjugate: a match may start at them and their normalized
# spelling is a key (a verb's normalized form is its dictionary form, not a spelling variant).
_STABLE = {"名詞", "代名詞", "接尾辞", "接頭辞", "形状詞", "副詞", "連体詞", "接続詞", "感動詞"}
# Sudachi refuses inputs above ~49 KB; lines are far shorter, this only guards hostile input.
_MAX_CHARS = 4000


def to_katakana(text: str) -> str:
    """Hiragana → katakana (ゔ and the small letters included); everything else unchanged."""
    return "".join(chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 or ord(c) == 0x309D or ord(c) == 0x309E
                   else c for c in text)


_JAPANESE = re.compile("[\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _has_japanese(text: str) -> bool:
    return _JAPANESE.search(text) is not None


@lru_cache(maxsize=1)
def _tokenizers():
    # Imported here: only a build that ships readings pays for the dictionary.
    from sudachipy import Dictionary, SplitMode

    dictionary = Dictionary(dict="core")
    # Only the fields read here are decoded (Sudachi's field subsetting).
    fields = {"pos", "reading_form", "normalized_form", "split_a"}
    # Part of speech by id: reading the 6-string tuple of every morpheme costs more than the analysis.
    pos_kind: dict[int, str] = {}

    def kind(pos_id: int) -> str:
        k = pos_kind.get(pos_id)
        if k is None:
            major = dictionary.pos_of(pos_id)[0]
            k = pos_kind[pos_id] = "break" if major in _BREAK else "stable" if major in _STABLE else "other"
        return k

    return dictionary.tokenizer(SplitMode.C, fields=fields), SplitMode.A, kind


_HIRAGANA = re.compile("[\u3041-\u3096]")
_ALL_HIRAGANA = re.compile("[\u3041-\u3096\u30fc]+")
_KANJI = re.compile("[\u3400-\u9fff\uf900-\ufaff々]")


# Katakana by column (same consonant, other vowel): カンファレンス and カンファランス are one word to
# Sudachi, not to a reading key.
_ROWS = ["アイウエオ", "カキクケコ", "ガギグゲゴ", "サシスセソ", "ザジズゼゾ", "タチツテト", "ダヂヅデド", "ナニヌネノ",
         "ハヒフヘホ", "バビブベボ", "パピプペポ", "マミムメモ", "ヤユヨ", "ラリルレロ", "ワヰヱヲ"]
_ROW_OF = {c: row for row in _ROWS for c in row}


def _candidates(surface: str, reading: str, normalized: str) -> Iterable[tuple[str, bool]]:
    """Spellings to put to Sudachi, each with whether the same reading is enough (okurigana left out
    keeps the reading; any other change must give Sudachi's normalized spelling of the word)."""
    for base in {surface, normalized}:
        kana = [i for i, c in enumerate(base) if _HIRAGANA.match(c)]
        if kana and len(kana) <= 3 and _KANJI.search(base):
            for mask in range(1, 1 << len(kana)):
                drop = {kana[b] for b in range(len(kana)) if mask >> b & 1}
                yield "".join(c for i, c in enumerate(base) if i not in drop), True
    if _KANJI.match(surface) and len(surface) <= 4:
        # The first or the last kanji written in kana (箇所 → か所, ヶ所; 子供 → 子ども).
        hira = to_hiragana(reading)
        for n in (1, 2, 3):
            for kana in {reading[:n], hira[:n]} | ({"ヶ", "ヵ"} if reading[:n] in ("カ", "ケ", "ガ") else set()):
                yield kana + surface[1:], False
            if _KANJI.match(surface[-1]):
                for kana in {reading[-n:], hira[-n:]}:
                    yield surface[:-1] + kana, False
    if len(surface) >= 4 and all(c in _ROW_OF or c in "ンーァィゥェォッャュョ" for c in surface):
        for i, c in enumerate(surface):
            for other in _ROW_OF.get(c, ""):
                if other != c:
                    yield surface[:i] + other + surface[i + 1:], False


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in text)


@lru_cache(maxsize=20000)
def spelling_variants(surface: str, reading: str, normalized: str) -> tuple[str, ...]:
    """Other spellings of a noun that Sudachi reads as the same word: okurigana left out (受け入れ →
    受入れ, 受入), the first or last kanji in kana (箇所 → か所, ヶ所), one katakana vowel changed
    (カンファレンス → カンファランス).  Each is kept only where Sudachi takes it as one word with the
    same normalized spelling (or, for left-out okurigana, the same reading).  A query typed in any of
    them finds the site's written form."""
    tokenizer, _, _ = _tokenizers()
    out: set[str] = set()
    for candidate, same_reading_enough in _candidates(surface, reading, normalized):
        if candidate in (surface, normalized) or candidate in out or not candidate:
            continue
        units = tokenizer.tokenize(candidate)
        if len(units) == 1 and (units[0].normalized_form() == normalized or
                                (same_reading_enough and units[0].reading_form() == reading)):
            out.add(candidate)
    return tuple(sorted(out))


@lru_cache(maxsize=20000)
def analyse(line: str) -> tuple[tuple[tuple[str, str, str, bool, bool], ...], ...]:
    """Terms of one normalized line: each a tuple of short units (surface, reading, normalized,
    stable, starts_long_unit).  Cached: serve's rebuilds and repeated lines cost nothing."""
    tokenizer, mode_a, kind = _tokenizers()
    terms: list[tuple] = []
    current: list[tuple[str, str, str, bool, bool]] = []
    for start in range(0, len(line), _MAX_CHARS):
        for long_unit in tokenizer.tokenize(line[start:start + _MAX_CHARS]):
            if kind(long_unit.part_of_speech_id()) == "break" or not _has_japanese(long_unit.surface()):
                if current:
                    terms.append(tuple(current))
                    current = []
                continue
            first = True
            # split(add_single=True) crashes in SudachiPy 0.7.0 (a surface read past its buffer):
            # an unsplittable long unit is its own short unit.
            for unit in long_unit.split(mode_a) or (long_unit,):
                stable = kind(unit.part_of_speech_id()) == "stable"
                surface = unit.surface()
                current.append((surface, unit.reading_form(), unit.normalized_form() if stable else surface,
                                stable, first))
                first = False
    if current:
        terms.append(tuple(current))
    return tuple(terms)


_SENTENCE = re.compile(r"(?<=。)|\n")


def _lines(texts: Iterable[str]) -> list[str]:
    """Distinct sentences (lines cut after 。) of the normalized texts: a sentence repeated on
    many pages (or in a synthetic site built from the real one) is analysed once."""
    seen: dict[str, None] = {}
    for text in texts:
        # Lone surrogates (hostile input) cannot reach the analyser; they are no word anyway.
        text = normalize(text).encode("utf-8", "replace").decode("utf-8")
        for line in _SENTENCE.split(text):
            line = line.strip()
            if line and _has_japanese(line):
                seen.setdefault(line, None)
    return list(seen)


def _site_terms(texts: Iterable[str]) -> set[tuple]:
    terms: set[tuple] = set()
    for line in _lines(texts):
        terms.update(analyse(line))
    return terms


def _encode(terms: set[tuple], entries: set[tuple[str, str, str, bool]]) -> dict[str, str]:
    ordered = sorted(entries, key=lambda e: (to_katakana(e[1]), e[0], e[2], e[3]))
    position = {e: i for i, e in enumerate(ordered)}
    lexicon = []
    for surface, reading, normalized, stable in ordered:
        fields = [("n" if stable else "-") + surface]
        norm = normalized if stable and normalized != surface else ""
        variants = " ".join(spelling_variants(surface, reading, normalized)) if stable else ""
        if reading != to_katakana(surface) or norm or variants:
            fields.append(reading)
        if norm or variants:
            fields.append(norm)
        if variants:
            fields.append(variants)
        lexicon.append("\t".join(fields))
    encoded = []
    for term in terms:
        if len(term) == 1:
            continue  # a one-unit term is its lexicon entry: search-readings.js reads every entry as a term too
        out = []
        for s, r, n, st, first in term:
            out.append((" " if first and out else "." if out else "") + base36(position[(s, r, n, st)]))
        encoded.append("".join(out))
    return {"lexicon": "\n".join(lexicon), "terms": ",".join(sorted(encoded))}


def reading_data(texts: Iterable[str]) -> dict[str, str]:
    """{"lexicon": ..., "terms": ...} (see the module docstring) for the site's texts.

    Deterministic: lexicon entries and terms are sorted; the same texts give the same bytes.
    """
    terms = _site_terms(texts)
    return _encode(terms, {(s, r, n, st) for term in terms for s, r, n, st, _ in term})


def _keys(entry: tuple[str, str, str, bool]) -> set[str]:
    """What search-readings.js matches a query against, as reading keys: the surface, the reading, the
    normalized spelling and the spelling variants."""
    surface, reading, normalized, stable = entry
    keys = {surface, reading}
    if stable:
        keys.add(normalized)
        keys.update(spelling_variants(surface, reading, normalized))
    return {reading_key(k) for k in keys if k} - {""}


def _kana_keys(entry: tuple[str, str, str, bool]) -> set[str]:
    # Keys starting with kana: a kana query can only begin matching there.  (A key starting with a
    # kanji serves a query with no result tried for variant spellings, which reads every shard.)
    return {k for k in _keys(entry) if _KANA.match(k)}


_KANA = re.compile("[\u30a1-\u30fa\u30fc-\u30fe]")


def reading_shards(texts: Iterable[str], target: int) -> list[dict[str, str]]:
    """reading_data split by the first character of where a match can start (issue 13: a kana
    query loads one shard, not every reading of the site).

    A match of the query word q starts at a unit whose key begins with q's first character (in
    katakana), so a term goes to the shard of each key's first character of each unit it may start
    at (a long unit's first unit, or a noun: search-readings.js's canStart), with the lexicon
    entries its units use; every entry also goes to its own keys' shards.  Suggestions read them all.
    """
    terms = _site_terms(texts)
    entries = {(s, r, n, st) for term in terms for s, r, n, st, _ in term}
    whole = _encode(terms, entries)
    size = len(whole["lexicon"].encode("utf-8")) + len(whole["terms"])
    count = max(1, -(-size // target))
    shard_terms: list[set[tuple]] = [set() for _ in range(count)]
    shard_entries: list[set[tuple]] = [set() for _ in range(count)]
    for entry in entries:
        for key in _kana_keys(entry):
            shard_entries[shard_of(key, count)].add(entry)
    for term in terms:
        if len(term) == 1:
            continue
        for s, r, n, st, first in term:
            if first or st:
                for key in _kana_keys((s, r, n, st)):
                    shard_terms[shard_of(key, count)].add(term)
    out = []
    for i in range(count):
        used = shard_entries[i] | {(s, r, n, st) for term in shard_terms[i] for s, r, n, st, _ in term}
        out.append(_encode(shard_terms[i], used))
    return out


def _script(key: str, data: dict[str, str]) -> bytes:
    return data_script(f"(d.readings=d.readings||{{}})[{key}]", data)


def readings_assets(texts: Iterable[str], target: int) -> dict[str, bytes]:
    """search/readings.js (every reading: variant spellings and suggestions, which may need any word)
    and search/r{n}.js (the shards a kana query reads one of); each assigns its data to
    CasebookSearchData.readings["all"] or [n]."""
    texts = list(texts)
    out = {"readings.js": _script('"all"', reading_data(texts))}
    for i, data in enumerate(reading_shards(texts, target)):
        out[f"r{i}.js"] = _script(str(i), data)
    return out


def variant_groups(texts: Iterable[str]) -> list[list[str]]:
    """Written forms of one word that the site itself spells in more than one way (駒ヶ根 and 駒ケ根,
    コーディネーター and コーディネータ): its nouns (long units) that share Sudachi's normalized
    spelling or a reading key (their short units too).  A query holding one form also searches the others, so the pages
    with either spelling are found whichever the reader types.  Sorted, for identical bytes."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    forms: set[str] = set()

    def add(surface: str, normalized: str) -> None:
        if len(surface) > 1:
            forms.add(surface)
            # A word in hiragana joins a kanji spelling only by its reading key, not by Sudachi's
            # normalized form: the site's names in hiragana (あおば…) are not the place 青葉.
            keys = ["k:" + reading_key(surface)] + ([] if _ALL_HIRAGANA.fullmatch(surface) else ["n:" + normalized])
            for key in keys:
                parent[find("s:" + surface)] = find(key)

    for term in _site_terms(texts):
        for surface, _, normalized, stable, _ in term:
            if stable:
                add(surface, normalized)  # a short unit too: 駒ヶ根市 (one long unit) and 駒ケ根|市 (two)
        units: list[tuple] = []
        for unit in term + ((None, None, None, None, True),):
            if unit[4] and units:
                if all(u[3] for u in units):
                    add("".join(u[0] for u in units), "".join(u[2] for u in units))
                units = []
            if unit[0] is not None:
                units.append(unit)
    groups: dict[str, list[str]] = {}
    for surface in forms:
        groups.setdefault(find("s:" + surface), []).append(surface)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)
