"""Every field of region YAML, model YAML, survey metadata and page front matter.

One declaration serves three readers: the validator (types, required keys, unknown
keys), the JSON Schema written for editors, and the README's field reference.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from .errors import ErrorReport, quote
from .load import REFUSED, Node


class Type:
    expected: str = "a value"

    def check(self, node: Node, where: str, path, report: ErrorReport) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict:
        raise NotImplementedError

    def fields(self, prefix: str) -> Iterator[tuple[str, "Field"]]:
        return iter(())


@dataclass
class Str(Type):
    pattern: str | None = None
    pattern_help: str = ""
    nullable: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        base = self.pattern_help or "text"
        return base + (" or null" if self.nullable else "")

    def check(self, node, where, path, report):
        value = node.value
        if value is None and self.nullable:
            return None
        if not isinstance(value, str) or not value.strip():
            report.add(path, node.line, where, f"expected {self.expected}, got {quote(value)}")
            return None
        if self.pattern and not re.fullmatch(self.pattern, value):
            report.add(path, node.line, where, f"expected {self.expected}, got {quote(value)}")
            return None
        return value

    def json_schema(self):
        schema: dict = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        return {"type": ["string", "null"]} if self.nullable else schema


@dataclass
class Int(Type):
    minimum: int | None = None
    nullable: bool = False
    maximum: int | None = None

    # No count or page in the report comes near this; a longer number is a typing accident or an attack.
    PLAUSIBLE = 10**9

    @property
    def expected(self) -> str:  # type: ignore[override]
        base = "an integer" if self.minimum is None else f"an integer ≥ {self.minimum}"
        if self.maximum is not None:
            base += f" and ≤ {self.maximum:,}"
        return base + (" or null" if self.nullable else "")

    def check(self, node, where, path, report):
        value = node.value
        if value is None and self.nullable:
            return None
        limit = self.PLAUSIBLE if self.maximum is None else self.maximum
        if isinstance(value, int) and not isinstance(value, bool) and value > limit and self.maximum is None:
            report.add(path, node.line, where, f"expected {self.expected} and ≤ {limit:,}, got {quote(value)}")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or (self.minimum is not None and value < self.minimum) \
                or value > limit:
            report.add(path, node.line, where, f"expected {self.expected}, got {quote(value)}")
            return None
        return value

    def json_schema(self):
        schema: dict = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return {"type": ["integer", "null"]} if self.nullable else schema


@dataclass
class Num(Type):
    expected: str = "a number"

    def check(self, node, where, path, report):
        value = node.value
        # .nan, .inf and integers too large for a float are not figures the report prints.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
            report.add(path, node.line, where, f"expected {self.expected}, got {quote(value)}")
            return None
        return float(value)

    def json_schema(self):
        return {"type": "number"}


@dataclass
class OneOf(Type):
    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.choices)

    def check(self, node, where, path, report):
        if node.value not in self.choices:
            report.add(path, node.line, where, f"expected {self.expected}, got {quote(node.value)}")
            return None
        return node.value

    def json_schema(self):
        return {"enum": list(self.choices)}


@dataclass
class ListOf(Type):
    item: Type = field(default_factory=Str)
    min_items: int = 0

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a list" if not self.min_items else f"a list of at least {self.min_items} item(s)"

    def check(self, node, where, path, report):
        if not isinstance(node.value, list):
            report.add(path, node.line, where, f"expected {self.expected}, got {quote(node.value)}")
            return None
        if len(node.value) < self.min_items:
            report.add(path, node.line, where, f"expected {self.expected}, got {len(node.value)}")
        return [None if child.value is REFUSED else self.item.check(child, f"{where}[{i}]", path, report)
                for i, child in enumerate(node.value)]

    def json_schema(self):
        schema = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return schema

    def fields(self, prefix):
        yield from self.item.fields(prefix + "[]")


@dataclass
class Lines(Type):
    """Text of one line, or a list of lines: a label printed as separate lines (a heading and its bullets) keeps
    each line apart, so that no label joins strings the report prints apart."""
    item: Type = field(default_factory=Str)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "text or a list of at least one line of text"

    def check(self, node, where, path, report):
        if isinstance(node.value, list):
            if not node.value:
                report.add(path, node.line, where, f"expected {self.expected}, got an empty list")
                return None
            lines = [None if child.value is REFUSED else self.item.check(child, f"{where}[{i}]", path, report)
                     for i, child in enumerate(node.value)]
            return None if None in lines else tuple(lines)
        line = self.item.check(node, where, path, report)
        return None if line is None else (line,)

    def json_schema(self):
        one = self.item.json_schema()
        return {"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]}


@dataclass
class Field:
    name: str
    type: Type
    help: str
    required: bool = True


@dataclass
class Obj(Type):
    members: list[Field] = field(default_factory=list)
    expected: str = "a mapping of keys to values"

    def check(self, node, where, path, report):
        if not isinstance(node.value, dict):
            report.add(path, node.line, where or "(file)", f"expected {self.expected}, got {quote(node.value)}")
            return None
        known = {f.name: f for f in self.members}
        out: dict[str, Any] = {}
        for key, child in node.value.items():
            if key not in known:
                report.add(path, child.line, _join(where, key),
                           f"unknown key; expected one of {', '.join(known)}")
        for f in self.members:
            child = node.value.get(f.name)
            if child is not None and child.value is REFUSED:  # already reported where it was read
                out[f.name] = None
                continue
            if child is None:
                if f.required:
                    report.add(path, node.line, _join(where, f.name), f"missing required field; expected {f.type.expected}")
                out[f.name] = None
                continue
            out[f.name] = f.type.check(child, _join(where, f.name), path, report)
        return out

    def json_schema(self):
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in self.members if f.required],
            "properties": {f.name: {**f.type.json_schema(), "description": f.help} for f in self.members},
        }

    def fields(self, prefix):
        for f in self.members:
            name = _join(prefix, f.name)
            yield name, f
            yield from f.type.fields(name)


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


VERTICAL_CODES = ("A", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "D", "E")
HORIZONTAL_CODES = ("あ1", "あ2", "あ3", "あ4", "い1", "い2", "い3", "い4", "う")
MODEL_CODES = VERTICAL_CODES + HORIZONTAL_CODES

SOURCE_NOTES = ListOf(Obj([
    Field("field", Str(), "Which field the note concerns, e.g. models.B2.figure_page."),
    Field("note", Str(), "For editors: what the source prints where, and what was done (Japanese)."),
    Field("reader", Str(nullable=True), "For readers: the discrepancy in one plain Japanese sentence, shown on the page; "
          "null where the note records only editing work and stays on /data/."),
]))

SURVEY_SOURCE_NOTES = ListOf(Obj([
    Field("note", Str(), "For editors: what the source prints where, and what was done (Japanese)."),
    Field("reader", Str(nullable=True), "For readers: the discrepancy in one plain Japanese sentence, shown with the "
          "table; null where the note records only editing work and stays on /data/."),
]))

DIAGRAM = Obj([
    Field("title", Str(), "Caption printed with the diagram.", required=False),
    Field("actors", ListOf(Obj([
        Field("id", Str(pattern=r"[a-z][a-z0-9_-]*", pattern_help="an id of lower-case ASCII letters, digits, - or _"),
              "Identifier used by links."),
        Field("label", Str(), "The actor's name as printed."),
    ])), "The parties drawn in the diagram."),
    Field("links", ListOf(Obj([
        Field("from", Str(), "Actor id at the start."),
        Field("to", Str(), "Actor id at the end."),
        Field("label", Lines(), "Text printed on or next to the link: one line, or a list with one item per printed "
              "line or bullet (never two printed bullets joined into one item).", required=False),
    ])), "Relations between actors."),
    Field("notes", ListOf(Str()), "Printed annotations not attached to a link.", required=False),
])

REGION = Obj([
    Field("number", Int(1, maximum=9999), "Case number in the report (1–14)."),
    Field("slug", Str(pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*", pattern_help="a slug of lower-case ASCII words joined by -"),
          "URL name; the file is named NN-slug.yaml. Not `print` and not starting with `by-` (pages of the site there)."),
    Field("name", Str(), "Region name as printed in the index tables."),
    Field("prefecture", Str(), "Prefecture (都道府県)."),
    Field("municipalities", ListOf(Str(), 1), "Municipalities covered (市区町村)."),
    Field("organisations", ListOf(Str(), 1), "Organisations of the case (団体名)."),
    Field("population", Obj([
        Field("total", Int(1), "総人口 (January 2017, 住民基本台帳)."),
        Field("aged_65_plus", Int(0), "65歳以上人口."),
        Field("aged_75_plus", Int(0), "75歳以上人口."),
        Field("rate_65_printed", Num(), "高齢化率（65歳以上） as printed, in %."),
        Field("rate_75_printed", Num(), "高齢化率（75歳以上） as printed, in %."),
    ]), "Population figures from the index tables."),
    Field("report_page", Int(1, maximum=9999), "Report page where the case starts (ページ番号)."),
    Field("headline", Str(), "The case headline, verbatim."),
    Field("highlights", ListOf(Str(), 1), "The case's 〇 highlight bullets, verbatim."),
    Field("models", ListOf(Obj([
        Field("code", Str(), "Model code: " + " ".join(MODEL_CODES) + "."),
        Field("label", Str(), "Text printed for this region in the model's list entry."),
        Field("page", Int(1, maximum=9999), "Page printed with the list entry (→P.)."),
        Field("figure_label", Str(), "Text of the callout inside the model figure.", required=False),
        Field("figure_page", Int(1, maximum=9999), "Page printed with the figure callout.", required=False),
        Field("note", Str(), "A ※ remark printed with the entry.", required=False),
    ]), 1), "Collaboration models the case appears under."),
    Field("ict_systems", ListOf(Str()), "Named ICT systems the case uses."),
    Field("survey", Obj([
        Field("organisation", Str(), "団体名 in the surveyed-clinics table."),
        Field("target", Str(), "対象となる病院／診療所, as printed."),
        Field("clinics", Int(0), "Clinics asked (調査対象数)."),
        Field("hospitals", Int(0), "Hospitals asked (調査対象数)."),
        Field("not_surveyed_reason", Str(nullable=True), "Why the region was not surveyed, or null."),
        Field("respondent_area", Str(nullable=True), "Column label in the 回答者数 table, or null."),
        Field("respondents", Int(0), "Clinics that answered (回答者数)."),
    ]), "Who was surveyed and how many answered."),
    Field("diagram", DIAGRAM, "The case diagram as actors and links."),
    Field("source_notes", SOURCE_NOTES, "Inconsistencies or garbles in the source for this region."),
])

MODEL = Obj([
    Field("code", OneOf(MODEL_CODES), "Model code as printed."),
    Field("slug", Str(pattern=r"[vh]-[a-z0-9]+", pattern_help="a URL code like v-b2 or h-a1"), "URL code."),
    Field("axis", OneOf(("vertical", "horizontal")), "vertical (病診連携) or horizontal (診診・多職種連携)."),
    Field("title", Str(), "Title as printed after the code."),
    Field("diagram", DIAGRAM, "The model figure as actors and links."),
    Field("source_notes", SOURCE_NOTES, "Inconsistencies or garbles in the source for this model."),
])

QUOTE = Obj([
    Field("text", Str(), "The prose fragment, verbatim."),
    Field("value", Num(), "The figure it quotes."),
    Field("unit", Str(), "Its unit."),
])

SURVEY_TABLE = Obj([
    Field("id", Str(pattern=r"s[1-7](?:-[0-9]+[a-z]?)?", pattern_help="an id like s2-1 or s3-2b"), "Table id; CSV file stem."),
    Field("section", Str(), "Section heading, e.g. （２）診療所の施設概要."),
    Field("number", Str(nullable=True), "Item number within the section (①…), or null."),
    Field("title", Str(), "Title as printed."),
    Field("n", Int(0, nullable=True), "Number of respondents (n=) as printed, or null where none is printed."),
    Field("answer", OneOf(("single", "multiple", "numeric")), "single answer, multiple answers, or numeric figures."),
    Field("kind", OneOf(("counts", "percents", "stats", "values")), "Shape of the CSV."),
    Field("chart", OneOf(("bar", "stacked-bar", "grouped-bar", "table")), "How the report draws it."),
    Field("series", ListOf(Str()), "Series labels, in order (empty for stats tables)."),
    Field("unit", Str(), "Unit of the figures."),
    Field("csv", Str(pattern=r"[a-z0-9-]+\.csv", pattern_help="a CSV file name like s2-1.csv"), "CSV file in survey/."),
    Field("quoted", ListOf(QUOTE), "Figures the prose quotes about this table."),
    Field("notes", ListOf(Str()), "Remarks printed with the table (※…)."),
    Field("source_notes", SURVEY_SOURCE_NOTES, "Inconsistencies or garbles in the source for this table.", required=False),
    Field("source_lines", Str(), "Lines of the seed text the table was read from."),
    Field("prose", Str(), "The paragraph that introduces the table, verbatim.", required=False),
    Field("derivation", Str(), "How a local survey derives this table from the questions it comes from (Japanese).", required=False),
])

FREE_TEXT = ListOf(Obj([
    Field("category", Str(), "分類（特徴）."),
    Field("opinions", ListOf(Str(), 1), "具体的意見, verbatim."),
]), 1)

PAGE = Obj([
    Field("title", Str(), "Page title."),
    Field("slug", Str(pattern=r"[a-z0-9-]+", pattern_help="a slug of lower-case ASCII letters, digits or -"), "Page name."),
    Field("description", Str(), "One-sentence summary for the meta description."),
    Field("order", Int(0), "Position on the about page."),
])

# Columns every survey CSV kind must have, in order.
CSV_COLUMNS = {
    "counts": ("item", "series", "count"),
    "percents": ("item", "series", "percent"),
    "stats": ("item", "n", "mean", "median", "min", "max"),
    "values": ("item", "series", "value", "printed"),
}

# Addresses under /regions/ that the site itself uses (render.py writes its pages there from these names): a region
# with such a slug would overwrite the page or be overwritten by it, so validate.py refuses it.
PRINT_SLUG = "print"
BY_PREFIX = "by-"
RESERVED_REGION_SLUGS = {PRINT_SLUG: "/regions/print/ is the print document of selected cases"}
RESERVED_REGION_PREFIXES = {BY_PREFIX: "/regions/by-…/ are the index pages sorted by one figure"}


DOCUMENTED = {"regions/NN-slug.yaml": REGION, "content/models.yaml (each item)": MODEL,
              "survey/tables.yaml (each item)": SURVEY_TABLE, "content/*.md front matter": PAGE,
              "survey/free-text-s6-8.yaml (each item)": FREE_TEXT.item}


def region_json_schema() -> dict:
    schema = REGION.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "在宅医療連携モデル 事例集: region file"
    return schema


def field_reference() -> str:
    """Markdown tables documenting every field; README embeds this text."""
    out = []
    for title, spec in DOCUMENTED.items():
        out.append(f"#### `{title}`\n\n| field | type | required | meaning |\n|---|---|---|---|")
        for name, f in spec.fields(""):
            out.append(f"| `{name}` | {f.type.expected} | {'yes' if f.required else 'no'} | {f.help} |")
        out.append("")
    return "\n".join(out)
