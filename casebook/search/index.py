"""The index: search documents, their fields, and lunr.py's index of them as postings.

The index is built by lunr.py (``Builder``; terms enter as opaque ids because lunr.py lowers
list tokens).  The browser gets lunr.py's own index (shards.py encodes it): per term, every
field/document it occurs in with lunr.py's score for it (3 decimals, as lunr.py keeps them);
search-engine.js writes a shard back as lunr's serialized JSON and calls ``lunr.Index.load``
(a test checks every posting and vector element against lunr.py's).  Nothing is rebuilt there.
Ranking: a document whose title/name/headline holds every query word comes first, then lunr's
score (field boosts in ``FIELD_BOOSTS``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .text import base36, is_pair, tokenize

__all__ = ["FIELD_BOOSTS", "KIND_LABELS", "PRIMARY_FIELDS", "SearchDocument", "build_lunr_index", "doc_fields",
           "field_names", "lunr_shards", "pair_positions"]

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


def field_names(docs: list[SearchDocument]) -> list[str]:
    """Every indexed field, the heaviest boost first (the order of fieldref numbers)."""
    names = {"title"}
    for doc in docs:
        names.update(doc.fields)
    return sorted(names, key=lambda f: (-FIELD_BOOSTS.get(f, 1), f))


def doc_fields(doc: SearchDocument) -> dict[str, str]:
    """Indexed text per field: the title, then every non-empty field that is not the title."""
    fields = {"title": doc.title}
    for name, text in doc.fields.items():
        if name != "title" and text and text != doc.title:
            fields[name] = text
    return fields


def _term_builder():
    """A lunr.py Builder whose documents give their fields as lists of terms already made.

    lunr.py's ``Builder.add`` turns a field's list into Tokens with its ``Tokenizer``, which lower-cases
    each and deep-copies an empty metadata mapping per token, a large share of a big site's build.  Our terms are
    ids in lower case already, so this subclass makes the same Tokens directly; the rest of ``add`` is
    lunr.py 0.8's own.  A test checks the index equals the one the library's ``Builder`` gives.
    """
    from collections import defaultdict

    from lunr.builder import Builder
    from lunr.field_ref import FieldRef
    from lunr.token import Token

    class TermBuilder(Builder):
        def add(self, doc, attributes=None):
            doc_ref = str(doc[self._ref])
            self._documents[doc_ref] = attributes or {}
            self.document_count += 1
            for field_name in self._fields:
                terms = self.pipeline.run([Token(t, {}) for t in doc[field_name]], field_name)
                field_ref = str(FieldRef(doc_ref, field_name))
                field_terms: dict = defaultdict(int)
                self.field_term_frequencies[field_ref] = field_terms
                self.field_lengths[field_ref] = len(terms)
                for term in terms:
                    term_key = str(term)
                    field_terms[term_key] += 1
                    if term_key not in self.inverted_index:
                        posting = {name: {} for name in self._fields}
                        posting["_index"] = self.term_index
                        self.term_index += 1
                        self.inverted_index[term_key] = posting
                    if doc_ref not in self.inverted_index[term_key][field_name]:
                        self.inverted_index[term_key][field_name][doc_ref] = defaultdict(list)

    return TermBuilder()


def build_lunr_index(docs: list[SearchDocument], library_builder: bool = False):
    """lunr.py index over *docs* (refs are positions "0", "1", …) and its term list.

    Returns (builder, index, terms, field names) where ``terms[i]`` is the real term behind lunr key
    ``base36(i)``.  Terms enter lunr as opaque ids because lunr.py lower-cases list tokens.
    ``library_builder``: lunr.py's own Builder (the reference the tests compare with).
    """
    from lunr.builder import Builder

    names = field_names(docs)
    term_ids: dict[str, str] = {}

    def ids(text: str) -> list[str]:
        out = []
        for term in tokenize(text):
            key = term_ids.get(term)
            if key is None:
                key = term_ids[term] = base36(len(term_ids))
            out.append(key)
        return out

    builder = Builder() if library_builder else _term_builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("id")
    for name in names:
        builder.field(name, boost=FIELD_BOOSTS.get(name, 1))
    for i, doc in enumerate(docs):
        fields = doc_fields(doc)
        record = {"id": str(i)}
        for name in names:
            record[name] = ids(fields.get(name, ""))
        builder.add(record)
    index = builder.build()
    terms = [""] * len(term_ids)
    for term, key in term_ids.items():
        terms[int(key, 36)] = term
    return builder, index, terms, names


def pair_positions(docs: list[SearchDocument], names: list[str]) -> dict[str, dict[int, list[int]]]:
    """{character pair: {fieldref number: [token positions]}}: a word of three or more Japanese
    characters is in a field exactly when its pairs stand at consecutive positions there, so
    the engine checks such words without the document's text."""
    nfields = len(names)
    field_pos = {name: i for i, name in enumerate(names)}
    out: dict[str, dict[int, list[int]]] = {}
    for d, doc in enumerate(docs):
        for name, text in doc_fields(doc).items():
            fr = d * nfields + field_pos[name]
            for i, term in enumerate(tokenize(text)):
                if is_pair(term):
                    out.setdefault(term, {}).setdefault(fr, []).append(i)
    return out


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


