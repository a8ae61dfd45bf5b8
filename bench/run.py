"""Build benchmark (issue 6): prints figures; with --write, also into BENCHMARKS.md with machine and date.

    python bench/run.py                 everything (about 5–10 minutes on 2 cores, most of it the 1,741-region build)
    python bench/run.py --quick         real site, page weight, incremental and profile; scale at 14 and 174 only
    python bench/run.py --write         everything, and the figures replace the generated part of BENCHMARKS.md

1. Real site, full build: median of 5 fresh processes of `python build.py --out TMP`, the same build split
   into importing its libraries and the work itself, and a bare `python -c "import jinja2, yaml, pandas,
   markdown, lunr"` measured in the same run.
2. Scale: the same build over synthetic sites (bench/synthetic.py; temporary folders, never shipped) of 14, 174
   and 1,741 regions: build time, peak memory (max RSS), output size, time per region, time per stage.
3. Page weight per page type of the real site (HTML + CSS + JS + images it loads, raw and gzip), before
   search is used; and what the first search downloads.
4. Incremental rebuild in serve: serve's own watch loop runs in a thread on a temporary copy; from saving a
   region file to the changed page on disk. Afterwards the folder must equal a full build byte for byte.
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
BARE_IMPORT = "import jinja2, yaml, pandas, markdown, lunr"
SCALES = (14, 174, 1741)
GOALS = {"work_s": 0.5, "big_build_s": 30.0, "big_rss_mb": 2048, "per_region_ratio": 1.5, "page_gzip_kb": 50,
         "incremental_s": 1.0}


# ---------------------------------------------------------------- the child: one build, instrumented

def child(root: Path, out: Path, expected: int | None, processes: int | None) -> None:
    """One build in this (fresh) process; prints a JSON line with the import / work split and stage times.
    *processes* None: as `build.py` builds (two processes where it can). Stage times are of this process: with
    two, the page stages leave out what the child rendered, so the stage table comes from builds in one."""
    started = time.perf_counter()
    import jinja2, yaml, pandas, markdown  # noqa: F401,E401  the libraries the build uses
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


def run_child(root: Path, out: Path, expected: int | None, processes: int | None = None) -> dict:
    args = [PY, str(Path(__file__).resolve()), "--child", str(root), str(out), str(expected or 0), str(processes or 0)]
    t = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=USER_ENV)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"benchmark build failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def timed_process(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT, env=USER_ENV)
    return time.perf_counter() - t


def build_and_bare(out: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall times of `build.py --out OUT` and of the bare import, interleaved so that the machine's load affects
    both alike, after one untimed build (it writes casebook's .pyc files, as a user's first build does)."""
    timed_process([PY, "build.py", "--out", str(out)])
    walls, bare = [], []
    for _ in range(runs):
        walls.append(timed_process([PY, "build.py", "--out", str(out)]))
        bare.append(timed_process([PY, "-c", BARE_IMPORT]))
    return walls, bare


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

def incremental(regions: int, edits: int = 5) -> dict:
    from casebook import serve
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
        latencies, first_page, complete, rewritten = [], [], [], []
        for i, path in enumerate(picks):
            marker = f"（ベンチ編集{i}）"
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"^headline: (.*)$", lambda m: f"headline: {m.group(1)}{marker}", text, count=1, flags=re.M)
            slug = re.fullmatch(r"\d+-(.+)\.yaml", path.name).group(1)
            page = out / "regions" / slug / "index.html"
            t = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while marker not in page.read_text(encoding="utf-8"):
                if time.perf_counter() - t > 600:
                    raise SystemExit("incremental rebuild: the page never changed")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - t)
            while rebuilder.last.get("files") is None or time.perf_counter() - t < rebuilder.last["total"]:
                time.sleep(0.01)  # let the rest of the rebuild finish before the next edit
            time.sleep(0.5)
            first_page.append(rebuilder.last["total"])
            complete.append(rebuilder.last["total"])
            rewritten.append(rebuilder.last["rewritten"])
            rebuilder.last = {}
        stop.set()
        watcher.join()
        _, full = render_site(root, "", None)
        disk = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        return {"regions": regions, "save_to_page_s": latencies, "first_page_s": first_page, "complete_s": complete,
                "rewritten": rewritten, "files": len(full.files), "identical": disk == full.files}
    finally:
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
    parser.add_argument("--runs", type=int, default=5)
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
        # 1 -------------------------------------------------------------- real site, fresh processes
        say("\n## 1. Real site: full build\n")
        walls, bare = build_and_bare(tmp / "real-cli", args.runs)
        splits = [run_child(ROOT, tmp / "real", 14) for _ in range(args.runs)]
        s = splits[-1]
        imp, work, child_wall = med([x["import_s"] for x in splits]), med([x["work_s"] for x in splits]), med([x["wall_s"] for x in splits])
        say(f"| figure (median of {args.runs} fresh processes) | seconds |\n|---|---|")
        say(f"| `python build.py` wall time (interpreter start to exit) | {med(walls):.3f} |")
        say(f"| same build, instrumented: wall time | {child_wall:.3f} |")
        say(f"| — importing its libraries (jinja2, yaml, pandas, markdown, lunr, casebook) | {imp:.3f} |")
        say(f"| — the work itself (load, validate, render, search index, exports, write) | {work:.3f} |")
        say(f"| bare `python -c \"{BARE_IMPORT}\"` | {med(bare):.3f} |")
        say(f"| ratio of the whole build to the bare import | {med(walls) / med(bare):.2f}× |")
        say(f"\nRendered in {s['processes']} process(es). {s['files']} files, {s['bytes'] / 1024:.0f} KiB, "
            f"peak memory {s['rss_mb']:.0f} MB. "
            f"Goal: the work ≤ {GOALS['work_s']} s — {verdict(work <= GOALS['work_s'])} ({work:.3f} s).")

        # 2 -------------------------------------------------------------- scale
        say("\n## 2. Scale: synthetic sites\n")
        say("Regions 1–14 are copies of the real files; the rest are generated by bench/synthetic.py into a "
            "temporary folder. One fresh process per build, rendering in two processes as `build.py` does where "
            "the machine allows (peak memory: the two peaks added up).\n")
        say("| regions | build (wall) | of which work | peak memory | output | files | time per region (work) |")
        say("|---:|---:|---:|---:|---:|---:|---:|")
        from synthetic import make_site
        scale, one_process = {}, {}
        for n in (SCALES[:2] if args.quick else SCALES):
            root = make_site(tmp / f"syn-{n}", n)
            r = run_child(root, tmp / f"syn-{n}-out", None)
            one_process[n] = run_child(root, tmp / f"syn-{n}-out", None, processes=1) if r["processes"] > 1 else r
            shutil.rmtree(tmp / f"syn-{n}-out", ignore_errors=True)
            scale[n] = r
            say(f"| {n:,} | {r['wall_s']:.2f} s | {r['work_s']:.2f} s | {r['rss_mb']:.0f} MB | "
                f"{r['bytes'] / 1024 / 1024:.1f} MiB | {r['files']:,} | {r['work_s'] / n * 1000:.1f} ms |")
        if 1741 in scale and 174 in scale:
            big = scale[1741]
            ratio = (big["work_s"] / 1741) / (scale[174]["work_s"] / 174)
            say(f"\nGoals at 1,741 regions: build ≤ {GOALS['big_build_s']:.0f} s — {verdict(big['wall_s'] <= GOALS['big_build_s'])} "
                f"({big['wall_s']:.1f} s); peak memory ≤ 2 GB — {verdict(big['rss_mb'] <= GOALS['big_rss_mb'])} "
                f"({big['rss_mb']:.0f} MB); time per region within 1.5× of the 174 run — "
                f"{verdict(ratio <= GOALS['per_region_ratio'])} ({ratio:.2f}×).")
        say("\nStage times of a build in one process (seconds; a page type's time includes computing its context). "
            "The work in one process: " + ", ".join(f"{one_process[n]['work_s']:.2f} s at {n:,}" for n in one_process)
            + ".\n")
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

        # 4 -------------------------------------------------------------- incremental
        say("\n## 4. Incremental rebuild in serve\n")
        say("serve's watch loop (casebook/serve.py, polling every 0.2 s) runs in a thread on a temporary copy; "
            "a region's headline is edited 5 times (different regions). Timed from the file save to the "
            "edited text in the region page on disk.\n")
        say("| regions | save → page on disk (median / max) | rebuild to that page | whole site consistent | files rewritten | equals a full build |")
        say("|---:|---:|---:|---:|---:|---|")
        incs = {}
        for n in args.incremental_regions:
            inc = incremental(n)
            incs[n] = inc
            say(f"| {n:,} | {med(inc['save_to_page_s']):.3f} s / {max(inc['save_to_page_s']):.3f} s | "
                f"{med(inc['first_page_s']):.3f} s | {med(inc['complete_s']):.3f} s | "
                f"{med(inc['rewritten']):.0f} of {inc['files']:,} | {'yes' if inc['identical'] else '**NO**'} |")
        if 14 in incs:
            m = max(incs[14]["save_to_page_s"])
            say(f"\nGoal: ≤ {GOALS['incremental_s']:.0f} s after one region file changes — {verdict(m <= GOALS['incremental_s'])} "
                f"(worst {m:.3f} s on the real site, including up to 0.2 s until the poll notices the save).")

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
