"""Local-survey benchmark (issue 14): survey-tally of 124 and of 10,000 synthetic clinics, time and peak memory.

Each size runs in a fresh process: read + validate, tally (pandas), pages + CSVs, write. Prints the figures and
rewrites its own block of BENCHMARKS.md."""
from __future__ import annotations

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
files = render_pages(site, root / "templates", tallies, "bench")
write_files(files, out)
t4 = time.perf_counter()
print(json.dumps({"start": t1 - t0, "read": t2 - t1, "tally": t3 - t2, "render": t4 - t3, "total": t4 - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "files": len(files)}))
"""


def synthetic_file(folder: Path, clinics: int) -> Path:
    from casebook.validate import load_site
    from survey_synth import synthetic_rows, to_csv_text
    questions, rows = synthetic_rows(list(load_site(ROOT).survey))
    # Beyond 124: the 124 synthetic clinics again and again, so every table stays filled.
    rows = [rows[i % len(rows)] for i in range(clinics)]
    path = folder / f"responses-{clinics}.csv"
    path.write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
    return path


def measure(clinics: int, runs: int = 3) -> dict:
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


def main() -> None:
    rows = []
    for clinics in (124, 10_000):
        r = measure(clinics)
        rows.append(f"| {clinics:,} | {r['bytes'] / 1024:,.0f} KiB | {r['wall']:.2f} s | {r['start']:.2f} s | {r['read']:.3f} s | "
                    f"{r['tally']:.3f} s | {r['render']:.3f} s | {r['rss_mb']:.0f} MB | {r['files']} |")
        print(rows[-1])
    block = "\n".join([
        "<!-- survey-bench:start -->",
        "## Local survey: `build.py survey-tally` (issue 14)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}. Command: `python bench/survey_bench.py`. Median of 3 fresh processes.",
        "Synthetic responses: the 124 clinics of the round-trip test (their answers reproduce every published count table),",
        "repeated to 10,000.",
        "",
        "| clinics | responses file | wall (process) | import + load site | read + validate | tally | pages + CSVs + write | peak memory (RSS) | files |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
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
