"""Readers: one per format. Each turns a file into raw records tagged with path and line.

Readers only parse. They do not interpret values; that is validate.py's job.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ErrorReport


@dataclass
class Node:
    """A parsed YAML value with the line it starts on (1-based)."""

    value: Any  # dict[str, Node] | list[Node] | scalar
    line: int

    def plain(self) -> Any:
        """The value with all line information stripped."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


class _LineLoader(yaml.SafeLoader):
    pass


_FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {}) if getattr(yaml, "__with_libyaml__", False) else None
_REJECTED = object()


def _fast_compose(text: str):
    """libyaml composes valid YAML much faster than the Python parser; whatever it rejects, the Python
    parser composes again, so error messages stay exactly the Python parser's."""
    if _FastLoader is None:
        return _REJECTED
    fast = _FastLoader(text)
    try:
        return fast.get_single_node()
    except Exception:
        return _REJECTED
    finally:
        fast.dispose()


class _Refused:
    """The value of a node already reported as an error (a foreign tag, a huge number): checks skip it."""

    def __repr__(self) -> str:
        return "nothing"


REFUSED = _Refused()

# Values a data file may hold: the YAML core schema. Anything else (!!python/…, !!binary, !custom) is an error.
_CORE_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null",
                                                            "timestamp")}  # an unquoted date resolves to timestamp
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_DECIMAL_INT = re.compile(r"-?[0-9]+")
MAX_INT_DIGITS = 15  # no figure in the report has more; longer ones are typing accidents or attacks
# Bidirectional overrides and isolates reorder what a reader sees (U+202E); other control characters, zero-width
# characters and the BOM are invisible; a lone surrogate ("\ud800" in YAML) cannot be written as UTF-8 at all.
# Tab and newline are layout.
_INVISIBLE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]")
# Three or more combining marks on one character stack into a smear over the lines around it; Japanese needs at
# most the (han)dakuten, one a character.
_STACKED = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                      "\u3099\u309a]{3,}")


def invisible_characters(text: str) -> str | None:
    """A message naming the control, bidi, zero-width or surrogate characters in *text*, or stacked combining
    marks, or None when there are none."""
    found = sorted(set(_INVISIBLE.findall(text)))
    if found:
        return ("expected visible text, found the control or text-direction character(s) "
                + ", ".join(f"U+{ord(c):04X}" for c in found))
    stacked = _STACKED.search(text)
    if stacked:
        return f"expected visible text, found {len(stacked.group())} combining marks stacked on one character"
    return None


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _to_node(loader: _LineLoader, node: yaml.Node, path: Path, report: ErrorReport, where: str = "") -> Node:
    line = node.start_mark.line + 1
    if node.tag not in _CORE_TAGS:
        report.add(path, line, where, f"expected a plain YAML value, found the tag {_shown_tag(node.tag)}")
        return Node(REFUSED, line)
    if isinstance(node, yaml.MappingNode):
        items: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                report.add(path, key_node.start_mark.line + 1, str(key), f"keys must be text, found {type(key).__name__} {key!r}")
                continue
            if key in items:
                report.add(path, key_node.start_mark.line + 1, key, "key appears twice in the same mapping")
                continue
            items[key] = _to_node(loader, value_node, path, report, f"{where}.{key}" if where else key)
        return Node(items, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_to_node(loader, child, path, report, f"{where}[{i}]") for i, child in enumerate(node.value)],
                    line)
    if node.tag == _INT_TAG and not _DECIMAL_INT.fullmatch(node.value):
        # YAML 1.1 reads 0x50, 0o17, 0b101, 1_000 and 1:20 (sexagesimal: 80) as integers: never what an editor meant
        report.add(path, line, where, f"expected a whole number in the digits 0-9, found {node.value!r}")
        return Node(REFUSED, line)
    if node.tag == _INT_TAG and len(node.value.lstrip("+-0").replace("_", "")) > MAX_INT_DIGITS:
        report.add(path, line, where, f"expected a number of at most {MAX_INT_DIGITS} digits, found one of "
                   f"{len(node.value.lstrip('+-'))} digits")
        return Node(REFUSED, line)
    # A string scalar constructs to its text (SafeConstructor.construct_yaml_str); nine in ten values are text
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        value = node.value
    else:
        value = loader.construct_object(node, deep=True)
    if isinstance(value, str):
        problem = invisible_characters(value)  # after construction: "\u202e" escapes count too
        if problem:
            report.add(path, line, where, problem)
    return Node(value, line)


def _first_alias(text: str) -> tuple[int, str] | None:
    """Line and name of the first alias (*name). Aliases are refused in data files: a few lines of nested
    aliases expand to billions of values (the "billion laughs"), and no data file needs them."""
    if "*" not in text:
        return None
    loader = (_FastLoader or _LineLoader)(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1, event.anchor
    except yaml.YAMLError:
        return None  # the syntax error is reported by the parse proper
    finally:
        loader.dispose()
    return None


def parse_yaml(text: str, path: Path, report: ErrorReport, line_offset: int = 0) -> Node | None:
    """Parse YAML text into a Node tree; syntax errors go to *report*."""
    try:
        loader = _LineLoader(text)  # checks the whole text for characters YAML does not allow
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        report.add(path, line, "", f"YAML syntax error: expected printable text, found the control character U+{char:04X}")
        return None
    alias = _first_alias(text)
    if alias is not None:
        loader.dispose()
        report.add(path, alias[0] + line_offset, "", f"expected plain values, found the alias *{alias[1]}; "
                   "aliases are not allowed in data files: write the value out")
        return None
    try:
        root = _fast_compose(text)
        if root is _REJECTED:
            root = loader.get_single_node()
        if root is None:
            return Node(None, 1 + line_offset)
        result = _to_node(loader, root, path, report)
    except yaml.MarkedYAMLError as exc:
        # PyYAML notices an unclosed bracket only where the next line begins; the person wrote the mistake where
        # the bracket opened, so the error points there and says where the parser gave up.
        problem, start = exc.problem_mark, exc.context_mark
        opened_earlier = start is not None and problem is not None and start.line < problem.line
        mark = start if opened_earlier else (problem or start)
        line = (mark.line + 1 + line_offset) if mark else None
        message = f"YAML syntax error: {exc.problem or exc.context}"
        if opened_earlier:
            construct = (exc.context or "").removeprefix("while parsing ")
            message += f" ({construct} opened on this line is not closed before line {problem.line + 1 + line_offset})"
        report.add(path, line, "", message)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked YAML errors are rare
        report.add(path, None, "", f"YAML error: {exc}")
        return None
    except RecursionError:  # pragma: no cover - aliases are refused before composing; kept as a guard
        report.add(path, None, "", "YAML error: expected plain values, found an alias that refers to itself")
        return None
    except ValueError as exc:  # pragma: no cover - integers are bounded by length first; kept as a guard
        report.add(path, None, "", f"YAML error: {exc}")
        return None
    finally:
        loader.dispose()
    if line_offset:
        _shift(result, line_offset)
    return result


def _shift(node: Node, offset: int) -> None:
    node.line += offset
    if isinstance(node.value, dict):
        for child in node.value.values():
            _shift(child, offset)
    elif isinstance(node.value, list):
        for child in node.value:
            _shift(child, offset)


MAX_FILE_BYTES = 2 * 1024 * 1024  # 40 times the largest source file (survey/tables.yaml, 45 KB)


def read_text(path: Path, report: ErrorReport) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.add(path, None, "", f"expected a file of at most {MAX_FILE_BYTES // 1024 // 1024} MB, found "
                       f"{size / 1024 / 1024:.1f} MB; nothing in it was read")
            return None
        return path.read_text(encoding="utf-8-sig")  # -sig: a leading byte-order mark is not content
    except UnicodeDecodeError as exc:
        report.add(path, None, "", f"expected UTF-8 text, found an undecodable byte at offset {exc.start}")
    except OSError as exc:
        report.add(path, None, "", f"cannot read file: {exc.strerror}")
    return None


class ParsedFiles:
    """The parsed tree of each YAML file by path, reused while its text is unchanged (serve keeps one between
    rebuilds). Safe because nothing downstream changes a tree; a file that parsed with errors is never kept."""

    def __init__(self) -> None:
        self._trees: dict[str, tuple[str, Node]] = {}

    def get(self, path: Path, text: str) -> Node | None:
        hit = self._trees.get(str(path))
        return hit[1] if hit is not None and hit[0] == text else None

    def keep(self, path: Path, text: str, node: Node) -> None:
        self._trees[str(path)] = (text, node)


def read_yaml(path: Path, report: ErrorReport, parsed: ParsedFiles | None = None) -> Node | None:
    text = read_text(path, report)
    if text is None:
        return None
    if parsed is None:
        return parse_yaml(text, path, report)
    hit = parsed.get(path, text)
    if hit is not None:
        return hit
    before = len(report)
    node = parse_yaml(text, path, report)
    if node is not None and len(report) == before:
        parsed.keep(path, text, node)
    return node


@dataclass
class MarkdownSource:
    path: Path
    front_matter: Node | None
    body: str
    body_line: int


def read_markdown(path: Path, report: ErrorReport) -> MarkdownSource | None:
    """Split a Markdown file into its YAML front matter and body."""
    text = read_text(path, report)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        report.add(path, 1, "front matter", "expected the file to start with a '---' line opening the front matter, found "
                   + (repr(lines[0][:40]) if lines and lines[0] else "an empty first line"))
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        report.add(path, 1, "front matter", "expected a closing '---' line after the front matter, found none")
        return None
    front = parse_yaml("\n".join(lines[1:end]), path, report, line_offset=1)
    body = "\n".join(lines[end + 1:])
    return MarkdownSource(path, front, body, end + 2)


@dataclass
class CsvSource:
    path: Path
    columns: dict[str, list[str]]  # every cell as printed text, by column in the header's order
    lines: list[int]  # the file line each row starts on

    def line_of(self, row_index: int) -> int:
        return self.lines[row_index]


def read_csv(path: Path, report: ErrorReport) -> CsvSource | None:
    """Read a CSV keeping every cell as text, so printed precision (19.0) survives. Blank lines are skipped, a
    short row is padded with empty cells, a row with more cells than the header is an error on its line."""
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        report.add(path, None, "", f"expected a file of at most {MAX_FILE_BYTES // 1024 // 1024} MB, found "
                   f"{path.stat().st_size / 1024 / 1024:.1f} MB; nothing in it was read")
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        report.add(path, None, "", "file not found")
        return None
    except UnicodeDecodeError:
        report.add(path, None, "", "expected UTF-8 text, found undecodable bytes")
        return None
    # The messages are those editors have seen since the survey was read with pandas' C parser.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):  # a blank line
                start = reader.line_num + 1
                continue
            if header is None:
                header = [cell.strip() for cell in row]
            elif len(row) > len(header):
                report.add(path, reader.line_num, "", "cannot parse CSV: Error tokenizing data. C error: "
                           f"Expected {len(header)} fields in line {reader.line_num}, saw {len(row)}")
                return None
            else:
                rows.append(row + [""] * (len(header) - len(row)))
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:  # strict: a quote never closed, or text right after a closing quote
        if "unexpected end of data" in str(exc):
            report.add(path, None, "", "cannot parse CSV: Error tokenizing data. C error: EOF inside string "
                       f"starting at row {len(rows) + 1}")
        else:
            report.add(path, reader.line_num, "", f"cannot parse CSV: {exc}")
        return None
    if header is None:
        report.add(path, None, "", "cannot parse CSV: No columns to parse from file")
        return None
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        report.add(path, 1, "header", f"expected each column once, found {', '.join(twice)} more than once")
        return None
    unclean = False
    for name in header:
        problem = invisible_characters(name)
        if problem:
            report.add(path, 1, name.encode("unicode_escape").decode("ascii"), problem)
            unclean = True
    for row, line in zip(rows, lines):
        for name, cell in zip(header, row):
            if cell.isascii() and cell.isprintable() or not cell:
                continue  # figures and plain labels: nothing to find
            problem = invisible_characters(cell)
            if problem:
                report.add(path, line, name, problem)
                unclean = True
    if unclean:
        return None
    return CsvSource(path, {name: [row[i] for row in rows] for i, name in enumerate(header)}, lines)
