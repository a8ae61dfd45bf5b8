"""The Jinja environment and its filters, the context every page has (render_page), the sitemap, and the helpers
the page families of pages.py build their contexts with (region_summary, survey_sections, table_view)."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import markdown as md
import markdown.treeprocessors  # noqa: F401  (md.treeprocessors)
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError, pass_context, select_autoescape
from markupsafe import Markup, escape

from .charts import PHONE, pct, render_chart, rows_by_item, share
from . import urls
from .model import Region, Site, SurveyTable
from .schema import HORIZONTAL_CODES, VERTICAL_CODES
from .errors import ErrorReport
from .load import read_yaml
from .text import URL_ATTRIBUTES, safe_url

SORTED_PAGES = ("population", "aged-65", "aged-75", "rate-65", "rate-75")


def load_strings(templates: Path) -> dict:
    # libyaml when present: the same result as safe_load for this file, and quicker
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
    """The address a printed page shows for a link: absolute with --base-url, else none ("") — a path without
    its site is no use to a reader of paper."""
    site_url = context["site_url"]
    return site_url + target if "://" in site_url else ""


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


class _HeaderlessTables(md.treeprocessors.Treeprocessor):
    """A Markdown table written with an empty header row (`| | |`) is a list of items with their values, as the
    report prints them: no header row (empty header cells announce nothing), each row named by its first cell."""

    def run(self, root):
        for table in root.iter("table"):
            head = table.find("thead")
            if head is None or any((th.text or "").strip() or len(th) for th in head.iter("th")):
                continue
            table.remove(head)
            for row in table.iter("tr"):
                first = row.find("td")
                if first is not None:
                    first.tag = "th"
                    first.set("scope", "row")


_converters = threading.local()


def _converter() -> md.Markdown:
    """One converter a thread, reset before each text: setting one up costs more than most conversions."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        # Extensions as objects: by name, Markdown looks each up among every installed package's entry points
        # (importlib.metadata)
        converter = md.Markdown(extensions=[TableExtension(), AttrListExtension(), SaneListExtension()],
                                output_format="html")
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
        converter.treeprocessors.register(_ActiveContentStripper(converter), "active_content", 0)
        converter.treeprocessors.register(_HeaderlessTables(converter), "headerless_tables", 1)
        _converters.markdown = converter
    return converter.reset()


def markdown_to_html(text: str, heading_offset: int = 0) -> Markup:
    """Markdown → HTML; raw HTML in the text is escaped, and headings move down under the page's own."""
    html = _converter().convert(text)
    if heading_offset:
        html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + heading_offset)}", html)
    return Markup(html)


def _bytecode_cache():
    """Compiled templates kept between runs, so a fresh build does not compile them again.
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


def make_environment(templates: Path, auto_reload: bool = True, bytecode_cache: bool = True) -> Environment:
    """*auto_reload* False: for one build, whose templates are read once; Jinja otherwise checks each template's
    file every time a page includes it. *bytecode_cache* False: nothing written outside
    the output (the local-survey commands)."""
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "xml"], default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=_bytecode_cache() if bytecode_cache else None, auto_reload=auto_reload)
    env.globals["url"] = url
    env.globals["print_href"] = print_href
    env.globals["urls"] = urls  # every page's address (urls.py), as the page list makes it
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


def render_page(env: Environment, page, site: Site, strings: dict, base_url: str = "") -> str:
    """One page of the page list (pages.py) as HTML: the context every page has, then the page's own."""
    site_url = base_url.rstrip("/") + "/" if base_url else "/"
    context = {"t": strings, "site": site, "depth": page.path.count("/"), "page_path": page.url,
               "page_url": site_url + page.url, "site_url": site_url, "absolute_links": False, "base_path": "/",
               "section": ""}
    context.update(page.context())
    return env.get_template(page.template).render(**context)


def sitemap(env: Environment, page_urls: list[str], base_url: str = "") -> str:
    """Every folder page (the 404 page is not one), by absolute address when the site's URL is known."""
    site_url = base_url.rstrip("/") + "/" if base_url else "/"
    return env.get_template("sitemap.xml").render(urls=[site_url + u for u in page_urls if u == "" or u.endswith("/")])
