"""Raw records → typed model, with every check, reporting all errors at once."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from . import schema
from .errors import DataInvalid, ErrorReport, quote
from .load import Node, ParsedFiles, invisible_characters, read_csv, read_markdown, read_yaml
from .model import (Actor, CollaborationModel, Columns, Diagram, FreeTextGroup, Link, Membership, Page, Population, Quote,
                    Region, RegionSurvey, Site, SourceNote, SurveyTable, round_half_up)
from .text import artifacts_in, markdown_problems

REGION_FILE = re.compile(r"(\d{2,})-([a-z0-9-]+)\.yaml")  # NN-slug; more digits past case 99
EXPECTED_REGIONS = 14
RESPONDENTS_TABLE = "s1"


def load_site(root: Path, expected_regions: int | None = EXPECTED_REGIONS, parsed: ParsedFiles | None = None) -> Site:
    """Read and check every source file under *root*; raise DataInvalid listing all problems."""
    report = ErrorReport(Path(root))
    site = read_site(Path(root), report, expected_regions, parsed)
    if report:
        raise DataInvalid(report)
    return site


def read_site(root: Path, report: ErrorReport, expected_regions: int | None = EXPECTED_REGIONS,
              parsed: ParsedFiles | None = None) -> Site:
    """Every source file under *root* read and checked, its problems added to *report*; the site is meaningful
    only when the report stays empty (the caller may add checks of its own, e.g. the templates, before raising).
    *parsed*: YAML trees kept from an earlier read (serve), reused for files whose text is unchanged."""
    models = _load_models(root / "content" / "models.yaml", report, complete=expected_regions is not None,
                          parsed=parsed)
    # With a broken taxonomy file, judge region codes against the fixed list rather than report every code.
    known_codes = {m["code"] for m in models} or set(schema.MODEL_CODES)
    region_nodes: dict[str, Node] = {}
    regions = _load_regions(root / "regions", report, expected_regions, known_codes, nodes=region_nodes,
                            parsed=parsed)
    pages = _load_pages(root / "content", report)
    n_lines: dict[str, int] = {}  # table id -> line of its n in tables.yaml
    survey = _load_survey(root / "survey", report, n_lines=n_lines, parsed=parsed)
    free_text = _load_free_text(root / "survey" / "free-text-s6-8.yaml", report, parsed)
    # A region file that could not be read is already reported; cross-checks over the other regions
    # would only add knock-on errors (a respondents total short by its count, a model left without regions).
    all_regions_loaded = _all_loaded(regions, root)
    if all_regions_loaded:
        _check_survey_against_regions(regions, survey, root / "survey" / "tables.yaml", report, region_nodes, n_lines)
    built_models = _attach_regions(models, regions if all_regions_loaded else [], root / "content" / "models.yaml",
                                   report)
    return Site(regions=tuple(sorted(regions, key=lambda r: r.number)), models=built_models, survey=tuple(survey),
                free_text=tuple(free_text), pages=tuple(sorted(pages, key=lambda p: (p.order, p.slug))))


def _all_loaded(regions: list[Region], root: Path) -> bool:
    return len(regions) == len(list((root / "regions").glob("*.yaml")))


# ---------------------------------------------------------------- text hygiene

def _check_clean_text(node: Node, where: str, path: Path, report: ErrorReport) -> None:
    """Stored text must be clean: PDF artifact characters are errors, not data."""
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            _check_clean_text(child, f"{where}.{key}" if where else key, path, report)
    elif isinstance(node.value, list):
        for i, child in enumerate(node.value):
            _check_clean_text(child, f"{where}[{i}]", path, report)
    elif isinstance(node.value, str):
        bad = artifacts_in(node.value)
        if bad:
            report.add(path, node.line, where, "expected clean text without PDF artifact characters, found "
                       + ", ".join(f"'{c}' (U+{ord(c):04X})" for c in bad))


def _notes_about(notes: tuple[SourceNote, ...], prefix: str) -> bool:
    return any(n.field == prefix or n.field.startswith(prefix + ".") for n in notes)


# ---------------------------------------------------------------- diagrams

def _diagram(raw: dict | None, node: Node, where: str, path: Path, report: ErrorReport) -> Diagram:
    raw = raw or {}
    actors = tuple(Actor(a["id"], a["label"]) for a in (raw.get("actors") or []) if a and a["id"] and a["label"])
    ids = Counter(a.id for a in actors)
    diagram_node = node.value.get("diagram") if isinstance(node.value, dict) else None
    for actor_id, count in ids.items():
        if count > 1:
            report.add(path, diagram_node.line if diagram_node else node.line, f"{where}.actors",
                       f"expected unique actor ids, found '{actor_id}' {count} times")
    links = []
    link_nodes = _child(diagram_node, "links")
    for i, link in enumerate(raw.get("links") or []):
        if not link or not link["from"] or not link["to"]:
            continue
        line = link_nodes.value[i].line if link_nodes and i < len(link_nodes.value) else node.line
        for end in ("from", "to"):
            if link[end] not in ids:
                report.add(path, line, f"{where}.links[{i}].{end}",
                           f"expected the id of an actor in this diagram, got {quote(link[end])}")
        links.append(Link(link["from"], link["to"], link.get("label") or ()))
    return Diagram(raw.get("title"), actors, tuple(links), tuple(x for x in (raw.get("notes") or []) if x))


def _child(node: Node | None, key: str) -> Node | None:
    if node is None or not isinstance(node.value, dict):
        return None
    return node.value.get(key)


def _source_notes(raw: list | None) -> tuple[SourceNote, ...]:
    return tuple(SourceNote(n.get("field") or "", n["note"], n["reader"] or None)
                 for n in (raw or []) if n and n["note"] and n.get("field", "-"))


# ---------------------------------------------------------------- regions

def _load_regions(folder: Path, report: ErrorReport, expected: int | None, model_codes: set[str],
                  nodes: dict[str, Node] | None = None, parsed: ParsedFiles | None = None) -> list[Region]:
    regions: list[Region] = []
    nodes = {} if nodes is None else nodes  # region.path -> parsed tree, for line numbers in later checks
    files = sorted(folder.glob("*.yaml"))
    if not files:
        report.add(folder, None, "", "expected region files named NN-slug.yaml, found none")
    for path in files:
        match = REGION_FILE.fullmatch(path.name)
        if not match:
            report.add(path, None, "", f"expected a file name like 04-itabashi.yaml, got {path.name!r}")
            continue
        node = read_yaml(path, report, parsed)
        if node is None:
            continue
        raw = schema.REGION.check(node, "", path, report)
        _check_clean_text(node, "", path, report)
        if raw is None:
            continue
        region = _region(raw, node, path, report, model_codes)
        if region is None:
            continue
        if region.number != int(match.group(1)):
            report.add(path, _line(node, "number"), "number",
                       f"expected {int(match.group(1))} to match the file name, got {region.number}")
        if region.slug != match.group(2):
            report.add(path, _line(node, "slug"), "slug", f"expected {match.group(2)!r} to match the file name, got {region.slug!r}")
        if region.slug in schema.RESERVED_REGION_SLUGS:
            report.add(path, _line(node, "slug"), "slug", f"expected a slug other than {region.slug!r} "
                       f"({schema.RESERVED_REGION_SLUGS[region.slug]}), got {region.slug!r}")
        for prefix, why in schema.RESERVED_REGION_PREFIXES.items():
            if region.slug.startswith(prefix):
                report.add(path, _line(node, "slug"), "slug", f"expected a slug not starting with {prefix!r} ({why}), got {region.slug!r}")
        regions.append(region)
        nodes[region.path] = node
    for key in ("number", "slug"):
        seen: dict[Any, Region] = {}
        for region in regions:
            value = getattr(region, key)
            if value in seen:
                report.add(region.path, _line(nodes[region.path], key), key,
                           f"expected a unique {key}, but {value!r} is also used by {seen[value].path}")
            else:
                seen[value] = region
    if expected is not None and len(files) != expected:
        report.add(folder, None, "", f"expected {expected} region files, found {len(files)}")
    return regions


def _line(node: Node, *keys: str) -> int:
    for key in keys:
        child = _child(node, key)
        if child is None:
            return node.line
        node = child
    return node.line


def _region(raw: dict, node: Node, path: Path, report: ErrorReport, model_codes: set[str]) -> Region | None:
    notes = _source_notes(raw["source_notes"])
    pop = raw["population"]
    population = None
    if pop and None not in pop.values():
        population = Population(**pop)
        if pop["aged_65_plus"] > pop["total"]:
            report.add(path, _line(node, "population", "aged_65_plus"), "population.aged_65_plus",
                       f"expected at most the total population ({pop['total']}), got {pop['aged_65_plus']}")
        if pop["aged_75_plus"] > pop["aged_65_plus"]:
            report.add(path, _line(node, "population", "aged_75_plus"), "population.aged_75_plus",
                       f"expected at most the people aged 65+ ({pop['aged_65_plus']}), got {pop['aged_75_plus']}")
        for rate, aged in (("rate_65_printed", "aged_65_plus"), ("rate_75_printed", "aged_75_plus")):
            if pop[aged] > pop["total"]:
                continue  # reported above; no rate to reproduce
            computed = round_half_up(pop[aged] / pop["total"] * 100)
            if abs(computed - pop[rate]) > 1e-9 and not _notes_about(notes, f"population.{rate}"):
                report.add(path, _line(node, "population", rate), f"population.{rate}",
                           f"expected {computed:.1f} ({aged} / total, to one decimal), got {pop[rate]}; "
                           "if the report prints it so, keep it and add a source note")
    memberships = []
    model_nodes = _child(node, "models")
    seen_codes: set[str] = set()
    for i, m in enumerate(raw["models"] or []):
        if not m or not m["code"]:
            continue
        line = model_nodes.value[i].line if model_nodes else node.line
        if m["code"] not in model_codes:
            report.add(path, line, f"models[{i}].code",
                       f"expected a known model code ({' '.join(schema.MODEL_CODES)}), got {quote(m['code'])}")
        if m["code"] in seen_codes:
            report.add(path, line, f"models[{i}].code", f"expected each model once, found {m['code']!r} again")
        seen_codes.add(m["code"])
        memberships.append(Membership(m["code"], m["label"], m["page"], m.get("figure_label"), m.get("figure_page"), m.get("note")))
    diagram = _diagram(raw["diagram"], node, "diagram", path, report)
    s = raw["survey"]
    if population is None or s is None or None in [s[k] for k in ("organisation", "target", "clinics", "hospitals", "respondents")]:
        return None
    if None in (raw["number"], raw["slug"], raw["name"], raw["headline"], raw["report_page"]):
        return None
    return Region(
        number=raw["number"], slug=raw["slug"], name=raw["name"], prefecture=raw["prefecture"] or "",
        municipalities=tuple(x for x in raw["municipalities"] or [] if x),
        organisations=tuple(x for x in raw["organisations"] or [] if x),
        population=population, report_page=raw["report_page"], headline=raw["headline"],
        highlights=tuple(x for x in raw["highlights"] or [] if x), models=tuple(memberships),
        ict_systems=tuple(x for x in raw["ict_systems"] or [] if x), survey=RegionSurvey(**s),
        diagram=diagram, source_notes=notes, path=report._display(path),
    )


# ---------------------------------------------------------------- models

def _load_models(path: Path, report: ErrorReport, complete: bool = True, parsed: ParsedFiles | None = None
                 ) -> list[dict]:
    node = read_yaml(path, report, parsed) if path.exists() else None
    if not path.exists():
        report.add(path, None, "", "expected the model taxonomy file, found none")
    if node is None:
        return []
    raw = schema.ListOf(schema.MODEL, 1).check(node, "", path, report)
    _check_clean_text(node, "", path, report)
    out = []
    for i, m in enumerate(raw or []):
        if not m or None in (m["code"], m["slug"], m["axis"], m["title"]):
            continue
        m = dict(m)
        m["_line"] = node.value[i].line
        m["_diagram"] = _diagram(m["diagram"], node.value[i], f"[{i}].diagram", path, report)
        out.append(m)
    for key in ("code", "slug"):
        counts = Counter(m[key] for m in out)
        for m in out:
            if counts[m[key]] > 1:
                report.add(path, m["_line"], key, f"expected a unique {key}, found {m[key]!r} {counts[m[key]]} times")
    missing = [c for c in schema.MODEL_CODES if c not in {m["code"] for m in out}]
    if complete and out and missing:
        report.add(path, None, "code", f"expected all 19 model codes, missing {' '.join(missing)}")
    for m in out:
        expected_axis = "vertical" if m["code"] in schema.VERTICAL_CODES else "horizontal"
        if m["axis"] != expected_axis:
            report.add(path, m["_line"], "axis", f"expected {expected_axis} for model {m['code']}, got {m['axis']!r}")
    return out


def _attach_regions(models: list[dict], regions: list[Region], path: Path, report: ErrorReport) -> tuple[CollaborationModel, ...]:
    order = {c: i for i, c in enumerate(schema.MODEL_CODES)}
    built = []
    for m in sorted(models, key=lambda m: order.get(m["code"], 99)):
        members = tuple(sorted((r for r in regions if any(x.code == m["code"] for x in r.models)), key=lambda r: r.number))
        if regions and not members:
            report.add(path, m["_line"], f"{m['code']}",
                       "expected at least one region to list this model under models, found none")
        built.append(CollaborationModel(m["code"], m["slug"], m["axis"], m["title"], m["_diagram"],
                                        _source_notes(m["source_notes"]), members))
    return tuple(built)


# ---------------------------------------------------------------- survey

def _load_survey(folder: Path, report: ErrorReport, n_lines: dict[str, int] | None = None,
                 parsed: ParsedFiles | None = None) -> list[SurveyTable]:
    n_lines = {} if n_lines is None else n_lines  # table id -> line of its n in tables.yaml
    meta_path = folder / "tables.yaml"
    if not meta_path.exists():
        report.add(meta_path, None, "", "expected the survey metadata file, found none")
        return []
    node = read_yaml(meta_path, report, parsed)
    if node is None:
        return []
    raw = schema.ListOf(schema.SURVEY_TABLE, 1).check(node, "", meta_path, report)
    _check_clean_text(node, "", meta_path, report)
    tables: list[SurveyTable] = []
    ids = Counter(t["id"] for t in raw or [] if t)
    listed = set()
    for i, t in enumerate(raw or []):
        if t and t["csv"]:
            listed.add(t["csv"])  # even when another field of the entry is broken
        if not t or None in (t["id"], t["csv"], t["kind"], t["series"]) or None in t["series"]:
            continue
        line = node.value[i].line
        n_lines[t["id"]] = _line(node.value[i], "n")
        if ids[t["id"]] > 1:
            report.add(meta_path, line, f"[{i}].id", f"expected a unique table id, found {t['id']!r} {ids[t['id']]} times")
        if t["csv"] != f"{t['id']}.csv":
            report.add(meta_path, line, f"[{i}].csv", f"expected {t['id']}.csv (the id plus .csv), got {t['csv']!r}")
        table = _survey_table(t, folder / t["csv"], meta_path, line, report)
        if table is not None:
            tables.append(table)
    for csv_path in sorted(folder.glob("*.csv")) if raw is not None else ():
        if csv_path.name not in listed:
            report.add(csv_path, None, "", "expected every survey CSV to be listed in survey/tables.yaml, this one is not")
    return tables


# A figure as the report prints one: ASCII digits, a minus sign, a decimal point. int() and float() also take
# 1_000, full-width and Arabic-Indic digits, spaces, 1e3, NaN and inf, each a typing mistake in these files.
_FIGURE = re.compile(r"-?\d+(\.\d+)?", re.ASCII)


def _number(cell: str, integer: bool) -> float | int | None:
    match = _FIGURE.fullmatch(cell)
    if match is None or (integer and match.group(1)):
        return None
    value = int(cell) if integer else float(cell)
    return None if value == 0 and cell.startswith("-") else value  # -0 is no figure the report prints


def _survey_table(t: dict, csv_path: Path, meta_path: Path, meta_line: int, report: ErrorReport) -> SurveyTable | None:
    if not csv_path.exists():
        report.add(meta_path, meta_line, "csv", f"expected the file survey/{csv_path.name} to exist, found none")
        return None
    source = read_csv(csv_path, report)
    if source is None:
        return None
    printed = source.columns
    columns = schema.CSV_COLUMNS[t["kind"]]
    missing = [c for c in columns if c not in printed]
    extra = [c for c in printed if c not in columns]
    if missing or extra:
        report.add(csv_path, 1, "header", f"expected columns {','.join(columns)} for kind {t['kind']}, "
                   + (f"missing {','.join(missing)}" if missing else "") + ("; " if missing and extra else "")
                   + (f"unexpected {','.join(extra)}" if extra else ""))
        return None
    typed = dict(printed)
    ok = True
    numeric = {"counts": {"count": True}, "percents": {"percent": False},
               "stats": {"n": True, "mean": False, "median": False, "min": False, "max": False},
               "values": {"value": False}}[t["kind"]]
    for column, integer in numeric.items():
        values = []
        for idx, cell in enumerate(printed[column]):
            cell = cell.strip()
            if t["kind"] == "values" and cell == "":
                values.append(None)
                continue
            value = _number(cell, integer)
            if value is None or value < 0:
                report.add(csv_path, source.line_of(idx), column,
                           f"expected a {'whole number' if integer else 'number'} ≥ 0, got {cell!r}")
                ok = False
            values.append(value)
        typed[column] = values
    for idx, cell in enumerate(printed["item"]):
        bad = artifacts_in(cell)
        if not cell.strip():
            report.add(csv_path, source.line_of(idx), "item", "expected an item label, got an empty cell")
            ok = False
        elif bad:
            report.add(csv_path, source.line_of(idx), "item",
                       "expected clean text without PDF artifact characters, found " + ", ".join(repr(c) for c in bad))
    if "series" in printed and not t["series"]:
        report.add(meta_path, meta_line, "series", f"expected at least one series label for kind {t['kind']}, got none")
        return None
    if "series" in printed:
        unknown = sorted(set(printed["series"]) - set(t["series"]))
        if unknown:
            first = next(idx for idx, s in enumerate(printed["series"]) if s in unknown)
            report.add(csv_path, source.line_of(first), "series",
                       f"expected only the series listed in tables.yaml ({', '.join(t['series'])}), "
                       f"found {', '.join(repr(u) for u in unknown)}")
            ok = False
    if not ok:
        return None
    table = SurveyTable(
        id=t["id"], section=t["section"], number=t["number"], title=t["title"], n=t["n"], answer=t["answer"],
        kind=t["kind"], chart=t["chart"], series=tuple(t["series"]), unit=t["unit"], csv=t["csv"],
        quoted=tuple(Quote(q["text"], q["value"], q["unit"]) for q in t["quoted"] or [] if q),
        notes=tuple(x for x in t["notes"] or [] if x), source_lines=t["source_lines"], prose=t.get("prose"),
        figures=Columns.of(typed), cells=Columns.of(printed), source_notes=_source_notes(t.get("source_notes")),
        derivation=t.get("derivation"))
    if table.kind == "counts" and table.n is not None and not table.source_notes:
        if table.answer == "single":
            # One answer per respondent: either all cells together add up to n (one question, its answers
            # possibly split by respondent group), or each item's row does (one stacked bar per question).
            counts = typed["count"]
            total = sum(counts)
            rows: dict[str, int] = {}
            for item, count in zip(typed["item"], counts):
                rows[item] = rows.get(item, 0) + count
            if total != table.n and not all(row == table.n for row in rows.values()):
                off = [f"{item} {row}" for item, row in rows.items() if row != table.n]
                report.add(csv_path, None, "count", f"expected the counts to add up to n={table.n} (single answer), "
                           f"got {total} in all" + (f" and per item {', '.join(off[:3])}{'…' if len(off) > 3 else ''}"
                                                    if len(rows) > 1 and len(set(typed['series'])) > 1 else "")
                           + "; if the report prints it so, add a source_notes entry in tables.yaml")
        else:
            for idx, count in enumerate(typed["count"]):
                if count > table.n:
                    report.add(csv_path, source.line_of(idx), "count",
                               f"expected at most n={table.n}, got {count}; if printed so, add a source_notes entry in tables.yaml")
    return table


def _check_survey_against_regions(regions: list[Region], tables: list[SurveyTable], meta_path: Path, report: ErrorReport,
                                  region_nodes: dict[str, Node] | None = None, n_lines: dict[str, int] | None = None) -> None:
    region_nodes, n_lines = region_nodes or {}, n_lines or {}

    def line(region: Region, key: str) -> int | None:
        node = region_nodes.get(region.path)
        return None if node is None else _line(node, "survey", key)
    table = next((t for t in tables if t.id == RESPONDENTS_TABLE), None)
    if table is None or not regions:
        return
    counts = dict(zip(table.figures["item"], table.figures["count"]))
    total = sum(r.survey.respondents for r in regions) + counts.get("無回答", 0)
    if total != table.n:
        report.add(meta_path, n_lines.get(RESPONDENTS_TABLE), f"{RESPONDENTS_TABLE}.n",
                   f"expected the regions' respondents plus 無回答 to add up to n={table.n}, got {total}")
    for region in regions:
        area = region.survey.respondent_area
        if area is None:
            if region.survey.respondents:
                report.add(region.path, line(region, "respondents"), "survey.respondents",
                           f"expected 0 when survey.respondent_area is null, got {region.survey.respondents}")
            continue
        if area not in counts:
            report.add(region.path, line(region, "respondent_area"), "survey.respondent_area",
                       f"expected an item of survey/{table.csv} ({', '.join(map(str, counts))}), got {area!r}")
        elif counts[area] != region.survey.respondents:
            report.add(region.path, line(region, "respondents"), "survey.respondents",
                       f"expected {counts[area]} as in survey/{table.csv} for {area}, got {region.survey.respondents}")


def _load_free_text(path: Path, report: ErrorReport, parsed: ParsedFiles | None = None) -> list[FreeTextGroup]:
    if not path.exists():
        report.add(path, None, "", "expected the free-text answers file, found none")
        return []
    node = read_yaml(path, report, parsed)
    if node is None:
        return []
    raw = schema.FREE_TEXT.check(node, "", path, report)
    _check_clean_text(node, "", path, report)
    return [FreeTextGroup(g["category"], tuple(o for o in g["opinions"] or [] if o)) for g in raw or [] if g and g["category"]]


# ---------------------------------------------------------------- pages

def _load_pages(folder: Path, report: ErrorReport) -> list[Page]:
    pages = []
    for path in sorted(folder.glob("*.md")):
        source = read_markdown(path, report)
        if source is None or source.front_matter is None:
            continue
        raw = schema.PAGE.check(source.front_matter, "", path, report)
        _check_clean_text(source.front_matter, "", path, report)
        bad = artifacts_in(source.body)
        if bad:
            report.add(path, source.body_line, "body", "expected clean text without PDF artifact characters, found "
                       + ", ".join(repr(c) for c in bad))
        for offset, problem in markdown_problems(source.body):
            report.add(path, source.body_line + offset, "body", problem)
        for offset, line in enumerate(source.body.split("\n")):
            problem = invisible_characters(line)
            if problem:
                report.add(path, source.body_line + offset, "body", problem)
        if raw and None not in raw.values():
            pages.append(Page(raw["slug"], raw["title"], raw["description"], raw["order"], source.body, report._display(path)))
    slugs = Counter(p.slug for p in pages)
    for page in pages:
        if slugs[page.slug] > 1:
            report.add(page.path, 1, "slug", f"expected a unique page slug, found {page.slug!r} {slugs[page.slug]} times")
    return pages
