"""Downloads: regions.csv, regions.json, models.json, survey CSVs and one zip, byte-identical per build."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import asdict, fields, is_dataclass

from .model import Site
from .schema import HORIZONTAL_CODES, VERTICAL_CODES
from .text import spreadsheet_safe

ZIP_DATE = (2018, 3, 31, 0, 0, 0)  # fixed so the archive is byte-identical on every build


def regions_rows(site: Site) -> list[dict]:
    rows = []
    for r in site.regions:
        p = r.population
        rows.append({
            "number": r.number, "slug": r.slug, "name": r.name, "prefecture": r.prefecture,
            "municipalities": "、".join(r.municipalities), "organisations": "、".join(r.organisations),
            "population_total": p.total, "aged_65_plus": p.aged_65_plus, "rate_65_printed": p.rate_65_printed,
            "aged_75_plus": p.aged_75_plus, "rate_75_printed": p.rate_75_printed,
            "vertical_models": " ".join(m.code for m in r.memberships(VERTICAL_CODES)),
            "horizontal_models": " ".join(m.code for m in r.memberships(HORIZONTAL_CODES)),
            "ict_systems": "、".join(r.ict_systems), "report_page": r.report_page,
            "survey_respondents": r.survey.respondents,
        })
    return rows


def regions_csv(site: Site) -> bytes:
    buffer = io.StringIO()
    rows = regions_rows(site)
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    # A BOM lets spreadsheet programs in Japan open the UTF-8 file correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def spreadsheet_safe_csv(content: bytes) -> bytes:
    """A survey CSV as shipped, unless a cell would run as a formula in a spreadsheet: then written again with
    that cell made text (spreadsheet_safe), every other cell as it was. Figures are never changed."""
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    safe = [[spreadsheet_safe(cell) for cell in row] for row in rows]
    if safe == rows:
        return content
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(safe)
    return buffer.getvalue().encode("utf-8")


def catalogue(files: dict[str, bytes]) -> dict[str, dict]:
    """What /data/ says of each download, keyed by its path under data/, as data catalogues do: size in bytes,
    whether a text file starts with a UTF-8 BOM, and a CSV's columns (its header row)."""
    out = {}
    for name, content in files.items():
        entry = {"size": len(content), "bom": content.startswith(BOM), "columns": []}
        if name.endswith(".csv"):
            entry["columns"] = next(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")), [])
        out[name] = entry
    return out


def with_bom(content: bytes) -> bytes:
    """The survey CSV as shipped, behind a UTF-8 BOM so Excel on Japanese Windows does not read it as Shift_JIS."""
    return content if content.startswith(BOM) else BOM + content


BOM = "\ufeff".encode("utf-8")


def _dump(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def regions_json(site: Site) -> bytes:
    out = []
    for r in site.regions:
        d = asdict(r)
        d.pop("path", None)
        out.append(d)
    return _dump(out)


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def models_json(site: Site) -> bytes:
    out = []
    for m in site.models:
        # Field by field: asdict(m) would copy every region of the model only for it to be replaced by its slug.
        d = {f.name: [r.slug for r in m.regions] if f.name == "regions" else _plain(getattr(m, f.name))
             for f in fields(m)}
        d["memberships"] = [
            {"region": r.slug, **asdict(next(x for x in r.models if x.code == m.code))} for r in m.regions]
        out.append(d)
    return _dump(out)


def data_files(site: Site, raw_survey: dict[str, bytes]) -> dict[str, bytes]:
    """Every download, keyed by its path under data/."""
    files = {"regions.csv": regions_csv(site), "regions.json": regions_json(site), "models.json": models_json(site)}
    for name, content in sorted(raw_survey.items()):
        files[f"survey/{name}"] = with_bom(spreadsheet_safe_csv(content)) if name.endswith(".csv") else content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            info = zipfile.ZipInfo(f"casebook-data/{name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    files["casebook-data.zip"] = buffer.getvalue()
    return files
