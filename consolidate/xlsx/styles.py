"""Cell formats of our workbooks (template and summary), made once per workbook.

One font everywhere: 宋体 (SimSun), the face of official Chinese forms. Excel and WPS
on Chinese Windows have it; Excel elsewhere and LibreOffice substitute their own Song
face (LibreOffice maps 宋体/SimSun to Noto Serif CJK or similar through its replacement
table and fontconfig). The charset (134, GB2312) tells Excel to choose a CJK face when
宋体 is missing. The workbook's default format uses the same font, so column widths
are measured against it everywhere.

Colours: input cells light yellow, totals grey (the 填报说明 text refers to both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from ..spec.model import CellKind

FONT = "宋体"
FONT_SIZE = 11
CHARSET = 134  # GB2312

INPUT_FILL = "#FFF2CC"  # light yellow: fill in here
TOTAL_FILL = "#D9D9D9"  # grey: a formula, do not touch
PREFILLED_FILL = "#EDEDED"  # grey: prefilled identity, locked
HEADER_FILL = "#F2F2F2"
PASS_FILL, PASS_FONT = "#C6EFCE", "#006100"
FAIL_FILL, FAIL_FONT = "#FFC7CE", "#9C0006"

NUMBER_FORMAT: dict[CellKind, str] = {
    "count": "#,##0",
    "signed": "+#,##0;-#,##0;0",
    "amount": "#,##0.00##",  # 万元 to the 元: at least two decimals, up to four
}

# what the workbook constructor needs so the default (empty) cells use our font too
# (not tied to the theme's font: a theme font would replace 宋体 in Excel)
def workbook_options() -> dict[str, Any]:
    """Options for ``xlsxwriter.Workbook`` (a fresh dict each time: xlsxwriter changes it)."""
    return {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "default_format_properties": {
            "font_name": FONT, "font_size": FONT_SIZE, "font_charset": CHARSET, "font_scheme": "none",
        },
    }


_BASE: dict[str, Any] = {
    "font_name": FONT, "font_size": FONT_SIZE, "font_charset": CHARSET, "font_scheme": "none", "valign": "vcenter",
}
_BOXED: dict[str, Any] = {**_BASE, "border": 1, "text_wrap": True}


@dataclass(frozen=True)
class Styles:
    """The formats one workbook uses; make them with :func:`make_styles`."""

    title: Format
    unit_line: Format
    caption: Format
    header: Format  # corner, column headers and groups: centred, wrapped
    row_label: Format  # leaf row labels: left, wrapped
    row_group: Format  # row group labels spanning their rows: centred, wrapped
    input: dict[CellKind, Format]  # unlocked, light yellow
    total: dict[CellKind, Format]  # locked, grey (a formula in a template)
    output: dict[CellKind, Format]  # locked, plain (the summary's numbers)
    text_input: Format  # a text written into a number cell (a factory's faulty submission)
    note: Format  # a unit note beside the table
    check_heading: Format
    check_header: Format
    check_label: Format
    check_result: Format
    check_difference: Format  # a number, blank when 0
    check_note: Format
    passed: Format  # conditional formats (dxf)
    failed: Format
    field_label: Format
    field_locked: Format
    field_input: Format
    field_year: Format
    field_year_input: Format
    hint: Format
    doc_title: Format
    doc_heading: Format
    doc_text: Format
    plain: Format


def make_styles(workbook: Workbook) -> Styles:
    """Create the formats in ``workbook`` (create once per workbook, share between sheets)."""

    def fmt(base: dict[str, Any] | None = None, **props: Any) -> Format:
        return workbook.add_format({**(base or _BASE), **props})

    def kinds(**props: Any) -> dict[CellKind, Format]:
        return {kind: fmt(_BOXED, num_format=num, align="right", indent=1, **props) for kind, num in NUMBER_FORMAT.items()}

    return Styles(
        title=fmt(bold=True, font_size=16, align="center"),
        unit_line=fmt(align="left"),
        caption=fmt(_BOXED, bold=True, align="center"),
        header=fmt(_BOXED, bold=True, align="center", bg_color=HEADER_FILL),
        row_label=fmt(_BOXED, align="left"),
        row_group=fmt(_BOXED, align="center"),
        input=kinds(locked=False, bg_color=INPUT_FILL),
        total=kinds(locked=True, bg_color=TOTAL_FILL, bold=True),
        output=kinds(locked=True),
        text_input=fmt(_BOXED, locked=False, bg_color=INPUT_FILL, align="right"),
        note=fmt(align="left", italic=True),
        check_heading=fmt(bold=True, align="left", font_size=12),
        check_header=fmt(_BOXED, bold=True, align="center", bg_color=HEADER_FILL),
        check_label=fmt(_BOXED, align="left"),
        check_result=fmt(_BOXED, align="center", bold=True),
        check_difference=fmt(_BOXED, align="right", num_format="+General;-General;;@"),
        check_note=fmt(align="left", font_size=9, font_color="#595959", text_wrap=True, valign="top"),
        passed=fmt({}, bg_color=PASS_FILL, font_color=PASS_FONT),
        failed=fmt({}, bg_color=FAIL_FILL, font_color=FAIL_FONT),
        field_label=fmt(_BOXED, bold=True, align="center", bg_color=HEADER_FILL),
        field_locked=fmt(_BOXED, align="left", bg_color=PREFILLED_FILL, num_format="@"),
        field_input=fmt(_BOXED, align="left", locked=False, bg_color=INPUT_FILL, num_format="@"),
        field_year=fmt(_BOXED, align="left", bg_color=PREFILLED_FILL, num_format="0"),
        field_year_input=fmt(_BOXED, align="left", locked=False, bg_color=INPUT_FILL, num_format="0"),
        hint=fmt(align="left", font_color="#595959", text_wrap=True),
        doc_title=fmt(bold=True, font_size=16, align="left"),
        doc_heading=fmt(bold=True, font_size=12, align="left"),
        doc_text=fmt(align="left", valign="top", text_wrap=True),
        plain=fmt(),
    )


class _CharWidths(dict[str, float]):
    """A character's width, worked out on first sight (a CJK character or curly quote is about two)."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = 1.1 if ord(ch) < 0x2E80 and ch not in "“”‘’" else 2.1
        return width


_WIDTHS = _CharWidths()


def text_width(text: str) -> float:
    """How wide ``text`` is in Excel column-width units (a CJK character is about two). Summed
    left to right from 0.0 as a loop would (a summary's 5,000 rows measure their texts)."""
    return sum(map(_WIDTHS.__getitem__, text), 0.0)


def page_footer(lang: str | None = None) -> str:
    """Every printed sheet's footer: “第 X 页 共 Y 页”, centred, in ``lang`` or the current language."""
    from ..i18n import _, in_language
    from .texts import PAGE_FOOTER

    return "&C" + (_(PAGE_FOOTER) if lang is None else in_language(lang, PAGE_FOOTER))
