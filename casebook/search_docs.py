"""Site → the documents the search indexes: regions, models, survey tables and content pages."""
from __future__ import annotations

import re

from . import urls
from .model import Region, Site
from .search import SearchDocument


def _markdown_text(body: str) -> str:
    # Table rules and emphasis marks are layout, not words a reader searches for.
    text = re.sub(r"^\s*\|?\s*:?-{3,}.*$", "", body, flags=re.M)
    text = re.sub(r"[*_`#>|]", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


_LABEL_SPACE = re.compile(r"(?<=\S)\u3000(?=\S)")


def label_text(label: str) -> str:
    """A diagram label as one unit: the report sets 「患者　家族」 in a box the reader reads as one term,
    so 患者家族 must find it as 「患者 家族」 does (the full-width space is layout, not a word break)."""
    return _LABEL_SPACE.sub("", label)


def region_fields(site: Site, r: Region) -> dict[str, str]:
    """The searchable text of a case page: everything the page shows as content, by field.

    Not the site chrome, the prev/next links or the similar-case links (those are other pages'
    words).  tests/test_search.py checks it against the text of every built case page.
    """
    s = r.survey
    diagram = r.diagram
    return {
        "name": r.name,
        "headline": r.headline,
        "highlights": "\n".join(r.highlights),
        "models": "\n".join(" ".join(x for x in (m.code, site.model(m.code).title, m.label, m.note, m.figure_label) if x)
                            for m in r.models),
        "body": "\n".join(x for x in (
            *r.organisations, r.prefecture, *r.municipalities, *r.ict_systems,
            s.organisation, s.target, s.not_surveyed_reason, s.respondent_area,
            diagram.title, *(label_text(a.label) for a in diagram.actors),
            *(label_text(line) for l in diagram.links for line in l.lines), *diagram.notes,
            *(n.reader for n in r.source_notes if n.reader),
        ) if x),
    }


def model_fields(m) -> dict[str, str]:
    """The searchable text of a model page: everything it shows as content (the diagram, and each
    region listed with what the report prints for it under this model: list label, remark, figure
    callout), and its notes for readers.  tests/test_search.py checks it against the built page."""
    entries = [(r, x) for r in m.regions for x in r.models if x.code == m.code]
    return {
        "headline": "\n".join(x.figure_label for _, x in entries if x.figure_label),
        "body": "\n".join(x for x in (
            m.axis_label, m.diagram.title, *(label_text(a.label) for a in m.diagram.actors),
            *(label_text(line) for l in m.diagram.links for line in l.lines), *m.diagram.notes,
            *(line for r, x in entries for line in (f"{r.number}. {r.name}", x.label, x.note) if line),
            *(n.reader for n in m.source_notes if n.reader),
        ) if x),
    }


def site_documents(site: Site) -> list[SearchDocument]:
    docs: list[SearchDocument] = []
    for r in site.regions:
        p = r.population
        docs.append(SearchDocument(
            id=f"region:{r.slug}", url=urls.file_of(urls.region(r.slug)), kind="region",
            title=f"{r.number}. {r.name}",
            fields=region_fields(site, r),
            summary={"総人口": f"{p.total:,}人", "高齢化率（65歳以上）": f"{p.rate_65_printed:.1f}%",
                     "高齢化率（75歳以上）": f"{p.rate_75_printed:.1f}%"},
        ))
    for m in site.models:
        docs.append(SearchDocument(
            id=f"model:{m.slug}", url=urls.file_of(urls.model(m.slug)), kind="model",
            title=f"{m.code} {m.title}",
            fields=model_fields(m),
            summary={"該当地域": f"{len(m.regions)}地域"},
        ))
    for t in site.survey:
        docs.append(SearchDocument(
            id=f"survey:{t.id}", url=urls.survey_table(t.section_number, t.id), kind="survey",
            title=t.section if t.title in t.section else " ".join(x for x in (t.section, t.number, t.title) if x),
            fields={"body": "\n".join(x for x in (*t.items, *t.series, t.prose, *t.notes,
                                                   *(n.reader for n in t.source_notes if n.reader)) if x)},
            summary={} if t.n is None else {"回答数": f"n={t.n}"},
        ))
    if site.free_text:
        docs.append(SearchDocument(
            id="survey:s6-8", url=urls.survey_table(6, "s6-8"), kind="survey",
            title="（６）⑧ 他医療機関との在宅医療の連携の特徴と連携ができている要因",
            fields={"body": "\n".join(f"{g.category}\n" + "\n".join(g.opinions) for g in site.free_text)},
            summary={},
        ))
    for page in site.pages:
        docs.append(SearchDocument(
            id=f"page:{page.slug}", url=urls.about(page.slug), kind="page", title=page.title,
            fields={"body": _markdown_text(page.body_markdown)}, summary={},
        ))
    return docs
