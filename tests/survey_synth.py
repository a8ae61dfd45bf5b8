"""Synthetic responses built from the published tables: 124 clinics whose answers reproduce the printed tables.

The clinics are one coherent set, not one column per table: the clinics that answer a follow-up question are the
ones whose earlier answer leads to it (s3-2b/s3-2c: 「往診を行う曜日・時間帯を決めて行っている」 in s3-2; s6-2: the
clinics naming 訪問看護ステーション in s6-1; …), the 24時間365日 group of s6-1b is formed from s3-2 and s4-2, and the
numeric answers are constructed so that n, mean, median, min and max come out as printed (per doctor where the
report divides by the doctors), including the per-doctor means by intention (s3-3b, s4-3b, s5-2b)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from casebook.localsurvey.questionnaire import GROUPED_FROM, build_questionnaire
from casebook.localsurvey.tally import _formatter, per_doctor

CLINICS = 124
EXCLUSIVE = ("無回答", "特にない")  # answered alone
D = Decimal


def _values(lows: int, highs: int, total: D, lo: D, x1: D, x2: D, hi: D, fixed_lo: bool, fixed_hi: bool,
            step: D) -> list[D] | None:
    """*lows* values in [lo, x1] and *highs* in [x2, hi] summing to *total*; one of them lo / hi if asked."""
    vals_l = [lo] * lows
    vals_h = [x2] * highs
    if fixed_hi:
        if not highs:
            return None
        vals_h[0] = hi
    left = total - sum(vals_l) - sum(vals_h)
    if left < 0:
        return None
    for vals, top, start in ((vals_h, hi, 1 if fixed_hi else 0), (vals_l, x1, 1 if fixed_lo else 0)):
        for i in range(start, len(vals)):
            room = top - vals[i]
            add = min(room, left)
            if add < room:  # keep values on the grid except the last one
                add = (add // step) * step if left > add + step else add
            vals[i] += add
            left -= add
            if left == 0:
                break
        if left == 0:
            break
    if left != 0:
        # one more pass for what the grid left over
        for vals, top in ((vals_h, hi), (vals_l, x1)):
            for i in range(len(vals)):
                add = min(top - vals[i], left)
                vals[i] += add
                left -= add
        if left != 0:
            return None
    if fixed_lo and lows and lo not in vals_l:
        return None
    return vals_l + vals_h


def _plan(n, total, lo, hi, x1, x2, mids, lows, highs, cells, free, step, lo_free, hi_free):
    """One try of construct(): the minimum (maximum) among the free values or in the cell with the smallest
    (largest) mean."""
    if not cells and not (lo_free and hi_free):
        return None
    lo_cell = min(range(len(cells)), key=lambda i: cells[i][1] / cells[i][0]) if not lo_free else None
    hi_cell = max(range(len(cells)), key=lambda i: cells[i][1] / cells[i][0]) if not hi_free else None
    # Cells take as few highs as their sum allows (a high value can be as large as hi, a low as large as x1).
    plan = []
    for k, s in cells:
        h = 0
        while h <= k and s > (k - h) * x1 + h * hi:
            h += 1
        plan.append([k - h, h, s])
    if hi_cell is not None and plan[hi_cell][1] == 0:
        plan[hi_cell][0] -= 1
        plan[hi_cell][1] += 1
    if lo_cell is not None and plan[lo_cell][0] == 0:
        return None
    need_l = 1 if lo < x1 and lo_free else 0
    need_h = 1 if hi > x2 and hi_free else 0

    def to_high():  # a cell turns a low into a high: the free values get one more low
        for i, p in enumerate(plan):
            if p[0] > (1 if i == lo_cell else 0) and p[2] >= (p[0] - 1) * lo + (p[1] + 1) * x2:
                p[0] -= 1
                p[1] += 1
                return True
        return False

    def to_low():  # a cell turns a high into a low: the free values get one more high
        for i, p in enumerate(plan):
            if p[1] > (1 if i == hi_cell else 0) and p[2] <= (p[0] + 1) * x1 + (p[1] - 1) * hi:
                p[0] += 1
                p[1] -= 1
                return True
        return False
    for _ in range(4 * n):
        fl = lows - sum(p[0] for p in plan)
        fh = highs - sum(p[1] for p in plan)
        rest = total - sum(p[2] for p in plan) - sum(mids)
        if fl + fh + len(mids) != free:
            break
        if fl < need_l:
            moved = to_high()
        elif fh < need_h:
            moved = to_low()
        else:
            got = _values(fl, fh, rest, lo, x1, x2, hi, bool(need_l), bool(need_h), step)
            if got is not None:
                parts = [_values(l, h, s, lo, x1, x2, hi, i == lo_cell and lo < x1, i == hi_cell and hi > x2, step)
                         for i, (l, h, s) in enumerate(plan)]
                if all(p is not None for p in parts):
                    return parts + [mids + got]
                break
            smallest = fl * lo + fh * x2 + (hi - x2 if need_h else 0)
            moved = to_high() if rest < smallest else to_low()
        if not moved:
            break
    return None


def construct(n: int, total: D, lo: D, hi: D, median: D, cells=(), step=D("0.1"), x1=None, x2=None, mids=None,
              lows=None, highs=None) -> list[list[D]]:
    """n values with the given sum, min, max and median. *cells*: (k, sum) groups whose values must add up to that
    sum (the clinics behind a printed per-doctor mean); the rest are free. Returns one list per cell, then the free
    values. Values at or below *x1* are the lows, at or above *x2* the highs, *mids* sit between (default: the
    median itself, so the middle of the sorted values is the median)."""
    x1 = median if x1 is None else x1
    x2 = median if x2 is None else x2
    bound = (n - 1) // 2
    mids = [median] * (n - 2 * bound) if mids is None else list(mids)
    lows = bound if lows is None else lows
    highs = n - lows - len(mids) if highs is None else highs
    free = n - sum(k for k, _ in cells)
    if hi == lo:
        return [[lo] * k for k, _ in cells] + [[lo] * free]
    for lo_free, hi_free in ((True, True), (True, False), (False, True), (False, False)):
        got = _plan(n, total, lo, hi, x1, x2, mids, lows, highs, cells, free, step, lo_free, hi_free)
        if got is not None:
            return got
    raise ValueError(f"cannot construct n={n} sum={total} median={median} min={lo} max={hi} cells={cells}")


def _num(text: str) -> D:
    return D(text)


def _sum_for(table, column_value: str, n: int, step: D) -> D:
    """A total whose mean prints as the report prints it (exactly mean × n when the grid allows)."""
    fmt = _formatter(table, "mean")
    exact = _num(column_value) * n
    if step == 1:
        for delta in range(0, 20):
            for s in (exact.to_integral_value() + delta, exact.to_integral_value() - delta):
                if fmt(s / n) == column_value:
                    return s
        raise ValueError(f"no whole-number total for mean {column_value} n={n}")
    return exact


def _cell_means(printed_all: D, printed_1: D, printed_2: D, c1: int, c2: int, cap: int = 10 ** 6):
    """Clinics (k1 ≤ c1, k2 ≤ c2) and exact means near the printed ones whose pooled mean prints as 全体, as many
    clinics as possible; None when no choice works."""
    q = D("0.1")
    offsets = [D(x) / 100 for x in (0, 1, -1, 2, -2, 3, -3, 4, -4)]
    pairs = sorted(((k1, k2) for k1 in range(c1, -1, -1) for k2 in range(c2, -1, -1) if 0 < k1 + k2 <= cap),
                   key=lambda p: -(p[0] + p[1]))
    for k1, k2 in pairs:
        for o1 in offsets if k1 else [D(0)]:
            for o2 in offsets if k2 else [D(0)]:
                m1, m2 = printed_1 + o1, printed_2 + o2
                if k1 and m1.quantize(q, rounding="ROUND_HALF_UP") != printed_1:
                    continue
                if k2 and m2.quantize(q, rounding="ROUND_HALF_UP") != printed_2:
                    continue
                pooled = (k1 * m1 + k2 * m2) / (k1 + k2)
                if pooled.quantize(q, rounding="ROUND_HALF_UP") == printed_all and (m1 >= 0 and m2 >= 0):
                    return k1, m1, k2, m2
    return None


class Clinics:
    def __init__(self, tables):
        self.tables = {t.id: t for t in tables}
        self.questions = build_questionnaire(tables)
        self.rows = [{q.id: "" for q in self.questions} for _ in range(CLINICS)]
        self.qs = {}
        for q in self.questions:
            self.qs.setdefault(q.table, []).append(q)

    def q(self, table_id, row=0):
        return self.qs[table_id][row]

    def counts(self, table_id, series=None):
        data = self.tables[table_id].data
        if series is not None:
            data = data[data["series"] == series]
        return [(i, int(c)) for i, c in zip(data["item"], data["count"])]

    def single(self, table_id, pool, order=None, row=0):
        """Each clinic of *pool* in turn gets the options as often as the table counts them."""
        q = self.q(table_id, row)
        answers = [item for item, c in (order or self.counts(table_id)) for _ in range(c)]
        assert len(answers) <= len(pool), (table_id, len(answers), len(pool))
        for clinic, item in zip(pool, answers):
            self.rows[clinic][q.id] = item
        return {item: [c for c, a in zip(pool, answers) if a == item] for item in dict.fromkeys(answers)}

    def multiple(self, table_id, pool, counts=None):
        """Exclusive options (無回答, 特にない) alone on the last clinics; the rest go round the others so that each
        clinic answers at least one and no clinic an option twice."""
        q = self.q(table_id)
        counts = counts or self.counts(table_id)
        alone = [(i, c) for i, c in counts if i in EXCLUSIVE]
        k = sum(c for _, c in alone)
        real = pool[:len(pool) - k]
        chosen = {c: [] for c in pool}
        tail = iter(pool[len(pool) - k:])
        for item, c in alone:
            for _ in range(c):
                chosen[next(tail)].append(item)
        pointer = 0
        for item, c in counts:
            if item in EXCLUSIVE:
                continue
            assert c <= len(real), (table_id, item)
            for j in range(c):
                chosen[real[(pointer + j) % len(real)]].append(item)
            pointer = (pointer + c) % len(real)
        for clinic, options in chosen.items():
            assert options, (table_id, clinic)
            self.rows[clinic][q.id] = ";".join(o for o in q.options if o in options)
        return {item: [c for c in pool if item in chosen[c]] for item, _ in counts}

    def number(self, question, clinic, value: D, doctors: int | None = None):
        raw = value * doctors if doctors else value
        text = f"{raw:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        self.rows[clinic][question.id] = text

    def stats_column(self, table_id, row, clinics, cells=(), step=D("0.1"), median=None, **kw):
        """Numeric answers of *clinics* (cells first: (clinic list, exact mean)) reproducing the printed row."""
        table = self.tables[table_id]
        p = table.printed.iloc[row]
        n = int(p["n"])
        assert len(clinics) == n, (table_id, row, len(clinics), n)
        total = kw.pop("total", None) or _sum_for(table, p["mean"], n, step)
        built = construct(n, total, _num(p["min"]), _num(p["max"]), median if median is not None else _num(p["median"]),
                          [(len(cs), len(cs) * m) for cs, m in cells], step=step, **kw)
        return built


def _place(c: Clinics, question, groups, values, doctors):
    for clinics, vals in zip(groups, values):
        assert len(clinics) == len(vals)
        for clinic, v in zip(clinics, vals):
            c.number(question, clinic, v, doctors(clinic))


def synthetic_rows(tables) -> tuple[list, list[dict]]:
    c = Clinics(tables)
    all_clinics = list(range(CLINICS))
    t = c.tables

    # Tables every clinic answers, in order from the first clinic.
    for tid in ("s1", "s2-1", "s2-2", "s2-3"):
        c.single(tid, all_clinics)
    c.multiple("s2-4", all_clinics)
    c.multiple("s7", all_clinics)
    # Matrix rows: each row's answers from the first clinic, so 「している」 for (1) 往診 is clinics 0-116 and for
    # (2) 訪問診療 clinics 0-111 — the clinics that answer s3-2 and s4-2.
    for tid in ("s2-7", "s2-9"):
        for row, q in enumerate(c.qs[tid]):
            d = t[tid].data[t[tid].data["item"] == q.item]
            c.single(tid, all_clinics[:t[tid].n], [(s, int(n)) for s, n in zip(d["series"], d["count"])], row)

    # 往診の実施 and 訪問診療の実施, arranged so that clinics 0-24 answer the round-the-clock option in both (the
    # 24時間365日 group of s6-1b, n=25) and clinics 25-111 answer both otherwise.
    source, (q32, q42), option = GROUPED_FROM["s6-1b"]
    s32 = dict(c.counts("s3-2"))
    s42 = dict(c.counts("s4-2"))
    group_n = int(t["s6-1b"].series[0].rsplit("n=", 1)[1].rstrip(")"))
    other_n = int(t["s6-1b"].series[1].rsplit("n=", 1)[1].rstrip(")"))
    s42_pool = all_clinics[:t["s4-2"].n]            # = (2) 訪問診療 「している」
    s32_pool = all_clinics[:t["s3-2"].n]
    extra_42 = s42[option] - group_n                 # round-the-clock in s4-2 only
    first = [s for s in s32 if s != option][0]
    order32 = [(option, group_n), (first, extra_42)] + [
        (i, s32[i] - group_n if i == option else s32[i] - (extra_42 if i == first else 0)) for i in s32]
    order32 = [(i, n) for i, n in order32 if n > 0]
    by32 = c.single("s3-2", s32_pool, order32)
    order42 = [(option, s42[option])] + [(i, n) for i, n in s42.items() if i != option]
    by42 = c.single("s4-2", s42_pool, order42)
    c.single("s3-2b", by32["往診を行う曜日・時間帯を決めて行っている"])
    c.single("s3-2c", by32["往診を行う曜日・時間帯を決めて行っている"])
    c.single("s4-2b", by42["訪問診療を行う曜日・時間帯を決めて行っている"])

    # s6-1 from the s6-1b percentages: the group, the other clinics that answered both, then the rest of s6-1's n.
    group = all_clinics[:group_n]
    others = [x for x in s42_pool if x not in group][:other_n]
    rest_pool = [x for x in all_clinics if x not in group and x not in s42_pool][:t["s6-1"].n - group_n - other_n]
    share = t["s6-1b"].data
    per_group = []
    for series, size in zip(t["s6-1b"].series, (group_n, other_n)):
        d = share[share["series"] == series]
        counts = [(i, int((D(str(p)) * size / 100).to_integral_value(rounding="ROUND_HALF_UP")))
                  for i, p in zip(d["item"], d["percent"])]
        per_group.append(dict(counts))
    total61 = dict(c.counts("s6-1"))
    rest_counts = [(i, total61[i] - per_group[0][i] - per_group[1][i]) for i in total61]
    chosen = {}
    for pool, counts in ((group, list(per_group[0].items())), (others, list(per_group[1].items())),
                         (rest_pool, rest_counts)):
        for item, members in c.multiple("s6-1", pool, counts).items():
            chosen.setdefault(item, []).extend(members)
    answered61 = sorted(group + others + rest_pool)
    c.multiple("s6-2", sorted(chosen["訪問看護ステーション"]))
    c.multiple("s6-3", sorted(chosen["薬局"]))
    c.multiple("s6-4", [x for x in answered61 if x not in chosen["特にない"] + chosen["無回答"]])
    c.single("s6-5", answered61)
    c.multiple("s6-6", answered61)
    c.multiple("s6-7", answered61)

    # 在宅医療を担当する医師数: clinics 0-105 answer every item of s2-5 (its n=106); 0-76 one doctor, 77-103 two,
    # 104 ten, 105 none (sum 141: mean 1.33, median 1, min 0, max 10). Clinics 106-123 give only the doctors.
    doctors = {x: 1 for x in range(77)} | {x: 2 for x in range(77, 104)} | {104: 10, 105: 0} | \
              {x: 1 for x in range(106, CLINICS)}
    q_doc = c.q("s2-5", 1)
    for x, d in doctors.items():
        c.rows[x][q_doc.id] = str(d)
    s25 = all_clinics[:t["s2-5"].n]
    for row, q in enumerate(c.qs["s2-5"]):
        if q is q_doc:
            continue
        values = c.stats_column("s2-5", row, s25, step=D(1))[-1]
        for x, v in zip(s25, values):
            c.number(q, x, v)
    one = [x for x in all_clinics if doctors[x] == 1]
    two = [x for x in all_clinics if doctors[x] >= 2]
    eligible = [x for x in all_clinics if doctors[x] >= 1]

    def div(table_id, q):
        return (lambda x: doctors[x]) if per_doctor(t[table_id], q) else (lambda x: None)

    # The split tables: each from the first clinics of each doctor group.
    split = {}
    for tid in ("s3-3", "s4-3", "s5-2"):
        table = t[tid]
        answers = {}
        for series, members in zip(table.series, (one, two)):
            got = c.single(tid, members, c.counts(tid, series))
            answers[series] = got
        split[tid] = answers

    def cells_for(values_id, intention_id, budget=10 ** 6):
        """(clinic list, exact mean) per cell of a 医師１人あたり table, with the rest of its clinics left out: as
        many clinics as the printed means allow, at most *budget* in all."""
        table = t[values_id]
        printed = {(i, s): v for i, s, v in zip(table.printed["item"], table.printed["series"], table.printed["value"])}
        s1, s2 = t[intention_id].series
        items = list(dict.fromkeys(table.data["item"]))

        def choose(item, cap=10 ** 6):
            g1 = split[intention_id][s1].get(item, [])
            g2 = split[intention_id][s2].get(item, [])
            v_all, v1, v2 = (printed[(item, s)] for s in table.series)
            got = _cell_means(D(v_all), D(v1) if v1 else D(0), D(v2) if v2 else D(0), len(g1) if v1 else 0,
                              len(g2) if v2 else 0, cap)
            assert got is not None, (values_id, item, cap)
            return got
        chosen = {item: choose(item) for item in items}
        over = sum(k1 + k2 for k1, _, k2, _ in chosen.values()) - budget
        for item in sorted(items, key=lambda i: -(chosen[i][0] + chosen[i][2])):
            if over <= 0:
                break
            size = chosen[item][0] + chosen[item][2]
            chosen[item] = choose(item, max(1, size - over))
            over -= size - (chosen[item][0] + chosen[item][2])
        cells, left_out = [], []
        for item in items:
            g1 = split[intention_id][s1].get(item, [])
            g2 = split[intention_id][s2].get(item, [])
            k1, m1, k2, m2 = chosen[item]
            if k1:
                cells.append((g1[:k1], m1))
            if k2:
                cells.append((g2[:k2], m2))
            left_out += g1[k1:] + g2[k2:]
        return cells, left_out

    # (3)① 往診件数, per doctor; the cells reproduce s3-3b.
    cells, left_out = cells_for("s3-3b", "s3-3")
    taken = {x for cs, _ in cells for x in cs} | set(left_out) | {x for s in split["s3-3"].values() for i, cs in s.items() if i != "無回答" for x in cs}
    free = [x for x in eligible if x not in taken]
    need = t["s3-1"].n - sum(len(cs) for cs, _ in cells)
    q31 = c.q("s3-1")
    values = c.stats_column("s3-1", 0, [None] * t["s3-1"].n, cells)
    _place(c, q31, [cs for cs, _ in cells] + [free[:need]], values, div("s3-1", q31))

    # (２)⑧ 在宅医療を担当した患者数, per doctor, every item answered by the same 86 clinics; ―うち自宅での死亡者数
    # carries the cells of s5-2b. The death rows use s5-1's medians, printed with more decimals (1.25, 2.15).
    cells, left_out = cells_for("s5-2b", "s5-2", budget=t["s2-8"].n - 8)  # free clinics hold median, min, max
    taken = {x for cs, _ in cells for x in cs} | set(left_out) | {x for s in split["s5-2"].values() for i, cs in s.items() if i != "無回答" for x in cs}
    free = [x for x in eligible if x not in taken]
    need = t["s2-8"].n - sum(len(cs) for cs, _ in cells)
    members = [x for cs, _ in cells for x in cs] + free[:need]
    s51 = t["s5-1"].printed
    for row, q in enumerate(c.qs["s2-8"]):
        median = _num(s51.iloc[row - 4]["median"]) if row >= 4 else None
        if row == 6:
            values = c.stats_column("s2-8", row, members, cells, median=median)
            _place(c, q, [cs for cs, _ in cells] + [free[:need]], values, div("s2-8", q))
        else:
            values = c.stats_column("s2-8", row, members, median=median)[-1]
            _place(c, q, [members], [values], div("s2-8", q))

    # (２)⑥ per doctor: row ② by 121 clinics, row ① by 120 of them.
    for row, q in enumerate(c.qs["s2-6"]):
        members = eligible[:int(t["s2-6"].printed.iloc[row]["n"])]
        values = c.stats_column("s2-6", row, members)[-1]
        _place(c, q, [members], [values], div("s2-6", q))

    _visits(c, split, cells_for, all_clinics)
    return c.questions, c.rows


def _visits(c: Clinics, split, cells_for, all_clinics):
    """(４)① 訪問診療件数 per doctor, (A) and (B): 94 clinics below 2,000 (s4-1), 8 at 2,000 or more (s4-1b), 102 in
    all (s4-1c); (A) also carries the cells of s4-3b. The 8 large (A) values sit inside s4-3b's cells; the medians
    of s4-1 and s4-1c are pinned together (s4-1c's two middle values are s4-1's 51st and 52nd)."""
    t = c.tables
    qa, qb = c.qs["s4-1c"]
    cells, left_out = cells_for("s4-3b", "s4-3")
    taken = set(left_out) | {x for cs, _ in cells for x in cs} | \
        {x for s in split["s4-3"].values() for i, cs in s.items() if i != "無回答" for x in cs}
    free = [x for x in all_clinics if x not in taken]
    n_all, n_low, n_high = t["s4-1c"].n, t["s4-1"].n, t["s4-1b"].n
    need = n_all - sum(len(cs) for cs, _ in cells)
    assert need <= len(free), (need, len(free))
    free = free[:need]
    # The 8 values of s4-1b, constructed on their own, then placed into the largest cells.
    p_high = t["s4-1b"].printed
    high_total = D(p_high.iloc[0]["mean"]) * n_high - D("0.1")  # 29940.7: mean 3742.5875 → 3742.6
    high = construct(n_high, high_total, D(p_high.iloc[0]["min"]), D(p_high.iloc[0]["max"]), D(p_high.iloc[0]["median"]))[-1]
    high = sorted(high, reverse=True)
    # cells sorted by their sum, largest first, take the large values while their remaining sum stays ≥ 0
    cell_parts = [[cs, m, len(cs) * m, []] for cs, m in cells]
    for v in high:
        for part in sorted(cell_parts, key=lambda p: -(p[2])):
            if part[2] - v >= 0 and len(part[3]) < len(part[0]) - 1:
                part[3].append(v)
                part[2] -= v
                break
        else:
            raise ValueError(f"no cell can hold {v}")
    p_low = t["s4-1"].printed.iloc[0]
    # 36289.0: mean 386.053 → 386.1, and with s4-1b's 29940.7 the 102 clinics' mean 649.306 → 649.3
    low_total = D(p_low["mean"]) * n_low - D("4.4")
    median_low = D(p_low["median"])
    median_all = D(t["s4-1c"].printed.iloc[0]["median"])
    # sorted: 46 values up to 153.5, four of 153.5 (47th-50th), two of 196.0 (51st, 52nd), 42 from 196.0 up
    mids = [median_low] * 4 + [median_all] * 2
    lows = (n_low - 1) // 2 - 0
    highs = n_low - lows - len(mids)
    low_cells = [(len(p[0]) - len(p[3]), p[2]) for p in cell_parts]
    built = construct(n_low, low_total, D(p_low["min"]), D(p_low["max"]), median_low, low_cells, x1=median_low,
                      x2=median_all, mids=mids, lows=lows, highs=highs)
    groups, values = [], []
    for part, low_vals in zip(cell_parts, built):
        groups.append(part[0])
        values.append(part[3] + low_vals)
    groups.append(free)
    values.append(built[-1])
    _place(c, qa, groups, values, lambda x: None)
    # (B): the same clinics; the 8 with large (A) get s4-1b's (B), the others s4-1's (B).
    high_clinics = [x for part in cell_parts for x in part[0][:len(part[3])]]
    low_clinics = [x for g in groups for x in g if x not in high_clinics]
    p_bh, p_bl = t["s4-1b"].printed.iloc[1], t["s4-1"].printed.iloc[1]
    # s4-1b's (B): 0.0, four of 1900.0, three above — only its 0.0 lies below 240.0, so that the 102 clinics'
    # median stays 240.0 (s4-1's twelve values of 240.0 sit at its 41st-52nd places).
    bh = construct(n_high, D(p_bh["mean"]) * n_high, D(p_bh["min"]), D(p_bh["max"]), D(p_bh["median"]),
                   mids=[D(p_bh["median"])] * 4, lows=1, highs=3)[-1]
    bl = construct(n_low, D(p_bl["mean"]) * n_low, D(p_bl["min"]), D(p_bl["max"]), D(p_bl["median"]),
                   mids=[D(p_bl["median"])] * 12, lows=40, highs=n_low - 52)[-1]
    _place(c, qb, [high_clinics, low_clinics], [bh, bl], lambda x: None)


def to_csv_text(questions, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([q.id for q in questions])
    for row in rows:
        writer.writerow([row[q.id] for q in questions])
    return buffer.getvalue()
