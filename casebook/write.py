"""Write (path, bytes) pairs into a temporary folder, copy static/, then swap it into place."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from .assets import shipped


class DuplicateOutput(Exception):
    pass


class SiteOutput:
    """The files of one build, held in memory until everything has rendered."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, path: str, content: bytes | str) -> None:
        clean = PurePosixPath(path).as_posix()
        if clean.startswith(("/", "..")) or "/../" in clean:
            raise ValueError(f"output path escapes the site: {path}")
        if clean in self.files:
            # Two regions with one slug would otherwise silently overwrite each other.
            raise DuplicateOutput(f"two pages would be written to {clean}")
        self.files[clean] = content.encode("utf-8") if isinstance(content, str) else content

    def add_static(self, static_dir: Path) -> None:
        for source in sorted(static_dir.rglob("*")):
            if source.is_file():
                rel = source.relative_to(static_dir).as_posix()
                self.add(rel, shipped(rel, source.read_bytes()))

    def total_bytes(self) -> int:
        return sum(len(b) for b in self.files.values())


def write_site(output: SiteOutput, out: Path) -> None:
    """Write everything to a sibling temporary folder, then swap: a failed build leaves the old site."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, content in sorted(output.files.items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.chmod(tmp, 0o755)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
