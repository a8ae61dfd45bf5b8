"""Synthetic casebook sites for the benchmark: never shipped, never written into the real tree.

A synthetic site is a temporary folder holding copies of templates/, static/, content/ and survey/, the 14 real
region files as regions 1–14 (so the survey's respondent counts still add up), and regions 15..N generated
from them: recombined real names, headlines and highlights, model codes drawn from the real taxonomy,
population figures whose printed rates match the rate check, no survey respondents.
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("templates", "static", "content", "survey")
PLACE = "北南東西中上下大小山川田島野原浜松橋本岡崎宮沢井村森林谷口石高新富士青葉桜"
PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
               "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
               "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
               "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
               "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]
SUFFIX = ["市", "町", "村", "区"]


def round_half_up(value: float) -> float:
    # The same rounding as casebook.model.round_half_up, to one decimal.
    import math
    return math.floor(value * 10 + 0.5 + 1e-9) / 10


def _real_regions() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((ROOT / "regions").glob("*.yaml")):
        out.append((path.name, yaml.safe_load(path.read_text(encoding="utf-8"))))
    return out


def _model_codes() -> list[str]:
    return [m["code"] for m in yaml.safe_load((ROOT / "content" / "models.yaml").read_text(encoding="utf-8"))]


def generate_region(number: int, real: list[dict], codes: list[str], rng: random.Random) -> dict:
    base = real[(number - 1) % len(real)]
    place = "".join(rng.choice(PLACE) for _ in range(rng.randint(2, 3))) + rng.choice(SUFFIX)
    association = f"{place[:-1]}医師会"
    total = rng.randint(8_000, 900_000)
    aged65 = int(total * rng.uniform(0.18, 0.42))
    aged75 = int(aged65 * rng.uniform(0.42, 0.6))
    highlights = [h for r in rng.sample(real, 3) for h in r["highlights"][:2]][: rng.randint(2, 5)]
    picked = rng.sample(codes, rng.randint(1, 4))
    memberships = []
    for code in picked:
        donor = next((m for r in rng.sample(real, len(real)) for m in r["models"] if m["code"] == code), None)
        label = donor["label"] if donor else f"{association}による連携"
        memberships.append({"code": code, "label": label, "page": rng.randint(20, 220)})
    diagram = base["diagram"]
    return {
        "number": number,
        "slug": f"syn-{number:04d}",
        "name": f"{rng.choice(PREFECTURES)}{place}（{association}）",
        "prefecture": rng.choice(PREFECTURES),
        "municipalities": [place],
        "organisations": [association],
        "population": {"total": total, "aged_65_plus": aged65, "aged_75_plus": aged75,
                       "rate_65_printed": round_half_up(aged65 / total * 100),
                       "rate_75_printed": round_half_up(aged75 / total * 100)},
        "report_page": rng.randint(20, 240),
        "headline": rng.choice(real)["headline"],
        "highlights": highlights,
        "models": memberships,
        "ict_systems": list(rng.choice(real)["ict_systems"]),
        "survey": {"organisation": association, "target": base["survey"]["target"], "clinics": rng.randint(0, 120),
                   "hospitals": rng.randint(0, 10), "not_surveyed_reason": None, "respondent_area": None,
                   "respondents": 0},
        "diagram": diagram,
        "source_notes": [],
    }


def make_site(dest: Path, regions: int, seed: int = 1741) -> Path:
    """Write a synthetic site of *regions* region files into *dest* (created); returns dest."""
    if regions < 14:
        raise ValueError("a synthetic site keeps the 14 real regions as its first 14")
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copytree(ROOT / name, dest / name)
    (dest / "regions").mkdir()
    real_files = _real_regions()
    for name, _ in real_files:
        shutil.copy2(ROOT / "regions" / name, dest / "regions" / name)
    real = [data for _, data in real_files]
    codes = _model_codes()
    rng = random.Random(seed)
    width = max(2, len(str(regions)))
    for number in range(len(real) + 1, regions + 1):
        data = generate_region(number, real, codes, rng)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, indent=2, width=1000)
        (dest / "regions" / f"{number:0{width}d}-{data['slug']}.yaml").write_text(text, encoding="utf-8")
    return dest
