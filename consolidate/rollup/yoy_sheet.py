"""同比: this year against last year (only with --previous).

一、the district's figures side by side; 二、the year-over-year rules (warnings), for the
district and per unit; 三、last year's files and what was done with them; 四、per unit,
every cell that is not zero in either year (filterable). The sections share one set of
columns: unit, code, table, row, column, this year, last year, change, rate.

Printed: section 一 alone, portrait, from the 表 column on (the district is named in its
heading), its header row repeated on every page. 二 and 三 are on screen only: their rules'
findings and last year's unusable files print in 问题清单 already, and their own headers
could not repeat on their pages (a sheet repeats one row range); 四 is a long list for
filtering on screen.
"""

from __future__ import annotations

from pathlib import PurePath

from xlsxwriter.worksheet import Worksheet

from ..findings import Finding, where_text
from ..i18n import _, current
from ..level import whole
from ..spec import FormatSpec, load_spec
from ..xlsx.findings_sheet import severity_label
from . import texts
from .data import TOTALS_PATH, RollupData
from .detail_sheet import row_text
from .formats import SummaryFormats, fit_row, page_footer
from .yoy import Yoy, YoyLine

WIDTHS = (16.0, 20.0, 5.0, 27.0, 20.0, 9.0, 9.0, 9.0, 8.0)
PRINTED = 2  # the first printed column: 表 (the district's name and code are in the heading)
PRINT_SCALE = 83  # percent: portrait A4 holds 表 … 增减率 (87 units) and 11-point text prints at 9.1


def _header(ws: Worksheet, r: int, cols: tuple[str, ...], fmt: SummaryFormats) -> None:
    for col, text in enumerate(cols):
        ws.write_string(r, col, _(text), fmt.header_wrap)
    fit_row(ws, r, ((_(text), WIDTHS[col]) for col, text in enumerate(cols)))


def _line(ws: Worksheet, r: int, spec: FormatSpec, name: str, code: str, line: YoyLine, fmt: SummaryFormats,
          rate: bool) -> None:
    c = spec.cell(line.key)
    ws.write_string(r, 0, name, fmt.wrap)
    ws.write_string(r, 1, code, fmt.text)
    row_label = " ".join(c.row_labels[-2:]) if c.row_labels else row_text(c).replace("\n", " ")
    ws.write_string(r, 2, spec.table(c.table).short_name, fmt.text)
    ws.write_string(r, 3, row_label, fmt.wrap)
    ws.write_string(r, 4, c.column_text, fmt.wrap)
    fit_row(ws, r, ((row_label, WIDTHS[3]), (c.column_text, WIDTHS[4]), (name, WIDTHS[0])))
    for col, value, formats in ((5, line.this, fmt.number), (6, line.last, fmt.number), (7, line.change, fmt.change)):
        if value is None:
            ws.write_blank(r, col, None, fmt.text)
        else:
            ws.write_number(r, col, value, formats[c.kind])
    if rate:
        if line.change is not None and line.last:
            ws.write_number(r, 8, line.change / line.last, fmt.percent)
        else:
            ws.write_blank(r, 8, None, fmt.text)


def _district(ws: Worksheet, r: int, data: RollupData, lines: tuple[YoyLine, ...], fmt: SummaryFormats) -> int:
    named = " ".join(x for x in (data.district_name, data.district_code) if x)
    heading = (_(texts.YOY["district_named"]).format(whole=whole(data.district_name), name=named) if named
               else _(texts.YOY["district"]).format(whole=whole(data.district_name)))
    ws.write_string(r, PRINTED, heading, fmt.heading)
    _header(ws, r + 1, texts.YOY_COLS, fmt)
    r += 2
    first = r
    for line in lines:
        _line(ws, r, data.spec, "", "", line, fmt, rate=True)
        r += 1
    if r - 1 > first:  # the district's name and code once, beside all its lines, at their top (the
        # lines run over pages, and a centred name would print on whichever page holds the middle)
        for col, text in ((0, data.district_name or _(TOTALS_PATH)), (1, data.district_code)):
            ws.merge_range(first, col, r - 1, col, "", fmt.wrap_top)
            ws.write_string(first, col, text, fmt.wrap_top)
    return r + 1


def _value(ws: Worksheet, r: int, col: int, value: object, fmt: SummaryFormats, spec: FormatSpec,
           key: str | None) -> None:
    """A finding's found or expected value, in its cell's own format (a count as 3, not 3.00)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell = spec.derived.cells.get(key) if key else None  # a rule on a cell of this format
        kind = cell.kind if cell else "amount" if isinstance(value, float) else "count"
        ws.write_number(r, col, value, fmt.number[kind])
    else:
        ws.write_string(r, col, "" if value is None else str(value), fmt.text)


def _rules(ws: Worksheet, r: int, data: RollupData, yoy: Yoy, fmt: SummaryFormats) -> int:
    ws.write_string(r, 0, _(texts.YOY["rules"]), fmt.heading)
    _header(ws, r + 1, texts.YOY_RULE_COLS, fmt)
    r += 2
    rows: list[tuple[str, str, Finding]] = [(data.district_name or _(TOTALS_PATH), data.district_code, f)
                                            for f in yoy.district_findings]
    rows += [(u.name, u.code, f) for u in yoy.units for f in u.findings]
    if not rows:
        ws.write_string(r, 0, _(texts.YOY["no_rules"]), fmt.subtitle)
        return r + 2
    for name, code, f in rows:
        message = f.message(current())
        rule = f"{severity_label(f.severity, current())} {f.code}"
        ws.write_string(r, 0, name, fmt.wrap)
        ws.write_string(r, 1, code, fmt.text)
        ws.write_string(r, 2, rule, fmt.wrap)
        ws.write_string(r, 3, where_text(current(), f.sheet, f.cell), fmt.text)
        ws.write_string(r, 4, message, fmt.wrap)
        fit_row(ws, r, ((message, WIDTHS[4]), (name, WIDTHS[0]), (rule, WIDTHS[2])))
        _value(ws, r, 5, f.found, fmt, data.spec, f.key)
        _value(ws, r, 6, f.expected, fmt, data.spec, f.key)
        r += 1
    return r + 1


def _previous_files(ws: Worksheet, r: int, yoy: Yoy, fmt: SummaryFormats) -> int:
    ws.write_string(r, 0, _(texts.YOY["previous_files"]), fmt.heading)
    _header(ws, r + 1, texts.YOY_FILE_COLS, fmt)
    r += 2
    for fate in yoy.previous.files:
        f = fate.file
        name = fate.unit.name if fate.unit else f.unit_name
        ws.write_string(r, 0, name, fmt.wrap)
        ws.write_string(r, 1, fate.unit.code if fate.unit else f.unit_code, fmt.text)
        ws.write_string(r, 2, _(fate.label), fmt.fate_wrap[fate.fate])
        ws.write_string(r, 3, PurePath(f.path).name, fmt.wrap)
        ws.write_string(r, 4, fate.note, fmt.wrap)
        fit_row(ws, r, ((fate.note, WIDTHS[4]), (name, WIDTHS[0]), (_(fate.label), WIDTHS[2]),
                        (PurePath(f.path).name, WIDTHS[3])))
        r += 1
    return r + 1


def _units(ws: Worksheet, r: int, spec: FormatSpec, yoy: Yoy, fmt: SummaryFormats) -> None:
    ws.write_string(r, 0, _(texts.YOY["units"]), fmt.heading)
    header = r + 1
    _header(ws, header, texts.YOY_COLS[:-1], fmt)
    r += 2
    for unit in yoy.units:
        for line in unit.lines:
            if line.this or line.last:
                _line(ws, r, spec, unit.name, unit.code, line, fmt, rate=False)
                r += 1
    ws.autofilter(header, 0, max(header + 1, r - 1), len(texts.YOY_COLS) - 2)


def write_yoy_sheet(ws: Worksheet, data: RollupData, fmt: SummaryFormats) -> None:
    yoy = data.yoy
    assert yoy is not None
    spec = data.spec
    ws.write_string(0, PRINTED, _(texts.YOY["title"]).format(year=data.year, previous=yoy.previous_year), fmt.title)
    notes = []
    area = whole(data.district_name)
    if yoy.previous_format != spec.id:
        notes.append(_(texts.YOY["format_note"]).format(previous_format=load_spec(yoy.previous_format).name,
                                                     format=spec.name, common=len(yoy.keys)))
    counted = sum(1 for f in yoy.previous.files if f.counted)
    notes.append(_(texts.YOY["source_rollup"]).format(whole=area) if yoy.district_source == "rollup"
                 else _(texts.YOY["source_units"]).format(whole=area, n=counted))
    if not yoy.district_checked:
        notes.append(_(texts.YOY["coverage_note"]).format(this=yoy.coverage[0], last=yoy.coverage[1], whole=area))
    notes.append(_(texts.YOY["print_note"]))
    note = " ".join(notes) if current() == "en" else "".join(notes)
    ws.merge_range(1, PRINTED, 1, len(WIDTHS) - 1, "", fmt.coverage)
    ws.write_string(1, PRINTED, note, fmt.coverage)
    fit_row(ws, 1, ((note, sum(WIDTHS[PRINTED:])),))
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    end = _district(ws, 3, data, yoy.district, fmt)
    r = _rules(ws, end, data, yoy, fmt)
    r = _previous_files(ws, r, yoy, fmt)
    _units(ws, r, spec, yoy, fmt)
    ws.freeze_panes(3, 0)
    ws.set_portrait()
    ws.set_paper(9)
    ws.print_area(0, PRINTED, end - 2, len(WIDTHS) - 1)  # 一 only (see the module's note)
    ws.repeat_rows(4)  # 一's header row on every page
    ws.set_print_scale(PRINT_SCALE)
    ws.set_margins(left=0.25, right=0.25, top=0.5, bottom=0.6)
    ws.set_footer(page_footer(), {"margin": 0.25})
