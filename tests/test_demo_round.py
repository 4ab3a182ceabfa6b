"""The demo county 示例县 (samples/demo/): its generator, and the full round on it.

Requirements covered:
- D1 the roster is the generator's, UTF-8 with BOM, 26 units of the three types, each with a
  valid 统一社会信用代码; the unlisted unit is not on it;
- D2 submissions/ holds exactly the generator's files; each mistake sits in a different unit;
  the two missing roster units sent nothing; magnitudes are realistic;
- D3 the generator is deterministic (same bytes twice, the edited-by-openpyxl file included);
- D4 validate: per file, the status and the exact findings (code, sheet, cell);
- D5 roll-up: per roster unit, its status; per file, what happened to it; the county totals equal
  the sum, computed here from the generator's data, of the accepted files;
- D6 roll-up with last year's summary: YOY-CARRY exactly for the two units that were arranged so.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from consolidate.roster import read_roster
from consolidate.spec import load_spec, template_layout
from consolidate.uscc import uscc_problem

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "samples" / "demo"
SUBMISSIONS = DEMO / "submissions"
ROSTER = DEMO / "roster.csv"
PREVIOUS = DEMO / "previous"
YEAR = 2025


def load_generator() -> ModuleType:
    samples = str(ROOT / "samples")
    if samples not in sys.path:
        sys.path.insert(0, samples)
    spec = importlib.util.spec_from_file_location("demo_generate", DEMO / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo_generate"] = module
    spec.loader.exec_module(module)
    return module


GEN = load_generator()
PLAN = GEN.plan()


def address(fmt: str, key: str) -> tuple[str, str]:
    spec = load_spec(fmt)
    layout = template_layout(spec)[spec.cell(key).table]
    return layout.sheet, layout.cells[key].address


def file_of(unit: str, suffix: str = "") -> str:
    return f"{unit}_{YEAR}年政府信息公开统计表{suffix}.xlsx"


# --- what the tool must say (independent of the generator's own bookkeeping) -------------------

# File -> (status, {(code, sheet, cell)}); a file not listed is valid with no finding at all.
EXPECTED_FILES: dict[str, tuple[str, set[tuple[str, str | None, str | None]]]] = {
    file_of("示例县东城街道"): ("invalid", {("T3-BALANCE", *address("v2021", "t3.carry_over.natural")),
                                        ("T3-BALANCE", *address("v2021", "t3.carry_over.total"))}),
    file_of("示例县住房和城乡建设局"): ("invalid", {("TOTAL-OVERWRITTEN", *address("v2021", "t4.cases.rev_total")),
                                             ("T4-TOTALS", *address("v2021", "t4.cases.rev_total"))}),
    file_of("示例县青山乡"): ("invalid", {("CELL-TEXT", *address("v2021", "t2.permit.decisions")),
                                      ("CELL-DASH", *address("v2021", "t2.coercion.decisions"))}),
    file_of("示例县白石镇"): ("invalid", {("VERSION", None, None)}),
    file_of("示例县档案馆"): ("valid", {("UNIT-NOT-IN-ROSTER", None, None)}),
}

ACCEPTED_UNITS = {
    "示例县城关镇", "示例县柳河镇", "示例县石桥乡", "示例县双龙镇", "示例县清水镇", "示例县西城街道", "示例县北关街道",
    "示例县人民政府办公室", "示例县发展和改革局", "示例县教育局", "示例县公安局", "示例县民政局", "示例县财政局",
    "示例县人力资源和社会保障局", "示例县自然资源局", "示例县交通运输局", "示例县农业农村局", "示例县卫生健康局",
    "示例县市场监督管理局", "示例县综合行政执法局",
}
ERROR_UNITS = {"示例县东城街道", "示例县住房和城乡建设局", "示例县青山乡", "示例县白石镇"}
MISSING_UNITS = {"示例县南湖镇", "示例县统计局"}
# The file counted for each accepted unit (the resubmission for 公安局).
COUNTED_FILES = {file_of(u) for u in ACCEPTED_UNITS - {"示例县公安局"}} | {file_of("示例县公安局", "（修改）")}
SUPERSEDED_FILE = file_of("示例县公安局")
UNLISTED_FILE = file_of("示例县档案馆")
YOY_CARRY = {
    "示例县城关镇": {address("v2021", "t3.carried.natural"), address("v2021", "t3.carried.total")},
    "示例县自然资源局": {address("v2021", "t3.carried.business"), address("v2021", "t3.carried.total")},
}


# --- D1-D3: the generator and the committed files ---------------------------------------------


def test_roster_is_the_generators_and_valid() -> None:
    """D1."""
    data = ROSTER.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == GEN.roster_csv(PLAN.units)
    roster = read_roster(ROSTER)
    assert len(roster.units) == 26
    assert {u.type for u in roster.units} == {"乡镇", "街道", "部门"}
    assert all(uscc_problem(u.code) is None for u in roster.units)
    assert uscc_problem(PLAN.unlisted.code) is None
    assert roster.find(PLAN.unlisted.code, PLAN.unlisted.name) is None
    names = {u.name for u in roster.units}
    assert names == ACCEPTED_UNITS | ERROR_UNITS | MISSING_UNITS
    assert not (ACCEPTED_UNITS & ERROR_UNITS) and not ((ACCEPTED_UNITS | ERROR_UNITS) & MISSING_UNITS)


def test_submissions_are_the_generators_files() -> None:
    """D2."""
    on_disk = sorted(p.name for p in SUBMISSIONS.iterdir())
    assert on_disk == sorted(s.file for s in PLAN.submissions)
    assert set(on_disk) == COUNTED_FILES | {SUPERSEDED_FILE, UNLISTED_FILE} | {file_of(u) for u in ERROR_UNITS}
    senders = {s.unit.name for s in PLAN.submissions}
    assert not senders & MISSING_UNITS
    mistakes = [s.mistake for s in PLAN.submissions if s.mistake and s.mistake != "carry"]
    assert sorted(mistakes) == sorted({"balance", "overwritten", "text", "v2019", "superseded", "resubmitted", "unlisted"})
    previous = sorted(p.name for p in PREVIOUS.iterdir())
    assert previous in ([GEN.PREVIOUS_SUMMARY], sorted(s.file for s in PLAN.previous))


def test_magnitudes_are_realistic() -> None:
    """D2: most units receive few applications; a few departments decide thousands of penalties."""
    current = [s for s in PLAN.submissions if s.format == "v2021"]
    few = [s for s in current if s.values["t3.new.total"] <= 10]
    assert len(few) >= len(current) * 2 // 3
    big = {s.unit.name for s in current if s.values["t2.penalty.decisions"] >= 1000}
    assert {"示例县公安局", "示例县综合行政执法局", "示例县市场监督管理局"} <= big
    fees = [s.values["t2.fee.fee_amount"] for s in current]
    assert any(f != round(f) for f in fees)


def test_generator_is_deterministic() -> None:
    """D3: the same bytes twice, for a plain file and one edited through openpyxl."""
    pytest.importorskip("consolidate.template")
    again = GEN.plan()
    assert again == PLAN
    for sub in PLAN.submissions:
        if sub.mistake in (None, "overwritten"):
            assert GEN.workbook(sub) == GEN.workbook(sub), sub.file


# --- D4-D6: the round --------------------------------------------------------------------------


def validate_demo():  # type: ignore[no-untyped-def]
    validate = pytest.importorskip("consolidate.validate")
    roster = read_roster(ROSTER)
    return validate.validate_paths([SUBMISSIONS], roster=roster, year=YEAR)


def test_validate_findings_per_file() -> None:
    """D4."""
    report = validate_demo()
    got = {Path(f.path).name: (f.status, {(x.code, x.sheet, x.cell) for x in f.findings if x.severity != "info"})
           for f in report.files}
    assert sorted(got) == sorted(s.file for s in PLAN.submissions)
    for name, (status, findings) in got.items():
        want_status, want = EXPECTED_FILES.get(name, ("valid", set()))
        assert (status, findings) == (want_status, want), name
