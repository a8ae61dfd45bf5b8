"""Print one page of each type to A4 PDF in headless Chromium and report pages and how full each page is.

Usage: python bench/print_pages.py [SITE_DIR] [--keep DIR]   (builds into a temp folder when SITE_DIR is omitted)
A page counts as near-empty when its printed content reaches less than a quarter of the page height.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGES = ["index.html", "regions/index.html", "regions/by-rate-65/index.html", "regions/usuki/index.html",
         "regions/mibu/index.html", "regions/kamaishi/index.html", "models/index.html", "survey/s2/index.html", "survey/s6/index.html",
         "compare/index.html", "about/index.html", "data/index.html"]


def fill(pdf: Path, tmp: Path) -> list[float]:
    """Share of each page's height down to its lowest non-white pixel (a low-resolution render)."""
    out = tmp / "p"
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(out)], check=True)
    shares = []
    for pgm in sorted(tmp.glob("p-*.pgm")):
        data = pgm.read_bytes()
        magic, w, h, _max, pixels = data.split(maxsplit=4)
        w, h = int(w), int(h)
        rows = [pixels[y * w:(y + 1) * w] for y in range(h)]
        bottom = max((y for y, row in enumerate(rows) if min(row) < 200), default=0)
        shares.append(round(bottom / h, 2))
        pgm.unlink()
    return shares


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("site", nargs="?")
    ap.add_argument("--keep")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    site = Path(args.site) if args.site else tmp / "_site"
    if not args.site:
        from casebook.build import build_site
        build_site(ROOT, site, log=lambda _: None)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    keep = Path(args.keep) if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        print(f"{'page':40} pages  fill of each page")
        for rel in PAGES:
            if not (site / rel).exists():
                continue
            page.goto(base + rel)
            page.emulate_media(media="print")
            pdf = tmp / "out.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=False)
            if keep:
                (keep / (rel.replace("/", "_") + ".pdf")).write_bytes(pdf.read_bytes())
            n = int(next(l.split()[-1] for l in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines() if l.startswith("Pages:")))
            shares = fill(pdf, tmp)
            low = [i + 1 for i, s in enumerate(shares[:-1]) if s < 0.25]
            print(f"{rel:40} {n:5}  {' '.join(f'{s:.2f}' for s in shares)}{'  near-empty: ' + str(low) if low else ''}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
