"""A rule written in the YAML alone, with no code change, is checked everywhere (issue 9, item 1).

The rule exists only in a copy of workbook_templates/ made here (``CONSOLIDATE_SPEC_DIR``,
the supported way to run every command with another spec folder):

    表四: 行政复议·结果纠正 == 未经复议直接起诉·结果纠正 + 复议后起诉·结果纠正

(a rule made up for the test; the official rules do not say it). With it:
- ``validate`` reports it at the cell, with the file, the value and the value expected;
- the template shows it in the live check area: the formula is there, its cached value is
  right, and LibreOffice, recalculating a filled copy, says 通过 / 不通过 correctly;
- the roll-up re-runs it on the district's totals;
- 填报说明 explains it (its title and severity).
Addresses are the template's, written out (表四 B6 is 行政复议·结果纠正).
"""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from factories import balanced_values
from libreoffice import convert

from consolidate.rollup import rollup
from consolidate.roster import Unit
from consolidate.spec import load_spec, templates_dir
from consolidate.template import build_workbook
from consolidate.uscc import make_uscc
from consolidate.validate import validate

RULE = """
  - id: T4-CORRECTED
    severity: warning
    table: t4
    for_each: row
    expect: rev_corrected == direct_corrected + after_corrected
    title: 表四（测试用规则）：行政复议结果纠正数等于两组行政诉讼结果纠正数之和
    check: 复议纠正=诉讼纠正之和
    message:
      zh: "{where}：行政复议结果纠正为 {found}，两组行政诉讼结果纠正之和为 {rhs}，本格应为 {expected}。"
      en: "{where}: {found} corrected on review, {rhs} corrected in the lawsuits: this cell should be {expected}."
"""
TITLE = "表四（测试用规则）：行政复议结果纠正数等于两组行政诉讼结果纠正数之和"
LABEL = "复议纠正=诉讼纠正之和"
YEAR = 2025


@pytest.fixture
def spec_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "workbook_templates"
    shutil.copytree(templates_dir(), folder)
    path = folder / "v2021.yaml"
    path.write_text(path.read_text(encoding="utf-8") + RULE, encoding="utf-8")
    monkeypatch.setenv("CONSOLIDATE_SPEC_DIR", str(folder))
    return folder


def unit(n: int) -> Unit:
    return Unit(code=make_uscc(f"11340000{n:02d}MB00000"), name=f"示例县第{n}镇", type="乡镇", row=n + 1)


def inputs(corrected: tuple[int, int, int], seed: int = 1) -> dict[str, float]:
    spec = load_spec("v2021")
    values = {k: v for k, v in balanced_values(spec, seed).items() if not spec.cell(k).is_total}
    for group, value in zip(("rev", "direct", "after"), corrected, strict=True):
        values[f"t4.cases.{group}_corrected"] = float(value)
    return values


def test_the_rule_is_only_in_the_copy(spec_dir: Path) -> None:
    assert "T4-CORRECTED" in {r.id for r in load_spec("v2021").rules}
    shipped = Path(__file__).resolve().parents[1] / "workbook_templates"
    assert "T4-CORRECTED" not in {r.id for r in load_spec("v2021", shipped).rules}


def two_units(folder: Path) -> Path:
    """wrong.xlsx breaks the rule (3 against 1 + 1: a warning), right.xlsx keeps it (2 = 1 + 1)."""
    folder.mkdir()
    spec = load_spec("v2021")
    (folder / "wrong.xlsx").write_bytes(build_workbook(spec, YEAR, unit(1), values=inputs((3, 1, 1))))
    (folder / "right.xlsx").write_bytes(build_workbook(spec, YEAR, unit(2), values=inputs((2, 1, 1), seed=2)))
    return folder


def test_validate_reports_it_at_the_cell(spec_dir: Path, tmp_path: Path) -> None:
    report = validate([two_units(tmp_path / "in")], year=YEAR, workers=1)
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["right.xlsx"].findings == []
    (finding,) = by_name["wrong.xlsx"].findings
    assert (finding.code, finding.severity, finding.sheet, finding.cell) == ("T4-CORRECTED", "warning", "表四", "B6")
    assert (finding.found, finding.expected) == (3, 2)
    assert finding.message_zh == "表四 B6（行政复议·结果纠正）：行政复议结果纠正为 3，两组行政诉讼结果纠正之和为 2，本格应为 2。"
    assert by_name["wrong.xlsx"].status == "valid"  # a warning


def test_rollup_reruns_it_on_the_totals(spec_dir: Path, tmp_path: Path) -> None:
    folder = two_units(tmp_path / "in")  # both counted (a warning is no error); the sum: 5 against 2 + 2
    result = rollup([folder], out=tmp_path / "汇总.xlsx", year=YEAR, name="示例县人民政府", workers=1,
                    now=datetime(2026, 2, 1, 9, 0))
    assert result.data.totals["t4.cases.rev_corrected"] == 5
    assert [(f.code, f.key, f.found, f.expected) for f in result.data.totals_findings] == [
        ("T4-CORRECTED", "t4.cases.rev_corrected", 5, 4)]


def check_line(ws: openpyxl.worksheet.worksheet.Worksheet) -> tuple[object, object]:
    """(the formula or value beside the rule's check label, the difference beside it)."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == LABEL:
                return ws.cell(c.row, c.column + 1).value, ws.cell(c.row, c.column + 2).value
    raise AssertionError(f"no check line {LABEL!r} on {ws.title}")


def test_template_shows_it_live_and_explains_it(spec_dir: Path, tmp_path: Path) -> None:
    spec = load_spec("v2021")
    blank = build_workbook(spec, YEAR, unit(1))
    formulas = openpyxl.load_workbook(io.BytesIO(blank))
    formula, difference = check_line(formulas["表四"])
    assert formula == '=IFERROR(IF(ROUND(SUM(B6)-SUM(G6,L6),6)=0,"通过","不通过"),"不通过")'
    assert difference == '=IFERROR(ROUND(SUM(B6)-SUM(G6,L6),6),"")'
    cached = openpyxl.load_workbook(io.BytesIO(build_workbook(spec, YEAR, unit(1), values=inputs((3, 1, 1)))),
                                    data_only=True)
    assert check_line(cached["表四"]) == ("不通过", 1)
    instructions = [c.value for row in formulas["填报说明"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(TITLE in text for text in instructions)

    # a clerk types the numbers into the blank template; LibreOffice recalculates
    filled = {}
    for name, corrected in (("wrong", (3, 1, 1)), ("right", (2, 1, 1))):
        wb = openpyxl.load_workbook(io.BytesIO(blank))
        ws = wb["表四"]
        for address, value in zip(("B6", "G6", "L6"), corrected, strict=True):
            ws[address] = value
        filled[name] = tmp_path / "filled" / f"{name}.xlsx"
        filled[name].parent.mkdir(exist_ok=True)
        wb.save(filled[name])
    wrong, right = convert([filled["wrong"], filled["right"]], "xlsx", tmp_path / "recalculated")
    assert check_line(openpyxl.load_workbook(wrong, data_only=True)["表四"]) == ("不通过", 1)
    assert check_line(openpyxl.load_workbook(right, data_only=True)["表四"])[0] == "通过"
