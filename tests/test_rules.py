"""The rules engine (consolidate/rules/) on submissions built in code (``FileResult``).

Requirements covered:
- R1 the pandera schema is built from the spec: one check per rule target as FORMAT.md lists
  them (表三 balance per column, row totals, outcome totals, 表四 totals, the v2019 misuse rows),
  no year-over-year rule; a change in the YAML changes the schema (severity, cache);
- R2 balanced submissions of both formats pass every rule;
- R3 every rule fails at the right cell, with found / expected / params, in both formats where
  it applies; and passes where it should (negative 本年增/减, decimal amounts, a 0 misuse row);
- R4 a rule is skipped when a cell it needs is NaN or missing, and a total is not reported by
  a rule that already fails on one of its parts (no consequential errors); amounts are
  compared with a tolerance;
- R5 identity: unit name, 统一社会信用代码, roster (not on it, other name), year (missing,
  mismatch), VERSION (format for the year), FORMAT-MISMATCH (format asked for);
- R6 the stacked (batch) path and the per-file path give identical findings on a mixed batch
  (valid, invalid, unreadable, both formats), in (sheet, row, column, code) order.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from rules_factory import UNIT_CODE, UNIT_NAME, result, unreadable
from straightforward import check_each

from consolidate.findings import Finding
from consolidate.report import FileResult
from consolidate.roster import Roster, Unit
from consolidate.rules import RuleSchema, build_schema, check_batch, check_identity
from consolidate.rules.order import cell_position, sort_findings
from consolidate.spec import load_spec, template_layout, templates_dir
from consolidate.uscc import make_uscc

T3_COLUMNS = ("natural", "business", "research", "public_interest", "legal", "other", "total")


def address(format_id: str, key: str) -> tuple[str, str]:
    """Where our template has a cell (the reader's default when a FileResult has no address)."""
    spec = load_spec(format_id)
    layout = template_layout(spec)[spec.cell(key).table]
    return layout.sheet, layout.cells[key].address


def findings_of(file: FileResult) -> list[Finding]:
    (found,) = check_batch([file])
    assert found == check_each([file])[0]
    return found


def pairs(findings: list[Finding]) -> set[tuple[str, str | None]]:
    return {(f.code, f.key) for f in findings}


def broken(format_id: str, **changes: float) -> FileResult:
    """A balanced submission with some cells changed (``t3__new__natural=5`` sets t3.new.natural)."""
    file = result(format_id)
    assert file.values is not None
    for name, value in changes.items():
        file.values[name.replace("__", ".")] = value
    return file


# --- R1 -------------------------------------------------------------------------------------


def places(compiled: RuleSchema, rule: str) -> set[str]:
    return {target for rule_id, target in compiled.checks if rule_id == rule}


def test_schema_checks_follow_format_md() -> None:
    v2021 = build_schema(load_spec("v2021"))
    assert places(v2021, "T3-BALANCE") == {f"t3.carry_over.{c}" for c in T3_COLUMNS}
    assert len(places(v2021, "T3-ROWTOTAL")) == 25  # every data row of v2021 表三
    assert places(v2021, "T3-OUTCOMES") == {f"t3.total.{c}" for c in T3_COLUMNS}
    assert places(v2021, "T4-TOTALS") == {"t4.cases.rev_total", "t4.cases.direct_total", "t4.cases.after_total"}
    assert not any(rule.startswith(("YOY", "VERSION", "T2-V2019")) for rule, _ in v2021.checks)
    assert set(v2021.types) == {"TYPES:negative", "TYPES:fraction", "TYPES:negative_amount"}
    # TYPES: one schema per table and cell kind, a column check per variant; one schema per rule
    assert [(p.name, p.slots, [c.name for c in p.schema.checks] + [c.name for col in p.schema.columns.values()
                                                                   for c in col.checks]) for p in v2021.parts] == [
        ("v2021 T3-BALANCE", ("carry_over", "new", "carried", "total"), ["T3-BALANCE"]),
        ("v2021 T3-ROWTOTAL", ("total", *(f"part{i}" for i in range(1, 7))), ["T3-ROWTOTAL"]),
        ("v2021 T3-OUTCOMES", ("total", *(f"part{i}" for i in range(1, 22))), ["T3-OUTCOMES"]),
        ("v2021 T4-TOTALS", ("total", "part1", "part2", "part3", "part4"), ["T4-TOTALS"]),
        ("v2021 表二 count", ("count",), ["TYPES:negative", "TYPES:fraction"]),
        ("v2021 表二 amount", ("amount",), ["TYPES:negative_amount"]),
        ("v2021 表三 count", ("count",), ["TYPES:negative", "TYPES:fraction"]),
        ("v2021 表四 count", ("count",), ["TYPES:negative", "TYPES:fraction"])]

    v2019 = build_schema(load_spec("v2019"))
    assert places(v2019, "T2-V2019-MISUSE") == {f"t2.{r}.decisions" for r in
                                                ("permit", "other_services", "penalty", "coercion")}
    assert len(places(v2019, "T3-ROWTOTAL")) == 23
    assert set(v2019.types) == {"TYPES:negative", "TYPES:fraction", "TYPES:signed_fraction", "TYPES:negative_amount"}
    (balance,) = v2019.checks[("T3-BALANCE", "t3.carry_over.natural")].conditions
    assert ([r.key for r in balance.left], balance.op, [r.key for r in balance.right]) == (
        ["t3.new.natural", "t3.carried.natural"], "==", ["t3.total.natural", "t3.carry_over.natural"])


def test_schema_changes_with_the_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "workbook_templates"
    shutil.copytree(templates_dir(), folder)
    path = folder / "v2021.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  - id: T4-TOTALS\n    severity: error\n"
    assert marker in text
    path.write_text(text.replace(marker, marker.replace("error", "warning")), encoding="utf-8")
    changed = load_spec("v2021", folder)
    assert changed.hash != load_spec("v2021").hash
    from consolidate.rules.run import failure_cases, findings_from_failures, wide_frame

    file = broken("v2021", t4__cases__rev_upheld=9)
    compiled = build_schema(changed)
    (found,) = findings_from_failures(changed, compiled, failure_cases(compiled, wide_frame(changed, [file])), [file])
    assert [(f.code, f.severity) for f in found] == [("T4-TOTALS", "warning")]


def test_pandera_failure_cases_name_the_file_and_the_cell() -> None:
    from consolidate.rules.run import failure_cases, wide_frame

    spec = load_spec("v2021")
    files = [result("v2021", seed=1), broken("v2021", t3__carry_over__legal=999, t2__fee__fee_amount=-3)]
    listed = {(part.name, str(c), part.where(int(i)), str(col), float(v))
              for part, table in failure_cases(build_schema(spec), wide_frame(spec, files))
              for c, i, col, v in zip(table["check"], table["index"], table["column"], table["failure_case"], strict=True)}
    values = files[1].values
    assert values is not None
    legal = [(slot, values[f"t3.{slot}.legal"]) for slot in ("carry_over", "new", "carried", "total")]
    row = [("total", values["t3.carry_over.total"])] + [
        (f"part{i}", values[f"t3.carry_over.{c}"]) for i, c in enumerate(T3_COLUMNS[:-1], start=1)]
    place = {name: [c.target for c in build_schema(spec).checks.values() if c.rule == name]
             for name in ("T3-BALANCE", "T3-ROWTOTAL")}
    assert listed == {
        ("v2021 表二 amount", "TYPES:negative_amount", (1, 0), "amount", -3.0),  # file 1, the first amount
        *(("v2021 T3-BALANCE", "T3-BALANCE", (1, place["T3-BALANCE"].index("t3.carry_over.legal")), slot, v)
          for slot, v in legal),
        # the row total was not recomputed: the 总计 column's balance holds, its row does not add up
        *(("v2021 T3-ROWTOTAL", "T3-ROWTOTAL", (1, place["T3-ROWTOTAL"].index("t3.carry_over.total")), slot, v)
          for slot, v in row)}


# --- R2 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_id", ["v2021", "v2019"])
def test_balanced_submissions_pass(format_id: str) -> None:
    files = [result(format_id, seed=seed) for seed in range(20)]
    assert check_batch(files) == [[] for _ in files]
    assert check_each(files) == [[] for _ in files]


# --- R3 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_id", ["v2021", "v2019"])
def test_t3_balance_points_at_carry_over(format_id: str) -> None:
    file = result(format_id)
    values = file.values
    assert values is not None
    values["t3.carried.business"] += 2
    values["t3.carried.total"] += 2  # the reader recomputes a total that holds its formula
    found = findings_of(file)
    # the 总计 column fails too, as a consequence: only the column to fix is reported
    assert pairs(found) == {("T3-BALANCE", "t3.carry_over.business")}
    first = found[0]
    assert (first.sheet, first.cell) == address(format_id, "t3.carry_over.business")
    assert first.severity == "error"
    assert first.found == values["t3.carry_over.business"]
    assert first.expected == values["t3.carry_over.business"] + 2
    assert (first.row_label, first.column_label) == ("四、结转下年度继续办理", "商业企业")
    lhs = values["t3.new.business"] + values["t3.carried.business"]
    assert first.message_zh.startswith(f"表三 {first.cell}（四、结转下年度继续办理 / 商业企业）：第一项加第二项之和为 {lhs:g}，")
    assert "相差 2" in first.message_zh
    assert first.message_zh.endswith(f"本格应为 {values['t3.carry_over.business'] + 2:g}。")


@pytest.mark.parametrize("format_id", ["v2021", "v2019"])
def test_t3_row_total(format_id: str) -> None:
    file = result(format_id)
    assert file.values is not None
    right = file.values["t3.granted.total"]
    file.values["t3.granted.total"] = right + 1  # an overwritten total
    found = findings_of(file)
    # the grand total adds up the （七）总计 row, so the only other finding is its column sum
    assert pairs(found) == {("T3-ROWTOTAL", "t3.granted.total"), ("T3-OUTCOMES", "t3.total.total")}
    rowtotal = [f for f in found if f.code == "T3-ROWTOTAL"]
    assert [(f.key, f.found, f.expected) for f in rowtotal] == [("t3.granted.total", right + 1, right)]
    assert (rowtotal[0].sheet, rowtotal[0].cell) == address(format_id, "t3.granted.total")
    assert "总计应为" in rowtotal[0].message_zh


@pytest.mark.parametrize(("format_id", "outcome"), [("v2021", "other_no_fee"), ("v2019", "other_handling")])
def test_t3_outcomes(format_id: str, outcome: str) -> None:
    file = result(format_id)
    assert file.values is not None
    total = file.values["t3.total.legal"]
    file.values[f"t3.{outcome}.legal"] += 3
    file.values[f"t3.{outcome}.total"] += 3  # its row total, recomputed
    found = findings_of(file)
    assert pairs(found) == {("T3-OUTCOMES", "t3.total.legal")}  # not again for the 总计 column
    legal = next(f for f in found if f.key == "t3.total.legal")
    assert (legal.sheet, legal.cell) == address(format_id, "t3.total.legal")
    assert (legal.found, legal.expected) == (total, total + 3)
    assert legal.row_label == "（七）总计"


@pytest.mark.parametrize("format_id", ["v2021", "v2019"])
@pytest.mark.parametrize("block", ["rev", "direct", "after"])
def test_t4_totals(format_id: str, block: str) -> None:
    file = result(format_id)
    assert file.values is not None
    total = file.values[f"t4.cases.{block}_total"]
    file.values[f"t4.cases.{block}_pending"] += 1
    (finding,) = findings_of(file)
    assert (finding.code, finding.key, finding.found, finding.expected) == (
        "T4-TOTALS", f"t4.cases.{block}_total", total, total + 1)
    assert (finding.sheet, finding.cell) == address(format_id, f"t4.cases.{block}_total")


@pytest.mark.parametrize(("format_id", "key", "value", "variant_text"), [
    ("v2021", "t2.regulation.issued", -1.0, "数量不能为负数"),
    ("v2019", "t2.regulation.new_made", -2.0, "数量不能为负数"),
    ("v2021", "t2.permit.decisions", 2.5, "件数必须是整数"),
    ("v2019", "t2.permit.prev_count", 0.5, "件数必须是整数"),
    ("v2019", "t2.fee.change", 1.5, "本年增/减必须是整数"),
    ("v2021", "t2.fee.fee_amount", -0.5, "金额不能为负数"),
    ("v2019", "t2.procurement.purchase_amount", -12.0, "金额不能为负数"),
])
def test_types_fail_at_the_cell(format_id: str, key: str, value: float, variant_text: str) -> None:
    file = broken(format_id)
    assert file.values is not None
    file.values[key] = value
    found = findings_of(file)
    if format_id == "v2019" and key.endswith(("prev_count", "change")):
        found = [f for f in found if f.code != "T2-V2019-MISUSE"]
    (finding,) = found
    assert (finding.code, finding.key, finding.found, finding.severity) == ("TYPES", key, value, "error")
    assert (finding.sheet, finding.cell) == address(format_id, key)
    assert variant_text in finding.message_zh
    assert finding.message_zh.startswith(f"表二 {finding.cell}（")


def test_findings_point_at_the_template_cells_written_out() -> None:
    """The addresses of our template, typed out here rather than asked of the layout."""
    file = broken("v2021", t2__regulation__issued=-1)
    assert file.values is not None
    file.values["t3.carried.legal"] += 2
    file.values["t3.carried.total"] += 2
    file.values["t4.cases.rev_pending"] += 1
    assert [(f.code, f.sheet, f.cell) for f in findings_of(file)] == [
        ("TYPES", "表二", "B5"), ("T3-BALANCE", "表三", "H30"), ("T4-TOTALS", "表四", "E6")]
    old = broken("v2019", t2__permit__prev_count=1, t2__permit__change=2, t2__permit__decisions=3)
    assert [(f.code, f.sheet, f.cell) for f in findings_of(old)] == [("T2-V2019-MISUSE", "表二", "D9")]


def test_types_negative_and_fraction_both_reported() -> None:
    file = broken("v2021", t2__regulation__repealed=-1.5)
    found = findings_of(file)
    assert [(f.code, f.key) for f in found] == [("TYPES", "t2.regulation.repealed")] * 2
    assert {f.message_en.split(": ")[1] for f in found} == {
        "-1.5 is negative. Enter a whole number of 0 or more (0 when there were none).",
        "-1.5 is not a whole number. Counts must be whole numbers."}


def test_types_pass() -> None:
    v2019 = broken("v2019", t2__fee__change=-7.0, t2__procurement__purchase_amount=2811.22)
    assert findings_of(v2019) == []
    v2021 = broken("v2021", t2__fee__fee_amount=190.457379, t2__regulation__issued=3.0000000001)
    assert findings_of(v2021) == []


def test_v2019_misuse_warning() -> None:
    # seed 003: 行政许可 1 65 66; 其他对外管理服务事项 1 0 0; 行政处罚 1 317 318; 行政强制 1 2 3
    rows = {"permit": (1, 65, 66), "other_services": (1, 0, 0), "penalty": (1, 317, 318), "coercion": (1, 2, 3)}
    file = broken("v2019", **{f"t2__{row}__{col}": float(v) for row, vals in rows.items()
                              for col, v in zip(("prev_count", "change", "decisions"), vals, strict=True)})
    found = findings_of(file)
    assert [(f.code, f.key, f.severity, f.found) for f in found] == [
        ("T2-V2019-MISUSE", "t2.permit.decisions", "warning", 66),
        ("T2-V2019-MISUSE", "t2.penalty.decisions", "warning", 318),
        ("T2-V2019-MISUSE", "t2.coercion.decisions", "warning", 3),
    ]
    assert [f.cell for f in found] == [address("v2019", f.key or "")[1] for f in found]
    assert "处理决定数量 66 恰好等于上一年项目数量 1 加本年增/减 65" in found[0].message_zh


def test_v2019_misuse_passes_when_decisions_differ() -> None:
    file = broken("v2019", t2__permit__prev_count=1, t2__permit__change=65, t2__permit__decisions=12)
    assert findings_of(file) == []


# --- R4 -------------------------------------------------------------------------------------


def test_rules_skip_nan_cells() -> None:
    file = result("v2021")
    assert file.values is not None
    file.values["t3.new.natural"] = math.nan  # the reader reported this cell (CELL-TEXT …)
    file.values["t3.carried.natural"] += 5  # would break the natural column's balance
    file.values["t4.cases.rev_upheld"] += 1  # an independent error elsewhere is still found
    del file.values["t2.fee.fee_amount"]  # a table part that was not read at all
    found = findings_of(file)
    # 表三's natural column and the new row's total need t3.new.natural: skipped; the carried
    # row's total no longer adds up (a real error); 表四 is checked as usual
    assert pairs(found) == {("T4-TOTALS", "t4.cases.rev_total"), ("T3-ROWTOTAL", "t3.carried.total")}


def test_a_total_column_alone_is_reported() -> None:
    file = broken("v2021")
    assert file.values is not None
    file.values["t3.carried.total"] += 4  # an overwritten total: the applicant columns still balance
    assert pairs(findings_of(file)) == {("T3-ROWTOTAL", "t3.carried.total"), ("T3-BALANCE", "t3.carry_over.total")}


def test_types_on_a_total_only_when_its_parts_are_right() -> None:
    file = broken("v2021", t4__cases__rev_other=0.5)
    assert file.values is not None
    file.values["t4.cases.rev_total"] += 0.5  # the reader recomputed the formula
    assert pairs(findings_of(file)) == {("TYPES", "t4.cases.rev_other")}
    file = broken("v2021")
    assert file.values is not None
    file.values["t4.cases.rev_total"] += 0.5  # a constant typed over the formula
    assert pairs(findings_of(file)) == {("TYPES", "t4.cases.rev_total"), ("T4-TOTALS", "t4.cases.rev_total")}


def test_tolerance() -> None:
    file = result("v2021")
    assert file.values is not None
    file.values["t4.cases.rev_upheld"] += 1e-9
    file.values["t2.fee.fee_amount"] = 0.1 + 0.2
    assert findings_of(file) == []


# --- R5 -------------------------------------------------------------------------------------

ROSTER = Roster((Unit(code=UNIT_CODE, name=UNIT_NAME, type="乡镇", row=2),
                 Unit(code="A001", name="示例县档案馆", type="部门", row=3)))


def identity_pairs(file: FileResult, **options: object) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.sheet, f.cell) for f in check_identity(file, **options)]  # type: ignore[arg-type]


def test_identity_ok() -> None:
    assert check_identity(result("v2021"), year=2024, roster=ROSTER) == []
    assert check_identity(result("v2019", unit_code="A001", unit_name="示例县档案馆"), year=2020, roster=ROSTER) == []
    assert check_identity(unreadable(), year=2024, roster=ROSTER) == []


def test_unit_name_missing() -> None:
    file = result("v2021", unit_name="  ")
    assert identity_pairs(file) == [("UNIT-NAME-MISSING", "填报信息", "B3")]
    assert check_identity(file)[0].message_zh.startswith("填报信息 B3（单位名称）：单位名称为空。")


def test_unit_name_missing_in_a_foreign_workbook_points_at_the_file() -> None:
    file = result("v2021", unit_name="", path="returned/花山镇.xlsx", kind="foreign")
    (finding,) = check_identity(file)
    assert (finding.code, finding.sheet, finding.cell) == ("UNIT-NAME-MISSING", None, None)
    assert finding.message_zh.startswith("花山镇.xlsx（单位名称）：")


def test_uscc() -> None:
    bad = UNIT_CODE[:-1] + ("1" if UNIT_CODE[-1] != "1" else "2")
    (finding,) = check_identity(result("v2021", unit_code=bad))
    assert (finding.code, finding.cell, finding.found) == ("USCC-INVALID", "B4", bad)
    assert f"最后一位校验码应为 {UNIT_CODE[-1]}" in finding.message_zh
    assert check_identity(result("v2021", unit_code="A001")) == []  # a local code: no check digit
    assert check_identity(result("v2021", unit_code=make_uscc("12340000MB1234567").lower())) == []


def test_roster() -> None:
    stranger = result("v2021", unit_name="示例县不存在镇", unit_code="B999")
    (finding,) = check_identity(stranger, roster=ROSTER)
    assert (finding.code, finding.severity, finding.found) == ("UNIT-NOT-IN-ROSTER", "warning", "示例县不存在镇")
    renamed = result("v2021", unit_name="花山镇", unit_code=UNIT_CODE)
    (finding,) = check_identity(renamed, roster=ROSTER)
    assert (finding.code, finding.found, finding.expected) == ("UNIT-NAME-DIFFERS", "花山镇", UNIT_NAME)
    assert f"单位代码 {UNIT_CODE} 在名单中的名称是“{UNIT_NAME}”" in finding.message_zh
    by_name = result("v2021", unit_name="示例县档案馆", unit_code="")
    assert check_identity(by_name, roster=ROSTER) == []
    assert check_identity(stranger) == []  # no roster, no roster check


def test_year_missing_and_mismatch() -> None:
    missing = result("v2021", year=2024)
    missing.year, missing.identity["year"] = None, "二〇二四"
    (finding,) = check_identity(missing, year=2025)
    assert (finding.code, finding.cell, finding.found, finding.expected) == ("YEAR-MISSING", "B7", "二〇二四", 2025)
    (finding,) = check_identity(missing)
    assert finding.expected == 2021  # an example year of the file's format
    (finding,) = check_identity(result("v2021", year=2024), year=2025)
    assert (finding.code, finding.found, finding.expected) == ("YEAR-MISMATCH", 2024, 2025)
    assert finding.message_zh == "填报信息 B7（年度）：文件的年度是 2024，本次收集的是 2025 年度的报告。请使用 2025 年度的模板填写。"


@pytest.mark.parametrize(("format_id", "year", "expected"), [
    ("v2019", 2021, "2021年格式"), ("v2019", 2025, "2021年格式"), ("v2021", 2020, "2019年格式"),
    ("v2021", 2019, "2019年格式"),
])
def test_version_fails(format_id: str, year: int, expected: str) -> None:
    file = result(format_id, year=year, path="folder/unit.xlsx")
    (finding,) = check_identity(file)
    found = load_spec(format_id)
    assert (finding.code, finding.severity, finding.found, finding.expected) == ("VERSION", "error", found.name, expected)
    assert (finding.sheet, finding.cell) == (None, None)
    assert finding.message_zh.startswith(f"unit.xlsx：{year} 年度的报告应使用{expected}（")
    assert f"而本文件是{found.name}（{found.notice}）" in finding.message_zh


@pytest.mark.parametrize(("format_id", "year"), [("v2019", 2019), ("v2019", 2020), ("v2021", 2021), ("v2021", 2030)])
def test_version_passes(format_id: str, year: int) -> None:
    assert check_identity(result(format_id, year=year)) == []


def test_version_uses_the_year_asked_for_when_the_file_has_none() -> None:
    file = result("v2019", year=2020)
    file.year = None
    assert [f.code for f in check_identity(file, year=2024)] == ["YEAR-MISSING", "VERSION"]


def test_format_mismatch() -> None:
    (finding,) = check_identity(result("v2021", year=2024), format_id="v2019", year=2024)
    assert (finding.code, finding.found, finding.expected) == ("FORMAT-MISMATCH", "2021年格式", "2019年格式")
    assert check_identity(result("v2021", year=2024), format_id="v2021") == []


# --- R6 -------------------------------------------------------------------------------------


def mixed_batch() -> list[FileResult]:
    files = [result("v2021", seed=s, path=f"ok{s}.xlsx") for s in range(3)]
    files += [result("v2019", seed=s, path=f"old{s}.xlsx") for s in range(2)]
    files.insert(2, unreadable("broken.xlsx"))
    files.append(broken("v2021", t3__carried__natural=99, t3__carried__total=999, t2__regulation__issued=-1,
                        t4__cases__after_upheld=0.5))
    files.append(broken("v2019", t2__permit__prev_count=1, t2__permit__change=2, t2__permit__decisions=3,
                        t3__new__other=math.nan))
    files.append(FileResult(path="foreign.xlsx", sha256="1" * 64, size=1, mtime=0.0, status="invalid",
                            format=None, values=None))
    partial = {"t4.cases.rev_total": 5.0, "t4.cases.direct_upheld": 1.0, "t4.cases.direct_corrected": 0.0,
               "t4.cases.direct_other": 0.0, "t4.cases.direct_pending": 0.0, "t4.cases.direct_total": 2.0}
    files.append(result("v2021", path="partial.xlsx", values=partial))  # only part of 表四 was read
    return files


def test_batch_and_per_file_paths_agree() -> None:
    files = mixed_batch()
    batch, each = check_batch(files), check_each(files)
    assert batch == each
    assert [len(f) for f in batch] == [0, 0, 0, 0, 0, 0, 5, 1, 0, 1]
    assert pairs(batch[6]) == {("TYPES", "t2.regulation.issued"), ("TYPES", "t4.cases.after_upheld"),
                               ("T4-TOTALS", "t4.cases.after_total"), ("T3-ROWTOTAL", "t3.carried.total"),
                               ("T3-BALANCE", "t3.carry_over.natural")}


def test_findings_in_sheet_row_column_order() -> None:
    found = check_batch(mixed_batch())[6]
    assert found == sort_findings(reversed(found))
    keys = [(f.sheet, *cell_position(f.cell)) for f in found]
    sheets = [k[0] or "" for k in keys]
    assert sheets == sorted(sheets, key=["表二", "表三", "表四"].index)
    for sheet in set(sheets):
        rows = [k[1:] for k in keys if k[0] == sheet]
        assert rows == sorted(rows)
    assert cell_position("AB12") == (12, 28)
    assert cell_position(None) == (0, 0)
