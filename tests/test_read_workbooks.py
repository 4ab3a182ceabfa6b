"""Reading workbooks: ours by position with every label verified, a unit's own by its labels
(issue 3, items 2 and 3).

Covers: a template read back exactly (values, addresses, identity, year); the template
writer's own output; v2019; a roll-up summary (kind, units, no TOTAL-OVERWRITTEN); format
detection without _meta (v2021 and v2019, META-MISSING) and with a hint; a shifted table
read where it really is (TABLE-SHIFTED, real addresses); tables on another sheet
(TABLE-MOVED); label aliases accepted (LABEL-ALIAS), whitespace silently; a renamed or a
deleted row (ROW-MISSING at that row, every other row read: issue 16 point 5), too few rows
placed (TABLE-ROWS-TOO-FEW, no numbers for that table); a caption typo (LABEL-TYPO, numbers read);
totals holding formulas recomputed (openpyxl-saved, no cached values; xlsxwriter's 0); an
overwritten total (TOTAL-OVERWRITTEN); cell findings at their addresses; CELL-UNIT-AMBIGUOUS
in a foreign v2019 采购总金额 only; 年度 as text; missing sheets and tables (SHEET-MISSING,
TABLE-NOT-FOUND, FORMAT-UNKNOWN); a bad _meta (META-BAD); a file LibreOffice saved; a
formula typed in an input cell; identity found beside the tables of a foreign workbook; a
retyped amount header that states its unit (元: converted; 万元: not ambiguous).
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import pytest
from factories import balanced_values, parts_of, resave_with_openpyxl, sheet_part, submission, with_parts
from libreoffice import soffice_or_skip

from consolidate.read import read_submission
from consolidate.report import FileResult
from consolidate.spec import load_spec, summary_layout, template_layout
from consolidate.spec.layout import a1

AMBIGUOUS = "t2.procurement.purchase_amount"  # v2019 采购总金额: no unit in the official header


def read(tmp_path: Path, data: bytes, name: str = "unit.xlsx", **kwargs: object) -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    return read_submission(path, **kwargs)  # type: ignore[arg-type]


def codes(result: FileResult) -> list[str]:
    return [f.code for f in result.findings]


def address(fmt: str, key: str, dr: int = 0, dc: int = 0, summary: bool = False) -> str:
    layouts = summary_layout(load_spec(fmt)) if summary else template_layout(load_spec(fmt))
    box = layouts[key.split(".")[0]].cells[key]
    return a1(box.row + dr, box.col + dc)


@pytest.mark.parametrize("fmt", ["v2021", "v2019"])
def test_a_template_reads_back_exactly(tmp_path: Path, fmt: str) -> None:
    values = balanced_values(fmt, seed=3)
    result = read(tmp_path, submission(fmt, values=values, year=2025 if fmt == "v2021" else 2020))
    assert (result.status, result.format, result.kind, result.units) == ("valid", fmt, "template", 1)
    assert result.findings == []
    assert result.values == values
    spec = load_spec(fmt)
    for key in spec.keys:
        table = spec.cell(key).table
        assert result.addresses[key] == (spec.table(table).sheet, address(fmt, key))
    assert result.identity["unit_name"] == "示例县花园镇人民政府"
    assert result.year == (2025 if fmt == "v2021" else 2020)
    assert result.meta["kind"] == "template" and result.meta["format"] == fmt


def test_the_template_writers_own_workbook(tmp_path: Path) -> None:
    from consolidate.roster import Unit
    from consolidate.template import build_workbook

    spec = load_spec("v2021")
    values = balanced_values(spec, seed=5)
    inputs = {k: v for k, v in values.items() if not spec.cell(k).is_total}
    unit = Unit(code="11340000MB0000000X", name="示例县城关镇", type="乡镇", parent="示例县", row=2)
    result = read(tmp_path, build_workbook(spec, 2025, unit, values=inputs))
    assert result.status == "valid", result.findings
    assert result.values == values  # the totals recomputed from their formulas
    assert result.identity["unit_name"] == "示例县城关镇" and result.year == 2025


def test_a_rollup_summary(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=7)
    result = read(tmp_path, submission(kind="rollup", values=values, units=12))
    assert (result.status, result.kind, result.units) == ("valid", "rollup", 12)
    assert result.values == values  # totals are plain numbers: no TOTAL-OVERWRITTEN
    assert result.findings == []
    assert result.addresses["t3.new.natural"] == ("汇总", address("v2021", "t3.new.natural", summary=True))


@pytest.mark.parametrize(("fmt", "year"), [("v2021", 2025), ("v2019", 2020)])
def test_a_foreign_workbook_is_recognised_by_its_labels(tmp_path: Path, fmt: str, year: int) -> None:
    values = balanced_values(fmt, seed=11)
    values.update({k: 0.0 for k in values if k == AMBIGUOUS})  # a bare amount of 0 is not ambiguous
    result = read(tmp_path, submission(fmt, kind="foreign", values=values, year=year))
    assert (result.format, result.kind) == (fmt, "foreign")
    assert codes(result) == ["META-MISSING"]
    assert result.status == "valid"
    assert result.values == values
    assert result.year == year


def test_a_format_hint_is_used_for_a_foreign_workbook(tmp_path: Path) -> None:
    result = read(tmp_path, submission("v2019", kind="foreign", year=2020), format_hint="v2019")
    assert result.format == "v2019" and result.values and len(result.values) == 198


def test_a_shifted_table_is_read_where_it_really_is(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=13)
    result = read(tmp_path, submission(kind="foreign", values=values, shift={"t3": (3, 2)}))
    assert result.values == values
    assert result.addresses["t3.new.natural"] == ("表三", address("v2021", "t3.new.natural", 3, 2))
    assert result.addresses["t2.regulation.issued"] == ("表二", address("v2021", "t2.regulation.issued"))
    shifted = [f for f in result.findings if f.code == "TABLE-SHIFTED"]
    assert len(shifted) == 1 and shifted[0].sheet == "表三"
    assert "3 行、2 列" in shifted[0].message_zh


def test_a_template_with_inserted_rows_is_read_by_its_labels(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=17)
    result = read(tmp_path, submission(values=values, shift={"t4": (2, 0)}))
    assert result.values == values
    assert codes(result) == ["TABLE-SHIFTED"]
    assert result.addresses["t4.cases.rev_total"] == ("表四", address("v2021", "t4.cases.rev_total", 2, 0))


def test_tables_on_one_sheet_of_another_name(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=19)
    data = submission(kind="foreign", values=values, sheets={"t2": "Sheet1", "t3": "Sheet1", "t4": "Sheet1"},
                      shift={"t3": (20, 0), "t4": (55, 0)})
    result = read(tmp_path, data)
    assert result.values == values
    assert codes(result).count("TABLE-MOVED") == 3
    assert result.addresses["t4.cases.rev_upheld"] == ("Sheet1", address("v2021", "t4.cases.rev_upheld", 55, 0))


@pytest.mark.parametrize(("label", "written", "code"), [
    ("5.属于三类内部事务信息", "5、属于第三类内部事务信息", "LABEL-ALIAS"),
    ("（一）予以公开", "(一)予以公开", "LABEL-ALIAS"),
    ("1.信访举报投诉类申请", "1.信访举报类申请", "LABEL-ALIAS"),
    ("（三）不予公开", "（三）不予以公开", "LABEL-ALIAS"),
    ("2.重复申请", "2.重复\n申请", None),
])
def test_label_aliases_are_accepted(tmp_path: Path, label: str, written: str, code: str | None) -> None:
    values = balanced_values("v2021", seed=23)
    result = read(tmp_path, submission(values=values, relabel={label: written}))
    assert result.values == values
    assert codes(result) == ([code] if code else [])
    if code:
        finding = result.findings[0]
        assert finding.severity == "info" and finding.expected == label and finding.found == written


def test_a_renamed_row_is_one_error_at_that_row_and_the_other_rows_are_read(tmp_path: Path) -> None:
    result = read(tmp_path, submission(relabel={"（一）予以公开": "（一）同意公开"}))
    assert codes(result) == ["ROW-MISSING"]
    finding = result.findings[0]
    assert (finding.sheet, finding.cell) == ("表三", "B8")
    assert finding.expected == "（一）予以公开" and finding.row_label == "（一）予以公开"
    assert result.status == "invalid"
    assert result.values is not None
    assert not any(k.startswith("t3.granted.") for k in result.values)
    assert any(k.startswith("t3.partial.") for k in result.values) and any(k.startswith("t3.new.") for k in result.values)
    assert any(k.startswith("t2.") for k in result.values) and any(k.startswith("t4.") for k in result.values)


def test_a_deleted_row_is_an_error_at_its_place_and_every_other_row_is_read(tmp_path: Path) -> None:
    """A unit that deleted a row of 表三 in its own workbook (point 5 of issue 16): the rows
    below moved up, each is found by its label and read; the deleted one is an error."""
    import openpyxl

    values = balanced_values("v2021", seed=11)
    path = tmp_path / "unit.xlsx"
    path.write_bytes(submission(values=values))
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    row = next(r for r in range(1, ws.max_row + 1)
               if any(ws.cell(r, c).value == "2.重复申请" for c in range(1, 4)))
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row <= row <= merged.max_row or merged.min_row > row:
            ws.unmerge_cells(str(merged))
    ws.delete_rows(row)
    wb.save(path)
    result = read_submission(path)
    missing = [f for f in result.findings if f.code == "ROW-MISSING"]
    assert [(f.expected, f.severity, f.sheet) for f in missing] == [("2.重复申请", "error", "表三")]
    assert result.values is not None
    repeat = {k for k in values if k.startswith("t3.reject_repeat.")}
    assert repeat and not repeat & set(result.values)
    spec = load_spec("v2021")  # the totals hold their formulas: the sum of the rows that are there
    assert all(result.values[k] == values[k] for k in values if k not in repeat and not spec.cell(k).is_total)
    assert "LABEL-MISMATCH" not in codes(result)


def test_a_caption_typo_is_a_warning_and_the_numbers_are_read(tmp_path: Path) -> None:
    values = {**balanced_values("v2019", seed=29), AMBIGUOUS: 0.0}
    result = read(tmp_path, submission("v2019", kind="foreign", values=values, year=2020,
                                       relabel={"第二十条第（六）项": "第二十六条第（六）项"}))
    assert codes(result) == ["META-MISSING", "LABEL-TYPO"]
    assert result.values == values


@pytest.mark.parametrize("resave", ["openpyxl", "xlsxwriter-zero"])
def test_totals_holding_formulas_are_recomputed(tmp_path: Path, resave: str) -> None:
    values = balanced_values("v2021", seed=31)
    if resave == "openpyxl":
        data = resave_with_openpyxl(submission(values=values))
    else:
        data = submission(values=values, cached=False)
    result = read(tmp_path, data)
    assert result.status == "valid", result.findings
    assert result.values == values


def test_an_overwritten_total_is_read_as_the_number_and_reported(tmp_path: Path) -> None:
    result = read(tmp_path, submission(overwrite={"t4.cases.rev_total": 99.0}))
    assert codes(result) == ["TOTAL-OVERWRITTEN"]
    finding = result.findings[0]
    assert (finding.sheet, finding.cell, finding.key, finding.found) == ("表四", "E6", "t4.cases.rev_total", 99.0)
    assert finding.severity == "warning"
    assert result.values is not None and result.values["t4.cases.rev_total"] == 99.0


def test_cell_findings_point_at_their_cells(tmp_path: Path) -> None:
    raw = {
        "t3.new.natural": "１２",
        "t3.new.business": None,
        "t3.new.research": "/",
        "t3.new.public_interest": "若干",
        "t2.fee.fee_amount": "28112200元",
        "t2.permit.decisions": "+3",
    }
    result = read(tmp_path, submission(raw=raw))
    found = {f.key: (f.code, f.cell) for f in result.findings}
    assert found == {
        "t3.new.natural": ("CELL-NORMALISED", address("v2021", "t3.new.natural")),
        "t3.new.business": ("CELL-BLANK", address("v2021", "t3.new.business")),
        "t3.new.research": ("CELL-DASH", address("v2021", "t3.new.research")),
        "t3.new.public_interest": ("CELL-TEXT", address("v2021", "t3.new.public_interest")),
        "t2.fee.fee_amount": ("CELL-UNIT-CONVERTED", address("v2021", "t2.fee.fee_amount")),
        "t2.permit.decisions": ("CELL-NORMALISED", address("v2021", "t2.permit.decisions")),
    }
    assert result.status == "invalid"
    values = result.values
    assert values is not None
    assert values["t3.new.natural"] == 12.0 and values["t2.fee.fee_amount"] == 2811.22
    assert values["t2.permit.decisions"] == 3.0
    assert all(math.isnan(values[k]) for k in ("t3.new.business", "t3.new.research", "t3.new.public_interest"))
    # the row total holds its formula: recomputed from what could be read (as Excel's SUM)
    readable = [values[f"t3.new.{c}"] for c in ("natural", "legal", "other")]
    assert values["t3.new.total"] == sum(readable)
    blank = next(f for f in result.findings if f.code == "CELL-BLANK")
    assert blank.message_zh.startswith(f"表三 {address('v2021', 't3.new.business')}（一、本年新收政府信息公开申请数量 / 商业企业）")


def test_an_amount_without_unit_is_ambiguous_only_in_a_foreign_v2019_workbook(tmp_path: Path) -> None:
    key = AMBIGUOUS
    values = {**balanced_values("v2019", seed=37), key: 1090.98}
    foreign = read(tmp_path, submission("v2019", kind="foreign", values=values, year=2020), "a.xlsx")
    assert [(f.code, f.key) for f in foreign.findings if f.code.startswith("CELL")] == [("CELL-UNIT-AMBIGUOUS", key)]
    with_unit = read(tmp_path, submission("v2019", kind="foreign", values=values, year=2020,
                                          raw={key: "1090.98万元"}), "b.xlsx")
    assert [f.code for f in with_unit.findings if f.code.startswith("CELL")] == ["CELL-NORMALISED"]
    ours = read(tmp_path, submission("v2019", values=values, year=2020), "c.xlsx")
    assert ours.findings == []


@pytest.mark.parametrize(("written", "year"), [("2025年", 2025), ("2025年度", 2025), (2025.0, 2025), ("二〇二五", None)])
def test_the_year_may_be_text(tmp_path: Path, written: object, year: int | None) -> None:
    result = read(tmp_path, submission(identity={"year": written}, meta={"year": ""}))
    assert result.year == year


def test_a_template_missing_a_sheet(tmp_path: Path) -> None:
    result = read(tmp_path, submission(drop_sheets=["表三"]))
    assert codes(result) == ["SHEET-MISSING"]
    assert "“表三”" in result.findings[0].message_zh
    assert result.values is not None and not any(k.startswith("t3.") for k in result.values)


def test_a_foreign_workbook_missing_a_table(tmp_path: Path) -> None:
    no_sheet = read(tmp_path, submission(kind="foreign", drop_sheets=["表四"]), "a.xlsx")
    assert codes(no_sheet) == ["META-MISSING", "SHEET-MISSING"]
    empty_sheet = read(tmp_path, submission(kind="foreign", sheets={"t4": "表四"},
                                            relabel={"行政复议": "x", "行政诉讼": "y", "结果维持": "z", "结果纠正": "w",
                                                     "其他结果": "v", "尚未审结": "u", "总计": "t",
                                                     "未经复议直接起诉": "s", "复议后起诉": "r",
                                                     "四、政府信息公开行政复议、行政诉讼情况": "q"}), "b.xlsx")
    # 表三's 总计 labels are gone too: both tables are then not found on their sheets
    assert "TABLE-NOT-FOUND" in codes(empty_sheet)


def test_a_workbook_without_any_table(tmp_path: Path) -> None:
    data = submission(kind="foreign", drop_sheets=["表二", "表三", "表四"])
    result = read(tmp_path, data)
    assert codes(result) == ["FORMAT-UNKNOWN"]
    assert result.status == "invalid" and result.format is None


def test_a_bad_meta_falls_back_to_the_labels(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=41)
    result = read(tmp_path, submission(values=values, meta={"format": "v2030"}))
    assert codes(result) == ["META-BAD"]
    assert "format=v2030" in result.findings[0].message_zh
    assert result.kind == "foreign" and result.format == "v2021" and result.values == values


@pytest.mark.office
def test_a_template_saved_by_libreoffice(tmp_path: Path) -> None:
    soffice = soffice_or_skip()  # fails instead when CI is set
    values = balanced_values("v2021", seed=43)
    source = tmp_path / "in" / "unit.xlsx"
    source.parent.mkdir()
    source.write_bytes(resave_with_openpyxl(submission(values=values)))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path / "out"), str(source)], check=True, capture_output=True, timeout=120)
    result = read_submission(tmp_path / "out" / "unit.xlsx")
    assert result.status == "valid", result.findings
    assert result.values == values


def test_a_foreign_workbook_without_identity_sheet(tmp_path: Path) -> None:
    bare = read(tmp_path, submission(kind="foreign", identity_sheet=False), "a.xlsx")
    assert bare.identity["unit_name"] == "" and bare.year is None
    noted = read(tmp_path, submission(kind="foreign", identity_sheet=False,
                                      cells={"表二": {"F1": "单位名称：花园镇人民政府", "F2": "年度", "G2": "2025年"}}),
                 "b.xlsx")
    assert noted.identity["unit_name"] == "花园镇人民政府"
    assert noted.year == 2025


def test_identity_comes_from_the_sheet_not_from_meta(tmp_path: Path) -> None:
    cleared = read(tmp_path, submission(identity={"unit_name": ""}), "a.xlsx")
    assert cleared.identity["unit_name"] == ""  # the rules report it; _meta does not mask it
    rollup = read(tmp_path, submission(kind="rollup", identity_sheet=False, units=3), "b.xlsx")
    assert rollup.identity["unit_name"] == "示例县花园镇人民政府" and rollup.year == 2025
    assert rollup.findings == []


def test_a_formula_in_an_input_cell(tmp_path: Path) -> None:
    data = submission()
    part = sheet_part(data, "表三")
    xml = parts_of(data)[part]
    cell = address("v2021", "t3.new.natural").encode()
    cached = re.sub(rb'<c r="' + cell + rb'"([^>]*)><v>[^<]*</v></c>', rb'<c r="' + cell + rb'"\1><f>2+3</f><v>5</v></c>', xml)
    uncached = re.sub(rb'<c r="' + cell + rb'"([^>]*)><v>[^<]*</v></c>', rb'<c r="' + cell + rb'"\1><f>2+3</f></c>', xml)
    assert cached != xml and uncached != xml
    with_value = read(tmp_path, with_parts(data, replace={part: cached}), "a.xlsx")
    assert with_value.values is not None and with_value.values["t3.new.natural"] == 5.0  # Excel computed it
    assert not any(f.key == "t3.new.natural" for f in with_value.findings)
    without = read(tmp_path, with_parts(data, replace={part: uncached}), "b.xlsx")
    finding = next(f for f in without.findings if f.key == "t3.new.natural")
    assert (finding.code, finding.found) == ("CELL-TEXT", "=2+3")


@pytest.mark.parametrize(("header", "written", "value", "cell_codes"), [
    ("采购总金额（元）", 28112200.0, 2811.22, ["CELL-UNIT-CONVERTED"]),
    ("采购总金额(万元)", 1090.98, 1090.98, []),
    ("采购总金额（单位：万元）", 8.0056, 8.0056, []),
])
def test_a_retyped_amount_header_may_state_its_unit(tmp_path: Path, header: str, written: float, value: float,
                                                   cell_codes: list[str]) -> None:
    values = {**balanced_values("v2019", seed=47), AMBIGUOUS: written}
    result = read(tmp_path, submission("v2019", kind="foreign", values=values, year=2020,
                                       relabel={"采购总金额": header}))
    assert result.values is not None and result.values[AMBIGUOUS] == value
    assert [f.code for f in result.findings if f.code.startswith("CELL")] == cell_codes
    assert "LABEL-ALIAS" in codes(result) and "LABEL-MISMATCH" not in codes(result)


def test_a_template_whose_table_sheet_was_emptied(tmp_path: Path) -> None:
    data = submission()
    part = sheet_part(data, "表四")
    empty = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    result = read(tmp_path, with_parts(data, replace={part: empty}))
    assert codes(result) == ["TABLE-NOT-FOUND"]
    assert result.findings[0].sheet == "表四"
    assert result.values is not None and not any(k.startswith("t4.") for k in result.values)


def test_a_table_with_too_few_rows_found_is_refused_and_says_which(tmp_path: Path) -> None:
    """Row by row, but not at any price: when fewer than half of 表三's rows can be placed by
    their labels, none of its numbers is trusted, and the finding says how many were found and
    which rows were not."""
    spec = load_spec("v2021")
    labels = list(dict.fromkeys(c.row_label for c in spec.cells if c.table == "t3"))
    renamed = {label: f"第{i}项自编栏目" for i, label in enumerate(labels[:15])}
    result = read(tmp_path, submission(relabel=renamed))
    [finding] = [f for f in result.findings if f.code == "TABLE-ROWS-TOO-FEW"]
    message = finding.message("zh")
    assert finding.severity == "error" and f"只有 {len(labels) - 15} 行（共 {len(labels)} 行）" in message
    assert all(f"“{label}”" in message for label in renamed)
    assert result.values is not None and not any(k.startswith("t3.") for k in result.values)
    assert any(k.startswith("t2.") for k in result.values)


def test_a_deleted_column_is_an_error_at_its_header_and_every_other_column_is_read(tmp_path: Path) -> None:
    """A unit's own retyped 表三 without the 其他 column (point 5 of issue 16, for columns):
    the columns right of it moved left, each is found by its header and read."""
    import openpyxl

    values = balanced_values("v2021", seed=5)
    path = tmp_path / "unit.xlsx"
    path.write_bytes(submission(values=values, kind="foreign"))
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    col = next(c for r in range(1, 8) for c in range(1, ws.max_column + 1) if ws.cell(r, c).value == "其他")
    for merged in list(ws.merged_cells.ranges):
        if merged.max_col >= col:
            ws.unmerge_cells(str(merged))
    ws.delete_cols(col)
    wb.save(path)
    result = read_submission(path)
    missing = [f for f in result.findings if f.code == "COLUMN-MISSING"]
    assert [(f.expected, f.severity, f.sheet) for f in missing] == [("其他", "error", "表三")]
    assert "LABEL-MISMATCH" not in codes(result)
    assert result.values is not None
    other = {k for k in values if k.startswith("t3.") and k.endswith(".other")}
    assert other and not other & set(result.values)
    assert all(result.values[k] == v for k, v in values.items() if k not in other), \
        [(k, v, result.values.get(k)) for k, v in values.items() if k not in other and result.values.get(k) != v][:5]
