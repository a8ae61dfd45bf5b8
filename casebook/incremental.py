"""Rebuilds for `build.py serve`: validate everything, write only what changed.

The first build (and any build where the previous output is unknown) is a full build: temporary folder and
swap, as `build.py` does. After that, a change is handled in place:

1. Every source file is validated again, as in a full build; parsed YAML trees of files whose text did not
   change are reused (``load.remember_parsed_files``), so this costs little more than the changed file.
   Invalid data writes nothing and leaves the previous site served.
2. When region files changed, their own pages are rendered first, so a template error there shows at once.
3. Then the whole site is rendered in memory, as a full build does, into a new folder where files
   whose bytes did not change are hard links to the current site's; two renames (write.py) make it the
   site. A crash at any point leaves the old site or the new one, never a mix; the benchmark
   (bench/run.py) checks the result byte for byte against a full build.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterable

from . import load
from .build import render_site
from .render import PageRenderer
from .validate import EXPECTED_REGIONS, REGION_FILE, load_site
from .write import write_site


class Rebuilder:
    def __init__(self, root: Path, out: Path, base_url: str = "", expected_regions: int | None = EXPECTED_REGIONS,
                 log: Callable[[str], None] = print):
        self.root = Path(root).resolve()
        self.out = Path(os.path.abspath(out))
        self.base_url = base_url
        self.expected_regions = expected_regions
        self.log = log
        self.files: dict[str, bytes] | None = None  # what the last build wrote into out
        self.last: dict[str, float] = {}  # timings of the last rebuild, for the benchmark
        load.remember_parsed_files()

    # ------------------------------------------------------------------ full build

    def full(self) -> None:
        started = time.perf_counter()
        site, output = render_site(self.root, self.base_url, self.expected_regions)
        write_site(output, self.out, self.root, log=self.log)
        self.files = dict(output.files)
        elapsed = time.perf_counter() - started
        self.last = {"total": elapsed, "first_page": elapsed}
        self.log(f"built {len(output.files)} files ({output.total_bytes() / 1024:.0f} KiB) for {len(site.regions)} "
                 f"regions into {self.out} in {elapsed:.2f} s")

    # ------------------------------------------------------------------ in place

    def changed(self, paths: Iterable[str | Path]) -> None:
        """Rebuild after *paths* (source files, absolute or relative to root) changed, were added or removed.
        The new site goes into a new build folder (unchanged files hard-linked from the current one) and
        replaces the old one with a single switch, so a reader or a crash sees all old or all new."""
        if self.files is None or not self.out.is_dir():
            self.full()
            return
        started = time.perf_counter()
        site = load_site(self.root, self.expected_regions)  # raises DataInvalid: nothing is written
        validated = time.perf_counter()
        first = self._own_pages(paths, site)
        if first:  # the author's page rendered first: its cost is what "first page" measures
            renderer = PageRenderer(site, self.root / "templates", self.base_url)
            renderer.wanted = set(first)
            pending = set(first)
            for path, html in renderer.pages():
                pending.discard(path)
                if not pending:
                    break
        first_page = time.perf_counter()
        _, output = render_site(self.root, self.base_url, self.expected_regions, site=site)
        rewritten = {p for p, c in output.files.items() if self.files.get(p) != c} | (set(self.files) - set(output.files))
        write_site(output, self.out, self.root, log=self.log)  # unchanged files: hard links
        self.files = dict(output.files)
        done = time.perf_counter()
        self.last = {"validate": validated - started, "first_page": first_page - started, "total": done - started,
                     "files": len(output.files), "rewritten": len(rewritten)}
        shown = ", ".join(first) if first else "the site"
        self.log(f"rebuilt {shown} in {first_page - started:.2f} s; {len(rewritten)} of {len(output.files)} "
                 f"files changed, site complete in {done - started:.2f} s")

    def _own_pages(self, paths: Iterable[str | Path], site) -> list[str]:
        """Output paths of the pages of changed region files that still exist."""
        slugs = {r.slug for r in site.regions}
        pages = []
        for path in paths:
            path = Path(path)
            if path.parent.name != "regions":
                continue
            match = REGION_FILE.fullmatch(path.name)
            if match and match.group(2) in slugs:
                pages.append(f"regions/{match.group(2)}/index.html")
        return sorted(set(pages))
