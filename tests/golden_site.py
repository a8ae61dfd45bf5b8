"""The small fixture site whose built output is kept in tests/golden/mini (shared by the test and the update script)."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "mini"
GOLDEN = ROOT / "tests" / "golden" / "mini"
GOLDEN_SUFFIXES = (".html", ".xml", ".txt", ".csv", ".json")


def fixture_project(tmp_path: Path) -> Path:
    project = tmp_path / "mini"
    shutil.copytree(FIXTURE, project)
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, project / name)
    return project


def golden_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.suffix in GOLDEN_SUFFIXES and not p.relative_to(site).as_posix().startswith(("search/", "js/", "vendor/"))}
