"""Write the files of a survey command into a folder that is missing or empty, and never touch anything else."""
from __future__ import annotations

from pathlib import Path, PurePosixPath


class OutputRefused(Exception):
    pass


def check_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out} is a file, not a folder; choose a new folder name")
    if out.is_dir() and any(out.iterdir()):
        raise OutputRefused(f"{out} is not empty; choose a new or empty folder (nothing in it is deleted or replaced)")


def write_files(files: dict[str, bytes], out: Path) -> None:
    """Everything is rendered before this runs; a failure part-way removes only the files written here."""
    check_folder(out)
    created_root = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    made_dirs: list[Path] = []
    try:
        for rel, content in sorted(files.items()):
            clean = PurePosixPath(rel)
            if clean.is_absolute() or ".." in clean.parts:
                raise ValueError(f"output path escapes the folder: {rel}")
            target = out.joinpath(*clean.parts)
            for parent in reversed(target.relative_to(out).parents[:-1]):
                d = out / parent
                if not d.exists():
                    d.mkdir()
                    made_dirs.append(d)
            with open(target, "xb") as handle:  # never replace a file that appeared meanwhile
                written.append(target)  # created: removed on failure even when writing it fails (a full disk)
                try:
                    handle.write(content)
                except OSError as exc:
                    if exc.filename is None:  # a failed write names no file: the message should
                        exc.filename = str(target)
                    raise
    except BaseException:
        # Best effort: the error that stopped the writing is the one to report, not a failure to undo it.
        for path in written:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
        for d in [*reversed(made_dirs), *([out] if created_root else [])]:
            try:
                d.rmdir()
            except OSError:
                pass
        raise
