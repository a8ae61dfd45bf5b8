"""serve's builds. A rebuild checks every source file as a full build does (the parse cache keeps the YAML trees
of unchanged files) and makes every file but the pages none of whose inputs changed (pages.Page.inputs): those
keep the HTML of the last build. An edit to a survey CSV renders the survey pages again; an edit to a region
file renders nearly every page, because most show all regions (ranks, the closest cases, indexes, the map);
an edit to a template renders them all. write.py then writes the site as for `build.py`."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterable

from .build import BuildContext, render_site
from .load import ParsedFiles
from .validate import EXPECTED_REGIONS
from .write import write_site


class Rebuilder:
    def __init__(self, root: Path, out: Path, base_url: str = "", expected_regions: int | None = EXPECTED_REGIONS,
                 log: Callable[[str], None] = print):
        self.root = Path(root).resolve()
        self.out = Path(os.path.abspath(out))
        self.base_url = base_url
        self.expected_regions = expected_regions
        self.log = log
        self.context = BuildContext(parsed=ParsedFiles())
        self.files: dict[str, bytes] | None = None  # what the last build wrote into out
        self.pending: set[str] | None = None  # sources changed since that build; None: unknown, render everything
        self.last: dict[str, float] = {}  # figures of the last build, for the benchmark

    def build(self, changed: Iterable[str | Path] | None = None) -> None:
        """A build after *changed* source files (None: any may have changed); raises DataInvalid (nothing
        written) when the sources have errors."""
        started = time.perf_counter()
        previous = self.files or {}
        # Changes since the last build that was written: a failed build in between rendered nothing.
        if changed is None:
            self.pending = None
        elif self.pending is not None:
            self.pending |= {self._source(path) for path in changed}
        sources = self.pending
        pages = {"rendered": 0, "kept": 0}

        def kept(page) -> bytes | None:
            html = None
            if sources is not None and not any(page.reads(source) for source in sources):
                html = previous.get(page.path)
            pages["kept" if html is not None else "rendered"] += 1
            return html

        site, output = render_site(self.root, self.base_url, self.expected_regions, self.context, kept)
        write_site(output, self.out, self.root, log=self.log)
        self.pending = set()
        changed_files = sum(previous.get(path) != content for path, content in output.files.items()) + \
            len(set(previous) - set(output.files))
        first = self.files is None
        self.files = dict(output.files)
        elapsed = time.perf_counter() - started
        self.last = {"total": elapsed, "files": len(output.files), "rewritten": changed_files, **pages}
        if first:
            self.log(f"built {len(output.files)} files ({output.total_bytes() / 1024:.0f} KiB) for "
                     f"{len(site.regions)} regions into {self.out} in {elapsed:.2f} s")
        else:
            self.log(f"rebuilt in {elapsed:.2f} s: {pages['rendered']} page(s) rendered again, {pages['kept']} "
                     f"unchanged (none of their inputs changed); {changed_files} of {len(output.files)} files changed")

    def _source(self, path: str | Path) -> str:
        """A changed file as the page list names its inputs: relative to the project folder, with /."""
        path = Path(path)
        try:
            return (path.resolve() if path.is_absolute() else (self.root / path).resolve()).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
