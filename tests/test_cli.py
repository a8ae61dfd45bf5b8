"""The command line as a user runs it: `python build.py …` in a subprocess, on a copy of the project."""
from __future__ import annotations

import pytest

import re
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.build import build_site

from conftest import ROOT


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.site
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


@pytest.mark.site
def test_build_without_out_writes_site_in_the_project(project):
    result = run("--root", str(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "_site" / "index.html").is_file()
    assert "<loc>/</loc>" in (project / "_site" / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.unit
def test_check_reports_what_it_checked_and_writes_nothing(project):
    before = tree(project)
    result = run("check", "--root", str(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"ok: 14 regions, 19 models, \d+ survey tables, \d+ pages checked in [\d.]+ s\n", result.stdout)
    assert tree(project) == before


@pytest.mark.unit
def test_schema_writes_the_committed_schema(project):
    (project / "regions.schema.json").write_text("{}", encoding="utf-8")
    result = run("schema", "--root", str(project), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote regions.schema.json\n"
    assert (project / "regions.schema.json").read_bytes() == (ROOT / "regions.schema.json").read_bytes()


@pytest.mark.site
def test_unknown_command_is_refused_with_usage(project):
    result = run("deploy", "--root", str(project), cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "usage: build.py" in result.stderr and "Traceback" not in result.stderr


# Each mistake at the command line: exit 2, one line naming what is wrong, nothing run.
BAD_ARGUMENTS = [
    (["--outdir", "public"], "build.py build: error: unknown option --outdir; did you mean --out?"),
    (["check", "--port", "9000"], "build.py check: error: unknown option --port"),
    (["check", "--out", "x"], "build.py check: error: unknown option --out"),
    (["serve", "--port", "-1"], "argument --port: expected a port number from 1 to 65535, got -1"),
    (["serve", "--port", "99999"], "argument --port: expected a port number from 1 to 65535, got 99999"),
    (["serve", "--port", "http"], "argument --port: expected a port number from 1 to 65535, got 'http'"),
    (["--base-url", "javascript:alert(1)"], "argument --base-url: expected an http:// or https:// URL such as "
                                           "https://example.org/casebook/, got 'javascript:alert(1)'"),
    (["--base-url", "https://example.org/\nDisallow: /"], "argument --base-url: expected a URL without spaces or "
                                                          "control characters, found U+000A, a space"),
    (["--base-url", "data:text/html,x"], "expected an http:// or https:// URL"),
    (["--base-url", 'https://example.org/"><script>'], "expected a URL of letters, digits and - . _ ~ : / ? # [ ] @ ! $ "
                                                       "& ' ( ) * + , ; = %, found \" < >; percent-encode them"),
    (["--base-url", "//example.org/"], "expected an http:// or https:// URL"),
    (["--base-url", "https://"], "expected an http:// or https:// URL"),
    (["survey-tally", "r.csv", "--out", "o", "--region", "板橋\u202e区"],
     "argument --region: expected a region name in plain text, found the invisible or control character(s) U+202E"),
    (["survey-tally", "r.csv", "--out", "o", "--region", "a\x1b[31mb\x07"],
     "found the invisible or control character(s) U+0007, U+001B"),
    (["survey-tally", "r.csv", "--out", "o", "--region", "板橋\n区"], "character(s) U+000A"),
    (["survey-tally", "r.csv", "--out", "o", "--region", "  "], "expected a region name such as 板橋区, got an empty one"),
    (["survey-tally", "r.csv", "--out", "o", "--region", "区" * 61], "at most 60 characters, got 61"),
    (["survey-tally", "--out", "o"], "the following arguments are required: RESPONSES.csv"),
    (["deploy"], "argument COMMAND: invalid choice: 'deploy'"),
]


@pytest.mark.unit
@pytest.mark.parametrize("args, message", BAD_ARGUMENTS, ids=[" ".join(a)[:40] for a, _ in BAD_ARGUMENTS])
def test_a_mistyped_command_line_names_the_mistake(tmp_path, args, message):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.unit
def test_schema_into_a_missing_folder_is_one_line(tmp_path):
    result = run("schema", "--root", str(tmp_path / "missing"), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == f"error: cannot write {tmp_path}/missing/regions.schema.json: No such file or directory; " \
                            "check the folder and build again.\n"


@pytest.mark.unit
def test_help_describes_every_command_and_each_commands_own_options():
    result = run("--help", cwd=ROOT)
    for command in ("build", "check", "serve", "schema", "survey-template", "survey-tally"):
        assert re.search(rf"^    {command}\s+\S", result.stdout, re.MULTILINE), command  # what it does
    assert "  build.py serve [-h] [--root DIR] [--out DIR] [--base-url URL] [--port PORT]\n" in result.stdout
    assert "  build.py survey-tally [-h] [--root DIR] --out DIR [--region NAME] [--month MONTH] RESPONSES.csv\n" in result.stdout
    options = {command: run(command, "--help", cwd=ROOT).stdout for command in ("check", "serve", "survey-tally")}
    assert "--port" in options["serve"] and "--port" not in options["check"] and "--out" not in options["check"]
    assert "--region" in options["survey-tally"] and "--region" not in options["serve"]


@pytest.mark.site
def test_build_outside_the_projects_environment_says_which_command_sets_it_up(tmp_path):
    # -I -S: no site-packages, as `python3 build.py` on a machine without the project's packages
    result = subprocess.run([sys.executable, "-I", "-S", str(ROOT / "build.py"), "check"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "bash scripts/setup.sh" in result.stderr, result.stderr
