"""The template workbook: consolidate.template and consolidate.xlsx.

Requirements covered (both formats where it matters):
- R1 every label of the spec stands at its layout place, merged as the layout says; each
  statistical cell has its spec row label to its left and column label above it;
- R2 every input cell is unlocked, light yellow, pre-filled 0 and has its data validation
  (whole >= 0, signed whole, decimal >= 0) with Chinese messages; every other cell of a
  table sheet is locked; every sheet is protected without a password;
- R3 totals are SUM formulas over exactly the cells of their first ``sums`` entry, with
  the right cached value; a value given for a total or a text value is written as given;
- R4 the live check area: 通过 / 不通过 cached right for balanced and unbalanced fills;
- R5 填报信息 (prefilled and locked with a unit, unlocked without; the USCC live check),
  the unit line under each title, 填报说明 (rules, deadline, year), hidden _meta;
- R6 sheets in order, print set-up, frozen panes, amount format, v2019 unit note;
- R7 determinism (same bytes) and make_templates: one file per roster unit, Windows-safe
  names, the format/year refusal, no overwriting of a different file;
- R8 write_table in output mode (the roll-up's): locked plain numbers, no validation.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import RosterWriter, roster_rows
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet
from template_helpers import balanced_inputs, check_values, expected_total

from consolidate import __version__
from consolidate.errors import ConsolidateError
from consolidate.roster import Unit, read_roster
from consolidate.spec import FormatSpec, identity_cells, load_common, load_spec, meta_cells, template_layout
from consolidate.spec.layout import Box, TableLayout
from consolidate.template import build_workbook, make_templates, safe_name, template_file_name
from consolidate.xlsx import make_styles, workbook_options, write_table
from consolidate.xlsx.styles import INPUT_FILL

YEARS = {"v2021": 2025, "v2019": 2020}
UNIT = Unit(code=roster_rows(1)[0][0], name="示例县花园镇人民政府", type="乡镇", parent="示例县", row=2)


@functools.lru_cache(maxsize=16)
def _load(data: bytes, values: bool) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=values)


def load(data: bytes, *, values: bool = False) -> openpyxl.Workbook:
    """The workbook as openpyxl reads it (cached: the tests only read it)."""
    return _load(data, values)


def spec_of(fmt: str) -> FormatSpec:
    return load_spec(fmt)


def at(ws: Worksheet, box: Box) -> object:
    return ws.cell(box.row + 1, box.col + 1).value


def coords(box: Box) -> Iterator[tuple[int, int]]:
    for r in range(box.row, box.last_row + 1):
        for c in range(box.col, box.last_col + 1):
            yield r, c


def formula_cells(formula: str) -> set[tuple[int, int]]:
    """0-based (row, col) of every cell a =SUM(...) formula adds."""
    match = re.fullmatch(r"=SUM\((.+)\)", formula)
    assert match, formula
    out: set[tuple[int, int]] = set()
    for part in match.group(1).split(","):
        min_col, min_row, max_col, max_row = range_boundaries(part)
        out |= {(r - 1, c - 1) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)}
    return out


@pytest.fixture(scope="module", params=["v2021", "v2019"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def unit_template(fmt: str) -> bytes:
    return build_workbook(spec_of(fmt), YEARS[fmt], UNIT)


# --- R1 labels -------------------------------------------------------------------------


def test_labels_at_layout_places(fmt: str, unit_template: bytes) -> None:
    wb = load(unit_template)
    for layout in template_layout(spec_of(fmt)).values():
        ws = wb[layout.sheet]
        merged = {str(r) for r in ws.merged_cells.ranges}
        for box in layout.labels():
            assert at(ws, box) == box.text, (layout.sheet, box.address)
            if box.merged:
                assert box.range in merged, (layout.sheet, box.range)
        for box in layout.cells.values():
            if box.merged:
                assert box.range in merged


def test_each_cell_sits_under_its_spec_labels(fmt: str, unit_template: bytes) -> None:
    spec, wb = spec_of(fmt), load(unit_template)
    for layout in template_layout(spec).values():
        ws = wb[layout.sheet]
        for key, box in layout.cells.items():
            cell = spec.cell(key)
            if layout.label_cols:
                row_texts = [ws.cell(box.row + 1, c + 1).value for c in range(layout.label_cols)]
                assert [t for t in row_texts if t][-1] == cell.row_label, key
            r = box.row - 1
            while not isinstance(ws.cell(r + 1, box.col + 1).value, str) or ws.cell(r + 1, box.col + 1).data_type == "f":
                r -= 1
            assert ws.cell(r + 1, box.col + 1).value == cell.column_label, key


# --- R2 locks and validation -----------------------------------------------------------


def _validations(ws: Worksheet) -> dict[tuple[int, int], object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = rng.bounds
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    assert (r - 1, c - 1) not in out, "two validations on one cell"
                    out[(r - 1, c - 1)] = dv
    return out


def test_inputs_unlocked_validated_and_everything_else_locked(fmt: str, unit_template: bytes) -> None:
    spec, wb = spec_of(fmt), load(unit_template)
    for layout in template_layout(spec).values():
        ws = wb[layout.sheet]
        assert ws.protection.sheet and not ws.protection.password
        inputs: set[tuple[int, int]] = set()
        dvs = _validations(ws)
        for key, box in layout.cells.items():
            cell = spec.cell(key)
            if cell.is_total:
                continue
            inputs |= set(coords(box))
            first = ws.cell(box.row + 1, box.col + 1)
            assert first.value == 0 and first.fill.fgColor.rgb.endswith(INPUT_FILL[1:]), key
            dv = dvs[(box.row, box.col)]
            kind = {"count": ("whole", "greaterThanOrEqual", "0"), "amount": ("decimal", "greaterThanOrEqual", "0"),
                    "signed": ("whole", "between", "-999999999")}[cell.kind]
            assert (dv.type, dv.operator or "between", dv.formula1) == kind, key  # "between" is the default
            assert dv.showErrorMessage and dv.errorStyle in (None, "stop") and "填" in dv.error
            assert dv.showInputMessage and cell.row_label in (dv.prompt or "") and dv.promptTitle
        assert set(dvs) == inputs, "validation only on input cells"
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
            for c in row:
                place = (c.row - 1, c.column - 1)
                assert c.protection.locked == (place not in inputs), (layout.sheet, c.coordinate)


def test_identity_sheet_locked_with_unit_and_open_without(fmt: str, unit_template: bytes) -> None:
    common = load_common()
    places = identity_cells(common)
    expected = {"unit_name": UNIT.name, "unit_code": UNIT.code, "unit_type": UNIT.type, "parent": UNIT.parent,
                "year": YEARS[fmt], "filler": "", "phone": "", "filled_on": "", "reviewer": ""}
    ws = load(unit_template)[common.identity_sheet]
    blank = load(build_workbook(spec_of(fmt), YEARS[fmt]))[common.identity_sheet]
    for field in common.fields:
        row, col = places[field.id]
        assert ws.cell(row + 1, col).value == field.label
        value = ws.cell(row + 1, col + 1)
        assert (value.value or "") == expected[field.id]
        assert value.protection.locked == field.prefill, field.id
        assert blank.cell(row + 1, col + 1).protection.locked == (field.id == "year"), field.id
    assert ws.protection.sheet and not ws.protection.password


def test_uscc_live_check_on_blank_template() -> None:
    common = load_common()
    row, col = identity_cells(common)["unit_code"]
    for code, shown in ((UNIT.code, "校验通过"), (UNIT.code[:17] + ("1" if UNIT.code[17] != "1" else "2"), "校验码不对"),
                        ("", "18位")):
        data = build_workbook(spec_of("v2021"), 2025, identity={"unit_code": code})
        formula = load(data)[common.identity_sheet].cell(row + 1, col + 2).value
        assert str(formula).startswith("=IF(LEN(TRIM(B")
        assert shown in load(data, values=True)[common.identity_sheet].cell(row + 1, col + 2).value


# --- R3 totals ---------------------------------------------------------------------------


def test_totals_are_formulas_over_their_parts_with_cached_values(fmt: str) -> None:
    spec = spec_of(fmt)
    values = balanced_inputs(spec, seed=3)
    data = build_workbook(spec, YEARS[fmt], UNIT, values=values)
    formulas, cached = load(data), load(data, values=True)
    totals = 0
    for layout in template_layout(spec).values():
        boxes = layout.cells
        for key, box in boxes.items():
            cell = spec.cell(key)
            got = cached[layout.sheet].cell(box.row + 1, box.col + 1).value
            if not cell.is_total:
                assert got == values[key]
                continue
            totals += 1
            formula = formulas[layout.sheet].cell(box.row + 1, box.col + 1)
            assert formula.data_type == "f" and formula.protection.locked
            assert formula_cells(formula.value) == {(boxes[p].row, boxes[p].col) for p in cell.sum_of}, key
            assert got == pytest.approx(expected_total(spec, key, values)), key
    assert totals == {"v2021": 25 + 7 - 1 + 3, "v2019": 23 + 7 - 1 + 3}[fmt]


def test_overwritten_total_and_text_are_written_as_given() -> None:
    spec = spec_of("v2021")
    layout = template_layout(spec)["t3"]
    data = build_workbook(spec, 2025, values={"t3.new.total": 99, "t3.new.natural": "三件"})
    ws = load(data)["表三"]
    total, text = layout.cells["t3.new.total"], layout.cells["t3.new.natural"]
    assert at(ws, total) == 99
    assert at(ws, text) == "三件"
    grand = load(data, values=True)["表三"]
    assert at(grand, layout.cells["t3.total.natural"]) == 0  # SUM ignores the text, as Excel does


# --- R4 checks ----------------------------------------------------------------------------


def check_results(data: bytes, spec: FormatSpec, table: str) -> dict[str, object]:
    layout = template_layout(spec)[table]
    return check_values(load(data, values=True)[layout.sheet], spec, table)


def test_checks_pass_for_a_balanced_fill(fmt: str) -> None:
    spec = spec_of(fmt)
    data = build_workbook(spec, YEARS[fmt], values=balanced_inputs(spec, 5))
    for table in ("t2", "t3", "t4"):
        results = check_results(data, spec, table)
        assert set(results.values()) == {"通过"}, results
    assert len(check_results(data, spec, "t3")) == 7 + 2 + 1  # balance per column, two sum rules, types
    assert len(check_results(data, spec, "t4")) == 3 + 1


def test_checks_fail_where_the_fill_is_wrong() -> None:
    spec = spec_of("v2021")
    values = balanced_inputs(spec, 6)
    values["t3.carry_over.research"] += 1
    values["t4.cases.rev_upheld"] = -1
    data = build_workbook(spec, 2025, values=values)
    t3 = check_results(data, spec, "t3")
    failed = {label for label, result in t3.items() if result == "不通过"}
    assert failed == {"科研机构：一+二=（七）+四", "总计：一+二=（七）+四"}
    layout = template_layout(spec)["t3"]
    ws = load(data, values=True)[layout.sheet]
    differences = {c.value: ws.cell(c.row, c.column + 2).value for row in ws.iter_rows() for c in row
                   if c.value in t3}
    assert differences["科研机构：一+二=（七）+四"] == -1 and differences["总计：一+二=（七）+四"] == -1
    assert differences["自然人：一+二=（七）+四"] == 0
    t4 = check_results(data, spec, "t4")
    assert [r for label, r in t4.items() if label.startswith("数量")] == ["不通过"]
    assert {r for label, r in t4.items() if not label.startswith("数量")} == {"通过"}


def test_check_formulas_and_colours() -> None:
    ws = load(build_workbook(spec_of("v2021"), 2025))["表三"]
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "不通过" in c.value]
    assert len(formulas) == 10 and all(f.startswith("=IFERROR(IF(") for f in formulas)
    assert "ROUND(SUM(D6:D7)-SUM(D29:D30),6)=0" in formulas[0]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert sorted(r.formula[0] for r in rules) == ['"不通过"', '"通过"']


# --- R5 identity line, instructions, _meta -------------------------------------------------


def test_unit_line_under_each_title(fmt: str, unit_template: bytes) -> None:
    formulas, cached = load(unit_template), load(unit_template, values=True)
    for layout in template_layout(spec_of(fmt)).values():
        assert "'填报信息'!$B$3" in formulas[layout.sheet].cell(layout.top + 2, 1).value
        assert cached[layout.sheet].cell(layout.top + 2, 1).value == f"填报单位：{UNIT.name}　　　年度：{YEARS[fmt]}"


def test_instructions_name_every_rule_the_deadline_and_the_year(fmt: str, unit_template: bytes) -> None:
    spec, common = spec_of(fmt), load_common()
    wb = load(unit_template)
    assert wb.sheetnames[0] == common.instructions_sheet
    text = "\n".join(str(c.value) for row in wb[common.instructions_sheet].iter_rows() for c in row if c.value)
    for rule in spec.rules:
        assert rule.title in text
    assert common.deadline in text and f"{YEARS[fmt]}年1月1日" in text and spec.notice in text
    assert UNIT.name in text and "{" not in text


def test_text_that_looks_like_a_formula_stays_text() -> None:
    unit = Unit(UNIT.code, '=HYPERLINK("http://x","点我")', UNIT.type, "+示例县")
    data = build_workbook(spec_of("v2021"), 2025, unit, identity={"filler": "=1+1", "phone": "0551-1234567"})
    common = load_common()
    ws = load(data)[common.identity_sheet]
    for field, expected in (("unit_name", unit.name), ("parent", unit.parent), ("filler", "=1+1"),
                            ("phone", "0551-1234567")):
        row, col = identity_cells(common)[field]
        c = ws.cell(row + 1, col + 1)
        assert (c.value, c.data_type) == (expected, "s"), field
    meta = load(data)[common.meta_sheet]
    row, col = meta_cells(common)["unit_name"]
    assert meta.cell(row + 1, col + 1).data_type == "s"


def test_meta_sheet(fmt: str, unit_template: bytes) -> None:
    spec, common = spec_of(fmt), load_common()
    ws = load(unit_template)[common.meta_sheet]
    assert ws.sheet_state == "hidden" and ws.protection.sheet
    got = {key: ws.cell(r + 1, c + 1).value for key, (r, c) in meta_cells(common).items()}
    assert got == {"kind": "template", "format": fmt, "spec_version": str(spec.spec_version),
                   "spec_hash": spec.hash, "layout": "template", "unit_code": UNIT.code, "unit_name": UNIT.name,
                   "year": str(YEARS[fmt]), "units": "1", "tool_version": __version__}
    assert [ws.cell(r + 1, 1).value for r, _ in meta_cells(common).values()] == list(common.meta_keys)


# --- R6 sheets, print set-up, formats -------------------------------------------------------


def test_sheets_print_setup_and_panes(fmt: str, unit_template: bytes) -> None:
    spec, common = spec_of(fmt), load_common()
    wb = load(unit_template)
    assert wb.sheetnames == [common.instructions_sheet, common.identity_sheet,
                             *(t.sheet for t in spec.tables), common.meta_sheet]
    for layout in template_layout(spec).values():
        ws = wb[layout.sheet]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:")
        assert ws.freeze_panes is not None
        amounts = {b.col for b in layout.boxes if b.key and spec.cell(b.key).kind == "amount"}
        for col in range(layout.width):  # 7-digit counts, and 万元 amounts with decimals, never show ####
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(col + 1)].width
            assert width >= (11 if col in amounts else 8)


def test_amounts_show_decimals_and_v2019_states_the_unit() -> None:
    for fmt, key in (("v2021", "t2.fee.fee_amount"), ("v2019", "t2.procurement.purchase_amount")):
        spec = spec_of(fmt)
        layout = template_layout(spec)["t2"]
        ws = load(build_workbook(spec, YEARS[fmt], values={key: 8.0056}))["表二"]
        box = layout.cells[key]
        assert at(ws, box) == 8.0056 and "0.00" in ws.cell(box.row + 1, box.col + 1).number_format
    box = template_layout(spec_of("v2019"))["t2"].cells["t2.procurement.purchase_amount"]
    ws = load(build_workbook(spec_of("v2019"), 2020))["表二"]
    assert ws.cell(box.row + 1, box.last_col + 2).value == spec_of("v2019").cell(
        "t2.procurement.purchase_amount").unit_note == "单位：万元"


# --- R7 determinism and files -----------------------------------------------------------------


def test_same_inputs_same_bytes(fmt: str, unit_template: bytes) -> None:
    assert build_workbook(spec_of(fmt), YEARS[fmt], UNIT) == unit_template
    other = Unit(UNIT.code, UNIT.name + "甲", UNIT.type, UNIT.parent)
    assert build_workbook(spec_of(fmt), YEARS[fmt], other) != unit_template


def test_one_file_per_roster_unit(tmp_path: Path, write_roster: RosterWriter) -> None:
    rows = roster_rows(3)
    rows[1] = (rows[1][0], 'A/B:C*"街道"?', rows[1][2], rows[1][3])
    roster = read_roster(write_roster(rows))
    run = make_templates("v2021", 2025, roster=roster, out=tmp_path / "out")
    assert [f.unit for f in run.files] == list(roster.units)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f.path.name for f in run.files)
    common = load_common()
    row, col = identity_cells(common)["unit_name"]
    for f in run.files:
        assert f.unit is not None and f.status == "written"
        assert "2025" in f.path.name and f.unit.code in f.path.name
        assert not re.search(r'[<>:"/\\|?*]', f.path.name)
        assert load(f.path.read_bytes())[common.identity_sheet].cell(row + 1, col + 1).value == f.unit.name
    assert safe_name(rows[1][1]) in run.files[1].path.name
    again = make_templates("v2021", 2025, roster=roster, out=tmp_path / "out")
    assert [f.status for f in again.files] == ["unchanged"] * 3
    assert [f.sha256 for f in again.files] == [f.sha256 for f in run.files]


def test_blank_template_file_or_folder(tmp_path: Path) -> None:
    run = make_templates("v2021", 2025, roster=None, out=tmp_path / "blank.xlsx")
    assert [f.path.name for f in run.files] == ["blank.xlsx"] and run.files[0].unit is None
    run = make_templates("v2019", 2020, roster=None, out=tmp_path / "folder")
    assert run.files[0].path == tmp_path / "folder" / template_file_name(2020, None)


@pytest.mark.parametrize(("fmt", "year"), [("v2019", 2021), ("v2019", 2025), ("v2021", 2020), ("v2021", 2019)])
def test_wrong_format_for_the_year_is_refused_unless_forced(tmp_path: Path, fmt: str, year: int) -> None:
    with pytest.raises(ConsolidateError) as info:
        make_templates(fmt, year, roster=None, out=tmp_path / "x.xlsx")
    assert f"{year} 年度的报告应使用" in info.value.zh and "--force" in info.value.zh
    assert not (tmp_path / "x.xlsx").exists()
    run = make_templates(fmt, year, roster=None, out=tmp_path / "x.xlsx", force=True)
    assert run.format == fmt


@pytest.mark.parametrize(("fmt", "year", "expected"), [("v2018", 2025, "没有“v2018”"), ("v2021", 2018, "2019")])
def test_unknown_format_and_early_year_are_refused(tmp_path: Path, fmt: str, year: int, expected: str) -> None:
    with pytest.raises(ConsolidateError, match=expected):
        make_templates(fmt, year, roster=None, out=tmp_path / "x.xlsx", force=True)


def test_a_different_existing_file_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"a filled submission")
    with pytest.raises(ConsolidateError, match="没有写入任何文件"):
        make_templates("v2021", 2025, roster=None, out=target)
    assert target.read_bytes() == b"a filled submission"
    make_templates("v2021", 2025, roster=None, out=target, force=True)
    assert target.read_bytes()[:2] == b"PK"


def test_safe_name() -> None:
    assert safe_name(' 示例县<甲>:"乙"/丙\\丁|戊?己*. ') == "示例县_甲___乙__丙_丁_戊_己_"
    assert safe_name("...") == "_"
    assert len(safe_name("长" * 200)) == 60


# --- R8 output mode -------------------------------------------------------------------------------


def test_output_mode_writes_locked_plain_numbers() -> None:
    spec = spec_of("v2021")
    values = balanced_inputs(spec, 9)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, workbook_options())
    styles = make_styles(wb)
    layouts: dict[str, TableLayout] = template_layout(spec)
    areas = {}
    for tid, layout in layouts.items():
        areas[tid] = write_table(wb.add_worksheet(layout.sheet), layout, styles, values=values, mode="output")
    wb.close()
    book = load(buffer.getvalue())
    for tid, layout in layouts.items():
        ws = book[layout.sheet]
        assert not ws.data_validations.dataValidation
        for key, box in layout.cells.items():
            c = ws.cell(box.row + 1, box.col + 1)
            assert c.data_type == "n" and c.protection.locked
            assert c.value == pytest.approx(expected_total(spec, key, values)), key
        assert areas[tid].addresses == {k: b.address for k, b in layout.cells.items()}
        assert areas[tid].side_col == layout.width + 1


def test_long_roster_is_built_over_processes_with_the_same_bytes(
        tmp_path: Path, write_roster: RosterWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    import consolidate.template as template

    roster = read_roster(write_roster(roster_rows(template.PARALLEL_FROM + 2)))
    parallel = make_templates("v2021", 2025, roster=roster, out=tmp_path / "parallel")
    monkeypatch.setattr(template, "PARALLEL_FROM", 10**6)
    serial = make_templates("v2021", 2025, roster=roster, out=tmp_path / "serial")
    assert [f.path.name for f in parallel.files] == [f.path.name for f in serial.files]
    assert [f.sha256 for f in parallel.files] == [f.sha256 for f in serial.files]
    assert len({f.sha256 for f in parallel.files}) == len(roster.units)  # each unit's own file


def test_every_table_prints_its_page_numbers_in_chinese(unit_template: bytes) -> None:  # issue 11 item 1
    wb = openpyxl.load_workbook(io.BytesIO(unit_template))
    for sheet in ("表二", "表三", "表四"):
        assert wb[sheet].oddFooter.center.text == "第 &P 页 共 &N 页"
