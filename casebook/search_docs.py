"""Site → the documents the search indexes: regions, models, survey tables and content pages."""
from __future__ import annotations

import re

from .model import Site
from .search import SearchDocument


def _markdown_text(body: str) -> str:
    # Table rules and emphasis marks are layout, not words a reader searches for.
    text = re.sub(r"^\s*\|?\s*:?-{3,}.*$", "", body, flags=re.M)
    text = re.sub(r"[*_`#>|]", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def site_documents(site: Site) -> list[SearchDocument]:
    docs: list[SearchDocument] = []
    for r in site.regions:
        p = r.population
        docs.append(SearchDocument(
            id=f"region:{r.slug}", url=f"regions/{r.slug}/index.html", kind="region",
            title=f"{r.number}. {r.name}",
            fields={
                "name": r.name,
                "headline": r.headline,
                "highlights": "\n".join(r.highlights),
                "models": "\n".join(f"{m.code} {site.model(m.code).title} {m.label}" + (f" {m.figure_label}" if m.figure_label else "")
                                    for m in r.models),
                "body": "\n".join((*r.organisations, *r.municipalities, *r.ict_systems, r.survey.target,
                                   *(a.label for a in r.diagram.actors), *(l.label for l in r.diagram.links if l.label))),
            },
            summary={"総人口": f"{p.total:,}人", "高齢化率（65歳以上）": f"{p.rate_65_printed:.1f}%",
                     "高齢化率（75歳以上）": f"{p.rate_75_printed:.1f}%"},
        ))
    for m in site.models:
        docs.append(SearchDocument(
            id=f"model:{m.slug}", url=f"models/{m.slug}/index.html", kind="model",
            title=f"{m.code} {m.title}",
            fields={"headline": "\n".join(x.figure_label for r in m.regions for x in r.models
                                          if x.code == m.code and x.figure_label),
                    "body": "\n".join((m.axis_label, *(a.label for a in m.diagram.actors)))},
            summary={"該当地域": f"{len(m.regions)}地域"},
        ))
    for t in site.survey:
        docs.append(SearchDocument(
            id=f"survey:{t.id}", url=f"survey/s{t.section_number}/index.html#{t.id}", kind="survey",
            title=t.section if t.title in t.section else " ".join(x for x in (t.section, t.number, t.title) if x),
            fields={"body": "\n".join((*t.items, *t.series, t.prose or ""))},
            summary={} if t.n is None else {"回答数": f"n={t.n}"},
        ))
    if site.free_text:
        docs.append(SearchDocument(
            id="survey:s6-8", url="survey/s6/index.html#s6-8", kind="survey",
            title="（６）⑧ 他医療機関との在宅医療の連携の特徴と連携ができている要因",
            fields={"body": "\n".join(f"{g.category}\n" + "\n".join(g.opinions) for g in site.free_text)},
            summary={},
        ))
    for page in site.pages:
        docs.append(SearchDocument(
            id=f"page:{page.slug}", url=f"about/index.html#{page.slug}", kind="page", title=page.title,
            fields={"body": _markdown_text(page.body_markdown)}, summary={},
        ))
    return docs
