"""The list of every page the site has: one function per page family, each giving its pages' address,
template, context builder and the source inputs the page depends on. Adding a page type is a new family here
(and its template); render.render_page draws any page of the list, build.py writes them all."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Callable
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import Markup

from . import similar_pages, urls
from .diagrams import relations, render_diagram
from .model import MEASURES, Site
from .similar import case_data
from .render import SORTED_PAGES, region_summary, survey_sections, table_view

# Source inputs, as paths relative to the project folder ("regions/" is every region file). Every page also
# depends on the templates (templates/, strings.ja.yaml included): see Page.inputs.
REGIONS = "regions/"
MODELS = "content/models.yaml"
SURVEY = "survey/"
CONTENT = "content/"
TEMPLATES = "templates/"


@dataclass(frozen=True)
class Page:
    url: str  # urls.py: "regions/usuki/"; "" for the home page
    template: str
    context: Callable[[], dict]  # the page's own context, computed when the page is drawn
    depends_on: tuple[str, ...]  # source inputs besides the templates
    family: str  # the page type, e.g. "regions/<slug>/" (benchmark stage names)

    @property
    def path(self) -> str:
        """The output file."""
        return urls.file_of(self.url)

    @property
    def inputs(self) -> tuple[str, ...]:
        return (TEMPLATES, *self.depends_on)

    def reads(self, source: str) -> bool:
        """Whether the page depends on the source file *source* (a path relative to the project folder)."""
        return any(source == i or (i.endswith("/") and source.startswith(i)) for i in self.inputs)


class Shared:
    """What several page families use, each made once a build, when first needed: a diagram appears on more than
    one page (a model's on the models page and its own, a case's on its page and in the print document)."""

    def __init__(self, site: Site, strings: dict, env: Environment, base_url: str, downloads: dict[str, dict]):
        self.site, self.t, self.env, self.base_url = site, strings, env, base_url
        self.downloads = downloads  # exports.catalogue of the files under data/
        self.case_diagram = cache(self._case_diagram)
        self.case_relations = cache(lambda slug: relations(site.region(slug).diagram))
        self.model_diagram = cache(self._model_diagram)

    @cached_property
    def summaries(self) -> dict[str, dict]:
        return {r.slug: region_summary(self.site, r) for r in self.site.regions}

    @cached_property
    def closest(self) -> dict[str, list[dict]]:
        return similar_pages.closest_views(self.site)  # every case page and /similar/ need it

    @cached_property
    def sections(self) -> list[dict]:
        return survey_sections(self.site)

    def _case_diagram(self, slug: str) -> Markup:
        r = self.site.region(slug)
        return render_diagram(r.diagram, f"diagram-{r.slug}", f"{r.short_name}の連携の概要図")

    def _model_diagram(self, code: str) -> Markup:
        m = self.site.model(code)
        return render_diagram(m.diagram, f"model-{m.slug}", f"{m.code} {m.title}のモデル図")


def home(s: Shared) -> list[Page]:
    return [Page(urls.home(), "index.html", lambda: {
        "summaries": s.summaries, "section": "home", "jmap": similar_pages.map_context(s.site, s.t, "")},
        (REGIONS, MODELS), "home")]


def region_indexes(s: Shared) -> list[Page]:
    """/regions/ in the report's order, and one index sorted by each figure."""
    site = s.site

    def index_context(order, sorted_by) -> dict:
        # Only the region index pages list ICT systems and the sorted pages.
        return {"summaries": s.summaries, "order": order, "sorted_by": sorted_by, "section": "regions",
                "sorted_pages": SORTED_PAGES, "all_ict": sorted({name for r in site.regions for name in r.ict_systems})}

    def by(key: str) -> Callable[[], dict]:
        def context() -> dict:
            measure = MEASURES[s.t["regions"]["by"][key]["key"]]
            return index_context(sorted(site.regions, key=lambda r: (-measure(r), r.number)), key)
        return context

    pages = [Page(urls.regions(), "regions.html", lambda: {
        **index_context(list(site.regions), None), "jmap": similar_pages.map_context(site, s.t, "../")},
        (REGIONS, MODELS), "regions/")]
    pages += [Page(urls.regions_by(key), "regions.html", by(key), (REGIONS, MODELS), "regions/by-*/")
              for key in SORTED_PAGES]
    return pages


def region_pages(s: Shared) -> list[Page]:
    """One page a case; it shows ranks among all cases, its neighbours in order and the closest cases."""
    site = s.site

    def context(i: int) -> Callable[[], dict]:
        region = site.regions[i]
        return lambda: {"s": s.summaries[region.slug], "region": region, "section": "regions",
                        "prev": site.regions[i - 1] if i > 0 else None,
                        "next": site.regions[i + 1] if i + 1 < len(site.regions) else None,
                        "closest": s.closest[region.slug], "diagram": s.case_diagram(region.slug),
                        "relations": s.case_relations(region.slug)}

    return [Page(urls.region(r.slug), "region.html", context(i), (REGIONS, MODELS), "regions/<slug>/")
            for i, r in enumerate(site.regions)]


def print_document(s: Shared) -> list[Page]:
    """Selected cases for printing: every case is on the page, the reader's choice hides the others."""
    site = s.site
    return [Page(urls.regions_print(), "regions_print.html", lambda: {
        "summaries": s.summaries, "section": "regions",
        "diagrams": {r.slug: s.case_diagram(r.slug) for r in site.regions},
        "case_relations": {r.slug: s.case_relations(r.slug) for r in site.regions}}, (REGIONS, MODELS), "regions/print/")]


def model_pages(s: Shared) -> list[Page]:
    site = s.site

    def context(model) -> Callable[[], dict]:
        return lambda: {"model": model, "section": "models", "relations": relations(model.diagram),
                        "entries": [(r, next(x for x in r.models if x.code == model.code)) for r in model.regions],
                        "diagram": s.model_diagram(model.code)}

    return [Page(urls.models(), "models.html", lambda: {
        "section": "models", "diagrams": {m.code: s.model_diagram(m.code) for m in site.models}},
        (MODELS, REGIONS), "models/"),
        *(Page(urls.model(m.slug), "model.html", context(m), (MODELS, REGIONS), "models/<slug>/") for m in site.models)]


def survey_index(s: Shared) -> list[Page]:
    return [Page(urls.survey(), "survey_index.html", lambda: {"section": "survey", "survey_sections": s.sections},
                 (SURVEY,), "survey/")]


def survey_sections_pages(s: Shared) -> list[Page]:
    """One page a section of the survey, each table with its charts and figures."""
    def context(sec: dict) -> Callable[[], dict]:
        return lambda: {"sec": sec, "section": "survey", "survey_sections": s.sections,
                        "views": [table_view(t) for t in sec["tables"]]}

    return [Page(urls.survey_section(sec["number"]), "survey_section.html", context(sec), (SURVEY,),
                 "survey/<section>/") for sec in s.sections]


def local_survey_page(s: Shared) -> list[Page]:
    """How to run the report's survey in one's own region, with the template files (build.py writes them)."""
    return [Page(urls.survey_template(), "survey_local.html", lambda: {
        "section": "survey", "readme": s.env.get_template("local_survey_readme.txt").render()}, (SURVEY,),
        "data/survey-template/")]


def text_pages(s: Shared) -> list[Page]:
    """About (the Markdown pages of content/), the data page, the editors' log and the search page."""
    return [Page(urls.about(), "about.html", lambda: {"section": "about"}, (CONTENT,), "about/"),
            Page(urls.data(), "data.html", lambda: {"section": "data", "downloads": s.downloads}, (REGIONS, CONTENT, SURVEY),
                 "data/"),
            # the editors' record of every note: a page of its own (inline it made /data/ 58,000 px tall on a phone)
            Page(urls.data_log(), "data_log.html", lambda: {"section": "data"}, (REGIONS, MODELS, SURVEY), "data/log/"),
            Page(urls.search(), "search.html", lambda: {"section": "search"}, (), "search/")]


def similar_page(s: Shared) -> list[Page]:
    site = s.site
    return [Page(urls.similar(), "similar.html", lambda: {
        "section": "similar", "pairs": _pairs(s), "how": similar_pages.spread_figures(site),
        "cases": [case_data(r) for r in site.regions]}, (REGIONS, MODELS), "similar/")]


def _pairs(s: Shared) -> list[dict]:
    return [{"region": r, "closest": s.closest[r.slug]} for r in s.site.regions]


def compare_pages(s: Shared) -> list[Page]:
    """/compare/ with every case (the reader picks up to four), and one page a case beside its closest cases."""
    site = s.site

    # Every column (with its diagram) is drawn once, when a page first needs it; the per-case comparison pages
    # reuse those of the page of all cases.
    @cache
    def column(slug: str) -> dict:
        return similar_pages.compare_column(site, s.summaries, site.region(slug))

    def of_case(pair: dict) -> Callable[[], dict]:
        chosen = [pair["region"]] + [c["region"] for c in pair["closest"]]
        return lambda: {"section": "compare", "pairs": _pairs(s), "interactive": False, "subject": pair["region"],
                        "columns": [column(r.slug) for r in chosen]}

    return [Page(urls.compare(), "compare.html", lambda: {
        "section": "compare", "pairs": _pairs(s), "interactive": True, "subject": None,
        "columns": [column(r.slug) for r in site.regions]}, (REGIONS, MODELS), "compare/"),
        *(Page(urls.compare(pair["region"].slug), "compare.html", of_case(pair), (REGIONS, MODELS), "compare/<slug>/")
          for pair in _pairs(s) if pair["closest"])]


def not_found(s: Shared) -> list[Page]:
    # A host serves 404.html for a missing address at any depth (/a/b/c/), so no link relative to the page can
    # be right: its links start from the site's path on the host, that of --base-url (/something/), or "/"
    # when none is given, the site then being served at the root of its host as `build.py serve` and most
    # hosts serve it. (Links relative to the top folder worked only for a missing address one level down.)
    base_path = (urlsplit(s.base_url).path or "/") if s.base_url else "/"
    return [Page(urls.NOT_FOUND, "404.html", lambda: {"absolute_links": True, "base_path": base_path}, (), "404")]


def local_survey_tally_page(s: Shared) -> list[Page]:
    """The region's own survey, tallied in the browser beside the report (static/js/survey-page.js)."""
    from .localsurvey.plan import SHEET_NAME
    from .localsurvey.form import form_sections
    from .localsurvey.plan import tally_plan
    return [Page(urls.local_survey(), "survey_tally.html", lambda: {"section": "survey", "sheet_name": SHEET_NAME},
                 (SURVEY,), "survey/local/"),
            Page(urls.local_survey_form(), "survey_questionnaire.html", lambda: {
                "section": "survey", "sections": form_sections(tally_plan(s.site.survey), s.site.survey)},
                 (SURVEY,), "survey/local/questionnaire/")]


FAMILIES = (home, region_indexes, region_pages, print_document, model_pages, survey_index, local_survey_page,
            local_survey_tally_page, survey_sections_pages, text_pages, similar_page, compare_pages, not_found)


def site_pages(site: Site, strings: dict, env: Environment, base_url: str = "",
               downloads: dict[str, dict] | None = None) -> list[Page]:
    """Every output page, in the order they are written and listed in the sitemap. *downloads*: what /data/
    says of each file under data/ (exports.catalogue)."""
    shared = Shared(site, strings, env, base_url, downloads or {})
    return [page for family in FAMILIES for page in family(shared)]
