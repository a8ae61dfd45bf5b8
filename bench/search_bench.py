"""Search benchmark: prints figures (it is not a timed test).

    python bench/search_bench.py [--regions 1741] [--rounds 5]

For the real site and for a synthetic site of N regions (generated here from the real texts,
written to a temporary folder, never shipped): asset bytes (raw, gzip), search-code bytes,
index load time and query latency p50/p95 in Node, and what a first search downloads; then
recall and precision on a query set of readings, variant spellings, width variants and
multi-word queries (``quality``, issue 13).
Goals (issue 4): real site ≤ 50 KB gzip in total and p95 ≤ 5 ms; at 1,741 regions a first
search downloads ≤ 300 KB gzip.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casebook.assets import shipped as shipped_asset  # noqa: E402
from casebook.search import SearchDocument, _doc_fields, build_search_assets  # noqa: E402
from casebook.search_docs import site_documents  # noqa: E402
from casebook.validate import load_site  # noqa: E402


def real_documents() -> list[SearchDocument]:
    """What the real site indexes (the benchmark runs in the README's venv: no pytest, no tests/)."""
    return list(site_documents(load_site(ROOT)))

NODE = "node"
CLI = ROOT / "tests" / "js" / "search_cli.js"
CODE = [ROOT / "static/js/search.js", ROOT / "static/js/tokenize.js", ROOT / "static/vendor/lunr/lunr.min.js"]
QUERIES = ["主治医", "カナミック", "後方支援", "ＩＣＴ", "医", "在宅医療連携", "訪問看護 連携", "ict化",
           "ｶﾅﾐｯｸ", "24時間", "OKはまゆりネット", "病院", "研修会", "看取り"]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def synthetic(real: list[SearchDocument], n: int, seed: int = 1741) -> list[SearchDocument]:
    """n regions whose texts are recombined sentences of the real documents."""
    rng = random.Random(seed)
    sentences = []
    for doc in real:
        for text in _doc_fields(doc).values():
            sentences += [s + "。" for s in text.replace("\n", "。").split("。") if len(s) > 4]
    regions = [d for d in real if d.kind == "region"] or real
    kanji = "北南東西中上下大小山川田島野原浜松橋本岡崎宮沢井村森林谷口石"
    docs = []
    for i in range(n):
        base = rng.choice(regions)
        name = "".join(rng.choice(kanji) for _ in range(rng.randint(2, 3))) + rng.choice("市町村") + f"{i}"
        size = max(len(t) for t in _doc_fields(base).values())
        body, length = [], 0
        while length < size:
            s = rng.choice(sentences)
            body.append(s)
            length += len(s)
        fields = {k: v for k, v in base.fields.items() if k not in ("name", "body")}
        fields.update(name=name, body="".join(body))
        docs.append(SearchDocument(id=f"syn:{i:04d}", url=f"regions/syn-{i:04d}/", kind="region",
                                   title=name, fields=fields, summary=dict(base.summary)))
    return docs


def node(mode: str, search_dir: Path, payload) -> object:
    proc = subprocess.run([NODE, str(CLI), str(search_dir), mode], input=json.dumps(payload),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(label: str, docs: list[SearchDocument], rounds: int, tmp: Path) -> None:
    assets = build_search_assets(docs)
    out = tmp / label
    for name, data in assets.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    search_dir = out / "search"
    sizes = {name: (len(data), gz(data)) for name, data in assets.items()}
    # Measure the code as the build ships it (our scripts lose their whole-line comments; see casebook/assets.py).
    shipped_code = {p.name: shipped_asset(p.relative_to(ROOT / "static").as_posix(), p.read_bytes()) for p in CODE}
    code = {name: (len(b), gz(b)) for name, b in shipped_code.items()}
    code_gz = sum(g for _, g in code.values())
    shipped = {n: s for n, s in sizes.items() if ".terms." not in n}  # fallback lists load only on mismatch
    manifest = json.loads(assets["search/index.js"].split(b"d.manifest=", 1)[1].rsplit(b";})", 1)[0])

    print(f"\n== {label}: {len(docs)} documents, {sum(len(t) for d in docs for t in _doc_fields(d).values()):,} "
          f"characters indexed; {len(manifest['shards'])} term shard(s), {len(manifest['blocks'])} "
          f"document block(s), {'eager' if manifest['eager'] else 'lazy'} loading")
    for group, prefix in (("manifest", "search/index"), ("term shards", "search/t"),
                          ("document blocks", "search/d"), ("fallback term lists", "search/t")):
        items = [s for n, s in sizes.items() if n.startswith(prefix)
                 and ((".terms." in n) == (group == "fallback term lists"))]
        if items:
            print(f"  {group:20} {len(items):5} files  raw {sum(r for r, _ in items):>10,} B  "
                  f"gzip {sum(g for _, g in items):>9,} B  (largest gzip {max(g for _, g in items):,} B)")
    for name, (raw, g) in code.items():
        print(f"  code {name:15}            raw {raw:>10,} B  gzip {g:>9,} B")
    print(f"  index total (without fallback lists) gzip {sum(g for _, g in shipped.values()):,} B; "
          f"with code {sum(g for _, g in shipped.values()) + code_gz:,} B")

    rng = random.Random(5)
    texts = [t for d in docs for t in _doc_fields(d).values() if len(t) > 10]
    queries = list(QUERIES)
    for _ in range(36):
        t = rng.choice(texts)
        k = rng.randint(1, 6)
        start = rng.randrange(len(t) - k)
        queries.append(t[start:start + k])
    bench = node("bench", search_dir, {"queries": queries, "rounds": rounds})
    lat = bench["latencies"]
    print(f"  node: index load {bench['loadMs']:.1f} ms (of which building the index {bench['eagerMs']:.1f} ms); "
          f"query latency over {len(lat)} runs: p50 {pct(lat, 50):.2f} ms, p95 {pct(lat, 95):.2f} ms, "
          f"max {max(lat):.2f} ms")

    first = node("first", search_dir, {"queries": queries})
    downloads = []
    for res in first:
        downloads.append(code_gz + sum(sizes["search/" + f][1] for f in res["files"]))
    worst = max(zip(downloads, [r["query"] for r in first]))
    print(f"  first search download (code + data, gzip): median {statistics.median(downloads) / 1024:.1f} KB, "
          f"max {worst[0] / 1024:.1f} KB (query {worst[1]!r})")


# ---------------------------------------------------------------------------------------
# Quality (issue 13, i13a): recall and precision on queries a reader types, with the pages they
# mean.  The written forms each query means are listed here (that is the reader's intent); the
# pages holding them are found by a substring scan, never listed by hand.

QUALITY = [
    # (group, query, written forms meant: one list per query word, any form of a list will do)
    ("reading", "みとり", [["看取り"]]),
    ("reading", "ミトリ", [["看取り"]]),
    ("reading", "ほうもんかんご", [["訪問看護"]]),
    ("reading", "しゅじい", [["主治医"]]),
    ("reading", "かなみっく", [["カナミック"]]),
    ("reading", "ざいたくいりょう", [["在宅医療"]]),
    ("reading", "こうほうしえん", [["後方支援"]]),
    ("reading", "いしかい", [["医師会"]]),
    ("reading", "たしょくしゅれんけい", [["多職種連携"]]),
    ("reading", "きゅうきゅうはんそう", [["救急搬送"]]),
    ("reading", "かんご", [["看護"]]),
    ("reading", "ちいき", [["地域"]]),
    ("reading", "しえん", [["支援"]]),
    ("variant", "掛かり付け医", [["かかりつけ医"]]),
    ("variant", "看とり", [["看取り"]]),
    ("variant", "訪問かんご", [["訪問看護"]]),
    ("width", "ｶﾅﾐｯｸ", [["カナミック"]]),
    ("width", "ＩＣＴ", [["ict"]]),
    ("width", "ｶｶﾘﾂｹｲ", [["かかりつけ医"]]),
    ("width", "２４時間", [["24時間"]]),
    ("multi-word", "みとり 連携", [["看取り"], ["連携"]]),
    ("multi-word", "主治医 搬送", [["主治医"], ["搬送"]]),
    ("multi-word", "かかりつけ医 ほうもんかんご", [["かかりつけ医"], ["訪問看護"]]),
]


def quality(docs: list[SearchDocument], tmp: Path) -> None:
    from casebook.search import normalize

    assets = build_search_assets(docs)
    out = tmp / "quality"
    for name, data in assets.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    texts = {d.id: [normalize(t) for t in _doc_fields(d).values()] for d in docs}
    got = node("query", out / "search", {"queries": [q for _, q, _ in QUALITY], "limit": 10**9})
    print(f"\n== quality on the real site: {len(QUALITY)} queries (readings, variant spellings, width variants, "
          "multi-word)")
    print(f"  {'group':10} {'query':24} {'expected':>8} {'found':>6} {'recall':>7} {'precision':>9}  forms shown")
    sums: dict[str, list[int]] = {}
    for (group, query, meant), res in zip(QUALITY, got):
        expected = {i for i, ts in texts.items() if all(any(f in t for f in forms for t in ts) for forms in meant)}
        found = {r["id"] for r in res["results"]}
        hit = len(found & expected)
        forms = sorted({f"{v['from']}→{v['to']}" for r in res["results"] for v in r["via"]})
        s = sums.setdefault(group, [0, 0, 0])
        s[0] += hit
        s[1] += len(expected)
        s[2] += len(found)
        recall = hit / len(expected) if expected else 1.0
        precision = hit / len(found) if found else 1.0
        print(f"  {group:10} {query:24} {len(expected):8} {len(found):6} {recall:7.2f} {precision:9.2f}  "
              f"{' '.join(forms[:3])}")
    for group, (hit, exp, found) in sums.items():
        print(f"  {group:10} recall {hit / exp if exp else 1:.2f}, precision {hit / found if found else 1:.2f} "
              f"({hit} of {exp} expected pages, {found} found)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=1741)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    real = real_documents()
    with tempfile.TemporaryDirectory() as tmp:
        report("real site", real, args.rounds, Path(tmp))
        report(f"synthetic site ({args.regions} regions)", synthetic(real, args.regions), args.rounds, Path(tmp))
        quality(real, Path(tmp))


if __name__ == "__main__":
    main()
