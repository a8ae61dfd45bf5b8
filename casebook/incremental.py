"""Rebuilds for `build.py serve`: validate everything, write only what changed.

The first build (and any build where the previous output is unknown) is a full build: temporary folder and
swap, as `build.py` does. After that, a change is handled in place:

1. Every source file is validated again, as in a full build; parsed YAML trees of files whose text did not
   change are reused (``load.remember_parsed_files``), so this costs little more than the changed file.
   Invalid data writes nothing and leaves the previous site served.
2. When region files changed, their own pages are rendered first and written at once — the page the
   author is looking at is on disk after validation plus one page render.
3. Then the whole site is rendered in memory, as a full build does, and only files whose bytes differ from
   what is on disk are replaced (each one atomically); files no longer produced are removed. The folder
   then holds exactly what a full build would write; the benchmark (bench/run.py) checks this byte for byte.
"""
from __future__ import annotations

import os
import tempfile
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
        self.out = Path(out).resolve()
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
        write_site(output, self.out)
        self.files = dict(output.files)
        elapsed = time.perf_counter() - started
        self.last = {"total": elapsed, "first_page": elapsed}
        self.log(f"built {len(output.files)} files ({output.total_bytes() / 1024:.0f} KiB) for {len(site.regions)} "
                 f"regions into {self.out} in {elapsed:.2f} s")

    # ------------------------------------------------------------------ in place

    def changed(self, paths: Iterable[str | Path]) -> None:
        """Rebuild after *paths* (source files, absolute or relative to root) changed, were added or removed."""
        if self.files is None or not self.out.is_dir():
            self.full()
            return
        started = time.perf_counter()
        site = load_site(self.root, self.expected_regions)  # raises DataInvalid: nothing is written
        validated = time.perf_counter()
        first = self._own_pages(paths, site)
        rewritten = []
        if first:
            renderer = PageRenderer(site, self.root / "templates", self.base_url)
            renderer.wanted = set(first)
            pending = set(first)
            for path, html in renderer.pages():
                if html is None:
                    continue
                if self._put(path, html.encode("utf-8")):
                    rewritten.append(path)
                pending.discard(path)
                if not pending:
                    break
        first_page = time.perf_counter()
        _, output = render_site(self.root, self.base_url, self.expected_regions, site=site)
        for path, content in output.files.items():
            if self._put(path, content):
                rewritten.append(path)
        for path in sorted(set(self.files) - set(output.files)):
            (self.out / path).unlink(missing_ok=True)
            del self.files[path]
            folder = (self.out / path).parent
            while folder != self.out and not any(folder.iterdir()):  # a removed region's folder
                folder.rmdir()
                folder = folder.parent
            rewritten.append(path)
        done = time.perf_counter()
        self.last = {"validate": validated - started, "first_page": first_page - started, "total": done - started,
                     "files": len(output.files), "rewritten": len(set(rewritten))}
        shown = ", ".join(first) if first else "the site"
        self.log(f"rebuilt {shown} in {first_page - started:.2f} s; {len(set(rewritten))} of {len(output.files)} "
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

    def _put(self, rel: str, content: bytes) -> bool:
        """Write one file atomically unless it already holds *content*; True when written."""
        assert self.files is not None
        if self.files.get(rel) == content:
            return False
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.files[rel] = content
        return True
