"""The builder never loses a file it did not write, and a reader never sees half a site."""
from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import run_ok

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


@pytest.mark.site
@pytest.mark.parametrize("out", [".", "..", "regions", "content/sub", "static"])
def test_out_refuses_the_project_its_parents_and_its_sources(clone, out):
    before = everything(clone)
    result = run_build("--out", out, cwd=clone)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr
    assert everything(clone) == before


@pytest.mark.site
def test_root_and_out_the_same_folder_is_refused(clone, tmp_path):
    result = run_build("--root", str(clone), "--out", str(clone), cwd=tmp_path, script=ROOT / "build.py")
    assert result.returncode == 1 and "project folder" in result.stderr
    assert (clone / "regions").is_dir() and (clone / ".git/HEAD").is_file()


@pytest.mark.site
def test_a_folder_holding_someone_elses_files_is_refused(tmp_path):
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(UnsafeOutput, match="did not write"):
        build_site(ROOT, out, log=lambda _: None)
    assert (out / "holiday.jpg").read_bytes() == b"\xff\xd8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photos"]


@pytest.mark.site
def test_a_file_where_the_site_folder_belongs_is_refused_and_kept(tmp_path):
    out = tmp_path / "site"
    out.write_text("notes")
    with pytest.raises(UnsafeOutput, match=f"^{re.escape(str(out))} is a file, not a folder; remove it or choose another folder$"):
        build_site(ROOT, out, log=lambda _: None)
    assert out.read_text() == "notes"


@pytest.mark.unit
def test_the_home_directory_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(UnsafeOutput, match="home directory"):
        write.check_out(tmp_path)


@pytest.mark.site
def test_an_empty_folder_or_an_earlier_build_is_replaced(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    build_site(ROOT, out, log=lambda _: None)
    first = digest(out)
    build_site(ROOT, out, log=lambda _: None)  # our own build: replaced without a question
    assert digest(out) == first and "index.html" in first


@pytest.mark.site
def test_the_site_is_a_plain_folder_that_cp_and_tar_copy_whole(tmp_path):
    out = tmp_path / "site"
    build_site(ROOT, out, log=lambda _: None)
    build_site(ROOT, out, log=lambda _: None)
    assert out.is_dir() and not out.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside it
    run_ok(["cp", "-r", str(out), str(tmp_path / "copy")])
    assert digest(tmp_path / "copy") == digest(out) and "index.html" in digest(out)
    run_ok(["tar", "czf", str(tmp_path / "site.tgz"), "-C", str(tmp_path), "site"])
    listed = subprocess.run(["tar", "tzf", str(tmp_path / "site.tgz")], capture_output=True, text=True).stdout.split()
    assert "site/index.html" in listed and len([n for n in listed if not n.endswith("/")]) == len(digest(out))
    # The manifest lists every other file with its bytes, in sha256sum's format
    assert subprocess.run(["sha256sum", "-c", "--quiet", write.MANIFEST], cwd=out).returncode == 0
    assert len((out / write.MANIFEST).read_text().splitlines()) == len(digest(out)) - 1


def _built(out: Path, files: dict[str, str] | None = None) -> None:
    write.write_site(_output(files or {"index.html": "one", "a/b.html": "b"}), out)


def _stamp_folder(out: Path) -> None:
    out.mkdir()
    (out / "mydoc.txt").write_text("mine")
    (out / ".casebook-build").write_text("")


def _added(out: Path) -> None:
    _built(out)
    (out / "a/notes.txt").write_text("mine")


def _edited(out: Path) -> None:
    _built(out)
    (out / "index.html").write_text("edited by hand")


def _manifest_claims_it(out: Path) -> None:
    _built(out)
    (out / "mydoc.txt").write_text("mine")
    with open(out / write.MANIFEST, "a") as manifest:
        manifest.write(f"{hashlib.sha256(b'other bytes').hexdigest()}  mydoc.txt\n")


def _a_link_inside(out: Path) -> None:
    _built(out)
    (out / "a/elsewhere").symlink_to(out.parent / "keep", target_is_directory=True)


def _a_foreign_link(out: Path) -> None:
    out.symlink_to(out.parent / "keep", target_is_directory=True)


# (what is in the way, the message, what the folder holds and must keep)
DATA_LOSS = [
    (_stamp_folder, "holds files this builder did not write (.casebook-build, mydoc.txt); it replaces only an empty "
                    "folder or one it built itself", {"mydoc.txt": "mine"}),
    (_added, "holds files this builder did not write or that were changed since (a/notes.txt)",
     {"a/notes.txt": "mine", "index.html": "one"}),
    (_edited, "holds files this builder did not write or that were changed since (index.html)",
     {"index.html": "edited by hand"}),
    (_manifest_claims_it, "holds files this builder did not write or that were changed since (mydoc.txt)",
     {"mydoc.txt": "mine"}),
    (_a_link_inside, "holds files this builder did not write or that were changed since (a/elsewhere)",
     {"a/elsewhere/keep.txt": "theirs"}),
    (_a_foreign_link, "is a link this builder did not make", {"keep.txt": "theirs"}),
]


@pytest.mark.unit
@pytest.mark.parametrize("setup, message, kept", DATA_LOSS, ids=[row[0].__name__ for row in DATA_LOSS])
def test_a_build_deletes_only_files_it_recorded_writing_and_refuses_otherwise(tmp_path, setup, message, kept):
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep/keep.txt").write_text("theirs")
    out = tmp_path / "site"
    setup(out)
    before = everything(tmp_path)
    with pytest.raises(UnsafeOutput, match=re.escape(message)):
        write.write_site(_output({"index.html": "two"}), out)
    assert everything(tmp_path) == before
    for rel, text in kept.items():
        assert (out / rel).read_text() == text


@pytest.mark.site
def test_a_build_killed_between_the_renames_is_recovered_by_the_next(tmp_path):
    out = tmp_path / "site"
    _built(out)
    killed = subprocess.run([sys.executable, "-c", f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
from casebook import write
write._between_renames = lambda: os.kill(os.getpid(), signal.SIGKILL)
output = write.SiteOutput()
output.add("index.html", "two")
write.write_site(output, write.Path({str(out)!r}))
"""], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    assert not out.exists()  # the old site aside, the new one written: the moment between the two renames
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == [".site.new", ".site.old"]
    logged = []
    write.write_site(_output({"index.html": "three"}), out, log=logged.append)
    assert logged == [f"{out}: put back the site an interrupted build had moved aside"]
    assert digest(out) == {write.MANIFEST: digest(out)[write.MANIFEST], "index.html": hashlib.sha256(b"three").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.site
def test_a_build_killed_while_writing_leaves_the_site_and_a_folder_the_next_clears(tmp_path):
    out = tmp_path / "site"
    _built(out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    half = tmp_path / f".site.new-{int(dead.stdout)}-0"
    half.mkdir()
    (half / write.MANIFEST).write_text(f"{hashlib.sha256(b'whole page').hexdigest()}  index.html\n")
    (half / "index.html").write_text("whole p")  # cut short by the kill
    (half / "mine.txt").write_text("someone's")  # never the builder's: stays
    logged = []
    write.write_site(_output({"index.html": "two"}), out, log=logged.append)
    assert (out / "index.html").read_text() == "two"
    assert sorted(p.name for p in half.iterdir()) == [write.MANIFEST, "mine.txt"]
    assert logged == [f"kept {half}: it holds files this builder did not write (mine.txt); delete it yourself when "
                      "they are not needed"]


@pytest.mark.site
def test_a_build_running_in_another_process_keeps_its_folder(tmp_path):
    out = tmp_path / "site"
    build_site(ROOT, out, log=lambda _: None)
    running = tmp_path / f".site.new-{os.getppid()}-0"  # named by a live process: a build still writing
    running.mkdir()
    (running / write.MANIFEST).write_text(f"{hashlib.sha256(b'half').hexdigest()}  index.html\n")
    (running / "index.html").write_text("half")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".site.new-{int(gone.stdout)}-0"  # named by a process that has ended
    shutil.copytree(running, dead)
    build_site(ROOT, out, log=lambda _: None)
    assert (running / "index.html").read_text() == "half"
    assert not dead.exists()


@pytest.mark.unit
def test_a_rebuild_links_the_files_that_did_not_change_and_never_rewrites_one(tmp_path):
    out = tmp_path / "site"
    _built(out, {"index.html": "one", "a/same.html": "same", "b": "file"})
    held = tmp_path / "held"
    os.link(out / "index.html", held)  # the old file itself, whatever becomes of its name
    same = (out / "a/same.html").stat().st_ino
    _built(out, {"index.html": "two", "a/same.html": "same", "b/index.html": "now a folder"})
    assert {k: v for k, v in digest(out).items() if k != write.MANIFEST} == {
        "index.html": hashlib.sha256(b"two").hexdigest(), "a/same.html": hashlib.sha256(b"same").hexdigest(),
        "b/index.html": hashlib.sha256(b"now a folder").hexdigest()}
    assert (out / "a/same.html").stat().st_ino == same  # the same bytes: linked, not written again
    assert held.read_text() == "one"  # changed: a new file, not the old one rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held", "site"]


@pytest.mark.unit
@pytest.mark.parametrize("err, advice", [(errno.ENOSPC, "the disk is full; free some space and build again"),
                                         (errno.EROFS, "the folder is on a read-only file system; choose another --out"),
                                         (errno.EACCES, "no permission to write there; choose another --out")])
def test_a_file_system_error_is_one_line_and_leaves_the_previous_site(tmp_path, monkeypatch, err, advice):
    out = tmp_path / "site"
    _built(out)
    before = digest(out)
    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if os.fspath(path).endswith("b.html") and "x" in mode:
            raise OSError(err, os.strerror(err), os.fspath(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(write.WriteFailed) as failed:
        _built(out, {"index.html": "two", "a/b.html": "new b"})
    monkeypatch.undo()
    assert str(failed.value).endswith(f": {os.strerror(err)}; {advice}. The previous site is untouched.")
    assert digest(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.unit
def test_the_link_an_earlier_builder_made_becomes_a_folder_and_its_builds_stay(tmp_path):
    builds = tmp_path / ".site.builds"
    (builds / "123-0").mkdir(parents=True)
    (builds / "123-0/index.html").write_text("old layout")
    (builds / ".casebook-build").write_text("")
    out = tmp_path / "site"
    out.symlink_to(".site.builds/123-0", target_is_directory=True)
    logged = []
    write.write_site(_output({"index.html": "two"}), out, log=logged.append)
    assert out.is_dir() and not out.is_symlink() and (out / "index.html").read_text() == "two"
    assert (builds / "123-0/index.html").read_text() == "old layout"
    assert logged == [f"{out} was a link into .site.builds/, which this builder no longer uses: it is a folder now; "
                      "delete .site.builds/ yourself"]


@pytest.mark.site
def test_the_writer_itself_refuses_to_write_into_the_sources(clone):
    # build.py checks --out first; write_site checks again, so no other caller can write into the project.
    before = everything(clone)
    for out in (clone / "regions" / "site", clone, clone / "static"):
        with pytest.raises(UnsafeOutput):
            write.write_site(write.SiteOutput(), out, root=clone)
    assert everything(clone) == before


@pytest.mark.unit
def test_the_site_and_the_folders_beside_it_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "_site" in ignored and "._site.*/" in ignored


@pytest.mark.site
def test_a_crash_in_a_serve_rebuild_leaves_the_old_site_whole(project, tmp_path, monkeypatch):
    out = tmp_path / "site"
    rebuilder = Rebuilder(project, out, log=lambda _: None)
    rebuilder.build()
    before = digest(out)
    path = project / "templates/base.html"
    path.write_text(path.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    calls = {"n": 0}
    real_open = open

    def crash_after_a_few(path, mode="r", *args, **kwargs):
        if mode == "xb":  # how the writer creates each file
            calls["n"] += 1
            if calls["n"] > 3:
                raise KeyboardInterrupt  # stands in for kill -9 mid-write
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", crash_after_a_few)
    with pytest.raises(KeyboardInterrupt):
        rebuilder.build([str(path)])
    monkeypatch.undo()
    assert digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]  # its own half-written folder cleared
    rebuilder.build([str(path)])
    assert all("<!-- edited -->" in p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def _output(files: dict[str, str]) -> write.SiteOutput:
    output = write.SiteOutput()
    for rel, text in files.items():
        output.add(rel, text)
    return output


@pytest.mark.unit
def test_an_output_path_outside_the_site_or_twice_is_refused():
    output = write.SiteOutput()
    output.add("./a//b.html", b"x")
    assert output.files == {"a/b.html": b"x"} and output.total_bytes() == 1
    for bad in ("/etc/passwd", "../up.html", "a/../../up.html"):
        with pytest.raises(ValueError, match="escapes the site"):
            output.add(bad, "x")
    with pytest.raises(write.DuplicateOutput, match="two pages would be written to a/b.html"):
        output.add("a/b.html", "y")


def _bare_repository(folder: Path) -> None:
    for name in ("objects", "refs/tags"):
        (folder / name).mkdir(parents=True)
    (folder / "HEAD").write_text("ref: refs/heads/main\n")


# --out where no build may write: (what is made first, --out relative to the clone, the message)
WRONG_PLACES = [
    (None, ".git/refs/tags", "is inside {clone}/.git, a version-control repository's own files; choose a folder outside it"),
    (None, ".git", "is inside {clone}/.git, a version-control repository's own files"),
    (lambda c: _bare_repository(c.parent / "other.git"), "../other.git/refs/tags",
     "is inside {tmp}/other.git, a version-control repository's own files"),
    (lambda c: (c.parent / "hg/.hg").mkdir(parents=True), "../hg/.hg/store", "is inside {tmp}/hg/.hg"),
    (lambda c: (c.parent / "notes.txt").write_text("mine"), "../notes.txt/site",
     "{tmp}/notes.txt is a file, so {tmp}/notes.txt/site cannot be a folder inside it; choose another --out"),
    (None, "survey/new", "is inside the sources ({clone}/survey); choose a folder outside them"),
    (None, "casebook", "is inside the sources ({clone}/casebook)"),
]


@pytest.mark.site
@pytest.mark.parametrize("setup, out, message", WRONG_PLACES, ids=[row[1] for row in WRONG_PLACES])
def test_a_build_never_writes_where_it_should_not(clone, setup, out, message):
    if setup:
        setup(clone)
    before = everything(clone.parent)
    result = run_build("--out", out, cwd=clone)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert message.format(clone=clone, tmp=clone.parent) in result.stderr and "nothing was written" in result.stderr, \
        result.stderr
    assert everything(clone.parent) == before
