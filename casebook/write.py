"""Write (path, bytes) pairs into a new build folder, copy static/, then switch the output to it atomically.

Layout on disk, for ``--out site``::

    site -> .site.builds/<id>      a symlink, replaced by one rename: a reader sees the old site or the new one
    .site.builds/STAMP             marks the folder as this builder's; only folders under it are ever deleted

Where the file system has no symlinks, ``site`` is a real folder holding a stamp file and the switch falls
back to two renames. The builder never deletes a folder it did not make: see ``check_out``.

The build a switch replaces is kept as ``.site.builds/spare``, and the next build writes into it: files whose
bytes are already right stay, the rest are replaced or removed. Creating a file costs this disk ~0.3 ms and
comparing one ~0.03 ms, so a rebuild that changes little writes little (the price: one more copy of the site on
disk). A file is never rewritten in place: it is removed and created anew, so a hard link that serve made
between two builds never carries a change into the site being read.
"""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path, PurePosixPath

from .assets import derived_assets, shipped

STAMP = ".casebook-build"
SPARE = "spare"  # the build before the current one, to be written over by the next build
SOURCES = ("regions", "content", "survey", "templates", "static", "casebook")


class DuplicateOutput(Exception):
    pass


class UnsafeOutput(Exception):
    """--out names a folder the builder must not replace."""


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

    def total_bytes(self) -> int:
        return sum(len(b) for b in self.files.values())


def static_files(static_dir: Path) -> list[tuple[str, bytes]]:
    """The site's own assets as shipped, each followed by what is derived from it (assets.py)."""
    files = []
    for source in sorted(static_dir.rglob("*")):
        if source.is_file():
            rel = source.relative_to(static_dir).as_posix()
            content = source.read_bytes()
            files.append((rel, shipped(rel, content)))
            files.extend(derived_assets(rel, content))
    return files


def builds_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.builds"


def _is_ours(out: Path) -> bool:
    """A symlink into our stamped builds folder, or (no-symlink fallback) a real folder holding our stamp."""
    if out.is_symlink():
        target = Path(os.path.normpath(out.parent / os.readlink(out)))
        return target.parent == builds_dir(out) and (builds_dir(out) / STAMP).is_file()
    return (out / STAMP).is_file()


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out(out: Path, root: Path | None = None) -> None:
    """Refuse an output folder whose replacement could lose a file the builder did not write."""
    out = Path(os.path.abspath(out))
    real = out.resolve()
    home = Path.home().resolve()
    if real == home or out == Path(os.path.abspath(Path.home())):
        raise UnsafeOutput(f"{out} is the home directory; choose a new folder such as _site")
    if real == Path(real.anchor):
        raise UnsafeOutput(f"{out} is the root of the file system; choose a new folder such as _site")
    if root is not None:
        root = root.resolve()
        if _within(root, real):
            raise UnsafeOutput(f"{out} is or contains the project folder {root}; choose a new folder such as {root / '_site'}")
        for name in SOURCES:
            if _within(real, root / name):
                raise UnsafeOutput(f"{out} is inside the sources ({root / name}); choose a folder outside them")
    if out.is_symlink():
        if not _is_ours(out):
            raise UnsafeOutput(f"{out} is a link this builder did not make; remove it or choose another folder")
        return
    if not out.exists():
        return
    if not out.is_dir():
        raise UnsafeOutput(f"{out} is a file, not a folder; remove it or choose another folder")
    if _is_ours(out) or not any(out.iterdir()):
        return
    raise UnsafeOutput(f"{out} holds files this builder did not write; it replaces only an empty folder or one it "
                       f"built itself. Remove the folder or choose another --out")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(out: Path) -> None:
    """Remove builds of earlier (finished or interrupted) runs; never the current one, never a running one's."""
    builds = builds_dir(out)
    if not (builds / STAMP).is_file():
        return
    current = Path(os.path.normpath(out.parent / os.readlink(out))).name if out.is_symlink() else None
    for entry in builds.iterdir():
        if entry.name in (STAMP, SPARE, current):
            continue
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue  # another build running right now
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _new_build(out: Path) -> Path:
    builds = builds_dir(out)
    builds.mkdir(parents=True, exist_ok=True)
    (builds / STAMP).write_text("folders made by build.py; each is one build of the site\n", encoding="utf-8")
    n = 0
    while True:
        folder = builds / f"{os.getpid()}-{n}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            n += 1


def _claim_spare(out: Path) -> Path | None:
    """The spare build, renamed to a name of this process (one rename: two builds never both get it)."""
    spare = builds_dir(out) / SPARE
    if not spare.is_dir() or spare.is_symlink():
        return None
    n = 0
    while True:
        folder = builds_dir(out) / f"{os.getpid()}-{n}"
        if not os.path.lexists(folder):
            try:
                os.rename(spare, folder)
                return folder
            except FileNotFoundError:
                return None  # another build claimed it first
            except OSError:
                pass  # a folder of that name appeared meanwhile: try the next name
        n += 1


def _retire(out: Path, old: Path | None) -> None:
    """Keep the build just replaced as the spare, unless there is one already (then clean_leftovers removes it)."""
    if old is None or old.parent != builds_dir(out) or not old.is_dir():
        return
    try:
        os.rename(old, builds_dir(out) / SPARE)
    except OSError:
        pass


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _holds(path: Path, content: bytes) -> bool:
    """Whether *path* is a plain file with exactly these bytes."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(content):
            return False
        with open(path, "rb") as f:
            return f.read() == content
    except OSError:
        return False


def _prune(build: Path, files: dict[str, bytes]) -> None:
    """Remove from a reused build everything the new one does not hold, and anything in the way of it."""
    wanted_dirs = {str(folder) for rel in files for folder in PurePosixPath(rel).parents} - {"."}
    for top, dirs, names in os.walk(build, topdown=True):
        here = Path(top)
        rel_top = here.relative_to(build).as_posix()
        for name in names:
            rel = name if rel_top == "." else f"{rel_top}/{name}"
            if rel not in files:
                _remove(here / name)
        for name in list(dirs):
            rel = name if rel_top == "." else f"{rel_top}/{name}"
            if rel not in wanted_dirs or (here / name).is_symlink():  # a link would lead the writes elsewhere
                _remove(here / name)
                dirs.remove(name)


def _write_files(build: Path, output: SiteOutput, reused: bool, old: Path | None,
                 previous: dict[str, bytes] | None) -> None:
    if reused:
        _prune(build, output.files)
    for rel, content in sorted(output.files.items()):
        target = build / rel
        if reused:
            if _holds(target, content):
                continue
            if os.path.lexists(target):
                _remove(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if old is not None and previous.get(rel) == content:
            try:
                os.link(old / rel, target)
                continue
            except OSError:
                pass
        target.write_bytes(content)


def _switch(out: Path, build: Path) -> None:
    """Point *out* at *build* with one rename; fall back to two renames where symlinks are not available."""
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    try:
        os.symlink(os.path.join(builds_dir(out).name, build.name), link, target_is_directory=True)
    except OSError:
        _switch_by_renames(out, build)
        return
    if out.is_dir() and not out.is_symlink():
        # A real folder (empty, or a fallback build): move it aside into the builds folder first, once.
        if any(out.iterdir()):
            out.rename(_new_build(out))
        else:
            out.rmdir()
    os.replace(link, out)


def _switch_by_renames(out: Path, build: Path) -> None:
    (build / STAMP).write_text("built by build.py\n", encoding="utf-8")
    old = None
    if out.exists():
        old = _new_build(out)
        old.rmdir()
        out.rename(old)
    build.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def current_build(out: Path) -> Path | None:
    """The folder *out* points at, when it is a link into our builds folder."""
    if out.is_symlink() and _is_ours(out):
        return Path(os.path.normpath(out.parent / os.readlink(out)))
    return None


def write_site(output: SiteOutput, out: Path, root: Path | None = None,
               previous: dict[str, bytes] | None = None) -> None:
    """Write everything into a build folder (the spare, or a new one), then switch *out* to it: a failed build
    leaves the old site. *previous*: what the current build holds (serve); files of it that are unchanged are
    hard-linked from it, not rewritten."""
    out = Path(os.path.abspath(out))
    check_out(out, root)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out)
    current = current_build(out)
    old = current if previous is not None else None
    build = _claim_spare(out)
    if build is not None:
        try:
            _write_files(build, output, True, old, previous)
        except OSError:
            # A file of the old build that cannot be replaced (permissions, a network drive): leave that folder
            # to a later clean-up and write a fresh one.
            build = None
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
    if build is None:
        build = _new_build(out)
        try:
            _write_files(build, output, False, old, previous)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
    try:
        os.chmod(build, 0o755)
        _switch(out, build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    if current_build(out) == build:
        _retire(out, current)
    clean_leftovers(out)
