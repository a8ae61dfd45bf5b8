"""Mutation-testing benchmark (issue 15), never part of CI: how many small planted bugs the fast tests catch.

    .venv/bin/python bench/mutation.py                      # every module below, then the hand-written mutants
    .venv/bin/python bench/mutation.py --module write       # one module (repeatable), then the hand-written mutants
    .venv/bin/python bench/mutation.py --hand-only          # only the hand-written template / JS / planted-bug mutants
    .venv/bin/python bench/mutation.py --tenth --no-hand    # a deterministic tenth of every module's mutants (…7)
    .venv/bin/python bench/mutation.py --module model --mutant 'casebook.model.x_round_half_up__mutmut_3'
                                                            # re-run chosen mutants (e.g. to confirm a new test kills one)
    .venv/bin/python bench/mutation.py --dry-run            # what would run; checks every hand mutant still applies

Python: mutmut 3 (pinned in pyproject.toml's `mutation` extra, installed by this script into .venv-mutation/) mutates
each module of MODULES in its own copy of the project under bench/out/mutation/python/ and runs, for each mutant, only
the tests of that module's list that reach the mutated function (forked, `nice -n 15`, two children: the machine is
shared). A test reaches a function also through the module- or session-scoped fixtures it uses (see
bench/mutmut_fixture_hits.py), and the lists hold tests that exercise the module directly or on the 2-region mini
fixture: mutmut starts a fresh pytest session per mutant, so a test that builds the real site costs every mutant it
reaches a full build.
Templates and JS have no mutation tool: HAND lists mutants written by hand, each applied to its own copy of the
project and run against the tests named with it (browser tests included where the behaviour lives in the browser).
Prints the kill ratio per module and every surviving mutant; BENCHMARKS.md records the figures and why each
survivor is equivalent or which test now kills it.
"""
from __future__ import annotations

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "mutation"
VENV = ROOT / ".venv-mutation"
COPY = ("casebook", "tests", "regions", "content", "survey", "templates", "static", "source", "build.py", ".gitignore", "README.md",
        "pyproject.toml", "package.json", "regions.schema.json")
NICE = ["nice", "-n", "15"]
# Tests that run a copy of casebook in a subprocess from another folder: mutmut's trampolines there look for
# [tool.mutmut] in that folder and fail, so under mutmut they would fail for every mutant. Left out of the run.
SUBPROCESS_ELSEWHERE = ("test_out_refuses_the_project_its_parents_and_its_sources", "test_root_and_out_the_same_folder_is_refused",
                        "test_check_and_build_report_template_errors_without_a_traceback")

# Module → the fast, non-browser tests that cover it. The site-level tests run on the 2-region mini fixture
# ([mini] and the golden test): mutmut starts a fresh pytest session per mutant, so a test that builds the real
# site costs every mutant of every function it reaches a full build.
MINI = [f"tests/test_numbers.py::{name}[mini]" for name in (
    "test_figures_tables_show_the_csv_counts_and_shares_rounded_half_up", "test_charts_print_the_csv_counts_and_shares_rounded_half_up",
    "test_survey_csv_downloads_hold_the_figures_the_pages_show",
    "test_region_figures_on_case_pages_table_and_csv_are_the_counts_and_their_rates")]
GOLDEN = ["tests/test_site.py::test_fixture_site_matches_golden_output", "tests/test_fixture_site.py"]
MODULES = {
    "load": ["tests/test_validation.py", "tests/test_validation_messages.py", "tests/test_hostile_input.py"],
    "validate": ["tests/test_validation.py", "tests/test_validation_messages.py", "tests/test_hostile_input.py",
                 "tests/test_real_data.py"],
    "model": ["tests/test_model.py", "tests/test_real_data.py", "tests/test_validation.py", "tests/test_fixture_site.py", *MINI],
    "charts": ["tests/test_numbers.py::test_shares_round_half_up_not_half_even", *MINI, *GOLDEN,
               *(f"tests/test_numbers.py::{name}" for name in (  # the charts' own tests, on tables built in the test
                   "test_every_series_of_a_stacked_chart_has_its_own_fill_and_pattern",
                   "test_a_stacked_segment_prints_its_figure_from_22_px_and_a_missing_cell_counts_as_zero",
                   "test_a_grouped_chart_draws_a_missing_cell_as_zero_and_cuts_a_long_label_at_three_lines",
                   "test_a_comparison_chart_refuses_anything_but_two_series_of_percents"))],
    "search.text": ["tests/test_search.py"],
    "search.index": ["tests/test_search.py"],
    "search.shards": ["tests/test_search.py", "tests/test_readings.py"],  # readings: the reading shards it writes
    "search.readings": ["tests/test_readings.py"],
    "search_docs": ["tests/test_search.py"],
    "exports": ["tests/test_exports_and_escaping.py", "tests/test_site.py::test_downloads_are_complete", *GOLDEN],
    "write": ["tests/test_safe_output.py", "tests/test_site.py::test_building_twice_gives_byte_identical_files",
              "tests/test_site.py::test_a_failed_build_leaves_the_previous_site_untouched",
              "tests/test_site.py::test_the_writer_refuses_to_write_one_path_twice"],
}


@dataclass(frozen=True)
class Hand:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str


NUMBERS = "tests/test_numbers.py::"
HAND = (
    # Templates
    Hand("template-escape-dropped", "templates/_region_table.html",
         "<a href=\"{{ url(urls.region(r.slug)) }}\">{{ r|name_breaks }}</a>",
         "<a href=\"{{ url(urls.region(r.slug)) }}\">{{ r.short_name|safe }}</a>",
         ("tests/test_fixture_site.py::test_markup_in_every_text_field_of_the_fixture_is_shown_as_text",
          "tests/test_exports_and_escaping.py::test_hostile_text_in_every_text_field_of_a_region_is_escaped_on_every_page"),
         "a region name printed as HTML"),
    Hand("template-item-truncated", "templates/_survey_table.html",
         '<tr><th scope="row">{{ row.item }}</th>', '<tr><th scope="row">{{ row.item|truncate(8) }}</th>',
         (NUMBERS + "test_figures_tables_show_the_csv_counts_and_shares_rounded_half_up",),
         "long survey item labels cut in the figures table"),
    Hand("template-share-truncated", "templates/_survey_table.html",
         "{{ row.cells[0]|share(tb.n) }}", "{{ (row.cells[0] * 1000 // tb.n / 10) }}%",
         (NUMBERS + "test_figures_tables_show_the_csv_counts_and_shares_rounded_half_up",),
         "shares in the figures table truncated instead of rounded"),
    Hand("template-rank-constant", "templates/_figures.html",
         "count=site.regions|length", "count=14", ("tests/test_fixture_site.py::test_rank_text_counts_the_regions_of_the_site",), "「14地域中」 whatever the site"),
    Hand("template-rate-column-swapped", "templates/_region_table.html",
         "col_rate65|replace('|', '') }}\">{{ r.population.rate_65_printed|percent }}",
         "col_rate65|replace('|', '') }}\">{{ r.population.rate_75_printed|percent }}",
         (NUMBERS + "test_region_figures_on_case_pages_table_and_csv_are_the_counts_and_their_rates",),
         "the 65+ column shows the 75+ rate"),
    Hand("template-free-text-escape-dropped", "templates/survey_section.html", "<li>{{ o }}</li>", "<li>{{ o|safe }}</li>",
         ("tests/test_fixture_site.py::test_markup_in_every_text_field_of_the_fixture_is_shown_as_text",),
         "a free-text opinion printed as HTML"),
    # JavaScript
    Hand("js-sort-tie-reversed", "static/js/regions.js",
         "return result || number(a.dataset.number) - number(b.dataset.number);",
         "return result || number(b.dataset.number) - number(a.dataset.number);",
         ("tests/browser/test_browser_order.py",), "ties in the sorted table leave the report's order"),
    Hand("js-filter-bound-exclusive", "static/js/regions.js",
         "return /_min$/.test(name) ? figure >= limit : figure <= limit;",
         "return /_min$/.test(name) ? figure > limit : figure <= limit;",
         ("tests/browser/test_browser_regions.py",), "a region at the lower 65+ bound filtered out"),
    Hand("js-tokenizer-drops-kana", "static/js/tokenize.js", "[0x309D, 0x309F], [0x30A1, 0x30FA]",
         "[0x309D, 0x309F], [0x30A1, 0x30F6]",
         ("tests/test_search.py",), "the browser's tokenizer splits words the index joined"),
    # The bugs issue 15 planted by hand (Python)
    Hand("planted-tie-order-reversed", "casebook/pages.py", "key=lambda r: (-measure(r), r.number)",
         "key=lambda r: (-measure(r), -r.number)", ("tests/test_order.py",),
         "ties on /regions/by-rate-75/ in reverse report order"),
    Hand("planted-search-field-wrong", "casebook/search_docs.py", '"headline": r.headline,', '"headline": r.name,',
         ("tests/test_search.py::test_every_word_a_case_page_shows_is_in_its_search_document",),
         "a search field filled from the wrong region field"),
    Hand("planted-chart-truncated", "casebook/charts.py",
         'return f"{one_decimal(Decimal(str(count)) * 100 / Decimal(n))}%" if n else "—"',
         'return f"{int(count * 1000 / n) / 10:.1f}%" if n else "—"', ("tests/test_numbers.py",),
         "chart percentages truncated (33.9 % shown as 33.8 %)"),
    Hand("planted-axis-unchecked", "casebook/validate.py", "if m[\"axis\"] != expected_axis:", "if False:",
         ("tests/test_validation_messages.py::test_model_on_the_wrong_axis",),
         "`check` exits 0 on a wrong model axis"),
    Hand("planted-serve-ignores-templates", "casebook/serve.py",
         'WATCHED = ("regions", "content", "survey", "templates", "static")',
         'WATCHED = ("regions", "content", "survey", "static")', ("tests/test_serve.py",),
         "serve no longer rebuilds on a template edit"),
    Hand("planted-regions-csv-field", "casebook/exports.py", '"aged_75_plus": p.aged_75_plus,',
         '"aged_75_plus": p.aged_65_plus,', ("tests/test_exports_and_escaping.py::test_regions_csv_matches_the_region_files",), "a wrong field in regions.csv"),
)


def copy_project(target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif source.exists():
            shutil.copy2(source, target / name)
    if (ROOT / "node_modules").exists():
        (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def ensure_mutmut() -> Path:
    """.venv-mutation with the project, its test tools and the pinned mutmut (the `mutation` extra)."""
    python = VENV / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", "import mutmut, casebook"], capture_output=True).returncode == 0:
        return VENV / "bin"
    print(f"installing mutmut into {VENV.relative_to(ROOT)}/ (pyproject.toml extra `mutation`)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", f"{ROOT}[test,mutation]"],
                   check=True)
    return VENV / "bin"


def toml_list(items) -> str:
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


TENTH = "casebook.*__mutmut_*7"  # --tenth: only mutants numbered …7 in each function, a deterministic tenth of each


def run_module(module: str, jobs: int, patterns: list[str]) -> dict:
    """One mutmut run over casebook/<module>.py in its own copy, with that module's tests only (its own stats pass,
    so a mutant runs only the tests of its module's list that reach the mutated function); returns {"killed",
    "total", "survivors": [(name, status, changed lines)], "seconds"}. patterns: mutant names (fnmatch) to run, all
    if empty."""
    bin_dir = ensure_mutmut()
    # One folder per module and selection, so a run of one module does not wipe the results of a longer run beside it.
    work = copy_project(OUT / "python" / (module + ("" if not patterns else "-tenth" if patterns == [TENTH] else "-selected")))
    deselect = " and ".join(f"not {name}" for name in SUBPROCESS_ELSEWHERE)
    # mutmut reads [tool.mutmut] from the copy's pyproject.toml; the copy's tests and data come along (also_copy).
    config = (f"\n[tool.mutmut]\nsource_paths = [\"casebook/\"]\nonly_mutate = {toml_list(['*casebook/' + module.replace('.', '/') + '.py'])}\n"
              f"also_copy = {toml_list(n for n in COPY if n not in ('casebook', 'tests', 'pyproject.toml'))}\n"
              f"pytest_add_cli_args = {toml_list(['-p', 'no:cacheprovider', '-x', '-q', '-m', 'not browser', '-k', deselect])}\n"
              f"pytest_add_cli_args_test_selection = {toml_list(MODULES[module])}\n"
              "use_git_change_detection = false\n")
    with open(work / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write(config)
    # Link each test to what its module- and session-scoped fixtures call, not only the first test that set them up.
    with open(work / "tests" / "conftest.py", "a", encoding="utf-8") as f:
        f.write("\n\n" + (ROOT / "bench" / "mutmut_fixture_hits.py").read_text(encoding="utf-8"))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CI", None)
    started = time.monotonic()
    log = work / "mutmut-run.log"
    print(f"mutmut over casebook/{module.replace('.', '/')}.py (log: {log.relative_to(ROOT)})", flush=True)
    with open(log, "w", encoding="utf-8") as out:
        run = subprocess.run(NICE + [str(bin_dir / "mutmut"), "run", "--max-children", str(jobs), *patterns], cwd=work,
                             env=env, stdout=out, stderr=subprocess.STDOUT)
    if run.returncode != 0:
        raise SystemExit(f"mutation: mutmut run failed (exit {run.returncode}); see {log.relative_to(ROOT)}")
    seconds = time.monotonic() - started
    listing = subprocess.run([str(bin_dir / "mutmut"), "results", "--all", "true"], cwd=work, env=env,
                             capture_output=True, text=True).stdout
    statuses = {k: v for k, v in re.findall(r"^\s+(\S+): (.+)$", listing, flags=re.M)
                if k.startswith(f"casebook.{module}.") and (not patterns or any(fnmatch.fnmatch(k, p) for p in patterns))}
    if not statuses or "not checked" in statuses.values():
        raise SystemExit(f"mutation: mutmut left mutants unchecked; see {log.relative_to(ROOT)}")
    killed = [k for k, v in statuses.items() if v in ("killed", "timeout", "segfault")]
    survivors = []
    for name in sorted(set(statuses) - set(killed)):
        diff = subprocess.run([str(bin_dir / "mutmut"), "show", name], cwd=work, env=env, capture_output=True,
                              text=True).stdout
        changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        survivors.append((name, statuses[name], changed))
    return {"killed": len(killed), "total": len(statuses), "survivors": survivors, "seconds": seconds}


def hand_python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_hand(mutant: Hand, dry_run: bool) -> str:
    source = (ROOT / mutant.path).read_text(encoding="utf-8")
    if source.count(mutant.old) != 1:
        return "STALE (the text to mutate is no longer found exactly once; update HAND)"
    if dry_run:
        return "applies"
    work = copy_project(OUT / "hand" / mutant.name)
    target = work / mutant.path
    target.write_text(source.replace(mutant.old, mutant.new), encoding="utf-8")
    # The copy's casebook comes first on the path, ahead of the editable install of this tree.
    env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(NICE + [hand_python(), "-m", "pytest", "-p", "no:cacheprovider", "-x", "-q", *mutant.tests],
                            cwd=work, env=env, capture_output=True, text=True)
    shutil.rmtree(work, ignore_errors=True)
    if result.returncode == 0:
        return "SURVIVED"
    failed = re.findall(r"^FAILED (\S+)", result.stdout, flags=re.M)
    if result.returncode == 1 and failed:
        return "killed by " + failed[0]
    return f"ERROR (pytest exit {result.returncode}): " + (result.stdout + result.stderr).strip().splitlines()[-1][:200]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(MODULES), help="mutate only this module (repeatable)")
    parser.add_argument("--hand-only", action="store_true", help="only the hand-written mutants")
    parser.add_argument("--no-hand", action="store_true", help="skip the hand-written mutants")
    parser.add_argument("--hand", action="append", choices=[h.name for h in HAND], help="only this hand-written mutant")
    parser.add_argument("--jobs", type=int, default=2, help="mutmut children at once (default 2, at nice 15)")
    parser.add_argument("--tenth", action="store_true", help="only a deterministic tenth of the mutants (numbered …7)")
    parser.add_argument("--mutant", action="append", metavar="NAME",
                        help="only these mutants (mutmut names, * wildcards; repeatable), e.g. to confirm a new test kills a survivor")
    parser.add_argument("--dry-run", action="store_true", help="list what would run and check the hand mutants apply")
    args = parser.parse_args(argv)
    modules = [] if args.hand_only else (args.module or list(MODULES))
    hands = [] if args.no_hand else [h for h in HAND if not args.hand or h.name in args.hand]
    problems = 0
    if modules:
        print("module        killed / mutants   ratio")
    totals = [0, 0]
    if args.dry_run:
        for module in modules:
            print(f"{module:<13} (dry run) mutmut over casebook/{module.replace('.', '/')}.py with {' '.join(MODULES[module])}")
    elif modules:
        patterns = args.mutant or ([TENTH] if args.tenth else [])
        seconds = 0.0
        for module in modules:
            r = run_module(module, args.jobs, patterns)
            totals[0] += r["killed"]
            totals[1] += r["total"]
            seconds += r["seconds"]
            print(f"{module:<13} {r['killed']:>6} / {r['total']:<7}  {r['killed'] / max(r['total'], 1):>6.1%}   "
                  f"{r['seconds'] / 60:.0f} min", flush=True)
            for name, status, changed in r["survivors"]:
                print(f"    {status}: {name}")
                for line in changed:
                    print(f"        {line.strip()[:150]}")
        print(f"{'all':<13} {totals[0]:>6} / {totals[1]:<7}  {totals[0] / max(totals[1], 1):>6.1%}   {seconds / 60:.0f} min")
    if hands:
        print("hand-written mutant                  result")
    for mutant in hands:
        outcome = run_hand(mutant, args.dry_run)
        problems += outcome.startswith(("STALE", "ERROR"))
        print(f"{mutant.name:<36} {outcome}   ({mutant.path}: {mutant.why})", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
