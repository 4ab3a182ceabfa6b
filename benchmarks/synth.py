"""What each synthetic submission says: its unit, its numbers and its mistake (pure, no files).

``plan(spec, seed, i)`` gives file ``i`` of a round: the same (seed, i) always gives the same
plan, whatever N is, so the round of 1,000 is the first 1,000 files of the round of 10,000.

Mistakes (``CLASSES``, with their shares): most files are right; some break the 表三
balance (a value-only mistake), type text into a number cell of 表二, type a constant
over a total's formula, or are not workbooks at all. A file's *structure* is what its
cells are (all numbers; text at one cell; a constant at one total): files of the same
structure differ only in numbers and identity, so they can be derived from one another
by rewriting values (``derive.py``).

Magnitudes follow the unit type (乡镇, 街道, 部门) with a long tail: a few units have
thousands of 行政许可, most have tens; applications are few, mostly from 自然人.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Literal

from consolidate.roster import Unit
from consolidate.spec import FormatSpec
from consolidate.uscc import make_uscc

YEAR = 2025
FORMAT = "v2021"
PARENT = "样例市人民政府"
DIVISION = "999902"  # 行政区划代码 of no real place

Class = Literal["valid", "balance", "text", "overwritten", "unreadable"]
CLASSES: tuple[tuple[Class, float], ...] = (
    ("valid", 0.88),
    ("balance", 0.05),  # 表三: one 结转下年度 cell one too many
    ("text", 0.03),  # 表二: “12件” or “无” in a number cell
    ("overwritten", 0.03),  # a total's formula replaced by a wrong constant
    ("unreadable", 0.01),  # truncated, a PDF or a Word file renamed .xlsx, empty
)
TEXTS = ("12件", "无", "见附件")
UNREADABLE_KINDS = ("truncated", "pdf", "docx", "empty")

# 乡镇 / 街道 / 部门, and the typical size of each quantity for that type (a mean; the
# draws are lognormal around it, so a few units are ten times larger).
TYPES: tuple[tuple[str, float], ...] = (("乡镇", 0.45), ("街道", 0.15), ("部门", 0.40))
MEANS: dict[str, dict[str, float]] = {
    "乡镇": {"permit": 60, "penalty": 10, "coercion": 1, "fee": 0, "normative": 0.5, "apps": 4},
    "街道": {"permit": 8, "penalty": 40, "coercion": 2, "fee": 0, "normative": 0.5, "apps": 6},
    "部门": {"permit": 200, "penalty": 120, "coercion": 10, "fee": 30, "normative": 1.5, "apps": 10},
}
# 表三 columns: the share of applications from each kind of applicant.
APPLICANT_SHARE = {"natural": 0.80, "business": 0.12, "research": 0.01, "public_interest": 0.01,
                   "legal": 0.04, "other": 0.02}
# 表三 outcome rows: how often an application ends there (relative; unknown rows weigh 1).
OUTCOME_WEIGHT = {"granted": 40, "partial": 8, "deny_secret": 0.2, "unable_not_held": 22, "unable_create": 5,
                  "unable_unclear": 3, "reject_petition": 4, "deny_process": 3, "other_no_correction": 3}
# 表二 rows by what they count.
T2_KIND = {"permit": "permit", "penalty": "penalty", "coercion": "coercion", "fee": "fee",
           "normative": "normative", "regulation": "regulation"}


@dataclass(frozen=True)
class Plan:
    """Everything file ``index`` says; ``values`` are what the cells hold, totals included
    (as a person adding them up would see them; NaN where text was typed)."""

    index: int
    unit: Unit
    cls: Class
    structure: tuple[str, ...]  # ("plain",), ("text", key) or ("overwritten", key); () when unreadable
    values: dict[str, float] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)  # key -> text typed in a number cell
    overwritten: dict[str, float] = field(default_factory=dict)  # total key -> constant typed over it
    unreadable: str = ""  # one of UNREADABLE_KINDS
    identity: dict[str, str] = field(default_factory=dict)  # filler, phone, filled_on

    def inputs(self, spec: FormatSpec) -> dict[str, float | str]:
        """What ``build_workbook(values=...)`` takes: inputs, typed texts, overwritten totals
        (a total given a value loses its formula)."""
        out: dict[str, float | str] = {k: v for k, v in self.values.items()
                                       if not spec.cell(k).is_total and k not in self.text}
        return {**out, **self.text, **self.overwritten}


def _rng(seed: int, index: int, what: str) -> random.Random:
    return random.Random(f"{seed}:{index}:{what}")


def _pick(rnd: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rnd.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def org_code(body8: str) -> str:
    """组织机构代码 (GB 11714): 8 digits and their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(ch) * w for ch, w in zip(body8, weights, strict=True)) % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def unit_of(seed: int, index: int) -> Unit:
    """The unit that sends file ``index``: unique name and a valid 统一社会信用代码."""
    rnd = _rng(seed, index, "unit")
    kind = _pick(rnd, TYPES)
    county, number = divmod(index, 40)
    county_name = f"样例市第{county + 1:03d}县"
    name = {"乡镇": f"{county_name}第{number + 1:02d}镇人民政府",
            "街道": f"{county_name}第{number + 1:02d}街道办事处",
            "部门": f"{county_name}第{number + 1:02d}局"}[kind]
    code = make_uscc(f"1{'1' if kind != '部门' else '2'}{DIVISION}{org_code(f'{index + 10_000_000:08d}')}")
    return Unit(code=code, name=name, type=kind, parent=PARENT, row=index + 2)


def _draw(rnd: random.Random, mean: float) -> int:
    """A count with this mean, long-tailed (lognormal), often 0 for small means."""
    if mean <= 0:
        return 0
    if mean < 3:
        return sum(1 for _ in range(6) if rnd.random() < mean / 6)
    return max(0, round(mean * math.exp(rnd.gauss(0, 0.9) - 0.4)))


def plain_values(spec: FormatSpec, rnd: random.Random, kind: str) -> dict[str, float]:
    """Values that pass every rule of ``spec`` (totals included), sized for a unit of ``kind``."""
    means = MEANS[kind]
    size = math.exp(rnd.gauss(0, 0.6))  # this unit against others of its type
    values: dict[str, float] = {}
    for cell in spec.cells:
        if cell.is_total:
            continue
        what = T2_KIND.get(cell.row, "") if cell.table == "t2" else ""
        if cell.kind == "amount":
            values[cell.key] = round(_draw(rnd, means["fee"] * size) + rnd.randint(0, 99) / 100, 2) \
                if means["fee"] and rnd.random() < 0.5 else 0.0
        elif cell.kind == "signed":
            values[cell.key] = float(rnd.randint(-2, 3))
        elif what in means:
            stock = 12 if cell.column == "in_force" else 1  # 现行有效件数: the stock, larger
            values[cell.key] = float(_draw(rnd, means[what] * size * stock))
        elif cell.table == "t2":  # 规章 and anything else: rare
            values[cell.key] = float(_draw(rnd, 0.1))
        elif cell.table == "t4":
            values[cell.key] = float(_draw(rnd, 0.3 * size))
        else:
            values[cell.key] = 0.0  # 表三: set below
    _stock(spec, values, rnd)
    balance = spec.rule("T3-BALANCE")
    _applications(spec, str(balance.table), balance.sides(), values, rnd, means["apps"] * size)
    return with_totals(spec, values)


def _stock(spec: FormatSpec, values: dict[str, float], rnd: random.Random) -> None:
    """现行有效件数 at least what was issued this year."""
    for rule in spec.rules:
        if rule.id == "YOY-STOCK" and rule.table is not None:
            (stock,), (_, plus, _) = rule.sides()  # in_force == prev.in_force + issued - repealed
            for cell in spec.cells:
                if cell.table == rule.table and cell.column == stock and not cell.is_total:
                    issued = values.get(f"{cell.table}.{cell.row}.{plus}", 0.0)
                    values[cell.key] = max(values[cell.key], issued + rnd.randint(0, 5) * (values[cell.key] > 0))


def _applications(spec: FormatSpec, table: str, sides: tuple[tuple[str, ...], tuple[str, ...]],
                  values: dict[str, float], rnd: random.Random, mean: float) -> None:
    """表三: outcomes per applicant column, then 一 and 二 so that 一 + 二 = （七） + 四."""
    (new, carried), (total, carry_over) = sides
    columns = sorted({c.column for c in spec.cells if c.table == table and not c.is_total},
                     key=lambda col: -APPLICANT_SHARE.get(col, 0.01))
    for col in columns:
        outcomes = spec.cell(f"{table}.{total}.{col}").sum_of
        rows = [k for k in outcomes if not spec.cell(k).is_total]
        weights = [OUTCOME_WEIGHT.get(spec.cell(k).row, 1.0) for k in rows]
        n = _draw(rnd, mean * APPLICANT_SHARE.get(col, 0.01))
        for key in rnd.choices(rows, weights, k=n) if n else ():
            values[key] += 1
        pending = float(_draw(rnd, n * 0.1)) if n else 0.0
        values[f"{table}.{carry_over}.{col}"] = pending
        last = float(min(_draw(rnd, n * 0.1), n + pending)) if n else 0.0
        values[f"{table}.{carried}.{col}"] = last
        values[f"{table}.{new}.{col}"] = n + pending - last


def with_totals(spec: FormatSpec, values: dict[str, float], fixed: frozenset[str] = frozenset()) -> dict[str, float]:
    """``values`` (inputs) with every total computed the way the template's formulas do
    (a total in ``fixed`` is a constant typed over its formula: it keeps its value)."""
    out = dict(values)

    def total(key: str) -> float:
        cell = spec.cell(key)
        if not cell.is_total or key in fixed:
            v = out.get(key, 0.0)
            return 0.0 if v != v else v  # SUM skips text
        return round(sum(total(p) for p in cell.sum_of), 6)

    for cell in spec.cells:
        if cell.is_total:
            out[cell.key] = total(cell.key)
    return out


def class_of(seed: int, index: int) -> Class:
    rnd = _rng(seed, index, "class")
    return _pick(rnd, CLASSES)  # type: ignore[return-value]


def choices(spec: FormatSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The cells a text may be typed in (表二 counts) and the totals that may be overwritten."""
    text = tuple(c.key for c in spec.cells if c.table == "t2" and not c.is_total and c.kind == "count")[3:6]
    over = tuple(c.key for c in spec.cells if c.is_total and len(c.sums) == 1)
    return text, (over[0], over[len(over) // 2], over[-1])


def plan(spec: FormatSpec, seed: int, index: int) -> Plan:
    """File ``index`` of the round made with ``seed``."""
    unit = unit_of(seed, index)
    cls = class_of(seed, index)
    rnd = _rng(seed, index, "values")
    day = 10 + rnd.randint(0, 20)
    identity = {"filler": "张" + "晓明丽伟芳敏静磊洋"[index % 9], "phone": f"0551-{6_000_000 + index:07d}",
                "filled_on": f"{YEAR + 1}-01-{day:02d}"}
    if cls == "unreadable":
        return Plan(index, unit, cls, (), unreadable=UNREADABLE_KINDS[rnd.randrange(len(UNREADABLE_KINDS))],
                    identity=identity)
    values = plain_values(spec, rnd, unit.type)
    text_keys, total_keys = choices(spec)
    if cls == "balance":
        column = ("natural", "business")[rnd.randrange(2)]  # 自然人 or 商业企业
        key = f"t3.carry_over.{column}"
        values[key] += 1
        return Plan(index, unit, cls, ("plain",), with_totals(spec, values), identity=identity)
    if cls == "text":
        n = rnd.randrange(len(text_keys))
        key = text_keys[n]
        values[key] = math.nan
        return Plan(index, unit, cls, ("text", key), with_totals(spec, values),
                    text={key: TEXTS[n % len(TEXTS)]}, identity=identity)  # the text follows the cell
    if cls == "overwritten":
        key = total_keys[rnd.randrange(len(total_keys))]
        values[key] += rnd.randint(1, 9)
        return Plan(index, unit, cls, ("overwritten", key), with_totals(spec, values, frozenset({key})),
                    overwritten={key: values[key]}, identity=identity)
    return Plan(index, unit, cls, ("plain",), values, identity=identity)
