"""What the annotated copy adds to a unit's workbook, decided once for both ways of writing it.

The copy is written either by editing the workbook's XML parts (:mod:`.annotate_xml`, the
common case: our own template) or by openpyxl (:mod:`.annotate`, everything else). Both
render the same plan made here: which cell each finding marks, the comment on each marked
cell, and the 问题清单 sheet as cells with their styles, widths, heights and links. Nothing
here touches a file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import get_column_letter, quote_sheetname, range_boundaries

from ..findings import Finding, Value, count_by_severity
from ..i18n import N_, in_language
from ..report import FileResult
from ..spec.model import Lang
from ..xlsx.findings_sheet import (
    COLUMNS,
    SEVERITY_COLOURS,
    SEVERITY_ORDER,
    UNNAMED_UNIT,
    fit_width,
    row_height,
    severity_label,
    shown_width,
)
from ..xlsx.styles import HEADER_FILL, text_width

SUFFIX = N_("_问题标注")  # the copy's file name: the unit's own name, then this
SHEET = N_("问题清单")
AUTHOR = N_("政务公开办审核")
TAG_PROPERTY = "consolidate_annotated_from"  # the copy's custom property: which input it came from
MARK_FILL = "FFC7CE"  # light red: Excel's own “light red fill”
LINK_COLOUR = "0563C1"
BORDER_COLOUR = "808080"
SHEET_COLUMNS = ("no", "severity", "sheet", "cell", "row", "column", "found", "expected", "message")
MAX_TEXT = 32_767  # Excel's limit for one cell's text
COMMENT_WIDTH, COMMENT_MAX_HEIGHT = 360, 600

# The copy's own words (catalog ids), in the language of the run.
TEXT: dict[str, str] = {
    "title": N_("问题清单：{unit}"),
    "about": N_("单位：{unit}{code}；文件：{file}；年度：{year}"),
    "code": N_("（单位代码 {code}）"),
    "counts": N_("共 {n} 个问题：错误 {error} 个，警告 {warning} 个，提示 {info} 个。"),
    "todo_errors": N_("请按下表逐项修改后重新报送。“错误”必须改正；“警告”请核对，确有错误的请改正；“提示”只是说明，无需修改。"),
    "todo_clean": N_("本文件没有错误，已通过审核。请核对下表的警告；如需修改，改正后重新报送。"),
    "how": N_("标红的格子就是问题所在，鼠标移到格子上可看批注；点“单元格”一列的链接可跳到该格。"
              "改好后直接保存本文件（.xlsx）报送即可，本表和红色标记不影响审核，不必删除。"),
    "comment_head": N_("政务公开办审核："),
    "comment_line": N_("第 {no} 项（{severity}）{message}"),
    "unknown": N_("（未填）"),
}

# A file in the wrong national format cannot be corrected cell by cell: the unit fills the new template.
WRONG_FORMAT = frozenset({"VERSION", "FORMAT-MISMATCH"})
WRONG_FORMAT_TODO = N_("本文件使用的统计表格式不对（见下表），在本文件上修改无法通过审核。"
                       "请下载并填写本年度的新模板，把数字填入新模板后重新报送。")
WRONG_FORMAT_HOW = N_("下表说明应使用哪种格式；新模板可向政务公开办索取。本文件不必修改，也不必再报送。")


def texts_in(lang: Lang) -> dict[str, str]:
    return {key: in_language(lang, text) for key, text in TEXT.items()}


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; the validator's order within each."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def clean_text(value: str) -> str:
    """Text a cell can hold: no control characters, at most Excel's 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]


# --- which cell a finding marks -----------------------------------------------------------

Ranges = Sequence[tuple[int, int, int, int]]  # merged ranges: (min_col, min_row, max_col, max_row)


def marked_place(address: str | None, merged: Ranges) -> tuple[int, int] | None:
    """(row, column) a finding at ``address`` marks: its top-left, or its merged range's."""
    if not address:
        return None
    try:
        col, row, _, _ = range_boundaries(address.replace("$", ""))
    except (ValueError, TypeError):
        return None
    if not (col and row and 1 <= row <= 1_048_576 and 1 <= col <= 16_384):
        return None
    for min_col, min_row, max_col, max_row in merged:
        if min_row <= row <= max_row and min_col <= col <= max_col:
            return min_row, min_col
    return row, col


@dataclass(frozen=True)
class CommentPlan:
    """Our comment on one marked cell (the unit's own note, if any, is added by the writer)."""

    sheet: str
    row: int
    col: int
    lines: tuple[str, ...]
    author: str

    def text(self, own: str | None = None) -> str:
        lines = list(self.lines) + (["", own] if own is not None else [])
        return clean_text("\n".join(lines))

    @staticmethod
    def size(body: str) -> tuple[int, int]:
        """(width, height) in points for ``body``."""
        height = 16 * sum(max(1, math.ceil(text_width(line) / 56)) for line in body.splitlines()) + 12
        return COMMENT_WIDTH, min(height, COMMENT_MAX_HEIGHT)


Locate = Callable[[str | None, str | None], tuple[str, int, int] | None]  # (sheet, address) -> (sheet, row, col)


def comments(numbered: Sequence[tuple[int, Finding]], lang: Lang, locate: Locate) -> list[CommentPlan]:
    """One comment per marked cell, listing the findings on it, in the order first marked."""
    text = texts_in(lang)
    on_cell: dict[tuple[str, int, int], list[str]] = {}
    for no, finding in numbered:
        where = locate(finding.sheet, finding.cell)
        if where is None:
            continue
        on_cell.setdefault(where, [text["comment_head"]]).append(text["comment_line"].format(
            no=no, severity=severity_label(finding.severity, lang), message=finding.message(lang)))
    author = in_language(lang, AUTHOR)
    return [CommentPlan(sheet, row, col, tuple(lines), author) for (sheet, row, col), lines in on_cell.items()]


# --- the findings sheet -------------------------------------------------------------------

@dataclass(frozen=True)
class Style:
    """A cell's look in the findings sheet (colours as RRGGBB)."""

    size: int = 11
    bold: bool = False
    colour: str | None = None
    underline: bool = False
    fill: str | None = None
    border: bool = False
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False

    @property
    def aligned(self) -> bool:
        return bool(self.horizontal or self.vertical or self.wrap)


@dataclass(frozen=True)
class SheetCell:
    row: int  # 1-based
    col: int
    value: Value
    style: Style
    link: str | None = None  # a place in the workbook (“'表三'!B5”)
    shown: str | None = None  # the link's text


@dataclass
class FindingsSheet:
    title: str
    cells: list[SheetCell]
    widths: list[float]  # per column, from A
    heights: dict[int, float] = field(default_factory=dict)  # row -> points
    header_row: int = 7
    last_row: int = 8

    @property
    def last_col(self) -> int:
        return len(self.widths)


def _colour(hex_colour: str) -> str:
    return hex_colour.lstrip("#").upper()


def findings_sheet(result: FileResult, numbered: Sequence[tuple[int, Finding]], lang: Lang, locate: Locate,
                   visible: Callable[[str], bool]) -> FindingsSheet:
    """The 问题清单 sheet: a heading, what to do, and every finding with a link to its cell."""
    text = texts_in(lang)
    counts = count_by_severity([f for _, f in numbered])
    unit = result.unit_name or in_language(lang, UNNAMED_UNIT)
    code = text["code"].format(code=result.unit_code) if result.unit_code else ""
    wrong_format = any(f.code in WRONG_FORMAT for _, f in numbered)
    heading = (
        text["title"].format(unit=unit),
        text["about"].format(unit=unit, code=code, file=Path(result.path).name,
                             year=result.year if result.year is not None else text["unknown"]),
        text["counts"].format(n=len(numbered), **counts),
        in_language(lang, WRONG_FORMAT_TODO) if wrong_format
        else text["todo_errors"] if counts["error"] else text["todo_clean"],
        in_language(lang, WRONG_FORMAT_HOW) if wrong_format else text["how"],
    )
    todo_colour = _colour(SEVERITY_COLOURS["error" if counts["error"] else "warning"][1])
    cells = [SheetCell(i, 1, line, Style(size=14, bold=True) if i == 1 else
                       Style(bold=True, colour=todo_colour) if i == 4 else Style())
             for i, line in enumerate(heading, start=1)]

    columns = [next(c for c in COLUMNS if c.id == cid) for cid in SHEET_COLUMNS]
    header_row = len(heading) + 2
    cells += [SheetCell(header_row, j, col.heading(lang),
                        Style(bold=True, fill=_colour(HEADER_FILL), border=True, horizontal="center",
                              vertical="center", wrap=True))
              for j, col in enumerate(columns, start=1)]
    table: list[dict[str, Value]] = [{
        "no": no, "severity": severity_label(finding.severity, lang), "sheet": finding.sheet,
        "cell": finding.cell, "row": finding.row_label, "column": finding.column_label,
        "found": finding.found, "expected": finding.expected, "message": finding.message(lang),
    } for no, finding in numbered]
    widths = [fit_width([text_width(col.heading(lang)), *(shown_width(v[col.id]) for v in table)],
                        col.min_width, col.max_width) for col in columns]
    heights: dict[int, float] = {}
    for i, ((_, finding), values) in enumerate(zip(numbered, table, strict=True)):
        row = header_row + 1 + i
        for j, col in enumerate(columns, start=1):
            style, link = Style(border=True, vertical="top", wrap=col.wrap), None
            if col.id == "severity":
                fill, colour = SEVERITY_COLOURS[finding.severity]
                style = Style(border=True, fill=_colour(fill), colour=_colour(colour), horizontal="center",
                              vertical="top")
            elif col.id == "cell":
                where = locate(finding.sheet, finding.cell)
                if where is not None and visible(where[0]):
                    link = f"{quote_sheetname(where[0])}!{get_column_letter(where[2])}{where[1]}"
                    style = Style(border=True, colour=LINK_COLOUR, underline=True, vertical="top", wrap=col.wrap)
            cells.append(SheetCell(row, j, values[col.id], style, link, finding.cell if link else None))
        height = row_height((values[c.id], widths[j]) for j, c in enumerate(columns) if c.wrap)
        if height is not None:
            heights[row] = height
    return FindingsSheet(in_language(lang, SHEET), cells, widths, heights, header_row,
                         header_row + max(len(numbered), 1))


def sheet_value(value: Value) -> float | int | str | None:
    """What a findings-sheet cell holds: a number as a number, anything else as text (never a formula)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return clean_text(str(value))


def mapping_locate(merged: Mapping[str, Ranges]) -> Locate:
    """A :data:`Locate` over the worksheets named in ``merged`` (their merged ranges)."""
    def locate(sheet: str | None, address: str | None) -> tuple[str, int, int] | None:
        if not sheet or sheet not in merged:
            return None
        place = marked_place(address, merged[sheet])
        return None if place is None else (sheet, *place)
    return locate
