"""Read a responses file as a spreadsheet saves it and check every cell against the questionnaire.

Every problem is collected (``file:LINE: COLUMN: message``) before anything is tallied or written. A million
clinics are read column by column: each column's distinct cells are checked once (pandas.factorize), so a value
typed by many clinics is one check and one message naming the lines it is on."""
from __future__ import annotations

import csv
import io
import re
import stat
import unicodedata
from itertools import chain
from operator import itemgetter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .questionnaire import DOCTORS_QUESTION, IGNORED, Question, column_of

MULTI_SEPARATORS = (";", "；")
# A figure as people write one: digits 0-9 (full-width ones too, by NFKC), thousands commas, a decimal part.
# Not 1_000, 1e20, ١٢, -0, NaN: Python's float() takes them all, and each is a typing mistake here.
NUMBER_TEXT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", re.ASCII)
NEGATIVE = re.compile(r"[-−‐–]\s*[0-9.,]+")
MAX_DECIMALS = 3
MAX_FIGURE = 9_999_999  # every numeric question counts something (staff, days, patients, visits) in one clinic
MAX_DOCTORS = 999
SHOWN_LINES = 3  # lines named after the first for one mistake many clinics share
SHOWN_MISTAKES = 50  # distinct wrong values named per column; the rest are counted
CHUNK = 65_536
# A million clinics as the template has them are about 2.4 GB of text, more than the 2 GB the tally may use; a
# file this size is the wrong file or needs splitting by region.
MAX_FILE_BYTES = 1 << 30


class ResponsesInvalid(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Responses:
    """One row per clinic, one column per question id: str (single), tuple of str (multiple), float (numeric;
    NaN when empty) or None (empty)."""
    path: Path
    frame: pd.DataFrame
    skipped: int = 0  # rows with every cell empty (a blank form, or the empty rows Excel leaves at the end)
    encoding: str = "UTF-8"  # as decode() names it (the pages say what was read)

    @property
    def clinics(self) -> int:
        return len(self.frame)


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


def figure(cell: str, whole: bool = False) -> tuple[float | None, str | None]:
    """(value, None) for a cell that is a figure, (None, message) for one that is not."""
    text = unicodedata.normalize("NFKC", cell).strip()
    match = NUMBER_TEXT.fullmatch(text)
    if match is None:
        if NEGATIVE.fullmatch(text):
            return None, f"expected a number of 0 or more, got {cell!r}"
        return None, f"expected a number written with the digits 0-9 (such as 12, 1,200 or 2.5), got {cell!r}"
    if match.group(1) and len(match.group(1)) > MAX_DECIMALS:
        return None, f"expected a number with at most {MAX_DECIMALS} decimals, got {cell!r}"
    value = Decimal(text.replace(",", ""))
    if whole and value != value.to_integral_value():
        return None, f"expected a whole number of doctors, got {cell!r}"
    limit = MAX_DOCTORS if whole else MAX_FIGURE
    if value > limit:
        return None, f"expected a number of at most {limit:,}, got {cell!r}"
    return float(value), None


def _allowed(q: Question) -> str:
    return "、".join(f"「{o}」" for o in q.options)


def _answer(q: Question, cell: str, doctors: bool) -> tuple[object, list[str]]:
    """A cell's value for the tally and the problems with it."""
    cell = cell.strip()
    if cell == "":
        return (np.nan if q.answer == "numeric" else None), []
    if q.answer == "text":
        return cell, []  # free text, listed as written and never tallied
    if q.answer == "area":
        written = unicodedata.normalize("NFKC", cell)
        return next((o for o in q.options if unicodedata.normalize("NFKC", o) == written), cell), []
    if q.answer == "numeric":
        value, problem = figure(cell, whole=doctors)
        return (np.nan if value is None else value), [problem] if problem else []
    problems = []
    parts = [p.strip() for p in _split(cell)] if q.answer == "multiple" else [cell]
    # 「ＦＡＸ」 and 「(連携型)」 look as the options do: compared width-insensitively, they are the options.
    canonical = {unicodedata.normalize("NFKC", o): o for o in q.options}
    parts = [canonical.get(unicodedata.normalize("NFKC", p), p) for p in parts]
    for part in parts:
        if part in q.options:
            continue
        if figure(part)[1] is None:
            problems.append(f"expected the text of an option, got the number {part!r}; allowed: {_allowed(q)}")
        else:
            problems.append(f"unknown option {part!r}; allowed: {_allowed(q)}")
    if q.answer == "multiple":
        if len(set(parts)) != len(parts):
            problems.append(f"an option is given twice in {cell!r}")
        return tuple(p for p in parts if p), problems
    return parts[0], problems


class _Cells:
    """Every cell as a code into the file's distinct cell texts, filled a chunk of rows at a time: one
    factorize per chunk (hashing in C), so a million clinics cost no Python work per cell."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.values: dict[str, int] = {}
        self.blocks: list[np.ndarray] = []

    def add(self, rows: list[list[str]]) -> None:
        cells = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * self.width)
        codes, distinct = pd.factorize(cells)
        ours = np.array([self.values.setdefault(v, len(self.values)) for v in distinct], dtype=np.int32)
        self.blocks.append(ours[codes].reshape(len(rows), self.width))

    def codes(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, self.width), dtype=np.int32)


def _lines_named(lines: np.ndarray) -> str:
    more = len(lines) - 1 - SHOWN_LINES
    shown = ", ".join(f"{n:,}" for n in lines[1:1 + SHOWN_LINES])
    if len(lines) == 1:
        return ""
    return f" (also on line{'s' if len(lines) > 2 else ''} {shown}{f' and {more:,} more' if more > 0 else ''})"


def read_responses(path: Path, questions: list[Question]) -> Responses:
    name = path.name
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a device or pipe (/dev/zero) would be read for ever
            raise ResponsesInvalid([f"{name}: expected a CSV file, found {'a folder' if path.is_dir() else 'no regular file'}"])
        if info.st_size > MAX_FILE_BYTES:
            raise ResponsesInvalid([f"{name}: expected a file of at most {MAX_FILE_BYTES // 2**20:,} MB, found "
                                    f"{info.st_size / 2**20:,.1f} MB; nothing in it was read"])
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
    del raw
    first = text.split("\n", 1)[0]
    # Excel's 「Unicode テキスト」 is tab-separated.
    delimiter = "\t" if encoding == "UTF-16" and "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[tuple[int, int, str]] = []  # (line, column position, message), sorted at the end
    try:
        header = [h.strip() for h in next(reader, [])]
        if not header:
            raise ResponsesInvalid([f"{name}:1: (header): expected the header row of the template, the file is empty"])
        width = len(header)
        # The Excel input sheet's headings (「問N …」) name their question; its ID column is the coordinator's own,
        # and a row with nothing but an ID is an empty form, not a clinic.
        named = [column_of(h, questions) for h in header]
        header = ["" if q is IGNORED else q.id if q is not None else h for h, q in zip(header, named)]
        ignored = {i for i, q in enumerate(named) if q is IGNORED}
        cells_of = _Cells(width)
        kept = [k for k in range(width) if k not in ignored]
        answered = itemgetter(*kept) if len(kept) > 1 else (lambda cells: [cells[k] for k in kept])  # in C
        lines: list[int] = []
        chunk: list[list[str]] = []
        skipped = 0
        # A record's number as Excel numbers its rows: a line break inside a quoted cell (Alt+Enter) is not a row.
        start = 1
        for cells in reader:
            start += 1
            filled = answered(cells) if len(cells) == width else [c for k, c in enumerate(cells) if k not in ignored]
            if not "".join(filled).strip():
                skipped += 1  # a blank form, or the empty rows Excel leaves at the end
                continue
            if len(cells) != width:
                cut = "; the row looks cut short" if len(cells) < width else ""
                errors.append((start, -1, f"(row): expected {width} cells as in the header, got {len(cells)}{cut}"))
                continue
            chunk.append(cells)
            lines.append(start)
            if len(chunk) == CHUNK:
                cells_of.add(chunk)
                chunk = []
        if chunk:
            cells_of.add(chunk)
    except csv.Error as exc:
        raise ResponsesInvalid([f"{name}:{reader.line_num}: (file): {exc}"])
    del text, chunk
    line_of = np.array(lines, dtype=np.int64)
    by_id = {q.id: q for q in questions}
    seen: dict[str, int] = {}
    for i, column in enumerate(header):
        if i in ignored:
            continue
        if column in seen:
            errors.append((1, i, f"{column}: column appears twice (columns {seen[column]} and {i + 1}); keep one"))
            continue
        seen[column] = i + 1
        if column and column not in by_id:
            errors.append((1, i, f"{column}: unknown column; the template's header has only question ids such as "
                                 f"{questions[0].id}"))
    for q in questions:
        if q.id not in seen:
            errors.append((1, width, f"{q.id}: missing column; copy the header row from the template's responses.csv"))
    data: dict[str, np.ndarray] = {}
    every_code = cells_of.codes()
    texts = list(cells_of.values)
    for i, column in enumerate(header):
        codes = every_code[:, i]
        used = np.flatnonzero(np.bincount(codes, minlength=len(texts)))  # the texts this column holds
        q = by_id.get(column)
        if not column or q is None or seen.get(column) != i + 1:
            filled = [c for c in used.tolist() if texts[c].strip()]
            if not column and i not in ignored and filled:  # data under no header would be lost unseen
                first = int(np.flatnonzero(np.isin(codes, filled))[0])
                errors.append((int(line_of[first]), i, f"(column {i + 1}): the column has no header but holds "
                                                       f"answers; give it its question id or delete it"))
            continue
        doctors = (q.table, q.item) == DOCTORS_QUESTION
        answers: dict[int, tuple[object, list[str]]] = {c: _answer(q, texts[c], doctors) for c in used.tolist()}
        wrong = [c for c, (_, problems) in answers.items() if problems]
        if wrong:
            firsts = np.unique(codes, return_index=True)
            first_line = dict(zip(firsts[0].tolist(), firsts[1].tolist()))
            wrong.sort(key=lambda c: first_line[c])
            for c in wrong[:SHOWN_MISTAKES]:
                where = line_of[np.flatnonzero(codes == c)]
                for problem in answers[c][1]:
                    errors.append((int(where[0]), i, f"{q.id}: {problem}{_lines_named(where)}"))
            if len(wrong) > SHOWN_MISTAKES:
                errors.append((int(line_of[first_line[wrong[SHOWN_MISTAKES]]]), i,
                               f"{q.id}: and {len(wrong) - SHOWN_MISTAKES:,} more distinct values like these"))
        if q.answer == "numeric":
            values = np.full(len(texts), np.nan)
        else:
            values = np.full(len(texts), None, dtype=object)
        for c, (v, _) in answers.items():  # one by one: numpy would make equal-length tuples a second dimension
            values[c] = v
        data[q.id] = values[codes]
    if not errors and not lines:
        errors.append((2, -1, f"(rows): expected at least one filled-in form below the header, found none"
                              f"{f' ({skipped:,} empty rows)' if skipped else ''}"))
    if errors:
        raise ResponsesInvalid([f"{name}:{line}: {message}" for line, _, message in sorted(errors, key=lambda e: e[:2])])
    frame = pd.DataFrame({q.id: data[q.id] for q in questions}, copy=False)
    return Responses(path, frame, skipped, encoding)


def _split(cell: str) -> list[str]:
    for sep in MULTI_SEPARATORS[1:]:
        cell = cell.replace(sep, MULTI_SEPARATORS[0])
    return [p for p in cell.split(MULTI_SEPARATORS[0]) if p.strip()]
