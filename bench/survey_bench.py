"""Local-survey benchmark (issues 14, 29): survey-tally of 124, 10,000 and 1,000,000 synthetic clinics.

    python bench/survey_bench.py            all three sizes, then every goal and whether it is met (exit 1 if not)
    python bench/survey_bench.py --sizes 124 10000
    python bench/survey_bench.py --write    also rewrite its own block of BENCHMARKS.md

Each size runs in a fresh process: read + validate, tally (pandas), pages + CSVs, write; time and peak memory.
124 and 10,000: the 124 synthetic clinics of the round-trip test (their answers reproduce every published count
table), repeated; about 2.4 KB a clinic. 1,000,000: the file issue 29 measured (82 MB, about 82 bytes a
clinic): each clinic answers four questions (開設主体, 医師数, 在宅医療を担当する医師数, 往診件数) with the
synthetic clinics' answers, every other cell empty; a full-size file of a million clinics would be 2.4 GB of text.
Goals: 10,000 clinics ≤ 3 s; 1,000,000 clinics ≤ 60 s and ≤ 2 GB.

The browser (issue 31): the page /survey/local/ of a fresh build, opened from file:// in Chromium (/usr/bin/chromium
through Playwright, at the machine's normal CPU), tallies the same 10,000-clinic file: the time from the click on
「集計する」 to the summary on screen (median of 3), and the page's own scripts (survey-core.js, survey-page.js and
plan.js as shipped) gzipped. Goals: ≤ 2 s; ≤ 60 KB gzip. `--browser-clinics 0` skips this part."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from casebook.validate import load_site
from casebook.localsurvey.questionnaire import build_questionnaire
from casebook.localsurvey.responses import read_responses
from casebook.localsurvey.tally import tally
from casebook.localsurvey.render import render_pages
from casebook.localsurvey.output import write_files
root, path, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
site = load_site(root)
t1 = time.perf_counter()
questions = build_questionnaire(site.survey)
responses = read_responses(path, questions)
t2 = time.perf_counter()
tallies = tally(list(site.survey), questions, responses)
t3 = time.perf_counter()
files = render_pages(site, root / "templates", tallies, responses, "bench", "令和8年6月")
write_files(files, out)
t4 = time.perf_counter()
print(json.dumps({"start": t1 - t0, "read": t2 - t1, "tally": t3 - t2, "render": t4 - t3, "total": t4 - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "files": len(files)}))
"""


COMPACT_FROM = 100_000  # from this size on, the compact rows of issue 29's file
COMPACT_QUESTIONS = ("q_s2_1", "q_s2_5_01", "q_s2_5_02", "q_s3_1_01")


def synthetic_file(folder: Path, clinics: int) -> Path:
    import csv
    from casebook.validate import load_site
    from survey_synth import synthetic_rows, to_csv_text
    questions, rows = synthetic_rows(list(load_site(ROOT).survey))
    path = folder / f"responses-{clinics}.csv"
    if clinics < COMPACT_FROM:
        # Beyond 124: the 124 synthetic clinics again and again, so every table stays filled.
        rows = [rows[i % len(rows)] for i in range(clinics)]
        path.write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
        return path
    ids = [q.id for q in questions]
    short = [[row[q] if q in COMPACT_QUESTIONS else "" for q in ids] for row in rows]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(ids)
        for start in range(0, clinics, len(short)):
            writer.writerows(short[:min(len(short), clinics - start)])
    return path


def measure(clinics: int, runs: int = 3) -> dict:
    runs = 1 if clinics >= COMPACT_FROM else runs
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic_file(Path(tmp), clinics)
        for i in range(runs):
            out = Path(tmp) / f"out-{i}"
            started = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path), str(out)],
                                  capture_output=True, text=True, check=True)
            figures = json.loads(proc.stdout)
            figures["wall"] = time.perf_counter() - started
            figures["bytes"] = path.stat().st_size
            results.append(figures)
    results.sort(key=lambda r: r["wall"])
    return results[len(results) // 2]


GOALS = {10_000: (3.0, None), 1_000_000: (60.0, 2048)}  # clinics: (seconds, MB)
BROWSER_SECONDS = 2.0
SCRIPTS_KB = 60
PAGE_SCRIPTS = ("js/survey-core.js", "js/survey-page.js", "survey/local/plan.js")


def page_scripts_gzip(site: Path) -> int:
    import gzip
    return sum(len(gzip.compress((site / name).read_bytes(), 9)) for name in PAGE_SCRIPTS)


def measure_browser(clinics: int, runs: int = 3) -> dict:
    """Seconds from the click to the summary on screen, for *clinics* clinics in Chromium from file://."""
    from playwright.sync_api import sync_playwright
    from casebook.build import build_site
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "_site"
        build_site(ROOT, site, log=lambda _: None)
        path = synthetic_file(Path(tmp), clinics)
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto((site / "survey" / "local" / "index.html").as_uri())
                page.set_input_files("#survey-file", str(path))
                started = time.perf_counter()
                page.get_by_role("button", name="集計する").click()
                page.wait_for_selector("#summary-title", timeout=120_000)
                times.append(time.perf_counter() - started)
                marks = page.evaluate("""Object.fromEntries(performance.getEntriesByType('mark')
                    .map(m => [m.name, m.startTime]))""")
                print(f"  run: {times[-1]:.2f} s; read {(marks['survey-read'] - marks['survey-loaded']) / 1000:.2f} s, "
                      f"tally and draw {(marks['survey-shown'] - marks['survey-read']) / 1000:.2f} s", flush=True)
                page.close()
            browser.close()
        return {"seconds": sorted(times)[len(times) // 2], "gzip": page_scripts_gzip(site),
                "bytes": path.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[124, 10_000, 1_000_000])
    parser.add_argument("--write", action="store_true", help="also rewrite this benchmark's block of BENCHMARKS.md")
    parser.add_argument("--browser-clinics", type=int, default=10_000,
                        help="clinics tallied in the browser (0 skips the browser part)")
    args = parser.parse_args()
    rows, goals = [], []
    load = os.getloadavg()[0]
    print(f"load average at start {load:.1f} on {os.cpu_count()} cores")
    for clinics in args.sizes:
        r = measure(clinics)
        rows.append(f"| {clinics:,} | {r['bytes'] / 1024:,.0f} KiB | {r['wall']:.2f} s | {r['start']:.2f} s | {r['read']:.3f} s | "
                    f"{r['tally']:.3f} s | {r['render']:.3f} s | {r['rss_mb']:.0f} MB | {r['files']} |")
        print(rows[-1], flush=True)
        seconds, megabytes = GOALS.get(clinics, (None, None))
        if seconds is not None:
            goals.append((f"{clinics:,} clinics ≤ {seconds:.0f} s", f"{r['wall']:.1f} s", r["wall"] <= seconds))
        if megabytes is not None:
            goals.append((f"{clinics:,} clinics ≤ {megabytes / 1024:.0f} GB", f"{r['rss_mb']:.0f} MB",
                          r["rss_mb"] <= megabytes))
    browser_row = None
    if args.browser_clinics:
        b = measure_browser(args.browser_clinics)
        browser_row = (f"| {args.browser_clinics:,} | {b['bytes'] / 1024:,.0f} KiB | {b['seconds']:.2f} s | "
                       f"{b['gzip'] / 1024:.1f} KB |")
        print(f"browser: {args.browser_clinics:,} clinics tallied and shown in {b['seconds']:.2f} s; "
              f"the page's scripts {b['gzip'] / 1024:.1f} KB gzip", flush=True)
        goals.append((f"browser: {args.browser_clinics:,} clinics ≤ {BROWSER_SECONDS:.0f} s", f"{b['seconds']:.2f} s",
                      b["seconds"] <= BROWSER_SECONDS))
        goals.append((f"browser: the page's scripts ≤ {SCRIPTS_KB} KB gzip", f"{b['gzip'] / 1024:.1f} KB",
                      b["gzip"] <= SCRIPTS_KB * 1024))
    else:
        goals.append(("browser", "not run (--browser-clinics 0)", "skipped"))
    for clinics in GOALS:
        if clinics not in args.sizes:
            goals.append((f"{clinics:,} clinics", "not run (--sizes)", "skipped"))
    print("\n== goals")
    for name, figure, met in goals:
        shown = {"skipped": "skipped", True: "met    ", False: "NOT MET"}[met]
        print(f"  {shown}  {name}: {figure}")
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    if args.write:
        write_block(rows, load, browser_row)
    unmet = [name for name, _, met in goals if met is False]
    if unmet:
        sys.exit(f"survey_bench.py: {len(unmet)} goal(s) not met: {'; '.join(unmet)}")


def write_block(rows: list[str], load: float, browser_row: str | None = None) -> None:
    block = "\n".join([
        "<!-- survey-bench:start -->",
        "## Local survey: `build.py survey-tally` (issues 14, 29)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}, load average {load:.1f} at the start. Command: "
        "`python bench/survey_bench.py --write`. Median of 3 fresh processes (one for 100,000 clinics and more).",
        "Synthetic responses: the 124 clinics of the round-trip test (their answers reproduce every published count table),",
        "repeated; from 100,000 clinics on, compact rows of four answers each (issue 29's 82 MB file; bench/survey_bench.py).",
        "",
        "| clinics | responses file | wall (process) | import + load site | read + validate | tally | pages + CSVs + write | peak memory (RSS) | files |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        *(["", "In the browser (/survey/local/ from file://, Chromium, normal CPU; click to summary, median of 3):", "",
           "| clinics | responses file | click → summary | the page's scripts (gzip) |", "|---:|---:|---:|---:|",
           browser_row] if browser_row else []),
        "<!-- survey-bench:end -->",
    ])
    bench = ROOT / "BENCHMARKS.md"
    text = bench.read_text(encoding="utf-8")
    if "<!-- survey-bench:start -->" in text:
        head, rest = text.split("<!-- survey-bench:start -->", 1)
        text = head + block + rest.split("<!-- survey-bench:end -->", 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    bench.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
