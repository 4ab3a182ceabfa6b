"""示例县: a fictional county's round of 2025 reports, with the mistakes offices really see.

    .venv/bin/python samples/demo/generate.py      # rewrites samples/demo/ (same bytes every run)

Writes, beside this script:
- ``roster.csv``: the 报送名单 (UTF-8 with BOM): 26 units, 乡镇, 街道 and 部门, each with a valid
  统一社会信用代码 (division code 999901, which no real place has);
- ``submissions/``: the units' v2021 workbooks for 2025, made by our template writer, among them
  one mistake per unit (see ``MISTAKES`` and samples/README.md);
- ``previous/``: last year's (2024) summary for the county, made by our roll-up from the 2024
  submissions of every roster unit (generated in a temporary folder, not kept).

Every unit and number is invented. The numbers come from a fixed seed, per unit, so the
data of one unit does not change when another is added. ``plan()`` returns everything the
files say, for the tests to compute the county's totals on their own.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from sampletools import edit_cells, stable_zip, write_if_changed  # noqa: E402

from consolidate.roster import Unit  # noqa: E402
from consolidate.spec import FormatSpec, load_spec  # noqa: E402
from consolidate.uscc import make_uscc  # noqa: E402

SEED = 2025
COUNTY = "示例县"
PARENT = "示例县人民政府"
YEAR = 2025
PREVIOUS_YEAR = 2024
DIVISION = "999901"  # 行政区划代码 of no real place
ROSTER_FILE = "roster.csv"
SUBMISSIONS = "submissions"
PREVIOUS = "previous"
PREVIOUS_SUMMARY = f"{COUNTY}_{PREVIOUS_YEAR}年度汇总.xlsx"

# Roster order: (name, type, profile). Profiles set the magnitudes (see PROFILES).
UNITS: tuple[tuple[str, str, str], ...] = (
    ("示例县城关镇", "乡镇", "town"),
    ("示例县白石镇", "乡镇", "town"),
    ("示例县青山乡", "乡镇", "township"),
    ("示例县南湖镇", "乡镇", "town"),
    ("示例县柳河镇", "乡镇", "town"),
    ("示例县石桥乡", "乡镇", "township"),
    ("示例县双龙镇", "乡镇", "town"),
    ("示例县清水镇", "乡镇", "town"),
    ("示例县东城街道", "街道", "street"),
    ("示例县西城街道", "街道", "street"),
    ("示例县北关街道", "街道", "street"),
    ("示例县人民政府办公室", "部门", "office"),
    ("示例县发展和改革局", "部门", "planning"),
    ("示例县教育局", "部门", "education"),
    ("示例县公安局", "部门", "police"),
    ("示例县民政局", "部门", "civil"),
    ("示例县财政局", "部门", "quiet"),
    ("示例县人力资源和社会保障局", "部门", "labour"),
    ("示例县自然资源局", "部门", "land"),
    ("示例县住房和城乡建设局", "部门", "housing"),
    ("示例县交通运输局", "部门", "transport"),
    ("示例县农业农村局", "部门", "agriculture"),
    ("示例县卫生健康局", "部门", "health"),
    ("示例县市场监督管理局", "部门", "market"),
    ("示例县综合行政执法局", "部门", "enforcement"),
    ("示例县统计局", "部门", "quiet"),
)
UNLISTED = ("示例县档案馆", "部门", "quiet")  # sends a report but is not on the roster
MISSING = ("示例县南湖镇", "示例县统计局")  # on the roster, send nothing

# One mistake per unit: unit name -> what is wrong with its 2025 file.
MISTAKES: dict[str, str] = {
    "示例县东城街道": "balance",  # 表三 四、结转下年度 自然人 one too many: 一+二 ≠ （七）+四
    "示例县住房和城乡建设局": "overwritten",  # 表四 行政复议 总计: formula replaced by a wrong constant
    "示例县青山乡": "text",  # 表二: “12件” and “无” typed in number cells
    "示例县白石镇": "v2019",  # last year's v2019 template, claiming 2025
    "示例县公安局": "resubmitted",  # an earlier file, then a corrected one with a later 填报日期
    "示例县城关镇": "carry",  # 二、上年结转 ≠ last year's 四、结转下年度 (YOY-CARRY)
    "示例县自然资源局": "carry",
}

# Profile -> ranges (low, high) per quantity; amounts in 万元.
PROFILES: dict[str, dict[str, tuple[float, float]]] = {
    "town": {"normative": (0, 1), "permit": (20, 160), "penalty": (0, 40), "coercion": (0, 3), "fee": (0, 0),
             "apps": (0, 8), "firms": (0, 2), "review": (0, 1), "suit": (0, 0)},
    "township": {"normative": (0, 0), "permit": (5, 60), "penalty": (0, 12), "coercion": (0, 1), "fee": (0, 0),
                 "apps": (0, 4), "firms": (0, 1), "review": (0, 0), "suit": (0, 0)},
    "street": {"normative": (0, 1), "permit": (0, 20), "penalty": (10, 120), "coercion": (0, 6), "fee": (0, 0),
               "apps": (1, 10), "firms": (0, 2), "review": (0, 1), "suit": (0, 1)},
    "office": {"normative": (3, 8), "permit": (0, 0), "penalty": (0, 0), "coercion": (0, 0), "fee": (0, 0),
               "apps": (8, 20), "firms": (1, 4), "review": (1, 3), "suit": (0, 2)},
    "planning": {"normative": (1, 3), "permit": (20, 70), "penalty": (0, 6), "coercion": (0, 0), "fee": (0, 0),
                 "apps": (1, 6), "firms": (1, 3), "review": (0, 1), "suit": (0, 0)},
    "education": {"normative": (1, 3), "permit": (10, 40), "penalty": (0, 10), "coercion": (0, 0), "fee": (10, 40),
                  "apps": (2, 9), "firms": (0, 1), "review": (0, 1), "suit": (0, 0)},
    "police": {"normative": (0, 2), "permit": (2500, 5200), "penalty": (4200, 8800), "coercion": (300, 900),
               "fee": (80, 220), "apps": (6, 15), "firms": (0, 2), "review": (1, 4), "suit": (0, 2)},
    "civil": {"normative": (1, 2), "permit": (5, 20), "penalty": (0, 3), "coercion": (0, 0), "fee": (0, 0),
              "apps": (1, 6), "firms": (0, 1), "review": (0, 1), "suit": (0, 0)},
    "quiet": {"normative": (0, 1), "permit": (0, 0), "penalty": (0, 0), "coercion": (0, 0), "fee": (0, 0),
              "apps": (0, 2), "firms": (0, 1), "review": (0, 0), "suit": (0, 0)},
    "labour": {"normative": (1, 3), "permit": (10, 30), "penalty": (5, 25), "coercion": (0, 2), "fee": (0, 3),
               "apps": (2, 8), "firms": (0, 2), "review": (0, 2), "suit": (0, 1)},
    "land": {"normative": (1, 3), "permit": (180, 420), "penalty": (20, 80), "coercion": (0, 10), "fee": (300, 900),
             "apps": (18, 45), "firms": (2, 6), "review": (2, 6), "suit": (1, 4)},
    "housing": {"normative": (1, 4), "permit": (100, 260), "penalty": (20, 60), "coercion": (0, 5), "fee": (20, 60),
                "apps": (8, 20), "firms": (1, 4), "review": (1, 3), "suit": (0, 2)},
    "transport": {"normative": (0, 2), "permit": (300, 800), "penalty": (300, 1200), "coercion": (10, 40),
                  "fee": (0, 8), "apps": (1, 6), "firms": (0, 2), "review": (0, 2), "suit": (0, 1)},
    "agriculture": {"normative": (1, 2), "permit": (50, 150), "penalty": (10, 50), "coercion": (0, 4), "fee": (0, 2),
                    "apps": (1, 6), "firms": (0, 1), "review": (0, 1), "suit": (0, 0)},
    "health": {"normative": (1, 2), "permit": (100, 300), "penalty": (30, 120), "coercion": (0, 6), "fee": (5, 20),
               "apps": (2, 8), "firms": (0, 2), "review": (0, 1), "suit": (0, 1)},
    "market": {"normative": (1, 3), "permit": (1500, 3800), "penalty": (600, 1500), "coercion": (30, 120),
               "fee": (1, 5), "apps": (4, 14), "firms": (1, 5), "review": (1, 4), "suit": (0, 2)},
    "enforcement": {"normative": (0, 1), "permit": (50, 200), "penalty": (1500, 3500), "coercion": (50, 200),
                    "fee": (0, 0), "apps": (3, 10), "firms": (0, 2), "review": (1, 3), "suit": (0, 2)},
}

APPLICANTS = ("natural", "business", "research", "public_interest", "legal", "other")
# 表三 outcome rows and how often an application ends there (relative weights).
OUTCOME_WEIGHTS: dict[str, int] = {
    "granted": 40, "partial": 8, "deny_secret": 0, "deny_law": 1, "deny_security": 1, "deny_third_party": 2,
    "deny_internal": 2, "deny_process": 3, "deny_enforcement": 1, "deny_query": 2, "unable_not_held": 22,
    "unable_create": 5, "unable_unclear": 3, "reject_petition": 4, "reject_repeat": 2, "reject_publication": 1,
    "reject_mass": 1, "reject_confirm": 1, "other_no_correction": 3, "other_no_fee": 0, "other_other": 2,
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("晓明", "丽", "伟", "芳", "敏", "静", "磊", "洋", "艳", "军", "杰", "娟", "涛", "超", "霞", "鹏", "颖", "斌")


@dataclass(frozen=True)
class DemoUnit:
    name: str
    type: str
    profile: str
    code: str
    listed: bool = True

    def roster_unit(self) -> Unit:
        return Unit(code=self.code, name=self.name, type=self.type, parent=PARENT)


@dataclass(frozen=True)
class Submission:
    """One file of the round: what it says (``values``: every statistical cell, totals included,
    as a person reading the workbook would total it) and how it was made."""

    file: str  # file name under submissions/ (or a temp folder for last year's)
    unit: DemoUnit
    year: int
    format: str  # "v2021" or "v2019"
    values: dict[str, float]
    identity: dict[str, str]
    mistake: str | None = None  # a key of MISTAKES' values, "superseded" or "unlisted"
    typed: dict[str, str] = field(default_factory=dict)  # spec key -> text typed into a number cell
    edits: dict[str, float] = field(default_factory=dict)  # spec key -> constant typed over a total's formula


@dataclass(frozen=True)
class DemoPlan:
    units: tuple[DemoUnit, ...]  # roster order
    unlisted: DemoUnit
    submissions: tuple[Submission, ...]  # this year's files, in file-name order
    previous: tuple[Submission, ...]  # last year's files (every roster unit)


# --- identities ------------------------------------------------------------------------------


def org_code(body8: str) -> str:
    """组织机构代码 (GB 11714): 8 characters and their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch) * w for ch, w in zip(body8, weights, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def unit_code(index: int, kind: str) -> str:
    """A valid 统一社会信用代码: 1 (机构编制) + 1 机关 / 2 事业单位 + division + 组织机构代码."""
    body = f"{7300 + index * 37:08d}"
    return make_uscc(f"1{kind}{DIVISION}{org_code(body)}")


def demo_units() -> tuple[tuple[DemoUnit, ...], DemoUnit]:
    units = tuple(DemoUnit(name, typ, profile, unit_code(i + 1, "1")) for i, (name, typ, profile) in enumerate(UNITS))
    name, typ, profile = UNLISTED
    return units, DemoUnit(name, typ, profile, unit_code(len(UNITS) + 1, "2"), listed=False)


def rng_for(unit: DemoUnit, what: str) -> random.Random:
    return random.Random(f"{SEED}/{unit.name}/{what}")


def person(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + rnd.choice(GIVEN)


def identity_for(unit: DemoUnit, year: int, filled_on: str) -> dict[str, str]:
    rnd = rng_for(unit, f"identity{year}")
    return {"filler": person(rnd), "phone": f"8{rnd.randint(100000, 999999)}", "filled_on": filled_on,
            "reviewer": person(rnd)}


def filled_on(unit: DemoUnit, year: int) -> str:
    day = rng_for(unit, f"date{year}").randint(8, 27)
    return f"{year + 1}-01-{day:02d}"


# --- numbers ---------------------------------------------------------------------------------


def pick(rnd: random.Random, low_high: tuple[float, float]) -> int:
    low, high = low_high
    return rnd.randint(int(low), int(high))


def table3(spec: FormatSpec, rnd: random.Random, profile: dict[str, tuple[float, float]],
           carried: dict[str, int]) -> dict[str, float]:
    """表三 inputs that balance: per applicant column, 一 + 二 = outcomes + 四."""
    rows = [c.row for c in spec.cells if c.table == "t3" and c.column == "natural" and not c.is_total]
    outcomes = [r for r in rows if r not in ("new", "carried", "carry_over")]
    weights = [OUTCOME_WEIGHTS[r] for r in outcomes]
    new = {a: 0 for a in APPLICANTS}
    new["natural"] = pick(rnd, profile["apps"])
    new["business"] = pick(rnd, profile["firms"])
    for a in ("research", "public_interest", "legal", "other"):
        new[a] = 1 if rnd.random() < 0.06 * (1 + profile["apps"][1] / 10) else 0
    values: dict[str, float] = {}
    for a in APPLICANTS:
        available = new[a] + carried.get(a, 0)
        pending = min(available, rnd.choice((0, 0, 0, 1, 1, 2)) if available >= 3 else 0)
        counts = dict.fromkeys(outcomes, 0)
        for row in rnd.choices(outcomes, weights, k=available - pending):
            counts[row] += 1
        values[f"t3.new.{a}"] = new[a]
        values[f"t3.carried.{a}"] = carried.get(a, 0)
        values[f"t3.carry_over.{a}"] = pending
        values.update({f"t3.{row}.{a}": n for row, n in counts.items()})
    return values


def with_totals(spec: FormatSpec, inputs: dict[str, float]) -> dict[str, float]:
    """Inputs plus every total, computed the way the template's formulas do."""
    values = {c.key: float(inputs.get(c.key, 0)) for c in spec.cells if not c.is_total}
    pending = [c for c in spec.cells if c.is_total]
    while pending:  # （七）总计 x 总计 depends on other totals
        for cell in list(pending):
            if all(p in values for p in cell.sum_of):
                values[cell.key] = round(sum(values[p] for p in cell.sum_of), 6)
                pending.remove(cell)
    return {c.key: values[c.key] for c in spec.cells}


def year_inputs(spec: FormatSpec, unit: DemoUnit, year: int, carried: dict[str, int],
                stock: int) -> dict[str, float]:
    """One unit's v2021 inputs for one year; ``stock`` is last year's 现行有效件数 (行政规范性文件)."""
    rnd = rng_for(unit, f"numbers{year}")
    profile = PROFILES[unit.profile]
    issued = pick(rnd, profile["normative"])
    repealed = min(stock, rnd.choice((0, 0, 0, 1)))
    values: dict[str, float] = {
        "t2.normative.issued": issued,
        "t2.normative.repealed": repealed,
        "t2.normative.in_force": stock + issued - repealed,
        "t2.permit.decisions": pick(rnd, profile["permit"]),
        "t2.penalty.decisions": pick(rnd, profile["penalty"]),
        "t2.coercion.decisions": pick(rnd, profile["coercion"]),
    }
    low, high = profile["fee"]
    values["t2.fee.fee_amount"] = round(rnd.uniform(low, high), 4) if high else 0.0
    values.update(table3(spec, rnd, profile, carried))
    review = pick(rnd, profile["review"])
    for block, n in (("rev", review), ("direct", pick(rnd, profile["suit"])), ("after", min(review, pick(rnd, profile["suit"])))):
        counts = dict.fromkeys(("upheld", "corrected", "other", "pending"), 0)
        for outcome in rnd.choices(list(counts), (6, 1, 2, 2), k=n):
            counts[outcome] += 1
        values.update({f"t4.cases.{block}_{k}": v for k, v in counts.items()})
    return values


def initial_stock(unit: DemoUnit) -> int:
    """现行有效件数 (行政规范性文件) at the end of 2023."""
    high = PROFILES[unit.profile]["normative"][1]
    return rng_for(unit, "stock").randint(0, int(high * 6))


def carried_of(values: dict[str, float]) -> dict[str, int]:
    return {a: int(values[f"t3.carry_over.{a}"]) for a in APPLICANTS}


def v2019_from(spec19: FormatSpec, unit: DemoUnit, v21: dict[str, float]) -> dict[str, float]:
    """What a unit types into the old v2019 template: same 表三 and 表四, the old 表二."""
    rnd = rng_for(unit, "v2019")
    values = {k: v for k, v in v21.items() if k.startswith(("t3.", "t4.")) and k in spec19.keys}
    for a in APPLICANTS:
        values[f"t3.other_handling.{a}"] = sum(v21[f"t3.{r}.{a}"] for r in ("other_no_correction", "other_no_fee", "other_other"))
    values.update({
        "t2.normative.new_made": v21["t2.normative.issued"], "t2.normative.new_published": v21["t2.normative.issued"],
        "t2.normative.total_published": v21["t2.normative.in_force"],
        "t2.permit.prev_count": rnd.randint(8, 20), "t2.permit.change": 0, "t2.permit.decisions": v21["t2.permit.decisions"],
        "t2.other_services.prev_count": rnd.randint(10, 40), "t2.other_services.change": 0,
        "t2.other_services.decisions": rnd.randint(100, 400),
        "t2.penalty.prev_count": rnd.randint(3, 9), "t2.penalty.change": 0, "t2.penalty.decisions": v21["t2.penalty.decisions"],
        "t2.coercion.prev_count": rnd.randint(2, 6), "t2.coercion.change": 0,
        "t2.coercion.decisions": v21["t2.coercion.decisions"],
        "t2.procurement.purchase_count": rnd.randint(2, 9), "t2.procurement.purchase_amount": round(rnd.uniform(20, 300), 2),
    })
    for row in ("permit", "other_services", "penalty", "coercion"):  # no T2-V2019-MISUSE by accident
        if values[f"t2.{row}.prev_count"] == values[f"t2.{row}.decisions"]:
            values[f"t2.{row}.prev_count"] += 1
    return values


def file_name(unit: DemoUnit, year: int, suffix: str = "") -> str:
    return f"{unit.name}_{year}年政府信息公开统计表{suffix}.xlsx"


def plan() -> DemoPlan:
    """Every file of the demo round and everything it says."""
    spec, spec19 = load_spec("v2021"), load_spec("v2019")
    units, unlisted = demo_units()
    previous: list[Submission] = []
    current: list[Submission] = []
    for unit in (*units, unlisted):
        stock = initial_stock(unit)
        carried_2023 = {a: rng_for(unit, "carried2023").choice((0, 0, 0, 1)) if a == "natural" else 0 for a in APPLICANTS}
        last = with_totals(spec, year_inputs(spec, unit, PREVIOUS_YEAR, carried_2023, stock))
        if unit.listed:
            previous.append(Submission(file_name(unit, PREVIOUS_YEAR), unit, PREVIOUS_YEAR, "v2021", last,
                                       identity_for(unit, PREVIOUS_YEAR, filled_on(unit, PREVIOUS_YEAR))))
        if unit.name in MISSING:
            continue
        carried = carried_of(last)
        mistake = MISTAKES.get(unit.name) if unit.listed else "unlisted"
        if mistake == "carry":  # 城关镇 typed one more than last year's 结转; 自然资源局 forgot it
            carried = {**carried, "natural": carried["natural"] + 1} if unit.name == "示例县城关镇" else dict.fromkeys(APPLICANTS, 0)
            if carried == carried_of(last):
                raise AssertionError(f"{unit.name}: the YOY-CARRY mistake needs last year's 结转 to be non-zero")
        inputs = year_inputs(spec, unit, YEAR, carried, int(last["t2.normative.in_force"]))
        date = filled_on(unit, YEAR)
        ident = identity_for(unit, YEAR, date)
        edits: dict[str, float] = {}
        typed: dict[str, str] = {}
        if mistake == "balance":  # 四、结转下年度 自然人 one too many
            inputs["t3.carry_over.natural"] += 1
        if mistake == "overwritten":  # 表四 行政复议: two cases, the clerk typed 3 over the formula
            inputs.update({"t4.cases.rev_upheld": 1, "t4.cases.rev_corrected": 1, "t4.cases.rev_other": 0,
                           "t4.cases.rev_pending": 0})
            edits["t4.cases.rev_total"] = 3
        if mistake == "text":  # “12件” for 12, “无” for 0
            inputs["t2.permit.decisions"], inputs["t2.coercion.decisions"] = 12, 0
            typed.update({"t2.permit.decisions": "12件", "t2.coercion.decisions": "无"})
        values = {**with_totals(spec, inputs), **edits}
        if mistake == "v2019":
            current.append(Submission(file_name(unit, YEAR), unit, YEAR, "v2019",
                                      with_totals(spec19, v2019_from(spec19, unit, values)), ident, mistake))
            continue
        if mistake == "resubmitted":  # the first file missed December's 行政处罚 and one application
            early = dict(inputs)
            early["t2.penalty.decisions"] -= 612
            early["t3.new.natural"] -= 1
            outcome = next(k for k in sorted(early) if k.endswith(".natural") and k.split(".")[1] in OUTCOME_WEIGHTS
                           and early[k] >= 1)
            early[outcome] -= 1
            early_date = f"{YEAR + 1}-01-09"
            current.append(Submission(file_name(unit, YEAR), unit, YEAR, "v2021", with_totals(spec, early),
                                      identity_for(unit, YEAR, early_date), "superseded"))
            current.append(Submission(file_name(unit, YEAR, "（修改）"), unit, YEAR, "v2021", values,
                                      {**ident, "filled_on": f"{YEAR + 1}-01-23"}, mistake))
            continue
        current.append(Submission(file_name(unit, YEAR), unit, YEAR, "v2021", values, ident, mistake, typed, edits))
    return DemoPlan(units, unlisted, tuple(sorted(current, key=lambda s: s.file)), tuple(previous))


# --- writing ---------------------------------------------------------------------------------


def workbook(sub: Submission) -> bytes:
    from consolidate.template import build_workbook

    spec = load_spec(sub.format)
    inputs: dict[str, float | str] = {c.key: sub.values[c.key] for c in spec.cells if not c.is_total}
    inputs.update(sub.typed)  # text in a number cell, as the unit typed it
    data = build_workbook(spec, sub.year, sub.unit.roster_unit(), values=inputs, identity=sub.identity)
    if sub.edits:  # a constant typed over a formula, the file then saved by a program (no cached values)
        return edit_cells(data, spec, sub.edits)
    return stable_zip(data)


def roster_csv(units: tuple[DemoUnit, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["单位代码", "单位名称", "单位类型", "上级单位"])
    for u in units:
        writer.writerow([u.code, u.name, u.type, PARENT])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def previous_summary(the_plan: DemoPlan, roster_path: Path) -> dict[str, bytes]:
    """Last year's summary, made by our roll-up from last year's files (its 说明 dated 1 Feb)."""
    from consolidate.rollup import rollup
    from consolidate.roster import read_roster

    roster = read_roster(roster_path)
    folder = Path(f"{PREVIOUS_YEAR}年度报表")  # relative: the summary lists the files by this path
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        folder.mkdir()
        for sub in the_plan.previous:
            (folder / sub.file).write_bytes(workbook(sub))
        out = Path(PREVIOUS_SUMMARY)
        rollup([folder], out=out, roster=roster, year=PREVIOUS_YEAR, workers=1,
               now=datetime(PREVIOUS_YEAR + 1, 2, 1, 9, 0, 0))
        return {PREVIOUS_SUMMARY: stable_zip(out.read_bytes())}


def sync_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Make ``folder`` hold exactly ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name not in files:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for name, data in files.items():
        write_if_changed(folder / name, data)


def write_all(root: Path = HERE) -> DemoPlan:
    the_plan = plan()
    write_if_changed(root / ROSTER_FILE, roster_csv(the_plan.units))
    sync_folder(root / SUBMISSIONS, {sub.file: workbook(sub) for sub in the_plan.submissions})
    sync_folder(root / PREVIOUS, previous_summary(the_plan, root / ROSTER_FILE))
    return the_plan


def main() -> int:
    the_plan = write_all()
    print(f"{len(the_plan.units)} units on the roster, {len(the_plan.submissions)} files for {YEAR}, "
          f"{len(the_plan.previous)} for {PREVIOUS_YEAR}")
    for sub in the_plan.submissions:
        print(f"  {sub.file}: {sub.mistake or 'ok'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

