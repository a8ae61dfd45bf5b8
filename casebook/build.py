"""The pipeline: read → validate → model → render → write, and a timing line at the end."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from . import exports
from .errors import DataInvalid, ErrorReport
from .render import PageRenderer, check_templates, make_environment
from .search import cached_search_assets
from .search_docs import site_documents
from .validate import EXPECTED_REGIONS, load_site
from .write import SiteOutput, write_site


def check_sources(root: Path, expected_regions: int | None = EXPECTED_REGIONS, env=None):
    """Every source file validated and every template compiled (into *env*, when given); all errors in one
    DataInvalid."""
    report = ErrorReport(root)
    check_templates(root / "templates", report, env)
    try:
        site = load_site(root, expected_regions)
    except DataInvalid as exc:
        exc.report.errors.extend(report.errors)
        raise
    if report:
        raise DataInvalid(report)
    return site


def render_site(root: Path, base_url: str = "", expected_regions: int | None = EXPECTED_REGIONS,
                site=None) -> tuple[object, SiteOutput]:
    """Everything a build writes, in memory. Raises DataInvalid before anything is written.
    *site*: an already loaded and validated site (serve's rebuilds), instead of loading it here."""
    # One environment for checking and rendering: each template is compiled once a build.
    env = make_environment(root / "templates", auto_reload=False)
    if site is None:
        site = check_sources(root, expected_regions, env)
    else:  # serve validated the data; a template edited since must still fail cleanly
        template_errors = ErrorReport(root)
        check_templates(root / "templates", template_errors, env)
        if template_errors:
            raise DataInvalid(template_errors)
    output = SiteOutput()
    renderer = PageRenderer(site, root / "templates", base_url, env)
    paths = []
    for path, html in renderer.pages():
        output.add(path, html)
        paths.append(path)
    output.add("sitemap.xml", renderer.sitemap(paths))
    output.add("robots.txt", "User-agent: *\nAllow: /\n" + (f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n" if base_url else ""))
    raw_survey = {p.name: p.read_bytes() for p in sorted((root / "survey").iterdir())
                  if p.is_file() and p.suffix in (".csv", ".yaml")}
    for name, content in exports.data_files(site, raw_survey).items():
        output.add(f"data/{name}", content)
    # The local-survey template, for a coordinator to download from /data/survey-template/ (linked from /survey/).
    from .localsurvey.commands import template_files
    for name, content in template_files(site, root / "templates").items():
        output.add(f"data/survey-template/{name}", content)
    for name, content in cached_search_assets(site_documents(site)).items():
        output.add(name, content)
    output.add_static(root / "static")
    return site, output


def build_site(root: Path, out: Path, base_url: str = "", log: Callable[[str], None] = print,
               expected_regions: int | None = EXPECTED_REGIONS):
    started = time.perf_counter()
    site, output = render_site(root, base_url, expected_regions)
    write_site(output, out, root)
    elapsed = time.perf_counter() - started
    log(f"built {len(output.files)} files ({output.total_bytes() / 1024:.0f} KiB) for {len(site.regions)} regions, "
        f"{len(site.models)} models, {len(site.survey)} survey tables into {out} in {elapsed:.2f} s")
    return site
