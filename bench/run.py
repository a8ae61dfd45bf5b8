"""Build benchmark (issue 6): prints figures; with --write, also into BENCHMARKS.md with machine and date.

    python bench/run.py                 everything (about 5–10 minutes on 2 cores, most of it the 1,741-region build)
    python bench/run.py --quick         real site, page weight, incremental and profile; scale at 14 and 174 only
    python bench/run.py --write         everything, and the figures replace the generated part of BENCHMARKS.md

1. Real site, full build, against the build of 77683e6 (two processes, a forked child reading the survey with
   pandas; checked out with `git worktree` into a temporary folder): 9 fresh `python build.py --out TMP` of
   each, interleaved, whole-process wall time and peak memory (the process and its children); the same builds
   instrumented, for the work stage (everything after the imports). Goal: this build ≤ 1.1× that one.
2. Scale: the same build over synthetic sites (bench/synthetic.py; temporary folders, never shipped) of 14, 174
   and 1,741 regions: build time, peak memory (max RSS), output size, time per region, time per stage.
3. Page weight per page type of the real site (HTML + CSS + JS + images it loads, raw and gzip), before
   search is used; and what the first search downloads.
4. serve: `build.py serve` on a copy of the real project with the case page open in headless Chromium; from
   saving a region file to the open page showing the change (it reloads by itself). Then serve's watch loop in
   a thread at 14 and 174 regions: save to the page on disk, and the folder must equal a full build byte for byte.
6. Lines of product code (casebook/*.py, static/js/*.js) in 77683e6 and now.
5. Profile: where the build spends its time (cProfile of the real build, stage times at every scale).

These are figures, not timed tests; the goals are checked and printed as met/missed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PY = sys.executable
BASELINE = "77683e6"  # the build in two processes, before issue 28
BARE_IMPORT = "import jinja2, yaml, markdown, lunr"  # the libraries a site build imports (search_bench.py's yardstick)
SCALES = (14, 174, 1741)
GOALS = {"ratio": 1.1, "big_build_s": 20.0, "big_rss_mb": 1024, "per_region_ratio": 1.5, "page_gzip_kb": 50,
         "incremental_s": 1.0}


# ---------------------------------------------------------------- the child: one build, instrumented

def child(root: Path, out: Path, expected: int | None, processes: int | None) -> None:
    """One build in this (fresh) process; prints a JSON line with the import / work split and the stage times
    the build reports through its BuildContext callback. *processes*: unused (the build has one)."""
    started = time.perf_counter()
    import jinja2, yaml, markdown  # noqa: F401,E401  the libraries the build uses (pandas: survey-tally only)
    try:
        import lunr  # noqa: F401  (search index, imported lazily by casebook.search)
    except ImportError:
        pass
    import casebook.build as build
    from casebook.write import write_site
    imported = time.perf_counter()

    stages: dict[str, float] = {}

    def on_stage(name: str, seconds: float) -> None:
        stages[name] = stages.get(name, 0.0) + seconds

    site, output = build.render_site(root, "", expected, build.BuildContext(on_stage=on_stage))
    rendered = time.perf_counter()
    write_site(output, out)
    done = time.perf_counter()
    stages["write"] = done - rendered
    import resource
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"import_s": imported - started, "work_s": done - imported, "render_s": rendered - imported,
                      "rss_mb": rss_kb / 1024, "files": len(output.files), "bytes": output.total_bytes(),
                      "regions": len(site.regions), "stages": stages, "processes": 1}))


# Timed processes run as a user's Python runs them, writing .pyc files. A machine with PYTHONDONTWRITEBYTECODE set
# (this one is) would otherwise compile casebook's modules from source in every timed build (~0.09 s), while the
# libraries of the bare import load from the .pyc files pip wrote when it installed them.
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_child(root: Path, out: Path, expected: int | None, processes: int | None = None,
              checkout: Path = ROOT) -> dict:
    """An instrumented build in a fresh process, by *checkout*'s own bench/run.py (the baseline's has the same
    --child, reporting the work of its two processes and their peak memory added up)."""
    args = [PY, str(checkout / "bench" / "run.py"), "--child", str(root), str(out), str(expected or 0), str(processes or 0)]
    t = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=checkout, env=USER_ENV)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"benchmark build failed:\n{proc.stdout}\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def measured_process(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and peak memory in MB (the process, or the largest of it and its children) of a command."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=USER_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"`{' '.join(args)}` in {cwd} failed:\n{proc.stderr.read().decode('utf-8', 'replace')}")
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024


def build_and_bare(out: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall times of `build.py --out OUT` and of the bare import of its libraries, interleaved, after one untimed
    build (bench/search_bench.py compares them)."""
    measured_process([PY, "build.py", "--out", str(out)], ROOT)
    walls, bare = [], []
    for _ in range(runs):
        walls.append(measured_process([PY, "build.py", "--out", str(out)], ROOT)[0])
        bare.append(measured_process([PY, "-c", BARE_IMPORT], ROOT)[0])
    return walls, bare


def baseline_checkout(tmp: Path) -> Path:
    """77683e6 in a git worktree (removed afterwards by remove_checkout)."""
    target = tmp / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(target), BASELINE], cwd=ROOT, check=True)
    return target


def remove_checkout(target: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(target)], cwd=ROOT, capture_output=True)


def against_baseline(tmp: Path, baseline: Path, runs: int) -> dict:
    """*runs* whole builds of each, interleaved (the order alternating), after one untimed build of each (it
    writes the .pyc files, as a user's first build does); then *runs* instrumented builds of each, interleaved."""
    builds = {"now": (ROOT, tmp / "now-cli"), "before": (baseline, tmp / "before-cli")}
    for checkout, out in builds.values():
        measured_process([PY, "build.py", "--out", str(out)], checkout)
    walls = {k: [] for k in builds}
    peaks = {k: [] for k in builds}
    works = {k: [] for k in builds}
    for i in range(runs):
        for key in (("now", "before") if i % 2 == 0 else ("before", "now")):
            checkout, out = builds[key]
            wall, peak = measured_process([PY, "build.py", "--out", str(out)], checkout)
            walls[key].append(wall)
            peaks[key].append(peak)
    for i in range(runs):
        for key in (("now", "before") if i % 2 == 0 else ("before", "now")):
            checkout, _ = builds[key]
            works[key].append(run_child(checkout, tmp / f"{key}-child", 14, checkout=checkout)["work_s"])
    return {"walls": walls, "peaks": peaks, "works": works}


def product_lines(rev: str | None) -> dict[str, int]:
    """Lines of casebook/**/*.py and static/js/*.js (our scripts, not vendor/) at *rev*, or in the working tree."""
    if rev is None:
        files = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in
                 [*ROOT.glob("casebook/**/*.py"), *ROOT.glob("static/js/*.js")]}
    else:
        names = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "casebook", "static/js"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
        files = {n: subprocess.run(["git", "show", f"{rev}:{n}"], cwd=ROOT, capture_output=True, text=True,
                                   check=True).stdout
                 for n in names if (n.endswith(".py") and n.startswith("casebook/")) or
                 (n.endswith(".js") and n.count("/") == 2)}
    count = {"casebook/": 0, "static/js/": 0}
    for name, text in files.items():
        count["casebook/" if name.startswith("casebook/") else "static/js/"] += len(text.splitlines())
    return count


# ---------------------------------------------------------------- page types and weight

def page_type(path: str) -> str:
    parts = path.split("/")
    if len(parts) == 1:
        return {"index.html": "home"}.get(parts[0], parts[0])
    if len(parts) == 2:
        return f"{parts[0]}/"
    if parts[1].startswith("by-"):
        return f"{parts[0]}/by-*/"
    return f"{parts[0]}/<slug>/" if parts[0] != "survey" else "survey/<section>/"


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {"stylesheet", "icon", "preload"}:
            self.refs.append(a["href"])
        elif tag in ("script", "img", "source") and a.get("src"):
            self.refs.append(a["src"])


def _resolve(page: str, ref: str) -> str | None:
    if re.match(r"^[a-z]+:", ref) or ref.startswith("#"):
        return None  # data: URIs are inside the HTML already; nothing is loaded from other origins
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    base = PurePosixPath(page).parent
    parts: list[str] = []
    for part in (PurePosixPath(ref.lstrip("/")).parts if ref.startswith("/") else (base / ref).parts):
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def page_weights(site: Path) -> dict:
    """Per page type: the heaviest page's HTML + everything it loads before search is used."""
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    css_urls = re.compile(rb"url\(\s*['\"]?([^'\")]+)")
    per_type: dict[str, dict] = {}
    for path, html in sorted(files.items()):
        if not path.endswith(".html"):
            continue
        parser = _Assets()
        parser.feed(html.decode("utf-8"))
        assets: list[str] = []
        for ref in parser.refs:
            target = _resolve(path, ref)
            if target and target in files and target not in assets:
                assets.append(target)
                if target.endswith(".css"):
                    for u in css_urls.findall(files[target]):
                        sub = _resolve(target, u.decode())
                        if sub and sub in files and sub not in assets:
                            assets.append(sub)
        raw = len(html) + sum(len(files[a]) for a in assets)
        zipped = gz(html) + sum(gz(files[a]) for a in assets)
        kind = page_type(path)
        entry = per_type.setdefault(kind, {"pages": 0, "max": None})
        entry["pages"] += 1
        if entry["max"] is None or zipped > entry["max"]["gzip"]:
            entry["max"] = {"path": path, "html_raw": len(html), "html_gzip": gz(html), "raw": raw, "gzip": zipped,
                            "assets": assets}
    search = {name: data for name, data in files.items() if name.startswith("search/") and name.endswith(".js")
              and ".terms." not in name}
    lunr = files.get("vendor/lunr/lunr.min.js", b"")
    return {"types": per_type,
            "search": {"files": len(search), "raw": sum(map(len, search.values())),
                       "gzip": sum(gz(d) for d in search.values()), "lunr_raw": len(lunr), "lunr_gzip": gz(lunr)}}


# ---------------------------------------------------------------- incremental rebuild through serve's watch loop

def _page_holds(page: Path, marker: str) -> bool:
    try:
        return marker in page.read_text(encoding="utf-8")
    except OSError:  # between the two renames of a swap
        return False


def _headline_edit(path: Path, marker: str) -> str:
    text = path.read_text(encoding="utf-8")
    return re.sub(r"^headline: (.*)$", lambda m: f"headline: {m.group(1)}{marker}", text, count=1, flags=re.M)


def incremental(regions: int, edits: int = 5) -> dict:
    """serve's watch loop in a thread on a synthetic site: from saving a region file to its page on disk."""
    from casebook import serve, write
    from casebook.build import render_site
    from casebook.incremental import Rebuilder
    from synthetic import make_site

    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    try:
        root = make_site(tmp / "src", regions)
        out = tmp / "out"
        rebuilder = Rebuilder(root, out, expected_regions=None, log=lambda line: None)
        rebuilder.build()
        stop = threading.Event()
        watcher = threading.Thread(target=serve.watch, args=(root, rebuilder, serve.State(), stop), daemon=True)
        watcher.start()
        time.sleep(0.5)
        files = sorted((root / "regions").glob("*.yaml"))
        picks = [files[(i * 7 + 3) % len(files)] for i in range(edits)]
        latencies, complete, rendered, rewritten = [], [], [], []
        for i, path in enumerate(picks):
            marker = f"（ベンチ編集{i}）"
            text = _headline_edit(path, marker)
            slug = re.fullmatch(r"\d+-(.+)\.yaml", path.name).group(1)
            page = out / "regions" / slug / "index.html"
            rebuilder.last = {}
            t = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while not _page_holds(page, marker):
                if time.perf_counter() - t > 600:
                    raise SystemExit("incremental rebuild: the page never changed")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - t)
            while "rendered" not in rebuilder.last:
                time.sleep(0.01)
            time.sleep(0.3)
            complete.append(rebuilder.last["total"])
            rendered.append(f"{rebuilder.last['rendered']} of {rebuilder.last['rendered'] + rebuilder.last['kept']}")
            rewritten.append(rebuilder.last["rewritten"])
        stop.set()
        watcher.join()
        _, full = render_site(root, "", None)
        disk = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                if p.is_file() and p.name != getattr(write, "MANIFEST", None)}
        return {"regions": regions, "save_to_page_s": latencies, "complete_s": complete, "rendered": rendered,
                "rewritten": rewritten, "files": len(full.files), "identical": disk == full.files}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def reload_in_browser(edits: int = 5) -> dict | str:
    """`build.py serve` on a copy of the real project, a case page open in headless Chromium: from saving the
    region file to the open page showing the edit (it reloads by itself). A reason string when it cannot run."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "Playwright is not installed (bash tests/run.sh installs it)"
    chromium = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return f"no Chromium at {chromium}"
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    process = None
    try:
        for name in ("regions", "content", "survey", "templates", "static"):
            shutil.copytree(ROOT / name, tmp / "project" / name)
        process = subprocess.Popen([PY, str(ROOT / "build.py"), "serve", "--root", str(tmp / "project"), "--out",
                                    str(tmp / "out"), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, cwd=ROOT, env=USER_ENV)
        url = None
        for line in process.stdout:
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if line.startswith("serving ") and found:
                url = found.group(1)
                break
        if url is None:
            return "serve did not start"
        threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
        files = sorted((tmp / "project" / "regions").glob("*.yaml"))
        times = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            try:
                page = browser.new_page()
                for i in range(edits):
                    path = files[(i * 5 + 2) % len(files)]
                    slug = re.fullmatch(r"\d+-(.+)\.yaml", path.name).group(1)
                    page.goto(f"{url}regions/{slug}/", wait_until="load")
                    page.wait_for_timeout(600)  # the reload script has asked for the build number once
                    marker = f"（ベンチ再読込{i}）"
                    text = _headline_edit(path, marker)
                    t = time.perf_counter()
                    path.write_text(text, encoding="utf-8")
                    page.wait_for_function(f"() => document.body.innerText.includes({json.dumps(marker)})",
                                           timeout=120_000, polling=10)
                    times.append(time.perf_counter() - t)
                    page.wait_for_timeout(500)
            finally:
                browser.close()
        return {"save_to_reload_s": times}
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- profile

def profile_real(top: int = 12) -> list[tuple[str, float, float]]:
    import cProfile
    import pstats
    import lunr  # noqa: F401  imports are not the build's work
    from casebook.build import render_site
    render_site(ROOT)  # warm: template bytecode cache, lazy imports
    prof = cProfile.Profile()
    prof.enable()
    render_site(ROOT)
    prof.disable()
    stats = pstats.Stats(prof)
    own, steps = [], []
    for (file, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
        where = f"{Path(file).name}:{line}({func})" if file != "~" else func
        own.append((where, tt, ct))
        if "/casebook/" in file and func not in ("render_site", "<genexpr>", "<listcomp>", "<dictcomp>"):
            steps.append((f"casebook/{Path(file).name}:{line}({func})", tt, ct))
    return sorted(steps, key=lambda r: -r[2])[:top], sorted(own, key=lambda r: -r[1])[:8]


# ---------------------------------------------------------------- report

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f"; load average at start {os.getloadavg()[0]:.1f}"
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}{load}")


def med(values):
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=4, metavar=("ROOT", "OUT", "EXPECTED", "PROCESSES"), help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=9, help="fresh builds of each for the comparison (default 9)")
    parser.add_argument("--quick", action="store_true", help="scale at 14 and 174 regions only")
    parser.add_argument("--incremental-regions", type=int, nargs="*", default=[14, 174])
    # Writing is asked for: a quick or trial run once overwrote the committed figures.
    parser.add_argument("--write", action="store_true", help="also replace the generated part of BENCHMARKS.md "
                        "(refused with --quick: its figures are not the whole benchmark)")
    args = parser.parse_args()
    if args.write and args.quick:
        parser.error("--write records the whole benchmark; run it without --quick")
    if args.child:
        root, out, expected, processes = args.child
        child(Path(root), Path(out), int(expected) or None, int(processes) or None)
        return

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    started = dt.datetime.now().astimezone()
    say(f"Measured {started:%Y-%m-%d %H:%M %Z} on {machine()}.")
    say(f"Command: `python bench/run.py{' --quick' if args.quick else ''}`.")
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    try:
        # 1 -------------------------------------------------------------- real site, against the baseline
        say(f"\n## 1. Real site: full build, one process against {BASELINE} (two processes)\n")
        baseline = baseline_checkout(tmp)
        try:
            vs = against_baseline(tmp, baseline, args.runs)
        finally:
            remove_checkout(baseline)
        walls, peaks, works = vs["walls"], vs["peaks"], vs["works"]
        ratio = med(walls["now"]) / med(walls["before"])
        say(f"Median of {args.runs} fresh processes of each, interleaved (the order alternating), after one untimed "
            "build of each.\n")
        say(f"| figure | {BASELINE} | now | now / before |\n|---|---:|---:|---:|")
        say(f"| `python build.py` wall time (interpreter start to exit) | {med(walls['before']):.3f} s | "
            f"{med(walls['now']):.3f} s | {ratio:.2f}× |")
        say(f"| the work stage (everything after the imports; instrumented builds) | {med(works['before']):.3f} s | "
            f"{med(works['now']):.3f} s | {med(works['now']) / med(works['before']):.2f}× |")
        say(f"| peak memory (the process and its children) | {med(peaks['before']):.0f} MB | {med(peaks['now']):.0f} MB | "
            f"{med(peaks['now']) / med(peaks['before']):.2f}× |")
        say(f"\nEvery run, seconds: {BASELINE} " + ", ".join(f"{w:.2f}" for w in walls["before"]) + "; now "
            + ", ".join(f"{w:.2f}" for w in walls["now"]) + ".")
        say(f"\nGoal: the one-process build no slower than {GOALS['ratio']}× {BASELINE}'s — "
            f"{verdict(ratio <= GOALS['ratio'])} ({ratio:.2f}×).")
        s = run_child(ROOT, tmp / "real", 14)
        say(f"\n{s['files']} files, {s['bytes'] / 1024:.0f} KiB.")

        # 2 -------------------------------------------------------------- scale
        say("\n## 2. Scale: synthetic sites\n")
        say("Regions 1–14 are copies of the real files; the rest are generated by bench/synthetic.py into a "
            "temporary folder. One fresh process per build, as `build.py` builds (one process).\n")
        say("| regions | build (wall) | of which work | peak memory | output | files | time per region (work) |")
        say("|---:|---:|---:|---:|---:|---:|---:|")
        from synthetic import make_site
        scale, one_process = {}, {}
        for n in (SCALES[:2] if args.quick else SCALES):
            root = make_site(tmp / f"syn-{n}", n)
            r = run_child(root, tmp / f"syn-{n}-out", None)
            one_process[n] = r
            shutil.rmtree(tmp / f"syn-{n}-out", ignore_errors=True)
            scale[n] = r
            say(f"| {n:,} | {r['wall_s']:.2f} s | {r['work_s']:.2f} s | {r['rss_mb']:.0f} MB | "
                f"{r['bytes'] / 1024 / 1024:.1f} MiB | {r['files']:,} | {r['work_s'] / n * 1000:.1f} ms |")
        if 1741 in scale and 174 in scale:
            big = scale[1741]
            ratio = (big["work_s"] / 1741) / (scale[174]["work_s"] / 174)
            say(f"\nGoals at 1,741 regions: build ≤ {GOALS['big_build_s']:.0f} s — {verdict(big['wall_s'] <= GOALS['big_build_s'])} "
                f"({big['wall_s']:.1f} s); peak memory ≤ {GOALS['big_rss_mb'] / 1024:.0f} GB — {verdict(big['rss_mb'] <= GOALS['big_rss_mb'])} "
                f"({big['rss_mb']:.0f} MB); time per region within 1.5× of the 174 run — "
                f"{verdict(ratio <= GOALS['per_region_ratio'])} ({ratio:.2f}×).")
        say("\nStage times, as the build reports them through BuildContext's callback (seconds; a page type's time "
            "includes computing its context).\n")
        names = sorted({k for r in one_process.values() for k in r["stages"]},
                       key=lambda k: -max(r["stages"].get(k, 0) for r in one_process.values()))
        say("| stage | " + " | ".join(f"{n:,} regions" for n in one_process) + " |")
        say("|---|" + "---:|" * len(one_process))
        for name in names:
            say(f"| {name} | " + " | ".join(f"{r['stages'].get(name, 0):.3f}" for r in one_process.values()) + " |")

        # 3 -------------------------------------------------------------- page weight
        say("\n## 3. Page weight of the real site, before search is used\n")
        say("The heaviest page of each type with everything it loads (CSS, JS, icon, images; inline SVG is "
            "part of the HTML), each file gzipped on its own as a server would send it.\n")
        weights = page_weights(tmp / "real")
        say("| page type | pages | heaviest page | HTML raw | HTML gzip | total raw | total gzip |")
        say("|---|---:|---|---:|---:|---:|---:|")
        worst = 0
        for kind, entry in sorted(weights["types"].items(), key=lambda kv: -kv[1]["max"]["gzip"]):
            m = entry["max"]
            worst = max(worst, m["gzip"])
            say(f"| {kind} | {entry['pages']} | {m['path']} | {m['html_raw'] / 1024:.1f} KB | {m['html_gzip'] / 1024:.1f} KB | "
                f"{m['raw'] / 1024:.1f} KB | {m['gzip'] / 1024:.1f} KB |")
        sr = weights["search"]
        say(f"\nGoal: every page ≤ {GOALS['page_gzip_kb']} KB gzip — {verdict(worst <= GOALS['page_gzip_kb'] * 1024)} "
            f"(heaviest {worst / 1024:.1f} KB).")
        say(f"\nThe first search downloads lunr.min.js ({sr['lunr_raw'] / 1024:.1f} KB, {sr['lunr_gzip'] / 1024:.1f} KB gzip) "
            f"and the index: {sr['files']} file(s) under search/, {sr['raw'] / 1024:.1f} KB raw, "
            f"{sr['gzip'] / 1024:.1f} KB gzip; in all {(sr['lunr_gzip'] + sr['gzip']) / 1024:.1f} KB gzip "
            "(on a small site the whole index loads at once; `python bench/search_bench.py` measures big sites).")

        # 4 -------------------------------------------------------------- serve
        say("\n## 4. serve: from saving a file to the page\n")
        browser = reload_in_browser()
        if isinstance(browser, str):
            say(f"In the browser: not measured — {browser}.")
        else:
            times = browser["save_to_reload_s"]
            say("`build.py serve` on a copy of the real project; a case page open in headless Chromium; its region's "
                f"headline edited {len(times)} times (different regions). From the save to the open page showing "
                "the edit, which it reloads by itself (serve polls the sources every 0.1 s, the page asks for the "
                "build number every 0.1 s).\n")
            say(f"| save → the open page shows it | median {med(times):.3f} s | worst {max(times):.3f} s |\n|---|---:|---:|")
            say(f"\nGoal: ≤ {GOALS['incremental_s']:.0f} s on the real site — "
                f"{verdict(max(times) <= GOALS['incremental_s'])} (worst {max(times):.3f} s; every run: "
                + ", ".join(f"{t:.2f}" for t in times) + ").")
        say("\nserve's watch loop (casebook/serve.py) in a thread on a synthetic site; timed from the save to the "
            "edited text in the page on disk.\n")
        say("| regions | save → page on disk (median / max) | rebuild | pages rendered again | files changed | "
            "equals a full build |")
        say("|---:|---:|---:|---:|---:|---|")
        for n in args.incremental_regions:
            inc = incremental(n)
            say(f"| {n:,} | {med(inc['save_to_page_s']):.3f} s / {max(inc['save_to_page_s']):.3f} s | "
                f"{med(inc['complete_s']):.3f} s | {inc['rendered'][0]} | "
                f"{med(inc['rewritten']):.0f} of {inc['files']:,} | {'yes' if inc['identical'] else '**NO**'} |")

        # 5 -------------------------------------------------------------- profile
        say("\n## 5. Profile of the real build (cProfile, in process, after one warm-up build)\n")
        steps, own = profile_real()
        say("Slowest steps of the pipeline (casebook functions by cumulative time; nested steps overlap):\n")
        say("| function | cumulative | own time |\n|---|---:|---:|")
        for where, tt, ct in steps:
            say(f"| `{where}` | {ct * 1000:.0f} ms | {tt * 1000:.0f} ms |")
        say("\nHottest functions by own time:\n")
        say("| function | own time | cumulative |\n|---|---:|---:|")
        for where, tt, ct in own:
            say(f"| `{where}` | {tt * 1000:.0f} ms | {ct * 1000:.0f} ms |")
        # 6 -------------------------------------------------------------- lines of product code
        say(f"\n## 6. Lines of product code, {BASELINE} and now\n")
        before, now = product_lines(BASELINE), product_lines(None)
        say(f"| | {BASELINE} | now | change |\n|---|---:|---:|---:|")
        for key in before:
            say(f"| `{key}` | {before[key]:,} | {now[key]:,} | {now[key] - before[key]:+,} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.write:
        write_benchmarks("\n".join(lines))
        print("wrote the figures into BENCHMARKS.md")
    else:
        print("BENCHMARKS.md not changed (--write records these figures there)")


def write_benchmarks(body: str) -> None:
    """Replace the generated part of BENCHMARKS.md; notes written by hand outside the markers stay."""
    path = ROOT / "BENCHMARKS.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    block = f"{start}\n{body}\n{end}"
    if path.exists() and start in path.read_text(encoding="utf-8"):
        text = path.read_text(encoding="utf-8")
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = ("# Benchmarks\n\nGenerated by `python bench/run.py` (issue 6); the notes below the figures are "
                "written by hand.\n\n" + block + "\n")
    path.write_text(text, encoding="utf-8")
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
