"""The pipeline: read → validate → model → render → write, and a timing line at the end."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import exports
from .errors import DataInvalid, ErrorReport
from .load import ParsedFiles
from .search import cached_search_assets
from .search_docs import site_documents
from .validate import EXPECTED_REGIONS, read_site
from .write import SiteOutput, static_files, write_site


@dataclass
class BuildContext:
    """State a caller keeps between builds or wants to see, passed in rather than kept in modules: serve keeps
    the parse cache from one rebuild to the next; bench/run.py is told each stage's time."""
    parsed: ParsedFiles | None = None  # YAML trees reused while a file's text is unchanged
    on_stage: Callable[[str, float], None] = field(default=lambda name, seconds: None)  # told each stage's time

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.on_stage(name, time.perf_counter() - started)


def check_sources(root: Path, expected_regions: int | None = EXPECTED_REGIONS, env=None,
                  ctx: BuildContext | None = None):
    """Every source file validated and every template compiled (into *env*, when given); all errors in one
    DataInvalid."""
    from . import render
    ctx = ctx or BuildContext()
    report = ErrorReport(root)
    with ctx.stage("load + validate"):
        site = read_site(root, report, expected_regions, ctx.parsed)
    with ctx.stage("templates"):
        render.check_templates(root / "templates", report, env)
    if report:
        raise DataInvalid(report)
    return site


def render_site(root: Path, base_url: str = "", expected_regions: int | None = EXPECTED_REGIONS,
                ctx: BuildContext | None = None, kept: Callable[[object], bytes | None] | None = None
                ) -> tuple[object, SiteOutput]:
    """Everything a build writes, in memory. Raises DataInvalid before anything is written.
    *kept*: the HTML of a page (pages.Page) that its caller knows to be unchanged since its last build (serve:
    none of the page's inputs changed), else None; such a page is not rendered again."""
    from . import render
    from .pages import site_pages
    ctx = ctx or BuildContext()
    templates = root / "templates"
    # The one environment for checking and rendering, the local-survey files included: each template is
    # compiled once a build.
    env = render.make_environment(templates, auto_reload=False)
    site = check_sources(root, expected_regions, env, ctx)
    strings = render.load_strings(templates)
    output = SiteOutput()
    # the downloads first: /data/ states each one's size and columns
    others = _other_files(ctx, root, site, env)
    downloads = exports.catalogue({name[len("data/"):]: content for name, content in others if name.startswith("data/")})
    pages = site_pages(site, strings, env, base_url, downloads)
    for page in pages:
        with ctx.stage("render: " + page.family):
            html = kept(page) if kept is not None else None
            output.add(page.path, html if html is not None else render.render_page(env, page, site, strings, base_url))
    output.add("sitemap.xml", render.sitemap(env, [page.url for page in pages], base_url))
    output.add("robots.txt", "User-agent: *\nAllow: /\n"
               + (f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n" if base_url else ""))
    for name, content in others:
        output.add(name, content)
    return site, output


def _other_files(ctx: BuildContext, root: Path, site, env) -> list[tuple[str, bytes]]:
    """What a build writes besides the pages, sitemap and robots.txt, in the order it is added."""
    from .localsurvey.commands import template_files
    from .localsurvey.plan import local_survey_files
    with ctx.stage("data exports"):
        raw_survey = {p.name: p.read_bytes() for p in sorted((root / "survey").iterdir())
                      if p.is_file() and p.suffix in (".csv", ".yaml")}  # the survey's own files, as they are
        files = [(f"data/{name}", content) for name, content in exports.data_files(site, raw_survey).items()]
        # The local-survey template, for a coordinator to download from /data/survey-template/ (linked from /survey/).
        files += [(f"data/survey-template/{name}", content)
                  for name, content in template_files(site, root / "templates", env).items()]
        # The Excel input sheet and the tally's plan, beside the page that tallies in the browser (/survey/local/).
        files += local_survey_files(site, root / "templates")
    with ctx.stage("search index"):
        files.extend(cached_search_assets(site_documents(site)).items())
    with ctx.stage("copy static"):
        files.extend(static_files(root / "static"))
    return files


def build_site(root: Path, out: Path, base_url: str = "", log: Callable[[str], None] = print,
               expected_regions: int | None = EXPECTED_REGIONS, ctx: BuildContext | None = None):
    """render_site then write_site."""
    ctx = ctx or BuildContext()
    started = time.perf_counter()
    site, output = render_site(root, base_url, expected_regions, ctx)
    with ctx.stage("write"):
        write_site(output, out, root, log=log)
    elapsed = time.perf_counter() - started
    log(f"built {len(output.files)} files ({output.total_bytes() / 1024:.0f} KiB) for {len(site.regions)} regions, "
        f"{len(site.models)} models, {len(site.survey)} survey tables into {out} in {elapsed:.2f} s")
    return site
