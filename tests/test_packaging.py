"""`pip install .` (not editable) gives a package that builds the site: the wheel is built from this checkout
offline, installed into a fresh virtual environment, and run from another folder on a copy of the sources."""
from __future__ import annotations

import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools import run_ok

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.bench  # builds a wheel and a virtual environment: about a minute


def test_a_wheel_installed_into_a_fresh_environment_builds_the_site_from_another_folder(tmp_path, project):
    wheels = tmp_path / "wheels"
    run_ok([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
            "-w", str(wheels), str(ROOT)], cwd=tmp_path, text=True)
    wheel = next(wheels.glob("casebook-*.whl"))
    packaged = {name.rsplit("/", 1)[0] for name in zipfile.ZipFile(wheel).namelist() if name.endswith("/__init__.py")}
    on_disk = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "casebook").rglob("__init__.py")}
    assert packaged == on_disk  # every subpackage, localsurvey/ and search/ included

    venv = tmp_path / "venv"
    run_ok([sys.executable, "-m", "venv", "--without-pip", str(venv)], text=True)
    python = venv / "bin" / "python"
    # The libraries the package needs come from this environment (no network); the package itself only from the
    # wheel: a .pth line adds a folder to the path without running the editable install's hooks kept there.
    fresh_site = Path(run_ok([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             text=True).stdout.strip())
    (fresh_site / "libraries.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    run_ok([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
            str(wheel)], text=True)

    # project: a copy of the sources only, no casebook/ beside them
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run_ok([str(python), "-c", "import casebook; print(casebook.__file__)"], cwd=elsewhere, text=True)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    for command in ([str(venv / "bin" / "casebook")], [str(python), "-m", "casebook"]):
        out = elsewhere / f"site-{len(command)}"
        done = run_ok([*command, "build", "--root", str(project), "--out", str(out)], cwd=elsewhere, text=True)
        assert "built " in done.stdout
        assert (out / "regions" / "itabashi" / "index.html").is_file()
        assert (out / "data" / "survey-template" / "responses.csv").is_file()  # made by casebook/localsurvey
        assert any((out / "search").glob("*.js"))  # made by casebook/search
