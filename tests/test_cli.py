"""The command line as a user runs it: `python build.py …` in a subprocess, on a copy of the project."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from casebook.build import build_site

from conftest import ROOT


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_with_out_and_base_url_writes_the_same_site_as_the_library(project, tmp_path):
    result = run("--root", str(project), "--out", str(tmp_path / "public"), "--base-url", "https://example.org/casebook/",
                 cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert not (project / "_site").exists(), "--out is where the site goes"
    built = tree(tmp_path / "public")
    build_site(project, tmp_path / "reference", base_url="https://example.org/casebook/", log=lambda _: None)
    assert built == tree(tmp_path / "reference")
    locs = re.findall(r"<loc>([^<]*)</loc>", built["sitemap.xml"].decode("utf-8"))
    assert locs and all(loc.startswith("https://example.org/casebook/") for loc in locs)
    assert "Sitemap: https://example.org/casebook/sitemap.xml" in built["robots.txt"].decode("utf-8")


def test_build_without_out_writes_site_in_the_project(project):
    result = run("--root", str(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "_site" / "index.html").is_file()
    assert "<loc>/</loc>" in (project / "_site" / "sitemap.xml").read_text(encoding="utf-8")


def test_check_reports_what_it_checked_and_writes_nothing(project):
    before = tree(project)
    result = run("check", "--root", str(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"ok: 14 regions, 19 models, \d+ survey tables, \d+ pages checked in [\d.]+ s\n", result.stdout)
    assert tree(project) == before


def test_schema_writes_the_committed_schema(project):
    (project / "regions.schema.json").write_text("{}", encoding="utf-8")
    result = run("schema", "--root", str(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote regions.schema.json\n"
    assert (project / "regions.schema.json").read_bytes() == (ROOT / "regions.schema.json").read_bytes()


def test_unknown_command_is_refused_with_usage(project):
    result = run("deploy", "--root", str(project), cwd=project)
    assert result.returncode == 2
    assert "usage: build.py" in result.stderr and "Traceback" not in result.stderr
