"""The pipeline: read → validate → model → render → write, and a timing line at the end."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from . import exports
from .errors import DataInvalid, ErrorReport
from .search import cached_search_assets
from .search_docs import site_documents
from .validate import EXPECTED_REGIONS, read_site
from .write import SiteOutput, static_files, write_site


def check_sources(root: Path, expected_regions: int | None = EXPECTED_REGIONS, env=None):
    """Every source file validated and every template compiled (into *env*, when given); all errors in one
    DataInvalid."""
    from . import render
    report = ErrorReport(root)
    site = read_site(root, report, expected_regions)
    render.check_templates(root / "templates", report, env)
    if report:
        raise DataInvalid(report)
    return site


def render_site(root: Path, base_url: str = "", expected_regions: int | None = EXPECTED_REGIONS,
                site=None) -> tuple[object, SiteOutput]:
    """Everything a build writes, in memory. Raises DataInvalid before anything is written.
    *site*: an already loaded and validated site (serve's rebuilds), instead of loading it here."""
    from . import render
    # the one environment for checking and rendering: each template is compiled once a build
    env = render.make_environment(root / "templates", auto_reload=False)
    if site is None:
        site = check_sources(root, expected_regions, env)
    else:  # serve validated the data; a template edited since must still fail cleanly
        template_errors = ErrorReport(root)
        render.check_templates(root / "templates", template_errors, env)
        if template_errors:
            raise DataInvalid(template_errors)
    renderer = render.PageRenderer(site, root / "templates", base_url, env)
    pages = list(renderer.pages())
    output = SiteOutput()
    for path, html in pages:
        output.add(path, html)
    output.add("sitemap.xml", renderer.sitemap([path for path, _ in pages]))
    output.add("robots.txt", "User-agent: *\nAllow: /\n" + (f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n" if base_url else ""))
    for name, content in _other_files(site, root):
        output.add(name, content)
    return site, output


def _other_files(site, root: Path) -> list[tuple[str, bytes]]:
    """What a build writes besides the pages, sitemap and robots.txt, in the order it is added."""
    raw_survey = {p.name: p.read_bytes() for p in sorted((root / "survey").iterdir())
                  if p.is_file() and p.suffix in (".csv", ".yaml")}  # the survey's own files, as they are
    files = [(f"data/{name}", content) for name, content in exports.data_files(site, raw_survey).items()]
    # The local-survey template, for a coordinator to download from /data/survey-template/ (linked from /survey/).
    from .localsurvey.commands import template_files
    for name, content in template_files(site, root / "templates").items():
        files.append((f"data/survey-template/{name}", content))
    files.extend(cached_search_assets(site_documents(site)).items())
    files.extend(static_files(root / "static"))
    return files


def build_site(root: Path, out: Path, base_url: str = "", log: Callable[[str], None] = print,
               expected_regions: int | None = EXPECTED_REGIONS):
    """render_site then write_site."""
    started = time.perf_counter()
    site, output = render_site(root, base_url, expected_regions)
    write_site(output, out, root, log=log)
    elapsed = time.perf_counter() - started
    log(f"built {len(output.files)} files ({output.total_bytes() / 1024:.0f} KiB) for {len(site.regions)} regions, "
        f"{len(site.models)} models, {len(site.survey)} survey tables into {out} in {elapsed:.2f} s")
    return site
