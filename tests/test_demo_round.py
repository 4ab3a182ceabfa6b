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
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

from consolidate.rollup import RollupResult, rollup
from consolidate.roster import read_roster
from consolidate.spec import a1, identity_cells, load_common, load_spec, template_layout
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


def identity_name_cell() -> tuple[str, str]:
    common = load_common()
    row, col = identity_cells(common)["unit_name"]
    return common.identity_sheet, a1(row, col)


IDENTITY_NAME = identity_name_cell()


def file_of(unit: str, suffix: str = "") -> str:
    return f"{unit}_{YEAR}年政府信息公开统计表{suffix}.xlsx"


# --- what the tool must say (independent of the generator's own bookkeeping) -------------------

# File -> (status, {(code, sheet, cell)}); a file not listed is valid with no finding at all.
EXPECTED_FILES: dict[str, tuple[str, set[tuple[str, str | None, str | None]]]] = {
    # The 总计 column is unbalanced too, but only because of its 自然人 part: not reported twice.
    file_of("示例县东城街道"): ("invalid", {("T3-BALANCE", *address("v2021", "t3.carry_over.natural"))}),
    file_of("示例县住房和城乡建设局"): ("invalid", {("TOTAL-OVERWRITTEN", *address("v2021", "t4.cases.rev_total")),
                                             ("T4-TOTALS", *address("v2021", "t4.cases.rev_total"))}),
    file_of("示例县青山乡"): ("invalid", {("CELL-TEXT", *address("v2021", "t2.permit.decisions")),
                                      ("CELL-DASH", *address("v2021", "t2.coercion.decisions"))}),
    file_of("示例县白石镇"): ("invalid", {("VERSION", None, None)}),
    file_of("示例县档案馆"): ("valid", {("UNIT-NOT-IN-ROSTER", *IDENTITY_NAME)}),
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
    assert sorted(p.name for p in PREVIOUS.iterdir()) == [GEN.PREVIOUS_SUMMARY]
    assert len(PLAN.previous) == 26  # last year every roster unit reported


def test_magnitudes_are_realistic() -> None:
    """D2: most units receive few applications; a few departments decide thousands of penalties."""
    current = [s for s in PLAN.submissions if s.format == "v2021"]
    few = [s for s in current if s.values["t3.new.total"] <= 10]
    assert len(few) >= len(current) * 2 // 3
    big = {s.unit.name for s in current if s.values["t2.penalty.decisions"] >= 1000}
    assert {"示例县公安局", "示例县综合行政执法局", "示例县市场监督管理局"} <= big
    fees = [s.values["t2.fee.fee_amount"] for s in current]
    assert any(f != round(f) for f in fees)


FRESH_PROCESS = """
import importlib.util, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1] + "/samples")
spec = importlib.util.spec_from_file_location("demo_generate", sys.argv[1] + "/samples/demo/generate.py")
gen = importlib.util.module_from_spec(spec)
sys.modules["demo_generate"] = gen
spec.loader.exec_module(gen)
plan = gen.plan()
for i, name in enumerate(sys.argv[3:]):
    sub = next(s for s in plan.submissions if s.file == name)
    Path(sys.argv[2], f"{i}.xlsx").write_bytes(gen.workbook(sub))
"""


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """D3: another interpreter (another hash seed, another clock) makes the same plan and the same
    bytes, for a plain file and one edited through openpyxl."""
    plain = next(s for s in PLAN.submissions if s.mistake is None)
    edited = next(s for s in PLAN.submissions if s.edits)
    subprocess.run([sys.executable, "-c", FRESH_PROCESS, str(ROOT), str(tmp_path), plain.file, edited.file],
                   check=True, env={**os.environ, "PYTHONHASHSEED": "12345"}, timeout=300)
    for i, sub in enumerate((plain, edited)):
        assert (tmp_path / f"{i}.xlsx").read_bytes() == GEN.workbook(sub), sub.file


# --- D4-D6: the round --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def round_result(tmp_path_factory: pytest.TempPathFactory) -> RollupResult:
    """`consolidate rollup samples/demo/submissions --roster … --previous samples/demo/previous`."""
    out = tmp_path_factory.mktemp("demo") / "示例县_2025年度汇总.xlsx"
    return rollup([SUBMISSIONS], out=out, roster=read_roster(ROSTER), year=YEAR, previous=[PREVIOUS], workers=1,
                  now=datetime(2026, 2, 1, 9, 0, 0))


def test_validate_findings_per_file(round_result: RollupResult) -> None:
    """D4: the roll-up validates with the same engine as `validate`; per file, status and findings."""
    got = {Path(f.path).name: (f.status, {(x.code, x.sheet, x.cell) for x in f.findings if x.severity != "info"})
           for f in round_result.report.files}
    assert sorted(got) == sorted(s.file for s in PLAN.submissions)
    for name, (status, findings) in got.items():
        want_status, want = EXPECTED_FILES.get(name, ("valid", set()))
        assert (status, findings) == (want_status, want), name


def test_files_say_what_the_generator_planned(round_result: RollupResult) -> None:
    """D4: every number read from every readable file is the generator's (the samples are current)."""
    planned = {s.file: s.values for s in PLAN.submissions}
    for f in round_result.report.files:
        name = Path(f.path).name
        assert f.values is not None, name
        read = {k: v for k, v in f.values.items() if v is not None and v == v}  # NaN: a cell that could not be read
        assert len(read) >= len(planned[name]) - 2, name
        diff = {k: (planned[name][k], v) for k, v in read.items() if abs(planned[name][k] - v) > 1e-6}
        assert not diff, name


def test_roster_status_per_unit_and_fate_per_file(round_result: RollupResult) -> None:
    """D5."""
    selection = round_result.data.selection
    units = {u.name: u.fate for u in selection.units}
    expected = {**dict.fromkeys(ACCEPTED_UNITS, "accepted"), **dict.fromkeys(ERROR_UNITS, "invalid"),
                **dict.fromkeys(MISSING_UNITS, "missing")}
    assert units == expected
    assert [u.name for u in selection.units] == [u.name for u in read_roster(ROSTER).units]  # roster order
    chosen = {u.name: Path(u.file.path).name for u in selection.units if u.file is not None}
    assert chosen["示例县公安局"] == file_of("示例县公安局", "（修改）")
    fates = {Path(f.file.path).name: (f.fate, f.counted) for f in selection.files}
    assert fates == {**{n: ("accepted", True) for n in COUNTED_FILES},
                     **{file_of(u): ("invalid", False) for u in ERROR_UNITS},
                     SUPERSEDED_FILE: ("superseded", False), UNLISTED_FILE: ("unlisted", False)}
    assert round_result.missing == tuple(u.name for u in read_roster(ROSTER).units if u.name in MISSING_UNITS)
    # 报送率: units whose file was read (with errors too); 通过率: the ones that passed
    assert round_result.data.submission_rate == pytest.approx((20 + len(ERROR_UNITS)) / 26)
    assert round_result.data.rates.pass_rate == pytest.approx(20 / 26)


def test_county_totals_are_the_sum_of_the_accepted_files(round_result: RollupResult) -> None:
    """D5: computed here from the generator's data, for the files this test expects to count."""
    from consolidate.validate import validate

    planned = {s.file: s.values for s in PLAN.submissions}
    spec = load_spec("v2021")
    expected = {k: round(sum(planned[f][k] for f in COUNTED_FILES), 4) for k in spec.keys}
    totals = round_result.data.totals
    assert {k: round(totals[k], 4) for k in spec.keys} == expected
    assert round_result.data.totals_findings == ()
    assert expected["t2.penalty.decisions"] > 10000 and expected["t2.fee.fee_amount"] != round(expected["t2.fee.fee_amount"])
    # The summary written to disk says the same, and is itself a valid submission for the next level up.
    (summary,) = validate([round_result.out], year=YEAR, workers=1).files
    assert (summary.status, summary.kind, summary.units) == ("valid", "rollup", 20)
    assert summary.values is not None
    assert {k: round(summary.values[k], 4) for k in spec.keys} == expected


def test_year_over_year_carry_per_unit(round_result: RollupResult) -> None:
    """D6: last year's summary alone gives each unit's 结转; two units disagree with it."""
    yoy = round_result.data.yoy
    assert yoy is not None and (yoy.previous_year, yoy.previous_format, yoy.district_source) == (2024, "v2021", "rollup")
    got = {u.name: {(f.code, f.sheet, f.cell) for f in u.findings} for u in yoy.units if u.findings}
    assert got == {name: {("YOY-CARRY", *place) for place in places} for name, places in YOY_CARRY.items()}
