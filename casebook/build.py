"""The pipeline: read → validate → model → render → write, and a timing line at the end."""
from __future__ import annotations

import mmap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

from . import exports
from .errors import DataInvalid, ErrorReport
from .forked import in_two_processes, processes_for_build
from .model import SurveyNotReadYet
from .search import cached_search_assets
from .search_docs import site_documents
from .validate import EXPECTED_REGIONS, load_site
from .write import SiteOutput, static_files, write_site

if TYPE_CHECKING:
    from .render import PageRenderer

T = TypeVar("T")


def _render_stage():
    """casebook.render, imported when first used. It brings jinja2 and markdown (~0.1 s), which a build in two
    processes imports in this process's part of load_site, after the fork: the child reading the survey, whose
    part is the longer, starts that much sooner."""
    from . import render
    return render


def check_sources(root: Path, expected_regions: int | None = EXPECTED_REGIONS, env=None, processes: int = 1):
    """Every source file validated and every template compiled (into *env*, when given); all errors in one
    DataInvalid. *processes*: see load_site."""
    return load_site(root, expected_regions, processes,
                     also=lambda report: _render_stage().check_templates(root / "templates", report, env))


# Pages two processes can share out (more are rendered by both): 1,741 regions make ~6,000.
CLAIM_SLOTS = 1 << 20


def rendered_pages(renderer: PageRenderer, processes: int = 1, also: Callable[[], T] = lambda: None
                   ) -> tuple[list[tuple[str, str]], T]:
    """Every page as (path, HTML), in the order renderer.pages() gives them, and the result of *also*.
    *processes* 2: a forked child (casebook/forked.py) renders pages too, while this process first does *also*
    (the build's other files) and then joins in. Both go through the pages in order, and each renders the next
    one that the other has not claimed, so the two finish together however unequal the pages are (/compare/
    costs ten case pages). Two that claim a page at the same moment both render it: the same bytes, a little
    work twice, and a page is never left out."""
    if processes < 2:
        pages = list(renderer.pages())
        return pages, also()
    claims = mmap.mmap(-1, CLAIM_SLOTS)  # anonymous and shared: the child writes into the same bytes

    def pages_of(me: int) -> list[tuple[str, str | None]]:
        def claim(turn: int) -> bool:
            if turn >= CLAIM_SLOTS:
                return True
            if claims[turn] not in (0, me):
                return False
            claims[turn] = me
            return True

        renderer.claim = claim
        try:
            if me == 2:  # what was rendered ahead, this process has: the child need not send it back
                return [(path, None if path in renderer.ahead else html) for path, html in renderer.pages()]
            return list(renderer.pages())
        finally:
            renderer.claim = None

    def ours() -> tuple[list[tuple[str, str | None]], T]:
        other = also()
        return pages_of(1), other

    try:
        theirs, (mine, other) = in_two_processes(lambda: pages_of(2), ours)
    finally:
        claims.close()
    pages = [(path, html if html is not None else their) for (path, html), (_, their) in zip(mine, theirs)]
    if [p for p, _ in mine] != [p for p, _ in theirs] or any(html is None for _, html in pages):
        pages = list(renderer.pages())  # the two did not go through one list of pages: a bug, never a wrong site
    return pages, other


def render_site(root: Path, base_url: str = "", expected_regions: int | None = EXPECTED_REGIONS,
                site=None, processes: int = 1) -> tuple[object, SiteOutput]:
    """Everything a build writes, in memory. Raises DataInvalid before anything is written.
    *site*: an already loaded and validated site (serve's rebuilds), instead of loading it here.
    *processes*: see rendered_pages."""
    envs = []  # the one environment for checking and rendering: each template is compiled once a build

    def compile_templates(report: ErrorReport) -> None:
        render = _render_stage()
        envs.append(render.make_environment(root / "templates", auto_reload=False))
        render.check_templates(root / "templates", report, envs[0])

    ahead: list[PageRenderer] = []
    files_ahead: dict[str, list[tuple[str, bytes]]] = {}

    def render_ahead(without_survey) -> Iterator[None]:
        # While the child reads the survey (mostly: imports pandas), this process makes what needs no survey.
        ahead.append(_render_stage().PageRenderer(without_survey, root / "templates", base_url, envs[0]))
        yield
        yield from ahead[0].render_ahead()
        for part, make in _FILES_WITHOUT_SURVEY.items():
            try:
                files_ahead[part] = make(without_survey, root)
            except SurveyNotReadYet:  # made with the site once the survey is there
                pass
            yield

    if site is None:
        site = load_site(root, expected_regions, processes, also=compile_templates, meanwhile=render_ahead)
    else:  # serve validated the data; a template edited since must still fail cleanly
        template_errors = ErrorReport(root)
        compile_templates(template_errors)
        if template_errors:
            raise DataInvalid(template_errors)
    if ahead:
        renderer = ahead[0]
        renderer.site = site
    else:
        renderer = _render_stage().PageRenderer(site, root / "templates", base_url, envs[0])
    pages, others = rendered_pages(renderer, processes, lambda: _other_files(site, root, files_ahead))
    output = SiteOutput()
    for path, html in pages:
        output.add(path, html)
    output.add("sitemap.xml", renderer.sitemap([path for path, _ in pages]))
    output.add("robots.txt", "User-agent: *\nAllow: /\n" + (f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n" if base_url else ""))
    for name, content in others:
        output.add(name, content)
    return site, output


def _data_files(site, root: Path) -> list[tuple[str, bytes]]:
    raw_survey = {p.name: p.read_bytes() for p in sorted((root / "survey").iterdir())
                  if p.is_file() and p.suffix in (".csv", ".yaml")}  # the survey's own files, as they are
    return [(f"data/{name}", content) for name, content in exports.data_files(site, raw_survey).items()]


def _static_files(site, root: Path) -> list[tuple[str, bytes]]:
    return list(static_files(root / "static"))


# Made ahead, from the site without its survey, while a child reads the survey (render_site).
_FILES_WITHOUT_SURVEY = {"data": _data_files, "static": _static_files}


def _other_files(site, root: Path, made_ahead: dict[str, list[tuple[str, bytes]]] | None = None
                 ) -> list[tuple[str, bytes]]:
    """What a build writes besides the pages, sitemap and robots.txt, in the order it is added.
    *made_ahead*: parts of it already made (render_site), by their key in _FILES_WITHOUT_SURVEY."""
    made_ahead = made_ahead or {}

    def part(key: str) -> list[tuple[str, bytes]]:
        return made_ahead[key] if key in made_ahead else _FILES_WITHOUT_SURVEY[key](site, root)

    files = list(part("data"))
    # The local-survey template, for a coordinator to download from /data/survey-template/ (linked from /survey/).
    from .localsurvey.commands import template_files
    for name, content in template_files(site, root / "templates").items():
        files.append((f"data/survey-template/{name}", content))
    files.extend(cached_search_assets(site_documents(site)).items())
    files.extend(part("static"))
    return files


def build_site(root: Path, out: Path, base_url: str = "", log: Callable[[str], None] = print,
               expected_regions: int | None = EXPECTED_REGIONS, processes: int | None = None):
    """render_site then write_site; *processes* None: two where the machine allows (forked.processes_for_build)."""
    started = time.perf_counter()
    site, output = render_site(root, base_url, expected_regions,
                               processes=processes_for_build() if processes is None else processes)
    write_site(output, out, root)
    elapsed = time.perf_counter() - started
    log(f"built {len(output.files)} files ({output.total_bytes() / 1024:.0f} KiB) for {len(site.regions)} regions, "
        f"{len(site.models)} models, {len(site.survey)} survey tables into {out} in {elapsed:.2f} s")
    return site
