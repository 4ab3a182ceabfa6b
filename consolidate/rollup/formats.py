"""The summary's own cell formats (beyond the shared ones of ``consolidate.xlsx.styles``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..spec.model import CellKind
from ..xlsx.findings_sheet import lines_needed as lines_needed  # one estimate of wrapped lines
from ..xlsx.styles import (
    CHARSET,
    FAIL_FILL,
    FAIL_FONT,
    FONT,
    FONT_SIZE,
    HEADER_FILL,
    NUMBER_FORMAT,
    PASS_FILL,
    PASS_FONT,
)
from ..xlsx.styles import page_footer as page_footer  # every sheet prints the same footer
from .texts import Fate

# (fill, font) per fate: green passed, red errors, grey missing, amber the rest
FATE_COLOURS: dict[Fate, tuple[str, str]] = {
    "accepted": (PASS_FILL, PASS_FONT),
    "invalid": (FAIL_FILL, FAIL_FONT),
    "unreadable": (FAIL_FILL, FAIL_FONT),
    "missing": ("#D9D9D9", "#404040"),
    "superseded": ("#FFEB9C", "#9C5700"),
    "unlisted": ("#FFEB9C", "#9C5700"),
}


LINE_POINTS = 15.0
# What a column-width unit prints as at 100 % (points), as LibreOffice prints 宋体's replacement face
UNIT_POINTS = 7.7
# Numbers of 分单位明细 without thousands separators: six digits fit a narrow column (never ####)
BARE_FORMAT: dict[CellKind, str] = {"count": "0", "signed": "+0;-0;0", "amount": "0.00##"}


GAP = re.compile(r"[　 ]{2,}")  # the wide gap between the parts of a line (制表人：…　　审核人：…)


def break_at_gaps(text: str, width: float) -> str:
    """``text`` with its gaps turned into line breaks where the line would not fit in ``width``
    units, so a narrow table's 填报日期 moves down whole instead of wrapping as 填报 / 日期."""
    if "\n" in text or lines_needed(text, width) == 1:
        return text
    parts, gaps = GAP.split(text), GAP.findall(text)
    lines = [parts[0]]
    for gap, part in zip(gaps, parts[1:], strict=True):
        joined = lines[-1] + gap + part
        if lines_needed(joined, width) == 1:
            lines[-1] = joined
        else:
            lines.append(part)
    return "\n".join(lines)


def header_text(text: str) -> str:
    """``text`` safe inside a page header (a lone ``&`` starts a code there)."""
    return text.replace("&", "&&")


def fit_row(ws: Worksheet, row: int, cells: Iterable[tuple[str, float]]) -> None:
    """Make ``row`` tall enough for its wrapped texts ((text, column width) pairs)."""
    lines = max((lines_needed(t, w) for t, w in cells), default=1)
    if lines > 1:
        ws.set_row(row, LINE_POINTS * lines + 3)


CHANGE_FORMAT: dict[CellKind, str] = {"count": "#,##0", "signed": "#,##0", "amount": "#,##0.00##"}


@dataclass(frozen=True)
class SummaryFormats:
    title: Format
    subtitle: Format
    heading: Format
    heading_wrap: Format
    header: Format
    header_wrap: Format
    text: Format
    wrap: Format
    wrap_top: Format  # a cell merged down a long list: printed on the list's first page
    integer: Format
    percent: Format
    percent_big: Format
    label: Format
    value: Format
    number: dict[CellKind, Format]
    total_label: Format
    total: dict[CellKind, Format]
    bare: dict[CellKind, Format]
    bare_total: dict[CellKind, Format]
    change: dict[CellKind, Format]
    fate: dict[Fate, Format]
    fate_wrap: dict[Fate, Format]
    line: Format
    unit_line: Format  # 表二/表三/表四: under the table title
    coverage: Format
    partial: Format  # the summary is not final yet
    final: Format
    signature: Format

    @classmethod
    def make(cls, workbook: Workbook) -> SummaryFormats:
        base: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "font_charset": CHARSET,
                                "font_scheme": "none", "valign": "vcenter"}
        boxed: dict[str, Any] = {**base, "border": 1}

        def fmt(**props: Any) -> Format:
            return workbook.add_format(props)

        def big(size: int, **props: Any) -> Format:
            return workbook.add_format({**base, **props, "font_size": size})

        return cls(
            title=big(16, bold=True),
            subtitle=fmt(**base, font_color="#404040"),
            heading=big(12, bold=True),
            heading_wrap=big(12, bold=True, text_wrap=True, align="left"),
            header=fmt(**boxed, bold=True, bg_color=HEADER_FILL, align="center"),
            header_wrap=fmt(**boxed, bold=True, bg_color=HEADER_FILL, align="center", text_wrap=True),
            text=fmt(**boxed),
            wrap=fmt(**boxed, text_wrap=True),
            wrap_top=fmt(**{**boxed, "valign": "top"}, text_wrap=True),
            integer=fmt(**boxed, num_format="#,##0", align="right"),
            percent=fmt(**boxed, num_format="0.0%", align="right"),
            percent_big=big(14, num_format="0.0%", bold=True, align="left"),
            label=fmt(**boxed, bold=True, bg_color=HEADER_FILL),
            value=fmt(**boxed, text_wrap=True, align="left"),
            number={k: fmt(**boxed, num_format=n, align="right") for k, n in NUMBER_FORMAT.items()},
            total_label=fmt(**boxed, bold=True, bg_color="#D9D9D9"),
            total={k: fmt(**boxed, num_format=n, align="right", bold=True, bg_color="#D9D9D9")
                   for k, n in NUMBER_FORMAT.items()},
            bare={k: fmt(**boxed, num_format=n, align="right") for k, n in BARE_FORMAT.items()},
            bare_total={k: fmt(**boxed, num_format=n, align="right", bold=True, bg_color="#D9D9D9")
                        for k, n in BARE_FORMAT.items()},
            change={k: fmt(**boxed, num_format=f"+{n};-{n};0", align="right") for k, n in CHANGE_FORMAT.items()},
            fate={f: fmt(**boxed, align="center", bg_color=fill, font_color=font)
                  for f, (fill, font) in FATE_COLOURS.items()},
            fate_wrap={f: fmt(**boxed, align="center", bg_color=fill, font_color=font, text_wrap=True)
                       for f, (fill, font) in FATE_COLOURS.items()},
            line=workbook.add_format({**base, "text_wrap": True, "valign": "top"}),
            unit_line=fmt(**base, align="left", text_wrap=True),
            coverage=fmt(**base, align="left", text_wrap=True),
            partial=fmt(**base, align="left", text_wrap=True, bold=True, font_color=FAIL_FONT),
            final=fmt(**base, align="left", text_wrap=True, font_color=PASS_FONT),
            signature=fmt(**{**base, "valign": "bottom"}, align="left", text_wrap=True),
        )
