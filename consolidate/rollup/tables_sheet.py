"""表二、表三、表四 of the summary: each table on its own sheet, in the template's layout.

Each sheet reads like a unit's submission (the same places as the template: the reader
reads the summary like any submission, ``_meta`` layout ``template``) and prints like
the official table on one A4 page of its own: its columns sized for that table alone, the
title naming the 汇总单位 and the year in the page header, the line under the table title
naming the 汇总单位, then under the table the coverage (应报, 计入, 未报送, 有错误, 截至)
so a partial summary never looks final, and the lines offices sign (制表人, 审核人,
填报日期, 单位（盖章）). Every page is numbered “第 X 页 共 Y 页”.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..i18n import _
from ..spec import TableLayout, template_layout
from ..xlsx import Styles, column_widths, write_table
from ..xlsx.tables import Sizes, row_heights
from . import texts
from .data import RollupData
from .formats import UNIT_POINTS, SummaryFormats, break_at_gaps, header_text, lines_needed, page_footer

A4 = 9
# The printable part of A4 (margins 0.4 inch left and right, 0.75 and 0.6 inch top and bottom)
# in points, and what a column-width unit prints as (about 0.21 cm, 6 points) at 100 %: the
# orientation that prints the table larger is taken (表三 is tall, 表四 wide).
PORTRAIT = (537.0, 745.0)
LANDSCAPE = (784.0, 498.0)
# tighter than the template (nothing is typed here): what fits 表三 on one A4 page at 9 points
TIGHT = Sizes(data_min=6.5, data_max=10.0, leaf_cap=24.0, group_min=6.0, line_height=13.0, row_pad=3.0,
              row_min=16.0, header_lines=3, group_rows_per_line=1)
LINE_POINTS = 15.0
STAMP_POINTS = 42.0  # room for the seal


def landscape(width_units: float, height_points: float) -> bool:
    """Whether the table prints larger on a landscape page than on a portrait one."""
    width = width_units * UNIT_POINTS

    def scale(page: tuple[float, float]) -> float:
        return min(page[0] / width, page[1] / height_points, 1.0)

    return scale(LANDSCAPE) > scale(PORTRAIT)


def page_title(data: RollupData) -> str:
    """“示例县2025年度政府信息公开工作年度报告统计表（汇总）”."""
    return _(texts.TITLE_SUMMARY).format(name=data.district_name, year=data.year)


def coverage_lines(data: RollupData, at: datetime) -> tuple[str, bool]:
    """The coverage sentence(s) and whether the summary is final (every roster unit counted)."""
    sel = data.selection
    units = sel.unit_counts()
    files = sel.file_counts()
    when = at.strftime("%Y-%m-%d %H:%M")
    if sel.roster_size:
        text = _(texts.COVERAGE).format(roster=sel.roster_size, counted=data.counted, missing=units["missing"],
                                        invalid=units["invalid"], at=when)
    else:
        text = _(texts.COVERAGE_NO_ROSTER).format(units=len(sel.units), counted=data.counted,
                                                  invalid=units["invalid"], at=when)
    if files.get("unreadable"):
        text += _(texts.COVERAGE_UNREADABLE).format(n=files["unreadable"])
    final = bool(sel.roster_size) and units["missing"] == 0 and units["invalid"] == 0 and not files.get("unreadable")
    return text, final


def _merged_line(ws: Worksheet, row: int, width: int, text: str, fmt: Format, widths: Mapping[int, float]) -> float:
    """Write ``text`` across the table's width; returns the row's height."""
    total = sum(widths.get(c, 9.0) for c in range(width))
    text = break_at_gaps(text, total)
    ws.merge_range(row, 0, row, width - 1, "", fmt)
    ws.write_string(row, 0, text, fmt)
    height = LINE_POINTS * lines_needed(text, total) + 5
    ws.set_row(row, height)
    return height


def write_table_sheet(workbook: Workbook, layout: TableLayout, data: RollupData, styles: Styles,
                      fmt: SummaryFormats, *, now: datetime) -> Worksheet:
    spec = data.spec
    ws = workbook.add_worksheet(layout.sheet)
    widths = column_widths([layout], TIGHT)
    area = write_table(ws, layout, styles, values=data.totals, mode="output", spec=spec, widths=widths,
                       sizes=TIGHT)
    width = layout.width
    unit_line = _(texts.UNIT_LINE).format(name=data.district_name, year=data.year, units=data.units)
    _merged_line(ws, layout.top + 1, width, unit_line, fmt.unit_line, widths)

    r = layout.bottom + 1
    coverage, final = coverage_lines(data, now)
    if any(spec.cell(k).kind == "amount" for k in layout.cells):
        coverage += _(texts.AMOUNT_NOTE)
    heights = [_merged_line(ws, r, width, coverage, fmt.coverage, widths)]
    r += 1
    heights.append(_merged_line(ws, r, width, _(texts.COVERAGE_FINAL if final else texts.COVERAGE_PARTIAL),
                                fmt.final if final else fmt.partial, widths))
    r += 2
    signed = _(texts.SIGNATURE_LINE).format(date=now.date().isoformat())
    heights.append(_merged_line(ws, r, width, signed, fmt.signature, widths) + LINE_POINTS)
    r += 1
    ws.merge_range(r, 0, r, width - 1, "", fmt.signature)
    ws.write_string(r, 0, _(texts.SIGNATURES), fmt.signature)
    ws.set_row(r, STAMP_POINTS)
    heights.append(STAMP_POINTS)

    used = sum(widths.get(c, 9.0) for c in range(area.last_col + 1))
    tall = sum(row_heights(layout, widths, TIGHT).values()) + sum(heights)
    if landscape(used, tall):
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 1)
    ws.print_area(layout.top, 0, r, max(area.last_col, width - 1))
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    ws.set_header(f"&C&B&14{header_text(page_title(data))}", {"margin": 0.3})
    ws.set_footer(page_footer(), {"margin": 0.25})
    ws.hide_gridlines(2)
    return ws


def write_table_sheets(workbook: Workbook, data: RollupData, styles: Styles, fmt: SummaryFormats,
                       *, now: datetime) -> list[Worksheet]:
    """表二, 表三, 表四 (the spec's tables, in order), the first one active."""
    sheets = [write_table_sheet(workbook, layout, data, styles, fmt, now=now)
              for layout in template_layout(data.spec).values()]
    sheets[0].activate()
    return sheets

