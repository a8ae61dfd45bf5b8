"""Print one page of each type to A4 PDF in headless Chromium and report, per page: printed pages, how full each
page is, the body text size (the size most characters are printed at) and the smallest printed size.

Usage: python bench/print_pages.py [SITE_DIR] [--keep DIR]   (builds into a temp folder when SITE_DIR is omitted)
A page counts as near-empty when its printed content reaches less than a quarter of the page height.
Sizes come from the PDF itself (pdftotext -bbox word heights, calibrated on a line printed at a known size in the
same browser), so they include every zoom and SVG scaling the print applies.
"""
from __future__ import annotations

import argparse
import collections
import functools
import http.server
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
THREE = "kamaishi,usuki,mibu"
PAGES = ["index.html", "regions/index.html", "regions/by-rate-65/index.html", "regions/usuki/index.html",
         "regions/mibu/index.html", "regions/kamaishi/index.html", f"regions/print/index.html?r={THREE}",
         "models/index.html", "models/v-b2/index.html", "survey/index.html", "survey/s2/index.html",
         "survey/s6/index.html", f"compare/index.html?r={THREE}", "about/index.html", "data/index.html",
         "data/log/index.html"]
CALIBRATION = ('<!doctype html><html lang="ja"><meta charset="utf-8"><body style="font-family: \'Noto Sans JP\', '
               '\'Noto Sans CJK JP\', sans-serif; font-size: 10pt">較正 calibration</body></html>')


def fill(pdf: Path, tmp: Path) -> list[float]:
    """Share of each page's height down to its lowest non-white pixel (a low-resolution render)."""
    out = tmp / "p"
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(out)], check=True)
    shares = []
    for pgm in sorted(tmp.glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        data = pgm.read_bytes()
        magic, w, h, _max, pixels = data.split(maxsplit=4)
        w, h = int(w), int(h)
        rows = [pixels[y * w:(y + 1) * w] for y in range(h)]
        bottom = max((y for y, row in enumerate(rows) if min(row) < 200), default=0)
        shares.append(round(bottom / h, 2))
        pgm.unlink()
    return shares


# A word of symbols only (≒) is set in a fallback font whose box pdftotext measures at under half its size: only
# words with a letter, digit, kana or kanji are measured.
MEASURED = re.compile(r"[\w\u3040-\u30ff\u4e00-\u9fff]")


def word_heights(pdf: Path) -> list[tuple[float, str]]:
    """(height in pt, word) of every word pdftotext finds in *pdf*."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(float(y1) - float(y0), w) for y0, y1, w in
            re.findall(r'<word xMin="[-\d.]+" yMin="([-\d.]+)" xMax="[-\d.]+" yMax="([-\d.]+)">([^<]*)</word>', xml)
            if MEASURED.search(w)]


def sizes(pdf: Path, ratio: float) -> tuple[float, float, list[str]]:
    """(body size, smallest size, a few words at the smallest size), sizes in pt rounded to 0.1."""
    words = [(round(h / ratio, 1), w) for h, w in word_heights(pdf)]
    by_size = collections.Counter()
    for size, w in words:
        by_size[size] += len(w)
    body = by_size.most_common(1)[0][0]
    smallest = min(s for s, _ in words)
    return body, smallest, [w for s, w in words if s == smallest][:4]


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
        page.set_content(CALIBRATION, wait_until="load")
        page.emulate_media(media="print")
        page.pdf(path=str(tmp / "cal.pdf"), format="A4")
        ratio = max(h for h, _ in word_heights(tmp / "cal.pdf")) / 10
        print(f"{'page':44} pages  body  min  (pt)  fill of each page")
        for rel in PAGES:
            if not (site / rel.split("?")[0]).exists():
                continue
            page.goto(base + rel, wait_until="load")
            page.emulate_media(media="print")
            pdf = tmp / "out.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=False, prefer_css_page_size=True)
            if keep:
                (keep / (re.sub(r"[/?=,]", "_", rel) + ".pdf")).write_bytes(pdf.read_bytes())
            n = int(next(l.split()[-1] for l in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines() if l.startswith("Pages:")))
            body, smallest, at = sizes(pdf, ratio)
            shares = fill(pdf, tmp)
            low = [i + 1 for i, s in enumerate(shares[:-1]) if s < 0.25]
            print(f"{rel:44} {n:5} {body:5} {smallest:4}        {' '.join(f'{s:.2f}' for s in shares)}"
                  f"{'  near-empty: ' + str(low) if low else ''}  (smallest: {' '.join(at)})")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
