"""The two local-survey commands as pipelines: read and check everything, then hand back the files to write."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from jinja2 import Environment

from ..model import Site
from ..render import load_strings, make_environment
from .questionnaire import build_questionnaire


# libyaml's emitter writes the same text as the pure-Python one for these plain lists of strings, and quicker.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def template_files(site: Site, templates: Path, env: Environment | None = None) -> dict[str, bytes]:
    """*env*: the build's environment; without one (the survey-template command) one that writes no
    template cache, as the command writes nothing outside its output folder."""
    questions = build_questionnaire(site.survey)
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow([q.id for q in questions])
    env = env or make_environment(templates, bytecode_cache=False)
    readme = env.get_template("local_survey_readme.txt").render()
    return {
        "questionnaire.yaml": yaml.dump([q.as_yaml() for q in questions], Dumper=_DUMPER, allow_unicode=True,
                                        sort_keys=False, width=1000).encode("utf-8"),
        # The BOM makes Excel open the file as UTF-8 instead of the system code page.
        "responses.csv": b"\xef\xbb\xbf" + header.getvalue().encode("utf-8"),
        "README.txt": readme.replace("\n", "\r\n").encode("utf-8"),
    }


def tally_files(site: Site, templates: Path, responses_path: Path, region_label: str,
                month: str) -> tuple[dict[str, bytes], str]:
    """The files to write, and what was read (for the command's last line)."""
    # Imported here: tallying needs pandas, which the build (template_files) goes without (casebook/model.py, Columns).
    from .render import render_pages
    from .responses import read_responses
    from .tally import tally

    questions = build_questionnaire(site.survey)
    responses = read_responses(responses_path, questions)
    tallies = tally(list(site.survey), questions, responses)
    read = f"{responses.clinics:,} clinics ({responses.skipped:,} empty forms skipped) from {responses_path.name}"
    return render_pages(site, templates, tallies, responses, region_label, month), read
