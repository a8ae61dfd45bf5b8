"""Jinja environment, filters and one context builder per page type. Produces (path, HTML) pairs."""
from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import markdown as md
import markdown.treeprocessors  # noqa: F401  (md.treeprocessors)
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError, pass_context, select_autoescape
from markupsafe import Markup, escape

from .charts import PHONE, pct, render_chart, rows_by_item, share
from . import similar_pages
from .diagrams import relations, render_diagram
from .model import MEASURES, Region, Site, SurveyTable
from .schema import BY_PREFIX, HORIZONTAL_CODES, PRINT_SLUG, VERTICAL_CODES
from .errors import ErrorReport
from .load import read_yaml
from .text import URL_ATTRIBUTES, safe_url

SORTED_PAGES = ("population", "aged-65", "aged-75", "rate-65", "rate-75")


def load_strings(templates: Path) -> dict:
    # libyaml when present: the same result as safe_load for this file, several times faster
    return yaml.load((templates / "strings.ja.yaml").read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pass_context
def url(context, target: str = "") -> str:
    """A link relative to the current page that also works from file://, so folders link to index.html."""
    if context.get("absolute_links"):
        prefix = context["base_path"]
    else:
        prefix = "../" * context["depth"]
    if target == "" or target.endswith("/"):
        target += "index.html"
    return prefix + target


@pass_context
def print_href(context, target: str) -> str:
    """The address a printed page shows for a link: absolute with --base-url, else from the site root."""
    return context["site_url"] + target


def number(value) -> str:
    return f"{value:,}"


def percent(value: float) -> str:
    return pct(value)


def fmt(template: str, **values) -> str:
    return template.format(**values)


def breaks(text: str) -> Markup:
    """A UI string whose words are marked with | (65歳以上|人口): a line may break there and nowhere else
    (site.css keeps each word whole with word-break: keep-all). Escaped as usual."""
    return Markup("<wbr>").join(escape(part) for part in text.split("|"))


def name_breaks(region: Region) -> Markup:
    """A region's short name that may break after the prefecture (神奈川県 / 横浜市青葉区), never inside a word."""
    name = region.short_name
    if region.prefecture and name.startswith(region.prefecture) and name != region.prefecture:
        return Markup("<wbr>").join((escape(region.prefecture), escape(name[len(region.prefecture):])))
    return escape(name)


class _ActiveContentStripper(md.treeprocessors.Treeprocessor):
    """Second line of defence behind validation (validate.markdown_problems): no event attribute, and links
    and images only to safe URLs, whatever the Markdown says."""

    def run(self, root):
        for element in root.iter():
            for name in list(element.attrib):
                if name.lower().startswith("on") or name.lower() in ("style", "srcdoc", "formaction"):
                    del element.attrib[name]
                elif name.lower() in URL_ATTRIBUTES and not safe_url(element.attrib[name]):
                    del element.attrib[name]


_converters = threading.local()


def _converter() -> md.Markdown:
    """One converter a thread, reset before each text: setting one up costs more than most conversions."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        # Extensions as objects: by name, Markdown looks each up among every installed package's entry points
        # (importlib.metadata, ~30 ms)
        converter = md.Markdown(extensions=[TableExtension(), AttrListExtension(), SaneListExtension()],
                                output_format="html")
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
        converter.treeprocessors.register(_ActiveContentStripper(converter), "active_content", 0)
        _converters.markdown = converter
    return converter.reset()


def markdown_to_html(text: str, heading_offset: int = 0) -> Markup:
    """Markdown → HTML; raw HTML in the text is escaped, and headings move down under the page's own."""
    html = _converter().convert(text)
    if heading_offset:
        html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + heading_offset)}", html)
    return Markup(html)


def _bytecode_cache():
    """Compiled templates kept between runs (a fresh build spends ~0.1 s compiling them otherwise).
    Entries are checked against the template source; the folder name changes with this file and Jinja's
    version, so a change to the environment's options never meets stale code. None where /tmp is not writable."""
    import hashlib, os, tempfile
    import jinja2
    from jinja2 import FileSystemBytecodeCache
    key = hashlib.sha1(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"casebook-jinja-{os.getuid() if hasattr(os, 'getuid') else 0}-{key}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        # Only a private folder of our own: cached bytecode is executed.
        if (hasattr(os, "getuid") and info.st_uid != os.getuid()) or info.st_mode & 0o077 or not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def check_templates(templates: Path, report: ErrorReport, env: Environment | None = None) -> None:
    """Parse strings.ja.yaml and compile every template, so `check` finds what would break the build.
    *env*: the environment the build renders with, which then holds every template compiled."""
    strings_path = templates / "strings.ja.yaml"
    strings = read_yaml(strings_path, report)
    if strings is not None and not isinstance(strings.value, dict):
        report.add(strings_path, strings.line, "(file)", "expected a mapping of UI string names to text")
    env = env or make_environment(templates)
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml", ".txt"))):
        try:
            env.get_template(name)
        except TemplateSyntaxError as exc:
            report.add(templates / name, exc.lineno, "template", f"expected a valid Jinja template: {exc.message}")


def make_environment(templates: Path, auto_reload: bool = True) -> Environment:
    """*auto_reload* False: for one build, whose templates are read once; Jinja otherwise checks each template's
    file every time a page includes it (~1,100 times a build)."""
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "xml"], default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=_bytecode_cache(), auto_reload=auto_reload)
    env.globals["url"] = url
    env.globals["print_href"] = print_href
    env.globals["by_prefix"] = BY_PREFIX  # the sorted index pages' folders: one name for render.py and the templates
    env.filters.update(number=number, percent=percent, fmt=fmt, markdown=markdown_to_html, share=share, breaks=breaks,
                       name_breaks=name_breaks)
    return env


def region_summary(site: Site, region: Region) -> dict:
    """Figures and their ranks as the case page, cards and the index table show them."""
    p = region.population
    return {
        "region": region,
        "vertical": list(region.memberships(VERTICAL_CODES)),
        "horizontal": list(region.memberships(HORIZONTAL_CODES)),
        "figures": [
            {"key": "total", "value": p.total, "unit": "人", "rank": site.rank(region, "total")},
            {"key": "aged65", "value": p.aged_65_plus, "unit": "人", "rank": site.rank(region, "aged65")},
            {"key": "rate65", "value": p.rate_65_printed, "unit": "%", "rank": site.rank(region, "rate65")},
            {"key": "aged75", "value": p.aged_75_plus, "unit": "人", "rank": site.rank(region, "aged75")},
            {"key": "rate75", "value": p.rate_75_printed, "unit": "%", "rank": site.rank(region, "rate75")},
        ],
    }


def survey_sections(site: Site) -> list[dict]:
    sections: dict[int, dict] = {}
    for table in site.survey:
        sec = sections.setdefault(table.section_number, {"number": table.section_number, "slug": f"s{table.section_number}",
                                                         "title": table.section, "tables": []})
        sec["tables"].append(table)
    return [sections[k] for k in sorted(sections)]


def table_view(table: SurveyTable) -> dict:
    """What the survey template needs for one table: chart, figures as rows, notes."""
    ident = f"chart-{table.id}"
    rows = []
    if table.kind in ("counts", "percents", "values"):
        column = {"counts": "count", "percents": "percent", "values": "printed"}[table.kind]
        rows = [{"item": item, "cells": [cells.get(s, "") for s in table.series]}
                for item, cells in rows_by_item(table, column)]
    else:
        # Figures as the report prints them ("1" stays "1", "19.0" stays "19.0").
        rows = [{"item": row["item"], "cells": [row[c] for c in ("n", "mean", "median", "min", "max")]}
                for row in table.cells.rows()]
    # Two drawings of one chart, each at the size it is shown (site.css picks one by width): text keeps its size.
    return {"table": table, "ident": ident, "chart": render_chart(table, ident),
            "chart_phone": render_chart(table, ident + "-phone", PHONE), "rows": rows}


class PageRenderer:
    def __init__(self, site: Site, templates: Path, base_url: str = "", env: Environment | None = None):
        self.site = site
        self.env = env or make_environment(templates)
        self.t = load_strings(templates)
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.closest = similar_pages.closest_views(site)  # once: every case page and /similar/ need it
        self.wanted: set[str] | None = None  # serve: render only these paths; pages() yields (path, None) for the rest
        self.sections = survey_sections(site)

    def _render(self, template: str, path: str, lazy: Callable[[], dict] | None = None, **context) -> tuple[str, str]:
        """*lazy*: what only this page's context needs and costs a drawing or more, computed only when the page
        is rendered (see wanted)."""
        if self.wanted is not None and path not in self.wanted:
            return path, None
        if lazy is not None:
            context.update(lazy())
        depth = path.count("/")
        page_path = path[: -len("index.html")] if path.endswith("index.html") else path
        base = {"t": self.t, "site": self.site, "depth": depth, "page_path": page_path,
                "page_url": (self.base_url or "/") + page_path, "site_url": self.base_url or "/", "absolute_links": False, "base_path": "/",
                "section": context.pop("section", "")}
        base.update(context)
        return path, self.env.get_template(template).render(**base)

    def pages(self) -> Iterator[tuple[str, str]]:
        site = self.site
        summaries = {r.slug: region_summary(site, r) for r in site.regions}
        # Only the region index pages list ICT systems and the sorted pages; only survey pages list sections.
        index_context = {"sorted_pages": SORTED_PAGES,
                         "all_ict": sorted({name for r in site.regions for name in r.ict_systems})}

        # A diagram appears on more than one page (a model's on the models page and its own, a case's and its
        # relations on its page and in the print document of selected cases): each is made once, when a page
        # first needs it.
        models = {m.code: m for m in site.models}

        @cache
        def model_diagram(code: str) -> Markup:
            m = models[code]
            return render_diagram(m.diagram, f"model-{m.slug}", f"{m.code} {m.title}のモデル図")

        @cache
        def case_diagram(slug: str) -> Markup:
            r = site.region(slug)
            return render_diagram(r.diagram, f"diagram-{r.slug}", f"{r.short_name}の連携の概要図")

        @cache
        def case_relations(slug: str) -> list[dict]:
            return relations(site.region(slug).diagram)

        yield self._render("index.html", "index.html", summaries=summaries, section="home",
                           lazy=lambda: {"jmap": similar_pages.map_context(site, self.t, "")})
        yield self._render("regions.html", "regions/index.html", summaries=summaries, order=list(site.regions),
                           sorted_by=None, section="regions", **index_context,
                           lazy=lambda: {"jmap": similar_pages.map_context(site, self.t, "../")})
        for key in SORTED_PAGES:
            measure = MEASURES[self.t["regions"]["by"][key]["key"]]
            order = sorted(site.regions, key=lambda r: (-measure(r), r.number))
            yield self._render("regions.html", f"regions/{BY_PREFIX}{key}/index.html", summaries=summaries, order=order,
                               sorted_by=key, section="regions", **index_context)
        for i, region in enumerate(site.regions):
            yield self._render("region.html", f"regions/{region.slug}/index.html", s=summaries[region.slug],
                               region=region, prev=site.regions[i - 1] if i > 0 else None,
                               next=site.regions[i + 1] if i + 1 < len(site.regions) else None,
                               section="regions", closest=self.closest[region.slug],
                               lazy=lambda: {"diagram": case_diagram(region.slug), "relations": case_relations(region.slug)})
        yield self._render("regions_print.html", f"regions/{PRINT_SLUG}/index.html", summaries=summaries, section="regions",
                           lazy=lambda: {"diagrams": {r.slug: case_diagram(r.slug) for r in site.regions},
                                         "case_relations": {r.slug: case_relations(r.slug) for r in site.regions}})
        yield self._render("models.html", "models/index.html", section="models",
                           lazy=lambda: {"diagrams": {m.code: model_diagram(m.code) for m in site.models}})
        for model in site.models:
            yield self._render("model.html", f"models/{model.slug}/index.html", model=model, section="models",
                               relations=relations(model.diagram),
                               entries=[(r, next(x for x in r.models if x.code == model.code)) for r in model.regions],
                               lazy=lambda: {"diagram": model_diagram(model.code)})
        yield self._render("survey_index.html", "survey/index.html", section="survey",
                           lazy=lambda: {"survey_sections": self.sections})
        yield self._render("survey_local.html", "data/survey-template/index.html", section="survey",
                           readme=self.env.get_template("local_survey_readme.txt").render())
        for sec in self.sections:
            yield self._render("survey_section.html", f"survey/{sec['slug']}/index.html", sec=sec, section="survey",
                               survey_sections=self.sections, lazy=lambda: {"views": [table_view(t) for t in sec["tables"]]})
        yield self._render("about.html", "about/index.html", section="about")
        yield self._render("data.html", "data/index.html", section="data")
        yield self._render("search.html", "search/index.html", section="search")
        yield from similar_pages.pages(self, summaries)
        # A host serves 404.html for a missing address at any depth (/a/b/c/), so no link relative to the page can
        # be right: its links start from the site's path on the host, that of --base-url (/something/), or "/"
        # when none is given, the site then being served at the root of its host as `build.py serve` and most
        # hosts serve it. (Links relative to the top folder worked only for a missing address one level down.)
        yield self._render("404.html", "404.html", absolute_links=True,
                           base_path=(urlsplit(self.base_url).path or "/") if self.base_url else "/")

    def sitemap(self, paths: list[str]) -> str:
        return self.env.get_template("sitemap.xml").render(
            urls=[(self.base_url or "/") + p[: -len("index.html")] for p in paths if p.endswith("index.html")])
