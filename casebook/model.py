"""The casebook as frozen objects. Derived values are computed once, here."""
from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:  # pandas is imported only where a frame is asked for (the local-survey tally)
    import pandas as pd


@dataclass(frozen=True)
class SourceNote:
    field: str  # empty for survey tables, whose notes concern the whole table
    note: str  # for editors; listed on /data/
    reader: Optional[str]  # for readers; None where the note records only editing work


@dataclass(frozen=True)
class Actor:
    id: str
    label: str


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    # The label as the report prints it, one item per printed line or bullet (empty when the link has none): the
    # lines are shown apart, as printed, never joined into a string the report does not contain.
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Diagram:
    title: Optional[str]
    actors: tuple[Actor, ...]
    links: tuple[Link, ...]
    notes: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.actors

    def label_of(self, actor_id: str) -> str:
        return next(a.label for a in self.actors if a.id == actor_id)


@dataclass(frozen=True)
class Population:
    total: int
    aged_65_plus: int
    aged_75_plus: int
    rate_65_printed: float
    rate_75_printed: float

    @property
    def rate_65(self) -> float:
        return self.aged_65_plus / self.total * 100

    @property
    def rate_75(self) -> float:
        return self.aged_75_plus / self.total * 100


def round_half_up(value: float, digits: int = 1) -> float:
    # Japanese statistics round half up; Python's round() rounds half to even.
    factor = 10 ** digits
    return math.floor(value * factor + 0.5 + 1e-9) / factor


@dataclass(frozen=True)
class Membership:
    """A region's appearance under one model, with what the report prints there."""

    code: str
    label: str
    page: int
    figure_label: Optional[str]
    figure_page: Optional[int]
    note: Optional[str]


@dataclass(frozen=True)
class RegionSurvey:
    organisation: str
    target: str
    clinics: int
    hospitals: int
    not_surveyed_reason: Optional[str]
    respondent_area: Optional[str]
    respondents: int


@dataclass(frozen=True)
class Region:
    number: int
    slug: str
    name: str
    prefecture: str
    municipalities: tuple[str, ...]
    organisations: tuple[str, ...]
    population: Population
    report_page: int
    headline: str
    highlights: tuple[str, ...]
    models: tuple[Membership, ...]
    ict_systems: tuple[str, ...]
    survey: RegionSurvey
    diagram: Diagram
    source_notes: tuple[SourceNote, ...]
    path: str = ""

    @property
    def short_name(self) -> str:
        """The name without the organisations in brackets, e.g. 岩手県釜石市・大槌町."""
        return self.name.split("（", 1)[0] if "（" in self.name else self.name

    def memberships(self, axis_codes: tuple[str, ...]) -> tuple[Membership, ...]:
        return tuple(m for m in self.models if m.code in axis_codes)


@dataclass(frozen=True)
class CollaborationModel:
    code: str
    slug: str
    axis: str
    title: str
    diagram: Diagram
    source_notes: tuple[SourceNote, ...]
    regions: tuple[Region, ...] = ()  # derived from the region files

    @property
    def axis_label(self) -> str:
        return "垂直連携" if self.axis == "vertical" else "水平連携"


@dataclass(frozen=True)
class Quote:
    text: str
    value: float
    unit: str


@dataclass(frozen=True)
class Columns:
    """A table as plain Python values, column by column, rows in printed order. The site build reads survey
    tables only through these and never imports pandas; the local-survey tally asks for frames (frame())."""
    names: tuple[str, ...]
    values: tuple[tuple, ...]  # one tuple per column, in the order of names

    @classmethod
    def of(cls, columns: dict[str, list]) -> Columns:
        return cls(tuple(columns), tuple(tuple(v) for v in columns.values()))

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> Columns:
        return cls.of({str(c): frame[c].tolist() for c in frame.columns})

    def __getitem__(self, name: str) -> tuple:
        try:
            return self.values[self.names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def rows(self) -> list[dict[str, Any]]:
        return [dict(zip(self.names, row)) for row in zip(*self.values)]

    def frame(self) -> pd.DataFrame:
        import pandas as pd
        return pd.DataFrame({n: list(v) for n, v in zip(self.names, self.values)}, columns=list(self.names))


@dataclass(frozen=True)
class SurveyTable:
    id: str
    section: str
    number: Optional[str]
    title: str
    n: int
    answer: str
    kind: str
    chart: str
    series: tuple[str, ...]
    unit: str
    csv: str
    quoted: tuple[Quote, ...]
    notes: tuple[str, ...]
    source_lines: str
    prose: Optional[str]
    figures: Columns = field(compare=False, hash=False, repr=False)  # typed: numbers as numbers, None where blank
    cells: Columns = field(compare=False, hash=False, repr=False)  # every cell as printed
    source_notes: tuple[SourceNote, ...] = ()
    derivation: Optional[str] = None  # how a local survey derives this table from other questions

    @functools.cached_property
    def data(self) -> pd.DataFrame:
        """figures as a DataFrame, for tallying a local survey (imports pandas)."""
        return self.figures.frame()

    @functools.cached_property
    def printed(self) -> pd.DataFrame:
        """cells as a DataFrame (imports pandas)."""
        return self.cells.frame()

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.figures["item"]))

    @property
    def printed_notes(self) -> tuple[str, ...]:
        return self.notes

    @property
    def section_number(self) -> int:
        return int(self.id[1])


@dataclass(frozen=True)
class FreeTextGroup:
    category: str
    opinions: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    description: str
    order: int
    body_markdown: str
    path: str = ""


@dataclass(frozen=True)
class Site:
    regions: tuple[Region, ...]
    models: tuple[CollaborationModel, ...]
    survey: tuple[SurveyTable, ...]
    free_text: tuple[FreeTextGroup, ...]
    pages: tuple[Page, ...]

    def region(self, slug: str) -> Region:
        return self._by_slug[slug]  # KeyError like next() raising StopIteration: callers pass known slugs

    @functools.cached_property
    def _by_slug(self) -> dict[str, Region]:
        return {r.slug: r for r in self.regions}

    def model(self, code: str) -> CollaborationModel:
        return next(m for m in self.models if m.code == code)

    def rank(self, region: Region, key: str) -> int:
        """1-based rank among all regions, largest first; ties share the better rank."""
        values = self._sorted_measures[key]  # ascending; rank = 1 + how many are larger
        return 1 + len(values) - bisect.bisect_right(values, _measure(region, key))

    @functools.cached_property
    def _sorted_measures(self) -> dict[str, list]:
        # Sorted once per site, so ranking every region is O(n log n) rather than O(n²).
        return {key: sorted(measure(r) for r in self.regions) for key, measure in MEASURES.items()}


MEASURES = {
    "total": lambda r: r.population.total,
    "aged65": lambda r: r.population.aged_65_plus,
    "aged75": lambda r: r.population.aged_75_plus,
    "rate65": lambda r: r.population.rate_65_printed,
    "rate75": lambda r: r.population.rate_75_printed,
}


def _measure(region: Region, key: str):
    return MEASURES[key](region)
