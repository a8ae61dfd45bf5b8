"""Every page's address, made here and nowhere else: the page list (pages.py), the templates (the `urls` global),
the sitemap, the search documents and serve all take them from this module.

An address is relative to the site's root and ends in "/" for a folder page ("regions/usuki/"); the page's file
is that folder's index.html. The home page's address is ""."""
from __future__ import annotations

from .schema import BY_PREFIX, PRINT_SLUG

INDEX = "index.html"
NOT_FOUND = "404.html"  # a file, not a folder: hosts serve it for a missing address at any depth


def home() -> str:
    return ""


def regions() -> str:
    return "regions/"


def regions_by(key: str) -> str:
    """An index of the regions sorted by one figure (render.SORTED_PAGES)."""
    return f"regions/{BY_PREFIX}{key}/"


def region(slug: str) -> str:
    return f"regions/{slug}/"


def regions_print() -> str:
    return f"regions/{PRINT_SLUG}/"


def models() -> str:
    return "models/"


def model(slug: str) -> str:
    return f"models/{slug}/"


def survey() -> str:
    return "survey/"


def survey_section(number: int) -> str:
    return f"survey/s{number}/"


def survey_table(section_number: int, table_id: str) -> str:
    return f"{survey_section(section_number)}{INDEX}#{table_id}"


def survey_template() -> str:
    return "data/survey-template/"


def local_survey() -> str:
    """The page that tallies a region's own survey in the browser; its sheet and plan.js sit beside it."""
    return "survey/local/"


def local_survey_form() -> str:
    """The printable questionnaire of the local survey."""
    return "survey/local/questionnaire/"


def about(anchor: str = "") -> str:
    return "about/" + (f"{INDEX}#{anchor}" if anchor else "")


def data() -> str:
    return "data/"


def data_log() -> str:
    """The editors' record of every source note (field, what was printed where, what was done)."""
    return "data/log/"


def search() -> str:
    return "search/"


def similar() -> str:
    return "similar/"


def compare(slug: str | None = None) -> str:
    return f"compare/{slug}/" if slug else "compare/"


def file_of(url: str) -> str:
    """The output file of a page address: a folder's index.html."""
    return url + INDEX if url == "" or url.endswith("/") else url


def url_of(path: str) -> str:
    """The page address of an output file (the inverse of file_of)."""
    return path[: -len(INDEX)] if path == INDEX or path.endswith("/" + INDEX) else path
