"""The validation report workbook (consolidate.output.report_xlsx) and the shared
findings-table writer (consolidate.xlsx.findings_sheet).

Requirements covered:
- R1 文件 lists every file once: unit, code, file, status 通过/有错误/无法读取, format, year,
  counts, sha256; the run's totals on top;
- R2 问题 lists every finding of every file with its file, unit, severity, rule, place, labels,
  found, expected and message;
- R3 both sheets have a frozen header and an autofilter over the whole table;
- R4 a unit name or value beginning with “=” stays text (no formula anywhere);
- R5 the same report gives the same bytes;
- R6 an input is never overwritten; a folder that does not exist is a clear error;
- R7 English wording with lang="en";
- R8 write_findings_sheet alone: chosen columns, heading, an empty list says so.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePath

import openpyxl
import pytest
import xlsxwriter

from consolidate.errors import ConsolidateError
from consolidate.findings import FindingFactory, Place
from consolidate.output.report_xlsx import report_bytes, write_report
from consolidate.report import FileResult, Report
from consolidate.spec import load_spec, template_layout
from consolidate.xlsx.findings_sheet import FindingRow, finding_rows, write_findings_sheet

SPEC = load_spec("v2021")
LAYOUT = template_layout(SPEC)
FF = FindingFactory(SPEC)
EVIL = '=HYPERLINK("http://example.com","点这里")'


def place(key: str) -> Place:
    layout = LAYOUT[SPEC.cell(key).table]
    return Place.of_cell(SPEC.cell(key), layout.sheet, layout.cells[key].address)


def sample_report() -> Report:
    ok = FileResult("收文/甲镇.xlsx", "a" * 64, 100, 1.0, "valid", format="v2021", kind="template",
                    identity={"unit_name": "甲镇人民政府", "unit_code": "001"}, year=2025)
    bad = FileResult("收文/乙镇.xlsx", "b" * 64, 100, 1.0, "invalid", format="v2021", kind="foreign",
                     identity={"unit_name": EVIL, "unit_code": "002"}, year=2025, findings=[
                         FF.common("CELL-DASH", place("t3.new.natural"), found="=1+1"),
                         FF.rule("T3-ROWTOTAL", place("t3.new.total"), found=5, expected=7),
                         FF.common("META-MISSING", Place(file="乙镇.xlsx"), format_name=SPEC.name),
                     ])
    broken = FileResult("收文/丙镇.xls", "c" * 64, 10, 1.0, "unreadable",
                        findings=[FF.common("FILE-XLS", Place(file="丙镇.xls"))])
    warned = FileResult("收文/丁街道.xlsx", "d" * 64, 100, 1.0, "valid", format="v2019", kind="template",
                        identity={"unit_name": "丁街道办事处", "unit_code": "004"}, year=2025, findings=[
                            FF.common("CELL-NORMALISED", place("t3.new.business"), found="１２", value=12),
                        ])
    return Report([ok, bad, broken, warned], "0.1.0", year=2025)


def table(ws: openpyxl.worksheet.worksheet.Worksheet, first: str) -> tuple[int, list[tuple[object, ...]]]:
    """(header row number, data rows) of the table whose header starts with ``first``."""
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == first)
    return header + 1, [rows[header], *(r for r in rows[header + 1:] if any(v is not None for v in r))]


def load(report: Report, lang: str = "zh") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(report_bytes(report, lang=lang)))  # type: ignore[arg-type]


def test_files_sheet_one_row_per_file_with_totals() -> None:  # R1
    report = sample_report()
    wb = load(report)
    assert wb.sheetnames == ["文件", "问题", "_meta"] and wb.active.title == "文件"
    assert wb["_meta"].sheet_state == "hidden"  # marks it as our report: skipped when found among inputs
    _, rows = table(wb["文件"], "单位名称")
    assert rows[0] == ("单位名称", "单位代码", "文件", "状态", "格式", "年度", "错误数", "警告数", "提示数",
                       "主要问题", "路径", "sha256")  # the path and the hash last, outside the print area
    body = rows[1:]
    assert [r[2] for r in body] == [PurePath(f.path).name for f in report.files]
    assert [r[10] for r in body] == [f.path for f in report.files]
    assert [r[3] for r in body] == ["通过", "有错误", "无法读取", "通过"]
    assert [r[6:9] for r in body] == [(0, 0, 0), (2, 1, 0), (1, 0, 0), (0, 0, 1)]
    assert body[0][:2] == ("甲镇人民政府", "001") and body[0][4] == SPEC.name and body[0][5] == 2025
    assert body[1][4] == f"{SPEC.name}，非下发模板"
    assert body[1][9] == report.files[1].findings[0].message_zh  # the first error
    assert body[2][9] == report.files[2].findings[0].message_zh
    assert [r[11] for r in body] == [f.sha256 for f in report.files]
    heading = " ".join(str(c.value) for c in wb["文件"]["A"][:4])
    assert "共 4 个文件：通过 2 个，有错误 1 个，无法读取 1 个" in heading
    assert "错误 3 条、警告 1 条、提示 1 条" in heading


def test_findings_sheet_lists_every_finding() -> None:  # R2
    report = sample_report()
    _, rows = table(load(report)["问题"], "序号")
    assert rows[0] == ("序号", "单位名称", "级别", "规则", "工作表", "单元格", "行", "列", "填写值", "应为",
                       "说明", "文件")  # the file's path last, outside the print area
    body = rows[1:]
    expected = [(f.path, g) for f in report.files for g in f.findings]
    assert len(body) == len(expected) == 5
    for row, (path, finding) in zip(body, expected, strict=True):
        assert row[11] == path and row[3] == finding.code and row[10] == finding.message_zh
        assert row[4:8] == (finding.sheet, finding.cell, finding.row_label, finding.column_label)
    total = body[1]
    assert total[1] == EVIL and total[2] == "错误" and total[8:10] == (5, 7)
    assert body[2][4] is None and body[2][2] == "警告"  # a finding about the whole file
    assert body[3][1] == "（未填单位名称）"


def test_frozen_filterable_headers() -> None:  # R3
    wb = load(sample_report())
    for name, first, n in (("文件", "单位名称", 4), ("问题", "序号", 5)):
        ws = wb[name]
        header, rows = table(ws, first)
        width = openpyxl.utils.get_column_letter(len(rows[0]))
        assert ws.freeze_panes == f"A{header + 1}"
        assert ws.auto_filter.ref == f"A{header}:{width}{header + n}"


def test_formula_like_text_stays_text() -> None:  # R4
    data = report_bytes(sample_report())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s for s in sheets)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    evil = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert len(evil) == 4 and all(c.data_type == "s" for c in evil)  # 文件 once, 问题 three times
    assert any(c.value == "=1+1" and c.data_type == "s" for row in wb["问题"].iter_rows() for c in row)


def test_same_report_same_bytes(tmp_path: Path) -> None:  # R5
    write_report(sample_report(), tmp_path / "a.xlsx")
    write_report(sample_report(), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert report_bytes(sample_report()) == (tmp_path / "a.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]  # no temporary file left


def test_inputs_are_never_overwritten_and_bad_folders_are_clear(tmp_path: Path) -> None:  # R6
    src = tmp_path / "甲镇.xlsx"
    src.write_bytes(b"the unit's file")
    report = Report([FileResult(str(src), None, 15, None, "unreadable")], "0.1.0")
    with pytest.raises(ConsolidateError, match="不能覆盖"):
        write_report(report, src)
    assert src.read_bytes() == b"the unit's file"
    with pytest.raises(ConsolidateError, match="无法写入"):
        write_report(report, src / "r.xlsx")  # under a file: no folder can be made there


def test_english() -> None:  # R7
    report = sample_report()
    wb = load(report, "en")
    assert wb.sheetnames == ["File", "Findings", "_meta"]  # the catalog's one English for 文件
    _, files = table(wb["File"], "Unit")
    assert [r[3] for r in files[1:]] == ["Passed", "Has errors", "Unreadable", "Passed"]  # words, not codes
    _, findings = table(wb["Findings"], "No.")
    assert findings[2][10] == report.files[1].findings[1].message_en
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    quoted = {q for f in report.files for q in (f.unit_name, f.path, PurePath(f.path).name) if q}
    labels = {str(v) for f in report.files for g in f.findings
              for v in (g.sheet, g.row_label, g.column_label, g.found, g.message_en) if v}
    chinese = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t)
               and not any(q in t for q in quoted) and t not in labels]
    assert not chinese, chinese  # no Chinese beyond the names and labels it quotes


def test_write_findings_sheet_alone() -> None:  # R8
    report = sample_report()
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    rows = finding_rows(report.files, names_only=True)
    write_findings_sheet(workbook, "问题清单", rows, "zh", heading=("标题", "说明"),
                         columns=("no", "unit", "file", "severity", "message"))
    write_findings_sheet(workbook, "空", [], "zh")
    write_findings_sheet(workbook, "汇总数", [FindingRow(report.files[1].findings[1], "（汇总数）")], "zh",
                         columns=("unit", "cell", "found"))
    workbook.close()
    wb = openpyxl.load_workbook(buffer)
    header, listed = table(wb["问题清单"], "序号")
    assert header == 4 and wb["问题清单"]["A1"].value == "标题"
    assert listed[0] == ("序号", "单位名称", "文件", "级别", "说明")
    assert [r[2] for r in listed[1:]] == ["乙镇.xlsx"] * 3 + ["丙镇.xls", "丁街道.xlsx"]
    _, empty = table(wb["空"], "序号")
    assert empty[1][0] == "没有发现问题。"
    _, one = table(wb["汇总数"], "单位名称")
    assert one[1] == ("（汇总数）", LAYOUT["t3"].cells["t3.new.total"].address, 5)
    with pytest.raises(ValueError, match="unknown findings columns"):
        write_findings_sheet(xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True}), "x", rows, "zh",
                             columns=("nope",))
