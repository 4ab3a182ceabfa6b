"""The findings table: one row per finding, filterable, written with xlsxwriter.

Shared by the validation report (its 问题 sheet) and the roll-up summary (its 问题清单
sheet): ``write_findings_sheet(workbook, worksheet_name, rows, lang)`` adds the sheet,
writes an optional heading, then the table (frozen header, autofilter, widths that show
Chinese text, severity colours). Every text is written with ``write_string``, so a unit
name or a value that begins with ``=`` stays text; numbers found or expected are written
as numbers (they sort and filter as numbers).

The column words and severity labels are the tool's own text (not official labels); the
annotated copy (``consolidate.output.annotate``) uses the same ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from ..findings import Finding, Value, severity_label
from ..i18n import N_, in_language, shown
from ..spec.model import Lang, Severity
from .styles import CHARSET, FAIL_FILL, FAIL_FONT, FONT, FONT_SIZE, HEADER_FILL, page_footer, text_width

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from ..report import FileResult

SEVERITY_ORDER: dict[Severity, int] = {"error": 0, "warning": 1, "info": 2}
# (fill, font) per severity: Excel's light red / light yellow presets, and a quiet blue
SEVERITY_COLOURS: dict[Severity, tuple[str, str]] = {
    "error": (FAIL_FILL, FAIL_FONT),
    "warning": ("#FFEB9C", "#9C5700"),
    "info": ("#DDEBF7", "#1F4E78"),
}
NO_FINDINGS = N_("没有发现问题。")
UNNAMED_UNIT = N_("（未填单位名称）")


@dataclass(frozen=True)
class Column:
    """A column of the findings table: its id, heading (a catalog id) and width bounds."""

    id: str
    title: str
    min_width: float
    max_width: float
    wrap: bool = False

    def heading(self, lang: Lang) -> str:
        return in_language(lang, self.title)


# Printed landscape one page wide: the widths are capped so that the printed columns (all
# but the file's path, which stands last, outside the print area) keep the text at 9 points
# or more on paper (about 125 width units on landscape A4, as LibreOffice prints them).
COLUMNS: tuple[Column, ...] = (
    Column("no", N_("序号"), 5, 5),
    Column("unit", N_("单位名称"), 10, 14, wrap=True),
    Column("severity", N_("级别"), 5, 6, wrap=True),
    Column("code", N_("规则"), 8, 12, wrap=True),
    Column("sheet", N_("工作表"), 6, 7, wrap=True),
    Column("cell", N_("单元格"), 6, 7, wrap=True),
    Column("row", N_("行"), 10, 16, wrap=True),
    Column("column", N_("列"), 8, 10, wrap=True),
    Column("found", N_("填写值"), 6, 8, wrap=True),
    Column("expected", N_("应为"), 6, 8, wrap=True),
    Column("message", N_("说明"), 24, 32, wrap=True),
    Column("file", N_("文件"), 12, 60),
)
UNPRINTED = ("file",)  # kept out of the print area when they stand last
COLUMN_IDS: tuple[str, ...] = tuple(c.id for c in COLUMNS)


@dataclass(frozen=True)
class FindingRow:
    """One finding with the file and unit it belongs to (what a findings table lists)."""

    finding: Finding
    unit: str = ""  # the unit's name as the row should show it
    file: str = ""  # the file as the row should show it (a path or a name)


def finding_rows(files: Iterable[FileResult], *, lang: Lang = "zh", names_only: bool = False) -> list[FindingRow]:
    """Every finding of every file, in file order then finding order.

    ``names_only`` shows the file's name instead of the path as given.
    """
    out: list[FindingRow] = []
    for f in files:
        unit = f.unit_name or in_language(lang, UNNAMED_UNIT)
        file = PurePath(f.path).name if names_only else f.path
        out.extend(FindingRow(finding, unit, file) for finding in f.findings)
    return out


def cell_values(row: FindingRow, number: int, lang: Lang) -> dict[str, Value]:
    """The row's value per column id (found and expected keep their type)."""
    f = row.finding
    return {
        "no": number,
        "unit": row.unit,
        "file": row.file,
        "severity": severity_label(f.severity, lang),
        "code": f.code,
        "sheet": f.sheet,
        "cell": shown(f.cell, lang) if f.cell else f.cell,
        "row": f.row_label,
        "column": f.column_label,
        "found": f.found,
        "expected": f.expected,
        "message": f.message(lang),
    }


def write_value(ws: Worksheet, row: int, col: int, value: Value, fmt: Format | None = None) -> None:
    """A number as a number, anything else as text (never as a formula or a URL)."""
    if isinstance(value, bool):
        ws.write_string(row, col, str(value), fmt)
    elif isinstance(value, int | float) and math.isfinite(value):
        ws.write_number(row, col, value, fmt)
    elif value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def shown_width(value: Value) -> float:
    """Column-width units ``value`` needs on one line (numbers as a clerk reads them)."""
    if value is None:
        return 0.0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return max((text_width(line) for line in str(value).splitlines()), default=0.0)


def fit_width(values: Iterable[float], lo: float, hi: float, pad: float = 2.0) -> float:
    """The width of a column that shows its widest value, between ``lo`` and ``hi``."""
    return round(min(hi, max(lo, max(values, default=0.0) + pad)), 1)


LINE_HEIGHT, ROW_PAD, ROW_MIN = 14.5, 3.0, 15.0  # points, for 11-point 宋体


def lines_needed(value: Value, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` units wide."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(value).splitlines() or [""])


def row_height(cells: Iterable[tuple[Value, float]]) -> float | None:
    """The height of a row whose wrapped cells are ``(value, column width)``; None: one line.

    Set explicitly because LibreOffice does not grow a row for wrapped text on opening.
    """
    lines = max((lines_needed(v, w) for v, w in cells), default=1)
    return None if lines <= 1 else max(ROW_MIN, LINE_HEIGHT * lines + ROW_PAD)


@dataclass(frozen=True)
class TableFormats:
    """The formats of one findings table (made per workbook)."""

    heading: Format
    line: Format
    header: Format
    text: Format
    wrap: Format
    number: Format
    severity: dict[Severity, Format]

    @classmethod
    def make(cls, workbook: Workbook) -> TableFormats:
        base: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "font_charset": CHARSET}
        boxed: dict[str, Any] = {**base, "border": 1, "valign": "top"}

        def fmt(start: dict[str, Any], **props: Any) -> Format:
            return workbook.add_format({**start, **props})

        return cls(
            heading=fmt(base, bold=True, font_size=14),
            line=fmt(base),
            header=fmt(boxed, bold=True, bg_color=HEADER_FILL, align="center", valign="vcenter", text_wrap=True),
            text=fmt(boxed),
            wrap=fmt(boxed, text_wrap=True),
            number=fmt(boxed, align="right"),
            severity={sev: fmt(boxed, align="center", bg_color=fill, font_color=font)
                      for sev, (fill, font) in SEVERITY_COLOURS.items()},
        )


def write_findings_sheet(
    workbook: Workbook,
    worksheet_name: str,
    rows: Sequence[FindingRow],
    lang: Lang = "zh",
    *,
    heading: Sequence[str] = (),
    columns: Sequence[str] = COLUMN_IDS,
) -> Worksheet:
    """Add ``worksheet_name`` to ``workbook`` and write ``rows`` as a filterable table.

    ``heading``: lines written above the table (the first one bold); ``columns``: ids of
    :data:`COLUMNS` to show, in that order (default: all). Rows are written in the order
    given, numbered from 1. Returns the worksheet (the header row is ``len(heading) + 1``
    when there is a heading, else 0).
    """
    unknown = [c for c in columns if c not in COLUMN_IDS]
    if unknown:
        raise ValueError(f"unknown findings columns: {unknown}")
    cols = [next(c for c in COLUMNS if c.id == cid) for cid in columns]
    formats = TableFormats.make(workbook)
    ws = workbook.add_worksheet(worksheet_name)

    top = 0
    for i, line in enumerate(heading):
        ws.write_string(i, 0, line, formats.heading if i == 0 else formats.line)
        top = i + 2  # one spare row between the heading and the table
    header_row = top
    for j, col in enumerate(cols):
        ws.write_string(header_row, j, col.heading(lang), formats.header)

    widths: list[list[float]] = [[text_width(c.heading(lang))] for c in cols]
    table = [cell_values(row, i + 1, lang) for i, row in enumerate(rows)]
    for values in table:
        for j, col in enumerate(cols):
            widths[j].append(shown_width(values[col.id]))
    final = [fit_width(widths[j], col.min_width, col.max_width) for j, col in enumerate(cols)]
    for i, (row, values) in enumerate(zip(rows, table, strict=True)):
        r = header_row + 1 + i
        for j, col in enumerate(cols):
            value = values[col.id]
            if col.id == "severity":
                fmt = formats.severity[row.finding.severity]
            elif isinstance(value, int | float) and not isinstance(value, bool):
                fmt = formats.number
            else:
                fmt = formats.wrap if col.wrap else formats.text
            write_value(ws, r, j, value, fmt)
        height = row_height((values[c.id], final[j]) for j, c in enumerate(cols) if c.wrap)
        if height is not None:
            ws.set_row(r, height)
    if not rows:
        ws.write_string(header_row + 1, 0, in_language(lang, NO_FINDINGS), formats.line)

    for j, width in enumerate(final):
        ws.set_column(j, j, width)
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, header_row + max(len(rows), 1), len(cols) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    printed = len(cols)
    while printed > 1 and cols[printed - 1].id in UNPRINTED:
        printed -= 1
    ws.print_area(0, 0, header_row + max(len(rows), 1), printed - 1)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.7)
    ws.set_footer(page_footer(lang))
    ws.repeat_rows(header_row)
    return ws
