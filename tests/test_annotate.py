"""The annotated copy (consolidate.output.annotate).

Requirements covered:
- R1 the copy's first (and active) sheet 问题清单 lists every finding, errors first, with a
  heading naming the unit, the file and the counts, and what to do;
- R2 exactly the cells of findings are filled red and carry one comment by 政务公开办审核
  (several findings on one cell: one comment listing them); every value and formula is kept;
- R3 the input file is never modified;
- R4 the copy is still our template: sheet protection, unlocked inputs, data validation,
  merged cells, formulas, the hidden _meta sheet; one selected tab; recalculated on opening;
- R5 findings whose sheet is not in the workbook are listed, not marked;
- R6 text that looks like a formula (a unit name “=HYPERLINK(...)”) stays text;
- R7 no copy for an unreadable file or a file without findings;
- R8 names: <stem>_问题标注.xlsx; a rerun replaces its own copy; another file of the same name
  gets (2); a file we did not write is never overwritten; an input never is;
- R9 an .xlsm becomes an .xlsx without macros; the same input gives the same bytes;
- R10 a file changed since it was checked is refused; annotate_report goes on with the others;
- R11 a returned annotated copy is annotated afresh (no second 问题清单, no stale comments);
- R12 LibreOffice opens the copy and recalculates its totals.
"""

from __future__ import annotations

import hashlib
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from factories import submission

from consolidate.findings import Finding, FindingFactory, Place
from consolidate.output.annotate import (
    MARK_FILL,
    AnnotateError,
    annotate_file,
    annotate_report,
)
from consolidate.report import FileResult, Report
from consolidate.roster import Unit
from consolidate.spec import load_common, load_spec, template_layout
from consolidate.spec.layout import a1, identity_cells
from consolidate.template import build_workbook

SPEC = load_spec("v2021")
LAYOUT = template_layout(SPEC)
COMMON = load_common()
UNIT = Unit("11340000000000001X", "花山镇人民政府", "乡镇", "示例县")
FF = FindingFactory(SPEC)

DASH, TOTAL, FEE = "t3.new.natural", "t3.new.total", "t2.fee.fee_amount"


def place(key: str) -> Place:
    table = SPEC.cell(key).table
    layout = LAYOUT[table]
    return Place.of_cell(SPEC.cell(key), layout.sheet, layout.cells[key].address)


def sample_findings() -> list[Finding]:
    name_at = identity_cells(COMMON)["unit_name"]
    return [
        FF.common("META-MISSING", Place(file="花山镇.xlsx"), format_name=SPEC.name),  # whole file
        FF.common("CELL-DASH", place(DASH), found="/"),
        FF.rule("T3-ROWTOTAL", place(TOTAL), found=5, expected=7),
        FF.common("TOTAL-OVERWRITTEN", place(TOTAL), found=5),  # same cell as the one above
        FF.common("CELL-UNIT-CONVERTED", place(FEE), found="28112200元", value=2811.22),
        FF.common("SHEET-MISSING", Place(sheet="表五", file="花山镇.xlsx"), sheet="表五", hint=""),  # no such sheet
        FF.common("CELL-TEXT", Place(sheet="Sheet9", cell="C3"), found="x", hint=""),  # sheet not in workbook
        FF.common("UNIT-NAME-MISSING", Place(sheet=COMMON.identity_sheet, cell=a1(*name_at))),
    ]


def file_result(path: Path, findings: list[Finding], *, status: str = "invalid", unit_name: str = UNIT.name,
                **kw: object) -> FileResult:
    data = path.read_bytes()
    return FileResult(str(path), hashlib.sha256(data).hexdigest(), len(data), path.stat().st_mtime,
                      status,  # type: ignore[arg-type]
                      format="v2021", kind="template", identity={"unit_name": unit_name, "unit_code": UNIT.code},
                      year=2025, findings=findings, **kw)  # type: ignore[arg-type]


@pytest.fixture(name="source")
def source_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "花山镇.xlsx"
    path.parent.mkdir()
    path.write_bytes(build_workbook(SPEC, 2025, UNIT, values={DASH: 7, "t3.new.business": 1}))
    return path


def marked(wb: openpyxl.Workbook) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> comment text of every red cell outside 问题清单."""
    out = {}
    for ws in wb.worksheets:
        if ws.title == "问题清单":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(MARK_FILL):
                    out[(ws.title, cell.coordinate)] = cell.comment.text if cell.comment else ""
    return out


def values(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [[None if c.value == "" else c.value for c in row] for row in ws.iter_rows()]


def listed(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[tuple[object, ...]]:
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert rows[header][:4] == ("序号", "级别", "工作表", "单元格")
    return [r for r in rows[header + 1:] if r[0] is not None]


def test_findings_sheet_first_lists_every_finding(source: Path, tmp_path: Path) -> None:  # R1, R5
    findings = sample_findings()
    out = annotate_file(file_result(source, findings), tmp_path / "out")
    assert out is not None and out.name == "花山镇人民政府_花山镇_问题标注.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "问题清单" and wb.active.title == "问题清单"
    rows = listed(wb["问题清单"])
    assert [r[0] for r in rows] == list(range(1, len(findings) + 1))
    assert sorted(r[8] for r in rows) == sorted(f.message_zh for f in findings)
    assert [r[1] for r in rows] == ["错误"] * 5 + ["警告"] * 3  # errors first
    by_message = {r[8]: r for r in rows}
    dash = by_message[findings[1].message_zh]
    assert dash[2:7] == ("表三", LAYOUT["t3"].cells[DASH].address, SPEC.cell(DASH).row_label,
                         SPEC.cell(DASH).column_label, "/")
    assert by_message[findings[2].message_zh][6:8] == (5, 7)  # found and expected stay numbers
    assert by_message[findings[5].message_zh][2] == "表五"  # listed though the sheet is missing
    heading = "\n".join(str(r[0]) for r in wb["问题清单"].iter_rows(max_row=5, values_only=True))
    for part in (UNIT.name, UNIT.code, source.name, "共 8 个问题：错误 5 个，警告 3 个，提示 0 个",
                 "请按下表逐项修改后重新报送"):
        assert part in heading


def test_exactly_the_finding_cells_are_red_with_one_comment(source: Path, tmp_path: Path) -> None:  # R2, R5
    findings = sample_findings()
    out = annotate_file(file_result(source, findings), tmp_path / "out")
    assert out is not None
    wb = openpyxl.load_workbook(out)
    red = marked(wb)
    dash_at = ("表三", LAYOUT["t3"].cells[DASH].address)
    total_at = ("表三", LAYOUT["t3"].cells[TOTAL].address)
    fee_at = ("表二", LAYOUT["t2"].cells[FEE].address)
    name_at = (COMMON.identity_sheet, a1(*identity_cells(COMMON)["unit_name"]))
    assert set(red) == {dash_at, total_at, fee_at, name_at}
    assert findings[2].message_zh in red[total_at] and findings[3].message_zh in red[total_at]
    assert red[dash_at].startswith("政务公开办审核") and findings[1].message_zh in red[dash_at]
    assert wb[dash_at[0]][dash_at[1]].comment.author == "政务公开办审核"
    # every value and formula of the unit's sheets is as it was (openpyxl writes an empty text as no value)
    before = openpyxl.load_workbook(source)
    for ws in before.worksheets:
        assert values(ws) == values(wb[ws.title])
    assert wb["表三"][dash_at[1]].value == 7
    assert str(wb["表三"][total_at[1]].value).startswith("=SUM(")
    # the link in the 单元格 column jumps to the cell
    links = {c.value: c.hyperlink.location for c in wb["问题清单"]["D"] if c.hyperlink is not None}
    assert links[dash_at[1]] == f"'表三'!{dash_at[1]}"


def test_input_is_never_modified(source: Path, tmp_path: Path) -> None:  # R3
    data, mtime = source.read_bytes(), source.stat().st_mtime_ns
    annotate_file(file_result(source, sample_findings()), tmp_path / "out")
    assert source.read_bytes() == data and source.stat().st_mtime_ns == mtime


def test_copy_is_still_a_usable_template(source: Path, tmp_path: Path) -> None:  # R4
    out = annotate_file(file_result(source, sample_findings()), tmp_path / "out")
    assert out is not None
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(out)
    assert after.sheetnames[1:] == before.sheetnames
    for ws in before.worksheets:
        copy = after[ws.title]
        assert copy.sheet_state == ws.sheet_state
        assert copy.protection.sheet == ws.protection.sheet
        assert copy.protection.password == ws.protection.password
        assert [str(d.sqref) for d in copy.data_validations.dataValidation] == \
            [str(d.sqref) for d in ws.data_validations.dataValidation]
        assert sorted(map(str, copy.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges))
    assert before[COMMON.meta_sheet].sheet_state == "hidden" == after[COMMON.meta_sheet].sheet_state
    assert any(ws.protection.sheet for ws in before.worksheets)
    dash = LAYOUT["t3"].cells[DASH].address
    assert after["表三"][dash].protection.locked is False  # the unit can still type the fix
    assert [ws.title for ws in after.worksheets if ws.sheet_view.tabSelected] == ["问题清单"]
    assert after.calculation.fullCalcOnLoad


def test_formula_like_text_stays_text(source: Path, tmp_path: Path) -> None:  # R6
    evil = '=HYPERLINK("http://example.com","点这里")'
    findings = [FF.common("CELL-TEXT", place(DASH), found="=1+1", hint="")]
    out = annotate_file(file_result(source, findings, unit_name=evil), tmp_path / "out")
    assert out is not None
    ws = openpyxl.load_workbook(out)["问题清单"]
    texts = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert {c.value for c in texts} == {"=1+1"}
    assert all(c.data_type == "s" for c in texts)
    title = ws["A1"]
    assert evil in title.value and title.data_type == "s"
    sheet_xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_no_copy_for_unreadable_or_clean_files(source: Path, tmp_path: Path) -> None:  # R7
    out_dir = tmp_path / "out"
    clean = file_result(source, [], status="valid")
    assert annotate_file(clean, out_dir) is None
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    unreadable = FileResult(str(broken), None, 14, None, "unreadable",
                            findings=[FF.common("FILE-UNKNOWN", Place(file=broken.name))])
    assert annotate_file(unreadable, out_dir) is None
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_only_warnings_says_the_file_passed(source: Path, tmp_path: Path) -> None:  # R1
    findings = [FF.common("CELL-UNIT-CONVERTED", place(FEE), found="28112200元", value=2811.22)]
    out = annotate_file(file_result(source, findings, status="valid"), tmp_path / "out")
    assert out is not None
    heading = [c.value for c in openpyxl.load_workbook(out)["问题清单"]["A"][:5]]
    assert any("已通过审核" in str(v) for v in heading)
    assert not any("请按下表逐项修改后重新报送" in str(v) for v in heading)


def test_names_and_collisions(source: Path, tmp_path: Path) -> None:  # R8
    out_dir = tmp_path / "out"
    result = file_result(source, sample_findings())
    first = annotate_file(result, out_dir)
    assert first is not None and first.name == "花山镇人民政府_花山镇_问题标注.xlsx"
    assert annotate_file(result, out_dir) == first  # a rerun replaces its own copy
    other = tmp_path / "other" / source.name  # another unit's file of the same name
    other.parent.mkdir()
    other.write_bytes(source.read_bytes())
    second = annotate_file(file_result(other, sample_findings()), out_dir)
    assert second is not None and second.name == "花山镇人民政府_花山镇_问题标注(2).xlsx"
    clerk = out_dir / "花山镇人民政府_花山镇_问题标注(3).xlsx"  # a file we did not write
    clerk.write_bytes(b"the clerk's own notes")
    third_src = tmp_path / "third" / source.name
    third_src.parent.mkdir()
    third_src.write_bytes(source.read_bytes())
    third = annotate_file(file_result(third_src, sample_findings()), out_dir)
    assert third is not None and third.name.endswith("(4).xlsx")
    assert clerk.read_bytes() == b"the clerk's own notes"
    assert sorted(p.name for p in out_dir.iterdir()) == sorted([first.name, second.name, clerk.name, third.name])


def test_an_input_in_the_output_folder_is_never_written(source: Path, tmp_path: Path) -> None:  # R8
    # the unit sent back last round's copy under its name, into the folder the copies go to
    out_dir = source.parent
    inside = out_dir / "花山镇人民政府_花山镇_问题标注.xlsx"
    inside.write_bytes(source.read_bytes())
    data = inside.read_bytes()
    report = Report([file_result(source, sample_findings()), file_result(inside, sample_findings())], "test")
    done = annotate_report(report, out_dir)
    assert inside.read_bytes() == data
    copies = [d.copy for d in done]
    assert all(c is not None and c not in (source, inside) for c in copies)
    assert len(set(copies)) == 2


def test_xlsm_becomes_xlsx_without_macros_and_bytes_repeat(tmp_path: Path) -> None:  # R9
    src = tmp_path / "宏.xlsm"
    src.write_bytes(submission("v2021", macros=True))
    assert "xl/vbaProject.bin" in zipfile.ZipFile(src).namelist()
    result = file_result(src, [FF.common("FILE-MACROS", Place(file=src.name)), FF.common("CELL-DASH", place(DASH),
                                                                                        found="-")])
    one = annotate_file(result, tmp_path / "a")
    time.sleep(1.1)  # the clock moves on: the bytes must not (openpyxl's save() stamps the time)
    two = annotate_file(result, tmp_path / "b")
    assert one is not None and two is not None and one.suffix == ".xlsx"
    names = zipfile.ZipFile(one).namelist()
    assert not any("vba" in n.lower() for n in names)
    content_types = zipfile.ZipFile(one).read("[Content_Types].xml").decode()
    assert "macroEnabled" not in content_types and "sheet.main+xml" in content_types
    assert one.read_bytes() == two.read_bytes()


def test_changed_file_is_refused_and_the_run_goes_on(source: Path, tmp_path: Path) -> None:  # R10
    stale = file_result(source, sample_findings())
    good_src = tmp_path / "good.xlsx"
    good_src.write_bytes(source.read_bytes())
    good = file_result(good_src, sample_findings())
    source.write_bytes(build_workbook(SPEC, 2025, UNIT, values={DASH: 8}))  # resaved after the check
    with pytest.raises(AnnotateError, match="审核之后被修改"):
        annotate_file(stale, tmp_path / "out")
    done = annotate_report(Report([stale, good], "test"), tmp_path / "out2")
    assert done[0].copy is None and done[0].problem is not None
    assert done[1].copy is not None and done[1].problem is None


def test_a_returned_copy_is_annotated_afresh(source: Path, tmp_path: Path) -> None:  # R11
    first = annotate_file(file_result(source, sample_findings()), tmp_path / "round1")
    assert first is not None
    returned = tmp_path / "returned" / first.name
    returned.parent.mkdir()
    returned.write_bytes(first.read_bytes())
    again = [FF.common("CELL-DASH", place(DASH), found="/")]
    second = annotate_file(file_result(returned, again), tmp_path / "round2")
    assert second is not None and second.name == first.name  # no “_问题标注_问题标注”
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count("问题清单") == 1 and len(wb.sheetnames) == len(openpyxl.load_workbook(source).sheetnames) + 1
    assert len(listed(wb["问题清单"])) == 1
    comments = [c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
    assert len(comments) == 1 and again[0].message_zh in comments[0]


@pytest.mark.office
def test_libreoffice_opens_the_copy(source: Path, tmp_path: Path) -> None:  # R12
    from libreoffice import convert

    out = annotate_file(file_result(source, sample_findings()), tmp_path / "out")
    assert out is not None
    (xlsx,) = convert([out], "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    assert wb.sheetnames[0] == "问题清单"
    total = LAYOUT["t3"].cells[TOTAL].address
    assert wb["表三"][total].value == 8  # 7 + 1, recalculated from the formula openpyxl kept
    assert len(listed(wb["问题清单"])) == len(sample_findings())


def test_an_english_copy_has_english_words(source: Path, tmp_path: Path) -> None:  # R1 in English (issue 9 item 2)
    findings = sample_findings()
    out = annotate_file(file_result(source, findings), tmp_path / "out", lang="en")
    assert out is not None and out.name == "花山镇人民政府_花山镇_annotated.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Findings"
    rows = list(wb["Findings"].iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "No.")
    assert header[:4] == ("No.", "Severity", "Sheet", "Cell")
    assert sorted(r[8] for r in rows[rows.index(header) + 1:] if r[0] is not None) == sorted(
        f.message_en for f in findings)
    heading = "\n".join(str(r[0]) for r in rows[:5])
    assert "8 findings: 5 errors, 3 warnings, 0 notes." in heading and "Correct every error below" in heading
    comments = [c.comment for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment is not None]
    assert comments and all(c.author == "Disclosure office review" for c in comments)
    assert all(c.text.startswith("Disclosure office review:") for c in comments)
