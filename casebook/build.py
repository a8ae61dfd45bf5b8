"""The pipeline: read → validate → model → render → write, and a timing line at the end."""
from __future__ import annotations

import mmap
import time
from pathlib import Path
from typing import Callable, TypeVar

from . import exports
from .errors import DataInvalid, ErrorReport
from .forked import in_two_processes, processes_for_build
from .render import PageRenderer, check_templates, make_environment
from .search import cached_search_assets
from .search_docs import site_documents
from .validate import EXPECTED_REGIONS, load_site
from .write import SiteOutput, static_files, write_site

T = TypeVar("T")


def check_sources(root: Path, expected_regions: int | None = EXPECTED_REGIONS, env=None, processes: int = 1):
    """Every source file validated and every template compiled (into *env*, when given); all errors in one
    DataInvalid. *processes*: see load_site."""
    return load_site(root, expected_regions, processes,
                     also=lambda report: check_templates(root / "templates", report, env))


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
    # One environment for checking and rendering: each template is compiled once a build.
    env = make_environment(root / "templates", auto_reload=False)
    if site is None:
        site = check_sources(root, expected_regions, env, processes)
    else:  # serve validated the data; a template edited since must still fail cleanly
        template_errors = ErrorReport(root)
        check_templates(root / "templates", template_errors, env)
        if template_errors:
            raise DataInvalid(template_errors)
    renderer = PageRenderer(site, root / "templates", base_url, env)
    pages, others = rendered_pages(renderer, processes, lambda: _other_files(site, root))
    output = SiteOutput()
    for path, html in pages:
        output.add(path, html)
    output.add("sitemap.xml", renderer.sitemap([path for path, _ in pages]))
    output.add("robots.txt", "User-agent: *\nAllow: /\n" + (f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n" if base_url else ""))
    for name, content in others:
        output.add(name, content)
    return site, output


def _other_files(site, root: Path) -> list[tuple[str, bytes]]:
    """What a build writes besides the pages, sitemap and robots.txt, in the order it is added."""
    files = []
    raw_survey = {p.name: p.read_bytes() for p in sorted((root / "survey").iterdir())
                  if p.is_file() and p.suffix in (".csv", ".yaml")}
    for name, content in exports.data_files(site, raw_survey).items():
        files.append((f"data/{name}", content))
    # The local-survey template, for a coordinator to download from /data/survey-template/ (linked from /survey/).
    from .localsurvey.commands import template_files
    for name, content in template_files(site, root / "templates").items():
        files.append((f"data/survey-template/{name}", content))
    files.extend(cached_search_assets(site_documents(site)).items())
    files.extend(static_files(root / "static"))
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
