"""Lighthouse benchmark (issue 12): prints figures, it is not a test.

    python bench/lighthouse.py [--pages N] [--path PATH ...] [--runs R] [--site DIR] [--dry-run]

Builds the site into a temporary folder (or takes DIR), serves it on 127.0.0.1 and runs Lighthouse 12 with its
default mobile preset (simulated slow 4G, 4x CPU slowdown, 412 px Moto G screen) on one page of each type, then
prints one row per page: the four category scores (performance, accessibility, best practices, SEO) and LCP, TBT
and CLS.  With --runs R each page is measured R times and the run with the median performance score is shown.

Lighthouse is not a project dependency (it is large and only this benchmark needs it); install it once, outside
the repository, with network:

    npm i -E --prefix ~/.cache/casebook-lighthouse lighthouse@12.2.3

(or point CASEBOOK_LIGHTHOUSE at its `lighthouse` executable).  --dry-run needs neither Lighthouse nor network:
it builds, serves and fetches every page and prints the command line it would run for each one (the README
smoke test uses it).  Chromium is /usr/bin/chromium (CHROME_PATH overrides).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIGHTHOUSE = Path(os.environ.get("CASEBOOK_LIGHTHOUSE",
                                 Path.home() / ".cache/casebook-lighthouse/node_modules/.bin/lighthouse"))
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# One page of each type, heaviest or most complex of its kind first where there is a choice.
PAGES = ["", "regions/", "regions/by-rate-65/", "regions/kamaishi/", "models/", "models/v-a/", "survey/",
         "survey/s6/", "survey/local/", "survey/local/questionnaire/", "compare/", "compare/kamaishi/", "similar/",
         "search/?q=看取り", "about/", "data/", "404.html", "regions/print/?r=kamaishi,usuki,mibu", "data/log/"]
INSTALL = "npm i -E --prefix ~/.cache/casebook-lighthouse lighthouse@12.2.3"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def command(url: str) -> list[str]:
    return [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
            "--only-categories=" + ",".join(CATEGORIES), "--chrome-flags=" + " ".join(CHROME_FLAGS)]


def measure(url: str) -> dict:
    env = dict(os.environ, CHROME_PATH=CHROME)
    result = subprocess.run(command(url), capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise SystemExit(f"lighthouse failed on {url}: {report['runtimeError'].get('message')}")
    audits = report["audits"]
    row = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    row["lcp"] = audits["largest-contentful-paint"]["numericValue"] / 1000
    row["tbt"] = audits["total-blocking-time"]["numericValue"]
    row["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    # What costs points outside performance: the failed audits of the other categories, by id.
    row["failed"] = sorted({ref["id"] for c in CATEGORIES[1:] for ref in report["categories"][c]["auditRefs"]
                            if ref["weight"] and (audits[ref["id"]]["score"] is not None)
                            and audits[ref["id"]]["score"] < 1})
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=len(PAGES), help="measure only the first N page types")
    ap.add_argument("--path", action="append", help="measure this page (site-relative, e.g. survey/local/) instead; repeatable")
    ap.add_argument("--runs", type=int, default=1, help="runs per page; the median-performance run is shown")
    ap.add_argument("--site", help="a built site to serve instead of a fresh build")
    ap.add_argument("--dry-run", action="store_true", help="fetch the pages and print the commands, run nothing")
    args = ap.parse_args()
    if not args.dry_run and not LIGHTHOUSE.exists():
        raise SystemExit(f"Lighthouse is not installed at {LIGHTHOUSE}; install it once with:\n  {INSTALL}")
    tmp = tempfile.TemporaryDirectory()
    site = Path(args.site) if args.site else Path(tmp.name) / "_site"
    if not args.site:
        from casebook.build import build_site
        build_site(ROOT, site, log=lambda _: None)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = args.path or PAGES[:max(1, args.pages)]
    try:
        if args.dry_run:
            for path in pages:
                url = base + urllib.request.quote(path, safe="/?=&")
                try:
                    with urllib.request.urlopen(url, timeout=30) as response:
                        size = len(response.read())
                except OSError as exc:
                    raise SystemExit(f"/{path}: the built site does not serve it ({exc})")
                print(f"/{path}  ({size:,} bytes)\n  CHROME_PATH={CHROME} {shlex.join(command(url))}")
            return
        print(f"Lighthouse {version()}, mobile preset, {args.runs} run(s) per page, "
              f"served from {base}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        print("| page | performance | accessibility | best practices | SEO | LCP | TBT | CLS |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        notes = []
        for path in pages:
            url = base + urllib.request.quote(path, safe="/?=&")
            runs = sorted((measure(url) for _ in range(args.runs)), key=lambda r: r["performance"])
            row = runs[len(runs) // 2]
            spread = f" ({runs[0]['performance']}–{runs[-1]['performance']})" if args.runs > 1 else ""
            print(f"| /{path} | {row['performance']}{spread} | {row['accessibility']} | {row['best-practices']} | "
                  f"{row['seo']} | {row['lcp']:.1f} s | {row['tbt']:.0f} ms | {row['cls']:.3f} |", flush=True)
            if row["failed"]:
                notes.append(f"/{path}: {', '.join(row['failed'])}")
        if notes:
            print("\nFailed audits outside performance:\n  " + "\n  ".join(notes))
    finally:
        server.shutdown()
        tmp.cleanup()


def version() -> str:
    package = LIGHTHOUSE.resolve().parent.parent / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "?"


if __name__ == "__main__":
    main()
