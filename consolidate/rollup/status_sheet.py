"""报送情况: every roster unit and every file, with what happened to it; the rate on top.

Printed landscape, one page wide, header row repeated; the SHA-256 and the full path stand
last, outside the print area, so the printed columns stay readable.

The units come first (roster order, each with the file that speaks for it, or 未报送),
then every other file (superseded, unlisted, unreadable, not attributable to a unit),
in the order given. Nothing that went in is left out.
"""

from __future__ import annotations

from pathlib import PurePath

from xlsxwriter.worksheet import Worksheet

from ..i18n import _
from ..report import FileResult
from . import texts
from .data import RollupData
from .formats import SummaryFormats, fit_row, page_footer
from .select import FileFate
from .texts import Fate

COLS = texts.STATUS_COLS
# Printed landscape one page wide at 9 points or more: 序号 … 警告数. The unit code, the SHA-256
# and the full path stand last, out of the print area (for the clerk's search, not for paper).
WIDTHS = (5.0, 18.0, 9.0, 26.0, 22.0, 8.0, 12.0, 10.0, 6.0, 6.0, 20.0, 66.0, 60.0)
PRINTED = 10
TABLE_TOP = 6


def _file_cells(ws: Worksheet, r: int, f: FileResult | None, fmt: SummaryFormats) -> None:
    if f is None:
        for col in (*range(4, 10), 11, 12):
            ws.write_blank(r, col, None, fmt.text)
        return
    counts = f.counts
    ws.write_string(r, 4, PurePath(f.path).name, fmt.wrap)
    ws.write_string(r, 5, f.identity.get("filler", ""), fmt.wrap)
    ws.write_string(r, 6, f.identity.get("phone", ""), fmt.text)
    ws.write_string(r, 7, f.identity.get("filled_on", ""), fmt.text)
    ws.write_number(r, 8, counts["error"], fmt.integer)
    ws.write_number(r, 9, counts["warning"], fmt.integer)
    ws.write_string(r, 11, f.sha256 or "", fmt.text)
    ws.write_string(r, 12, f.path, fmt.text)


def _row(ws: Worksheet, r: int, number: int, name: str, code: str, fate: Fate, label: str, note: str,
         f: FileResult | None, fmt: SummaryFormats, confirmed: bool = False) -> None:
    ws.write_number(r, 0, number, fmt.integer)
    ws.write_string(r, 1, name, fmt.wrap)
    ws.write_string(r, 2, _(label), fmt.fate_wrap[fate])
    ws.write_string(r, 3, note, fmt.fate_wrap["invalid"] if confirmed else fmt.wrap)  # counted with errors: red
    ws.write_string(r, 10, code, fmt.text)
    file_name = PurePath(f.path).name if f is not None else ""
    fit_row(ws, r, ((note, WIDTHS[3]), (name, WIDTHS[1]), (_(label), WIDTHS[2]), (file_name, WIDTHS[4])))
    _file_cells(ws, r, f, fmt)


def _fate_name(fate: FileFate) -> tuple[str, str]:
    if fate.unit is not None:
        return fate.unit.name, fate.unit.code
    f = fate.file
    if f.status == "unreadable":
        return "", ""
    return f.unit_name or _(texts.UNNAMED_UNIT), f.unit_code


def write_status_sheet(ws: Worksheet, data: RollupData, fmt: SummaryFormats) -> None:
    sel = data.selection
    ws.write_string(0, 0, _(texts.SHEET_STATUS), fmt.title)
    units, files = sel.unit_counts(), sel.file_counts()
    rates = data.rates
    ws.write_string(1, 0, _(texts.STATUS_RATE), fmt.heading)
    if rates.submission_rate is None or rates.pass_rate is None:
        ws.write_string(1, 4, _(texts.STATUS_NO_ROSTER), fmt.heading)
    else:
        ws.write_number(1, 4, rates.submission_rate, fmt.percent_big)
        ws.write_string(2, 0, _(texts.STATUS_PASSED), fmt.subtitle)
        ws.write_number(2, 4, rates.pass_rate, fmt.percent_big)
    join = _(texts.NOTE_JOIN)
    unit_line = join.join(_(texts.STATUS_UNIT_PART).format(label=_(texts.FATE_LABEL[k]), n=units[k])  # type: ignore[index]
                          for k in ("accepted", "invalid", "missing"))
    file_line = join.join(_(texts.STATUS_FILE_PART).format(label=_(texts.FATE_LABEL[k]), n=files[k])  # type: ignore[index]
                          for k in files)
    ws.write_string(3, 0, (_(texts.STATUS_UNITS) if sel.roster_size else _(texts.STATUS_UNITS_NO_ROSTER)).format(
        parts=unit_line), fmt.subtitle)
    ws.write_string(4, 0, _(texts.STATUS_FILES).format(n=len(sel.files), parts=file_line), fmt.subtitle)

    for col, (text, width) in enumerate(zip(COLS, WIDTHS, strict=True)):
        ws.write_string(TABLE_TOP, col, _(text), fmt.header_wrap)
        ws.set_column(col, col, width)
    ws.set_row(TABLE_TOP, 33)
    r = TABLE_TOP + 1
    number = 0
    fate_of = {id(f.file): f for f in sel.files}
    for unit in sel.units:
        number += 1
        note = fate_of[id(unit.file)].note if unit.file is not None else _(texts.NOTE_NOT_SENT)
        _row(ws, r, number, unit.name, unit.code, unit.fate, unit.label, note, unit.file, fmt,
             confirmed=unit.fate == "invalid" and unit.counted)
        r += 1
    chosen = {id(u.file) for u in sel.units if u.file is not None}
    for fate in sel.files:
        if id(fate.file) in chosen:
            continue
        number += 1
        name, code = _fate_name(fate)
        _row(ws, r, number, name, code, fate.fate, fate.label, fate.note, fate.file, fmt)
        r += 1
    ws.autofilter(TABLE_TOP, 0, max(TABLE_TOP + 1, r - 1), len(COLS) - 1)
    ws.freeze_panes(TABLE_TOP + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.print_area(0, 0, max(TABLE_TOP + 1, r - 1), PRINTED - 1)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.7)
    ws.set_footer(page_footer())
    ws.repeat_rows(TABLE_TOP)
