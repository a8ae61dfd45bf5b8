"""The builder never loses a file it did not write, and a reader never sees half a site."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casebook import write
from casebook.build import build_site
from casebook.incremental import Rebuilder
from casebook.write import UnsafeOutput

ROOT = Path(__file__).resolve().parent.parent


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_build(*args: str, cwd: Path, script: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script or cwd / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def clone(tmp_path) -> Path:
    """A project folder as a fresh clone has it: sources, build.py, the package and a .git folder."""
    project = tmp_path / "clone"
    for name in ("regions", "content", "survey", "templates", "static", "casebook"):
        shutil.copytree(ROOT / name, project / name)
    (project / "build.py").write_bytes((ROOT / "build.py").read_bytes())
    (project / ".git").mkdir()
    (project / ".git/HEAD").write_text("ref: refs/heads/main\n")
    return project


def everything(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize("out", [".", "..", "regions", "content/sub", "static"])
def test_out_refuses_the_project_its_parents_and_its_sources(clone, out):
    before = everything(clone)
    result = run_build("--out", out, cwd=clone)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr
    assert everything(clone) == before


def test_root_and_out_the_same_folder_is_refused(clone, tmp_path):
    result = run_build("--root", str(clone), "--out", str(clone), cwd=tmp_path, script=ROOT / "build.py")
    assert result.returncode == 1 and "project folder" in result.stderr
    assert (clone / "regions").is_dir() and (clone / ".git/HEAD").is_file()


def test_a_folder_holding_someone_elses_files_is_refused(tmp_path):
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(UnsafeOutput, match="did not write"):
        build_site(ROOT, out, log=lambda _: None)
    assert (out / "holiday.jpg").read_bytes() == b"\xff\xd8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photos"]


def test_a_file_where_the_site_folder_belongs_is_refused_and_kept(tmp_path):
    out = tmp_path / "site"
    out.write_text("notes")
    with pytest.raises(UnsafeOutput, match=f"^{re.escape(str(out))} is a file, not a folder; remove it or choose another folder$"):
        build_site(ROOT, out, log=lambda _: None)
    assert out.read_text() == "notes"


def test_the_home_directory_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(UnsafeOutput, match="home directory"):
        write.check_out(tmp_path)


def test_an_empty_folder_or_an_earlier_build_is_replaced(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    build_site(ROOT, out, log=lambda _: None)
    first = digest(out)
    build_site(ROOT, out, log=lambda _: None)  # our own build: replaced without a question
    assert digest(out) == first and "index.html" in first


def test_the_switch_is_one_rename_of_a_link_and_leftovers_are_cleaned(tmp_path):
    out = tmp_path / "site"
    build_site(ROOT, out, log=lambda _: None)
    assert out.is_symlink()
    builds = tmp_path / ".site.builds"
    crashed = builds / "999999999-0"  # a build killed before its switch (no such process)
    crashed.mkdir()
    (crashed / "index.html").write_text("half")
    foreign = tmp_path / ".site.old-123"  # not provably ours: kept
    foreign.mkdir()
    build_site(ROOT, out, log=lambda _: None)
    # The stamp, the site, and the build it replaced (kept for the next build to write over)
    assert sorted(p.name for p in builds.iterdir()) == sorted([write.STAMP, write.SPARE, os.readlink(out).split("/")[-1]])
    assert foreign.is_dir()


def test_a_build_running_in_another_process_keeps_its_folder(tmp_path):
    out = tmp_path / "site"
    build_site(ROOT, out, log=lambda _: None)
    running = tmp_path / ".site.builds" / f"{os.getppid()}-0"  # named by a live process: a build still writing
    running.mkdir()
    (running / "index.html").write_text("half")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / ".site.builds" / f"{int(gone.stdout)}-0"  # named by a process that has ended
    dead.mkdir()
    build_site(ROOT, out, log=lambda _: None)
    assert (running / "index.html").read_text() == "half"
    assert not dead.exists()


def test_a_build_by_another_user_keeps_its_folder(tmp_path, monkeypatch):
    # The suite runs as root, who may signal any process; a user may not signal another user's build, and
    # that PermissionError means the process is alive, so its folder must stay.
    out = tmp_path / "site"
    write.write_site(_output({"index.html": "one"}), out)
    theirs = tmp_path / ".site.builds" / "4242-0"
    theirs.mkdir()
    (theirs / "index.html").write_text("half")
    real_kill = os.kill

    def kill(pid, sig):
        if pid == 4242:
            raise PermissionError(1, "Operation not permitted")
        return real_kill(pid, sig)

    monkeypatch.setattr(write.os, "kill", kill)
    write.write_site(_output({"index.html": "two"}), out)
    assert (theirs / "index.html").read_text() == "half"
    assert (out / "index.html").read_text() == "two"


@pytest.mark.parametrize("leftover_is_folder", [True, False])
def test_a_leftover_another_build_removes_first_is_no_error(tmp_path, monkeypatch, leftover_is_folder):
    # Two builds cleaning the same builds folder at once: one lists a dead build's leftover, the other
    # removes it before the first gets to it.  The first build must still finish.
    out = tmp_path / "site"
    write.write_site(_output({"index.html": "one"}), out)
    leftover = tmp_path / ".site.builds" / "999999991-0"
    if leftover_is_folder:
        leftover.mkdir()
        (leftover / "index.html").write_text("half")
    else:
        leftover.symlink_to("nowhere")
    real_kill = os.kill

    def kill(pid, sig):
        if pid == 999999991:  # asked whether the leftover's builder is alive: meanwhile the other build removes it
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover)
            elif leftover.is_symlink():
                leftover.unlink()
            raise ProcessLookupError
        return real_kill(pid, sig)

    monkeypatch.setattr(write.os, "kill", kill)
    write.write_site(_output({"index.html": "two"}), out)
    assert (out / "index.html").read_text() == "two"
    assert not leftover.exists() and not leftover.is_symlink()


@pytest.mark.parametrize("symlinks", [True, False])
def test_an_old_build_that_cannot_be_removed_does_not_fail_the_new_one(tmp_path, monkeypatch, symlinks):
    # A file that cannot be deleted (open on Windows, a network drive's permissions) in a finished build must
    # not fail the next build: that build is whole, and the stamped leftover goes in a later clean-up.
    out = tmp_path / "site"
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if os.fspath(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_unlink(path, *args, **kwargs)

    def no_symlinks(*args, **kwargs):
        raise OSError("symlinks not supported here")

    if not symlinks:
        monkeypatch.setattr(write.os, "symlink", no_symlinks)
    write.write_site(_output({"index.html": "one", "locked.txt": "x"}), out)
    dead = tmp_path / ".site.builds" / "999999991-0"  # an interrupted build holding such a file
    dead.mkdir()
    (dead / "locked.txt").write_text("x")
    monkeypatch.setattr(write.os, "unlink", unlink)
    write.write_site(_output({"index.html": "two"}), out)
    assert (out / "index.html").read_text() == "two" and not (out / "locked.txt").exists()
    monkeypatch.setattr(write.os, "unlink", real_unlink)
    write.write_site(_output({"index.html": "three"}), out)  # unlocked: every leftover is removed
    assert not dead.exists()
    kept = {write.STAMP} | ({os.readlink(out).split("/")[-1], write.SPARE} if symlinks else set())
    assert {p.name for p in (tmp_path / ".site.builds").iterdir()} == kept


def test_a_rebuild_writes_over_the_build_before_and_keeps_the_files_that_did_not_change(tmp_path):
    out = tmp_path / "site"
    write.write_site(_output({"index.html": "one", "a/same.html": "same", "a/gone.html": "x", "b": "file"}), out)
    write.write_site(_output({"index.html": "two", "a/same.html": "same", "a/gone.html": "x", "b": "file"}), out)
    spare = tmp_path / ".site.builds" / write.SPARE
    assert (spare / "index.html").read_text() == "one"
    os.utime(spare / "a/same.html", ns=(10**18, 10**18))  # a mark that writing the file would lose
    held = tmp_path / "held"
    os.link(spare / "index.html", held)  # the old file itself, whatever becomes of its name
    write.write_site(_output({"index.html": "three", "a/same.html": "same", "b/index.html": "now a folder"}), out)
    assert digest(out) == {"index.html": hashlib.sha256(b"three").hexdigest(),
                           "a/same.html": hashlib.sha256(b"same").hexdigest(),
                           "b/index.html": hashlib.sha256(b"now a folder").hexdigest()}
    assert (out / "a/same.html").stat().st_mtime_ns == 10**18  # the same bytes: not written again
    assert held.read_text() == "one"  # changed: a new file, not the old one rewritten
    # The build it replaced is the spare now, whole and untouched
    assert (spare / "index.html").read_text() == "two" and (spare / "a/gone.html").read_text() == "x"


def test_a_file_the_spare_shares_with_the_site_is_never_changed_through_it(tmp_path):
    # serve hard-links unchanged files between builds: writing into such a file would change the live site.
    out = tmp_path / "site"
    write.write_site(_output({"index.html": "one"}), out)
    write.write_site(_output({"index.html": "two"}), out)
    spare = tmp_path / ".site.builds" / write.SPARE
    (spare / "index.html").unlink()
    os.link(out / "index.html", spare / "index.html")
    write.write_site(_output({"index.html": "three"}), out)
    assert (out / "index.html").read_text() == "three"
    assert (spare / "index.html").read_text() == "two"  # the site before, unchanged by the build after it


def test_a_link_left_in_the_spare_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("keep")
    out = tmp_path / "site"
    write.write_site(_output({"index.html": "one"}), out)
    write.write_site(_output({"index.html": "two"}), out)
    spare = tmp_path / ".site.builds" / write.SPARE
    (spare / "a").symlink_to(elsewhere, target_is_directory=True)
    (spare / "index.html").unlink()
    (spare / "index.html").symlink_to(elsewhere / "index.html")
    write.write_site(_output({"index.html": "three", "a/index.html": "mine"}), out)
    assert (elsewhere / "index.html").read_text() == "keep" and sorted(p.name for p in elsewhere.iterdir()) == ["index.html"]
    assert (out / "a/index.html").read_text() == "mine" and not (out / "a").is_symlink()


def test_a_spare_that_cannot_be_written_over_gives_way_to_a_new_folder(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write.write_site(_output({"index.html": "one", "locked.txt": "x"}), out)
    write.write_site(_output({"index.html": "two", "locked.txt": "x"}), out)
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if os.fspath(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(write.os, "unlink", unlink)
    write.write_site(_output({"index.html": "three"}), out)
    assert digest(out) == {"index.html": hashlib.sha256(b"three").hexdigest()}


def test_the_writer_itself_refuses_to_write_into_the_sources(clone):
    # build.py checks --out first; write_site checks again, so no other caller can write into the project.
    before = everything(clone)
    for out in (clone / "regions" / "site", clone, clone / "static"):
        with pytest.raises(UnsafeOutput):
            write.write_site(write.SiteOutput(), out, root=clone)
    assert everything(clone) == before


def test_the_builds_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "_site" in ignored and ".*.builds/" in ignored  # "_site/" would not match the link


def test_a_crash_in_a_serve_rebuild_leaves_the_old_site_whole(project, tmp_path, monkeypatch):
    out = tmp_path / "site"
    rebuilder = Rebuilder(project, out, log=lambda _: None)
    rebuilder.full()
    before = digest(out)
    path = project / "templates/base.html"
    path.write_text(path.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    calls = {"n": 0}
    real_write = Path.write_bytes

    def crash_after_a_few(self, data):
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt  # stands in for kill -9 mid-write
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", crash_after_a_few)
    with pytest.raises(KeyboardInterrupt):
        rebuilder.changed([str(path)])
    monkeypatch.undo()
    assert digest(out) == before
    rebuilder.changed([str(path)])
    assert all("<!-- edited -->" in p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def _output(files: dict[str, str]) -> write.SiteOutput:
    output = write.SiteOutput()
    for rel, text in files.items():
        output.add(rel, text)
    return output


def test_without_symlinks_the_switch_falls_back_to_renames_and_back(tmp_path, monkeypatch):
    # Where the file system has no symlinks (some Windows and network drives) the site is a real, stamped folder.
    out = tmp_path / "site"

    def no_symlinks(*args, **kwargs):
        raise OSError("symlinks not supported here")

    monkeypatch.setattr(write.os, "symlink", no_symlinks)
    write.write_site(_output({"index.html": "one", "a/b.html": "b"}), out)
    assert out.is_dir() and not out.is_symlink()
    assert digest(out) == {write.STAMP: digest(out)[write.STAMP], "a/b.html": hashlib.sha256(b"b").hexdigest(),
                           "index.html": hashlib.sha256(b"one").hexdigest()}
    write.write_site(_output({"index.html": "two"}), out)  # our own fallback folder: replaced, the old one gone
    assert (out / "index.html").read_text() == "two" and not (out / "a").exists() and (out / write.STAMP).is_file()
    assert sorted(p.name for p in (tmp_path / ".site.builds").iterdir()) == [write.STAMP]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.builds", "site"]
    monkeypatch.undo()
    write.write_site(_output({"index.html": "three"}), out)  # symlinks again: the real folder is moved aside
    assert out.is_symlink() and (out / "index.html").read_text() == "three"
    assert sorted(p.name for p in (tmp_path / ".site.builds").iterdir()) == sorted([write.STAMP, os.readlink(out).split("/")[-1]])


def test_an_output_path_outside_the_site_or_twice_is_refused():
    output = write.SiteOutput()
    output.add("./a//b.html", b"x")
    assert output.files == {"a/b.html": b"x"} and output.total_bytes() == 1
    for bad in ("/etc/passwd", "../up.html", "a/../../up.html"):
        with pytest.raises(ValueError, match="escapes the site"):
            output.add(bad, "x")
    with pytest.raises(write.DuplicateOutput, match="two pages would be written to a/b.html"):
        output.add("a/b.html", "y")
