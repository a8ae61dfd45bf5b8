"""Write (path, bytes) pairs into a new folder beside the site, then swap it into place by rename.

Layout on disk, for ``--out site``: ``site`` is a plain folder (``cp -r``, ``tar`` and any upload get the files).
It holds, besides the site, ``.casebook-files.sha256``: the name and SHA-256 of every file the build wrote, in
``sha256sum`` format (``sha256sum -c`` checks a copy). A build:

1. checks that every file in ``site`` is one the manifest lists with exactly those bytes; anything else (a file
   someone added or edited, a folder without a manifest) and the build refuses, naming the files;
2. writes the manifest, then every file, into ``.site.new-<pid>-<n>`` (unchanged files are hard links to the
   current site's, which were just checked);
3. renames ``site`` to ``.site.old-<pid>-<n>`` and the new folder to ``site``;
4. deletes from the old folder the files the manifest lists whose bytes still match, then the folder once empty.

A build killed in 2 leaves a ``.new`` folder, in 3 (between the renames) no ``site`` but a whole ``.old`` one,
in 4 an ``.old`` folder partly emptied. The next build puts a whole ``.old`` folder back where ``site`` is
missing, then clears every leftover of a process that has ended by its manifest, the same way; a file it does
not list, or whose bytes differ, stays where it is and is named. A marker alone is never a reason to delete.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from .assets import derived_assets, shipped

MANIFEST = ".casebook-files.sha256"
SOURCES = ("regions", "content", "survey", "templates", "static", "casebook")
# Folders of version control metadata: writing there breaks a repository (.git/refs/tags replaced by a site).
REPOSITORY_METADATA = (".git", ".hg", ".svn", ".bzr", "_darcs", ".jj", ".pijul", ".fslckout")
_LEFTOVER = re.compile(r"\.(?P<site>.+)\.(?P<kind>new|old)-(?P<pid>\d+)-(?P<n>\d+)")
_SAFE_NAME = re.compile(r"[^\x00-\x1f\x7f\\]+")


class DuplicateOutput(Exception):
    pass


class UnsafeOutput(Exception):
    """--out names a folder the builder must not write or replace."""


class WriteFailed(Exception):
    """The file system refused a write (disk full, read-only, a file where a folder must be): said as one line."""


class SiteOutput:
    """The files of one build, held in memory until everything has rendered."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, path: str, content: bytes | str) -> None:
        clean = PurePosixPath(path).as_posix()
        if clean.startswith(("/", "..")) or "/../" in clean or not _SAFE_NAME.fullmatch(clean):
            raise ValueError(f"output path escapes the site: {path!r}")
        if clean == MANIFEST:
            raise ValueError(f"output path is the builder's own manifest: {path}")
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


# ---------------------------------------------------------------- where the builder may write


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _repository_metadata(real: Path) -> Path | None:
    """The version-control folder *real* is or lies inside: one of REPOSITORY_METADATA by name, or a folder laid
    out as git's own (HEAD, objects/, refs/: a bare repository or a .git folder under another name)."""
    for folder in (real, *real.parents):
        if folder.name in REPOSITORY_METADATA:
            return folder
        try:
            if (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir():
                return folder
        except OSError:
            continue
    return None


def check_destination(out: Path, root: Path | None = None) -> None:
    """Refuse a folder no command may write into: the home folder, /, the project or its sources, a repository's
    metadata, or below a file. Shared by build and the survey commands."""
    out = Path(os.path.abspath(out))
    real = out.resolve()
    home = Path.home().resolve()
    if real == home or out == Path(os.path.abspath(Path.home())):
        raise UnsafeOutput(f"{out} is the home directory; choose a new folder such as _site")
    if real == Path(real.anchor):
        raise UnsafeOutput(f"{out} is the root of the file system; choose a new folder such as _site")
    metadata = _repository_metadata(real)
    if metadata is not None:
        raise UnsafeOutput(f"{out} is inside {metadata}, a version-control repository's own files; choose a folder "
                           "outside it")
    if root is not None:
        root = root.resolve()
        if _within(root, real):
            raise UnsafeOutput(f"{out} is or contains the project folder {root}; choose a new folder such as "
                               f"{root / '_site'}")
        for name in SOURCES:
            if _within(real, root / name):
                raise UnsafeOutput(f"{out} is inside the sources ({root / name}); choose a folder outside them")
    for folder in reversed(real.parents):
        if folder.exists() and not folder.is_dir():
            raise UnsafeOutput(f"{folder} is a file, so {out} cannot be a folder inside it; choose another --out")


@dataclass
class _Held:
    """What a folder holds, checked against its manifest."""
    listed: dict[str, str]          # path → sha256, as the manifest says
    matching: dict[str, str]        # path → sha256 of the files whose bytes are as listed
    foreign: list[str]              # files and links not listed, or listed with other bytes
    has_manifest: bool


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _read_manifest(folder: Path) -> dict[str, str] | None:
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    listed = {}
    for line in text.splitlines():
        digest, sep, rel = line.partition("  ")
        clean = PurePosixPath(rel).as_posix()
        if (sep and re.fullmatch(r"[0-9a-f]{64}", digest) and _SAFE_NAME.fullmatch(rel) and clean == rel
                and not rel.startswith(("/", "..")) and "/../" not in rel):
            listed[rel] = digest
    return listed


def _inspect(folder: Path, cut_short: bool = False) -> _Held:
    """Every entry of *folder* checked against its manifest. *cut_short*: a build was killed while writing this
    folder, so a listed file may be shorter than it was to be; it still counts as the builder's (unreadable
    bytes of a file the builder had begun) only when it is a prefix-sized plain file of a listed name."""
    listed = _read_manifest(folder)
    held = _Held(listed or {}, {}, [], listed is not None)
    for top, dirs, names in os.walk(folder):
        here = Path(top)
        rel_top = here.relative_to(folder).as_posix()
        for name in names + [d for d in dirs if (here / d).is_symlink()]:
            rel = name if rel_top == "." else f"{rel_top}/{name}"
            if rel == MANIFEST and listed is not None:
                continue
            digest = held.listed.get(rel)
            path = here / name
            if digest is not None and not path.is_symlink() and path.is_file():
                try:
                    actual = _sha(path.read_bytes())
                except OSError:
                    actual = None
                if actual == digest or (cut_short and actual is not None):
                    held.matching[rel] = digest
                    continue
            held.foreign.append(rel)
    held.foreign.sort()
    return held


def _named(files: list[str], limit: int = 5) -> str:
    shown = ", ".join(files[:limit])
    return shown + (f" and {len(files) - limit} more" if len(files) > limit else "")


def check_out(out: Path, root: Path | None = None) -> _Held | None:
    """Refuse an output folder whose replacement could lose a file the builder did not write. Returns what the
    current site holds (None when there is none yet)."""
    out = Path(os.path.abspath(out))
    check_destination(out, root)
    if out.is_symlink():
        if _old_layout_link(out):
            return None  # the earlier builder's link into .site.builds/: replaced, no file lost
        raise UnsafeOutput(f"{out} is a link this builder did not make; remove it or choose another folder")
    if not out.exists():
        return None
    if not out.is_dir():
        raise UnsafeOutput(f"{out} is a file, not a folder; remove it or choose another folder")
    held = _inspect(out)
    if not held.has_manifest and not held.foreign:
        return held  # an empty folder
    if not held.has_manifest:
        raise UnsafeOutput(f"{out} holds files this builder did not write ({_named(held.foreign)}); it replaces only "
                           "an empty folder or one it built itself. Move them out, or choose another --out")
    if held.foreign:
        raise UnsafeOutput(f"{out} holds files this builder did not write or that were changed since "
                           f"({_named(held.foreign)}); move them out of it, or choose another --out")
    return held


def _old_layout_link(out: Path) -> bool:
    """The link an earlier version of the builder made: site -> .site.builds/<id>. Replacing a link loses no file."""
    target = Path(os.path.normpath(out.parent / os.readlink(out)))
    return target.parent == out.parent / f".{out.name}.builds"


# ---------------------------------------------------------------- leftovers of builds that were killed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out: Path) -> list[tuple[Path, str]]:
    """(folder, "new" | "old") for every leftover of *out* whose builder has ended."""
    found = []
    for entry in sorted(out.parent.iterdir()):
        match = _LEFTOVER.fullmatch(entry.name)
        if not match or match["site"] != out.name or entry.is_symlink() or not entry.is_dir():
            continue
        pid = int(match["pid"])
        if pid != os.getpid() and _pid_alive(pid):
            continue  # another build running right now
        found.append((entry, match["kind"]))
    return found


def _clear(folder: Path, held: _Held) -> list[str]:
    """Delete the files of *folder* its manifest lists with their bytes, then the folders left empty, the manifest
    and *folder* itself when nothing else is in it. What stays is returned."""
    for rel in held.matching:
        try:
            (folder / rel).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            held.foreign.append(rel)
    if held.foreign:
        return held.foreign
    dirs = sorted({str(p) for rel in held.listed for p in PurePosixPath(rel).parents} - {"."}, key=len, reverse=True)
    for rel in dirs:
        try:
            (folder / rel).rmdir()
        except FileNotFoundError:
            pass
        except OSError:
            return [rel + "/"]
    try:
        (folder / MANIFEST).unlink(missing_ok=True)
        folder.rmdir()
    except OSError:
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return []


def recover(out: Path, log: Callable[[str], None]) -> None:
    """Put back a whole site a killed build left aside (no *out*, a whole .old folder), then clear the rest."""
    leftovers = _leftovers(out)
    if not os.path.lexists(out):
        for folder, kind in reversed(leftovers):
            held = _inspect(folder)
            if kind == "old" and held.has_manifest and not held.foreign and set(held.matching) == set(held.listed):
                os.rename(folder, out)
                log(f"{out}: put back the site an interrupted build had moved aside")
                leftovers.remove((folder, kind))
                break
    for folder, kind in leftovers:
        kept = _clear(folder, _inspect(folder, cut_short=kind == "new"))
        if kept:
            log(f"kept {folder}: it holds files this builder did not write ({_named(kept)}); delete it yourself "
                "when they are not needed")


# ---------------------------------------------------------------- the build


def _claim(out: Path, kind: str) -> Path:
    n = 0
    while True:
        folder = out.parent / f".{out.name}.{kind}-{os.getpid()}-{n}"
        if not os.path.lexists(folder):
            return folder
        n += 1


def _between_renames() -> None:
    """Nothing; a test replaces it to kill the build where the site is neither old nor new."""


def _write_new(new: Path, output: SiteOutput, current: Path | None, held: _Held | None) -> None:
    new.mkdir()
    digests = {rel: _sha(content) for rel, content in output.files.items()}
    # The manifest first: a build killed part-way leaves a folder the next build can clear by it.
    with open(new / MANIFEST, "xb") as handle:
        handle.write("".join(f"{digests[rel]}  {rel}\n" for rel in sorted(digests)).encode("utf-8"))
    same = held.matching if held is not None else {}
    made = {new}
    for rel, content in sorted(output.files.items()):
        target = new / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.update(target.parents)
        if current is not None and same.get(rel) == digests[rel]:
            try:
                os.link(current / rel, target)  # checked above: exactly these bytes; never rewritten in place
                continue
            except OSError:
                pass
        with open(target, "xb") as handle:
            try:
                handle.write(content)
            except OSError as exc:
                if exc.filename is None:  # a failed write names no file: the message should
                    exc.filename = str(target)
                raise


ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and build again",
    errno.EDQUOT: "the disk quota is used up; free some space and build again",
    errno.EROFS: "the folder is on a read-only file system; choose another --out",
    errno.EACCES: "no permission to write there; choose another --out",
    errno.EPERM: "no permission to write there; choose another --out",
    errno.ENOTDIR: "a file stands where a folder must be; choose another --out",
    errno.EEXIST: "a file stands where a folder must be; choose another --out",
}


def failure(exc: OSError, out: Path, kept: str) -> WriteFailed:
    where = exc.filename or out
    advice = ADVICE.get(exc.errno, "check the folder and build again")
    return WriteFailed(f"cannot write {where}: {exc.strerror or exc}; {advice}. {kept}")


def write_site(output: SiteOutput, out: Path, root: Path | None = None,
               log: Callable[[str], None] = lambda line: None) -> None:
    """Write every file into a new folder beside *out*, then swap it in: a failed or killed build leaves the old
    site (see the module's docstring). Raises UnsafeOutput before anything is written, WriteFailed on an error of
    the file system."""
    out = Path(os.path.abspath(out))
    check_destination(out, root)
    kept = "The previous site is untouched." if out.is_dir() else "Nothing was written."
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise failure(exc, out, "Nothing was written.") from None
    try:
        recover(out, log)
    except OSError:
        pass  # a leftover that cannot be cleared now is cleared by a later build
    held = check_out(out, root)
    new = _claim(out, "new")
    current = out if held is not None and held.has_manifest else None
    try:
        _write_new(new, output, current, held)
    except BaseException as exc:
        # Made by this process moments ago: its files are exactly the manifest's or cut short by the error.
        _clear(new, _inspect(new, cut_short=True)) if new.is_dir() else None
        if isinstance(exc, OSError):
            raise failure(exc, out, kept) from None
        raise
    old = None
    try:
        if out.is_symlink():
            out.unlink()  # the earlier builder's link; its folder .site.builds/ stays, see check_out
            log(f"{out} was a link into .{out.name}.builds/, which this builder no longer uses: it is a folder now; "
                f"delete .{out.name}.builds/ yourself")
        elif out.is_dir() and held is not None and not held.has_manifest:
            out.rmdir()  # empty, checked in check_out
        elif out.is_dir():
            old = _claim(out, "old")
            os.rename(out, old)
        _between_renames()
        os.rename(new, out)
    except OSError as exc:
        if old is not None and not os.path.lexists(out):
            os.rename(old, out)
        _clear(new, _inspect(new)) if new.is_dir() else None
        raise failure(exc, out, kept) from None
    if old is not None:
        try:
            left = _clear(old, _inspect(old))
        except OSError:
            left = [old.name]
        if left:
            log(f"kept {old}: it holds files this builder did not write ({_named(left)}); delete it yourself when "
                "they are not needed")
