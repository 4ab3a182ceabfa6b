"""同比: this year against last year (only with --previous).

一、the district's figures side by side; 二、the year-over-year rules (warnings), for the
district and per unit; 三、last year's files and what was done with them; 四、per unit,
every cell that is not zero in either year (filterable). The sections share one set of
columns: unit, code, table, row, column, this year, last year, change, rate.
"""

from __future__ import annotations

from pathlib import PurePath

from xlsxwriter.worksheet import Worksheet

from ..findings import Finding
from ..spec import FormatSpec, load_spec
from . import texts
from .data import TOTALS_PATH, RollupData
from .detail_sheet import row_text
from .formats import SummaryFormats, fit_row
from .yoy import Yoy, YoyLine

WIDTHS = (26.0, 21.0, 8.0, 44.0, 40.0, 12.0, 12.0, 12.0, 10.0)


def _header(ws: Worksheet, r: int, cols: tuple[str, ...], fmt: SummaryFormats) -> None:
    for col, text in enumerate(cols):
        ws.write_string(r, col, text, fmt.header)


def _line(ws: Worksheet, r: int, spec: FormatSpec, name: str, code: str, line: YoyLine, fmt: SummaryFormats,
          rate: bool) -> None:
    c = spec.cell(line.key)
    ws.write_string(r, 0, name, fmt.text)
    ws.write_string(r, 1, code, fmt.text)
    row_label = " ".join(c.row_labels[-2:]) if c.row_labels else row_text(c).replace("\n", " ")
    ws.write_string(r, 2, spec.table(c.table).short_name, fmt.text)
    ws.write_string(r, 3, row_label, fmt.wrap)
    ws.write_string(r, 4, c.column_text, fmt.wrap)
    fit_row(ws, r, ((row_label, WIDTHS[3]), (c.column_text, WIDTHS[4])))
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
    ws.write_string(r, 0, texts.YOY_DISTRICT, fmt.heading)
    _header(ws, r + 1, texts.YOY_COLS, fmt)
    r += 2
    first = r
    for line in lines:
        _line(ws, r, data.spec, "", "", line, fmt, rate=True)
        r += 1
    if r - 1 > first:  # the district's name and code once, beside all its lines
        for col, text in ((0, data.district_name or TOTALS_PATH), (1, data.district_code)):
            ws.merge_range(first, col, r - 1, col, "", fmt.wrap)
            ws.write_string(first, col, text, fmt.wrap)
    return r + 1


def _value(ws: Worksheet, r: int, col: int, value: object, fmt: SummaryFormats) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(r, col, value, fmt.number["amount" if isinstance(value, float) else "count"])
    else:
        ws.write_string(r, col, "" if value is None else str(value), fmt.text)


def _rules(ws: Worksheet, r: int, data: RollupData, yoy: Yoy, fmt: SummaryFormats) -> int:
    ws.write_string(r, 0, texts.YOY_RULES, fmt.heading)
    _header(ws, r + 1, texts.YOY_RULE_COLS, fmt)
    r += 2
    rows: list[tuple[str, str, Finding]] = [(data.district_name or TOTALS_PATH, data.district_code, f)
                                            for f in yoy.district_findings]
    rows += [(u.name, u.code, f) for u in yoy.units for f in u.findings]
    if not rows:
        ws.write_string(r, 0, texts.YOY_NO_RULES, fmt.subtitle)
        return r + 2
    for name, code, f in rows:
        ws.write_string(r, 0, name, fmt.text)
        ws.write_string(r, 1, code, fmt.text)
        ws.write_string(r, 2, f"{texts.SEVERITY_LABEL[f.severity]} {f.code}", fmt.text)
        ws.write_string(r, 3, " ".join(p for p in (f.sheet, f.cell) if p), fmt.text)
        ws.write_string(r, 4, f.message_zh, fmt.wrap)
        fit_row(ws, r, ((f.message_zh, WIDTHS[4]),))
        _value(ws, r, 5, f.found, fmt)
        _value(ws, r, 6, f.expected, fmt)
        r += 1
    return r + 1


def _previous_files(ws: Worksheet, r: int, yoy: Yoy, fmt: SummaryFormats) -> int:
    ws.write_string(r, 0, texts.YOY_PREVIOUS_FILES, fmt.heading)
    _header(ws, r + 1, texts.YOY_FILE_COLS, fmt)
    r += 2
    for fate in yoy.previous.files:
        f = fate.file
        ws.write_string(r, 0, fate.unit.name if fate.unit else f.unit_name, fmt.text)
        ws.write_string(r, 1, fate.unit.code if fate.unit else f.unit_code, fmt.text)
        ws.write_string(r, 2, fate.label, fmt.fate[fate.fate])
        ws.write_string(r, 3, PurePath(f.path).name, fmt.text)
        ws.write_string(r, 4, fate.note, fmt.wrap)
        fit_row(ws, r, ((fate.note, WIDTHS[4]),))
        r += 1
    return r + 1


def _units(ws: Worksheet, r: int, spec: FormatSpec, yoy: Yoy, fmt: SummaryFormats) -> None:
    ws.write_string(r, 0, texts.YOY_UNITS, fmt.heading)
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
    ws.write_string(0, 0, texts.YOY_TITLE.format(year=data.year, previous=yoy.previous_year), fmt.title)
    notes = []
    if yoy.previous_format != spec.id:
        notes.append(texts.YOY_FORMAT_NOTE.format(previous_format=load_spec(yoy.previous_format).name,
                                                  format=spec.name, common=len(yoy.keys)))
    counted = sum(1 for f in yoy.previous.files if f.counted)
    notes.append(texts.YOY_SOURCE_ROLLUP if yoy.district_source == "rollup"
                 else texts.YOY_SOURCE_UNITS.format(n=counted))
    if not yoy.district_checked:
        notes.append(texts.YOY_COVERAGE_NOTE.format(this=yoy.coverage[0], last=yoy.coverage[1]))
    ws.write_string(1, 0, "".join(notes), fmt.subtitle)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    r = _district(ws, 3, data, yoy.district, fmt)
    r = _rules(ws, r, data, yoy, fmt)
    r = _previous_files(ws, r, yoy, fmt)
    _units(ws, r, spec, yoy, fmt)
    ws.freeze_panes(3, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
