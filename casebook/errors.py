"""Data errors a person can act on: file, line, field, what was expected, what was found."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class DataError:
    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class ErrorReport:
    """Collects every error of a run so they can be reported at once."""

    root: Path | None = None
    errors: list[DataError] = field(default_factory=list)

    def add(self, path: Path | str, line: int | None, field_name: str, message: str) -> None:
        self.errors.append(DataError(self._display(path), line, field_name, message))

    def _display(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except (ValueError, RuntimeError, OSError):  # outside the root, or a symlink loop (RuntimeError)
                pass
            try:
                return path.absolute().relative_to(self.root.absolute()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def lines(self) -> list[str]:
        # Sorted by file and line so a report reads top to bottom like the files do.
        ordered = sorted(self.errors, key=lambda e: (e.path, e.line or 0, e.field, e.message))
        return [str(e) for e in ordered]


class DataInvalid(Exception):
    """Raised once, after validation, when the report holds any error."""

    def __init__(self, report: ErrorReport):
        super().__init__(f"{len(report)} data error(s)")
        self.report = report


def quote(value: object) -> str:
    """Show a found value the way it appears in the file, shortened."""
    text = repr(value) if isinstance(value, str) else str(value)
    if value is None:
        text = "nothing"
    elif isinstance(value, list):  # a list or mapping is shown by its shape, not by Python's repr of it
        text = f"a list of {len(value)} item(s)"
    elif isinstance(value, dict):
        text = "a mapping with " + (f"the keys {', '.join(map(str, list(value)[:5]))}" if value else "no keys")
    return text if len(text) <= 60 else text[:57] + "…"
