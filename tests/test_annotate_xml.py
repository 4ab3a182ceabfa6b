"""The annotated copy made on the workbook's parts (consolidate.output.annotate_xml), issue 19.

- X1 on every demo submission with findings and on a template with findings on merged,
  hidden-sheet and missing places, in both languages, the parts are edited (no openpyxl)
  and the copy, read back, equals openpyxl's: sheets and their order, the sheet it opens on,
  defined names, every cell's value, fill, font, border, alignment, protection and number
  format, comments, links, widths, heights, panes, filter, validations, merged ranges,
  protection, tab selection, page orientation, print titles;
- X2 the same on workbooks saved by LibreOffice (their own custom properties, true/false
  attributes, more namespaces), and LibreOffice opens the copy with our comments;
- X3 what the parts cannot take is left to openpyxl, and the copy is still made: a macro
  workbook, a returned copy, a sheet with the unit's own comments (kept below ours), a
  finding on a cell the file does not hold;
- X4 cached formula values are kept (openpyxl's copy drops them); the same input gives the
  same bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment
from test_annotate import DASH, LAYOUT, TOTAL, file_result, sample_findings, source_workbook  # noqa: F401  (fixture "source")

from consolidate.findings import Place
from consolidate.output import annotate, annotate_xml
from consolidate.output.annotate_layout import ordered
from consolidate.report import FileResult
from consolidate.validate import validate

DEMO = Path(__file__).resolve().parents[1] / "samples" / "demo" / "submissions"


def describe(data: bytes) -> dict[str, Any]:
    """Everything a clerk can see in a workbook, as openpyxl reads it."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {"sheets": wb.sheetnames, "active": wb.active.title if wb.active else None,
                           "names": sorted((n, v.attr_text) for n, v in wb.defined_names.items()),
                           "calc": wb.calculation.fullCalcOnLoad}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value in (None, "") and c.comment is None and not c.has_style:
                    continue
                colour = c.font.color.rgb if c.font.color is not None else None
                cells[c.coordinate] = (
                    None if c.value == "" else c.value,
                    c.fill.fill_type, c.fill.fgColor.rgb[-6:] if c.fill.fill_type else None,
                    c.font.b, c.font.sz, colour[-6:] if isinstance(colour, str) else None, c.font.u,
                    c.border.left.style, c.border.bottom.style, c.alignment.horizontal, c.alignment.vertical,
                    bool(c.alignment.wrap_text), c.protection.locked, c.number_format,
                    (c.comment.text, c.comment.author) if c.comment else None,
                    (c.hyperlink.location, c.hyperlink.display) if c.hyperlink else None)
        out[ws.title] = dict(
            cells=cells, freeze=ws.freeze_panes, filter=ws.auto_filter.ref, state=ws.sheet_state,
            widths={k: v.width for k, v in ws.column_dimensions.items() if v.customWidth},
            heights={k: v.height for k, v in ws.row_dimensions.items() if v.height},
            validations=[(dv.sqref, dv.type, dv.formula1) for dv in ws.data_validations.dataValidation],
            protected=ws.protection.sheet, password=ws.protection.password,
            merged=sorted(map(str, ws.merged_cells.ranges)), selected=bool(ws.sheet_view.tabSelected),
            orientation=ws.page_setup.orientation, titles=ws.print_title_rows,
            fit=ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None)
    return out


def parts_copy(result: FileResult, lang: str = "zh") -> bytes | None:
    """The copy made on the parts, or None where they are left to openpyxl."""
    numbered = list(enumerate(ordered(result.findings), start=1))
    return annotate_xml.annotated_xml(Path(result.path).read_bytes(), result, numbered, lang,  # type: ignore[arg-type]
                                      annotate.source_tag(Path(result.path)), created="2000-01-01T00:00:00Z",
                                      author=annotate.in_language(lang, annotate.AUTHOR))


def assert_same_as_openpyxl(result: FileResult) -> None:
    for lang in ("zh", "en"):
        fast = parts_copy(result, lang)
        assert fast is not None, f"{result.path}: left to openpyxl"
        made = annotate.annotated_bytes(result, lang)  # type: ignore[arg-type]
        slow = annotate.annotated_bytes(result, lang, fast=False)  # type: ignore[arg-type]
        assert made is not None and slow is not None
        assert made[0] == fast  # annotated_bytes takes the parts' way
        assert describe(fast) == describe(slow[0]), result.path


@pytest.fixture(scope="module")
def demo_todo() -> list[FileResult]:
    report = validate([DEMO], year=2025, workers=1)
    return [f for f in report.files if annotate.wants_copy(f)
            and not any(x.code == "FILE-VALUES-ONLY" for x in f.findings)]


def test_demo_copies_equal_openpyxl_s(demo_todo: list[FileResult]) -> None:  # X1
    assert len(demo_todo) >= 3
    for result in demo_todo:
        assert_same_as_openpyxl(result)


def test_template_with_every_kind_of_place_equals_openpyxl_s(source: Path) -> None:  # X1
    # a whole-file finding, two on one cell, a merged identity cell, a missing sheet, a sheet not in the workbook
    assert_same_as_openpyxl(file_result(source, sample_findings()))


def test_cached_values_kept_and_bytes_repeat(source: Path) -> None:  # X4
    result = file_result(source, sample_findings())
    one, two = parts_copy(result), parts_copy(result)
    assert one is not None and one == two
    total = LAYOUT["t3"].cells[TOTAL].address
    assert openpyxl.load_workbook(source, data_only=True)["表三"][total].value == 8
    assert openpyxl.load_workbook(io.BytesIO(one), data_only=True)["表三"][total].value == 8
    slow = annotate.annotated_bytes(result, fast=False)
    assert slow is not None and openpyxl.load_workbook(io.BytesIO(slow[0]), data_only=True)["表三"][total].value is None
    with zipfile.ZipFile(io.BytesIO(one)) as z:
        assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")
    out = source.parent / "copy.xlsx"
    out.write_bytes(one)
    assert annotate._tag_of(out) == annotate.source_tag(source)


def test_what_the_parts_cannot_take_goes_to_openpyxl(source: Path, tmp_path: Path) -> None:  # X3
    from factories import submission
    from test_annotate import FF, place

    macro = tmp_path / "宏.xlsm"
    macro.write_bytes(submission("v2021", macros=True))
    cases: list[tuple[FileResult, str | None]] = [
        (file_result(macro, [FF.common("CELL-DASH", place(DASH), found="-")]), None)]

    first = annotate.annotate_file(file_result(source, sample_findings()), tmp_path / "round1")
    assert first is not None
    returned = tmp_path / "returned.xlsx"
    returned.write_bytes(first.read_bytes())
    cases.append((file_result(returned, [FF.common("CELL-DASH", place(DASH), found="-")]), None))

    wb = openpyxl.load_workbook(source)
    dash = LAYOUT["t3"].cells[DASH].address
    wb["表三"][dash].comment = Comment("单位自己的批注", "填报人")
    noted = tmp_path / "noted.xlsx"
    wb.save(noted)
    cases.append((file_result(noted, [FF.common("CELL-DASH", place(DASH), found="-")]), "单位自己的批注"))

    far = FF.common("CELL-TEXT", Place(sheet="表二", cell="Z99"), found="x", hint="")
    cases.append((file_result(source, [far]), None))

    for result, own_note in cases:
        assert parts_copy(result) is None, result.path
        made = annotate.annotated_bytes(result)
        assert made is not None
        copy = openpyxl.load_workbook(io.BytesIO(made[0]))
        assert copy.sheetnames[0] == "问题清单" and copy.sheetnames.count("问题清单") == 1
        notes = [c.comment.text for ws in copy.worksheets for row in ws.iter_rows() for c in row if c.comment]
        assert len(notes) == 1 and notes[0].startswith("政务公开办审核：")
        if own_note:
            assert notes[0].endswith(own_note)  # the unit's own note stays, below ours


@pytest.mark.office
def test_libreoffice_saved_workbooks(demo_todo: list[FileResult], tmp_path: Path) -> None:  # X2
    from libreoffice import convert

    saved = convert([Path(f.path) for f in demo_todo], "xlsx", tmp_path / "saved")
    report = validate(saved, year=2025, workers=1)
    todo = [f for f in report.files if annotate.wants_copy(f)]
    assert len(todo) == len(demo_todo)
    for result in todo:
        assert zipfile.ZipFile(result.path).read("docProps/custom.xml")  # LibreOffice writes its own
        assert_same_as_openpyxl(result)
    copies = [annotate.annotate_file(f, tmp_path / "copies") for f in todo]
    reopened = convert([c for c in copies if c is not None], "xlsx", tmp_path / "lo")
    marked = 0
    for path in reopened:
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames[0] == "问题清单" and wb.active is not None and wb.active.title == "问题清单"
        notes = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
        assert all(c.comment.text.startswith("政务公开办审核：") and c.fill.fgColor.rgb.endswith("FFC7CE") for c in notes)
        marked += len(notes)
    assert marked >= 3
