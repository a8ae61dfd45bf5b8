"""Read a responses file as a spreadsheet saves it and check every cell against the questionnaire.

Every problem is collected (``file:LINE: COLUMN: message``) before anything is tallied or written."""
from __future__ import annotations

import csv
import io
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .questionnaire import Question

MULTI_SEPARATORS = (";", "；")


class ResponsesInvalid(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Responses:
    """One dict per clinic: question id → str (single), tuple of str (multiple), float (numeric) or None (empty)."""
    path: Path
    rows: tuple[dict, ...]
    skipped: int = 0  # rows with every cell empty (a blank form, or the empty rows Excel leaves at the end)


def decode(raw: bytes) -> tuple[str, str]:
    """Text of the file and the encoding read: UTF-8 (with or without BOM), Excel's UTF-16 「Unicode テキスト」, or Shift_JIS."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "UTF-8"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Excel's 「CSV (コンマ区切り)」 on Japanese Windows writes cp932, Microsoft's superset of Shift_JIS.
    return raw.decode("cp932"), "Shift_JIS"


def _number(cell: str) -> float | None:
    text = unicodedata.normalize("NFKC", cell).replace(",", "").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _allowed(q: Question) -> str:
    return "、".join(f"「{o}」" for o in q.options)


def read_responses(path: Path, questions: list[Question]) -> Responses:
    name = path.name
    errors: list[str] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ResponsesInvalid([f"{name}: cannot read the file ({exc.strerror})"])
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        # .xlsx is a zip archive, .xls an OLE file: a workbook, not the text Excel writes when saving as CSV.
        raise ResponsesInvalid([f"{name}:1: (file): this is an Excel workbook, not a CSV file; in Excel choose "
                                "「名前を付けて保存」→「CSV UTF-8 (コンマ区切り) (*.csv)」 and give that file"])
    try:
        text, encoding = decode(raw)
    except UnicodeDecodeError:
        raise ResponsesInvalid([f"{name}:1: (file): expected text in UTF-8 or Shift_JIS; in Excel choose "
                                "「名前を付けて保存」→「CSV UTF-8 (コンマ区切り) (*.csv)」 and save again"])
    first = text.split("\n", 1)[0]
    # Excel's 「Unicode テキスト」 is tab-separated.
    delimiter = "\t" if encoding == "UTF-16" and "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ResponsesInvalid([f"{name}:{reader.line_num}: (file): {exc}"])
    if not records:
        raise ResponsesInvalid([f"{name}:1: (header): expected the header row of the template, the file is empty"])
    header = [h.strip() for h in records[0][1]]
    by_id = {q.id: q for q in questions}
    seen: dict[str, int] = {}
    for i, column in enumerate(header, 1):
        if column in seen:
            errors.append(f"{name}:1: {column}: column appears twice (columns {seen[column]} and {i}); keep one")
        else:
            seen[column] = i
        if column not in by_id and column:
            errors.append(f"{name}:1: {column}: unknown column; the template's header has only question ids such as {questions[0].id}")
    for q in questions:
        if q.id not in seen:
            errors.append(f"{name}:1: {q.id}: missing column; copy the header row from the template's responses.csv")
    rows = []
    for line, cells in records[1:]:
        if not any(c.strip() for c in cells):
            continue  # blank rows Excel leaves at the end
        if len(cells) > len(header):
            errors.append(f"{name}:{line}: (row): expected {len(header)} cells as in the header, got {len(cells)}")
            continue
        row: dict = {}
        for column, cell in zip(header, cells):
            q = by_id.get(column)
            if q is None or seen.get(column) != header.index(column) + 1:
                continue
            cell = cell.strip()
            if cell == "":
                row[q.id] = None
            elif q.answer == "numeric":
                value = _number(cell)
                if value is None:
                    errors.append(f"{name}:{line}: {q.id}: expected a number, got {cell!r}")
                elif value < 0:
                    # every numeric question counts something (staff, days, patients, visits)
                    errors.append(f"{name}:{line}: {q.id}: expected a number of 0 or more, got {cell!r}")
                row[q.id] = value
            else:
                parts = [p.strip() for p in _split(cell)] if q.answer == "multiple" else [cell]
                for part in parts:
                    if part in q.options:
                        continue
                    if _number(part) is not None:
                        errors.append(f"{name}:{line}: {q.id}: expected the text of an option, got the number {part!r}; "
                                      f"allowed: {_allowed(q)}")
                    else:
                        errors.append(f"{name}:{line}: {q.id}: unknown option {part!r}; allowed: {_allowed(q)}")
                if q.answer == "multiple":
                    if len(set(parts)) != len(parts):
                        errors.append(f"{name}:{line}: {q.id}: an option is given twice in {cell!r}")
                    row[q.id] = tuple(p for p in parts if p)
                else:
                    row[q.id] = cell
        rows.append(row)
    if errors:
        raise ResponsesInvalid(errors)
    return Responses(path, tuple(rows))


def _split(cell: str) -> list[str]:
    for sep in MULTI_SEPARATORS[1:]:
        cell = cell.replace(sep, MULTI_SEPARATORS[0])
    return [p for p in cell.split(MULTI_SEPARATORS[0]) if p.strip()]
