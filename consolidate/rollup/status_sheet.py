"""报送情况: every roster unit and every file, with what happened to it; the rate on top.

The units come first (roster order, each with the file that speaks for it, or 未报送),
then every other file (superseded, unlisted, unreadable, not attributable to a unit),
in the order given. Nothing that went in is left out.
"""

from __future__ import annotations

from pathlib import PurePath

from xlsxwriter.worksheet import Worksheet

from ..report import FileResult
from . import texts
from .data import RollupData
from .formats import SummaryFormats, fit_row
from .select import FileFate
from .texts import Fate

COLS = (*texts.STATUS_COLS, "路径")
WIDTHS = (6.0, 30.0, 21.0, 14.0, 44.0, 48.0, 18.0, 10.0, 15.0, 12.0, 8.0, 8.0, 60.0)
TABLE_TOP = 6


def _file_cells(ws: Worksheet, r: int, f: FileResult | None, fmt: SummaryFormats) -> None:
    if f is None:
        for col in range(5, len(COLS)):
            ws.write_blank(r, col, None, fmt.text)
        return
    counts = f.counts
    ws.write_string(r, 5, PurePath(f.path).name, fmt.text)
    ws.write_string(r, 6, f.sha256 or "", fmt.text)
    ws.write_string(r, 7, f.identity.get("filler", ""), fmt.text)
    ws.write_string(r, 8, f.identity.get("phone", ""), fmt.text)
    ws.write_string(r, 9, f.identity.get("filled_on", ""), fmt.text)
    ws.write_number(r, 10, counts["error"], fmt.integer)
    ws.write_number(r, 11, counts["warning"], fmt.integer)
    ws.write_string(r, 12, f.path, fmt.text)


def _row(ws: Worksheet, r: int, number: int, name: str, code: str, fate: Fate, label: str, note: str,
         f: FileResult | None, fmt: SummaryFormats) -> None:
    ws.write_number(r, 0, number, fmt.integer)
    ws.write_string(r, 1, name, fmt.text)
    ws.write_string(r, 2, code, fmt.text)
    ws.write_string(r, 3, label, fmt.fate[fate])
    ws.write_string(r, 4, note, fmt.wrap)
    fit_row(ws, r, ((note, WIDTHS[4]), (name, WIDTHS[1])))
    _file_cells(ws, r, f, fmt)


def _fate_name(fate: FileFate) -> tuple[str, str]:
    if fate.unit is not None:
        return fate.unit.name, fate.unit.code
    f = fate.file
    if f.status == "unreadable":
        return "", ""
    return f.unit_name or texts.UNNAMED_UNIT, f.unit_code


def write_status_sheet(ws: Worksheet, data: RollupData, fmt: SummaryFormats) -> None:
    sel = data.selection
    ws.write_string(0, 0, texts.SHEET_STATUS, fmt.title)
    units, files = sel.unit_counts(), sel.file_counts()
    rate = data.submission_rate
    ws.write_string(1, 0, texts.STATUS_RATE, fmt.heading)
    if rate is None:
        ws.write_string(1, 4, "（未提供报送名单）", fmt.heading)
    else:
        ws.write_number(1, 4, rate, fmt.percent_big)
        submitted = (units["accepted"] + units["invalid"]) / (sel.roster_size or 1)
        ws.write_string(2, 0, texts.STATUS_SUBMITTED, fmt.subtitle)
        ws.write_number(2, 4, submitted, fmt.percent_big)
    unit_line = "；".join(f"{texts.FATE_LABEL[k]} {units[k]} 个单位" for k in ("accepted", "invalid", "missing"))
    file_line = "；".join(f"{texts.FATE_LABEL[k]} {files[k]} 个" for k in files)  # type: ignore[index]
    ws.write_string(3, 0, f"名单单位：{unit_line}" if sel.roster_size else f"报送单位：{unit_line}", fmt.subtitle)
    ws.write_string(4, 0, f"收到文件 {len(sel.files)} 个：{file_line}", fmt.subtitle)

    for col, (text, width) in enumerate(zip(COLS, WIDTHS, strict=True)):
        ws.write_string(TABLE_TOP, col, text, fmt.header)
        ws.set_column(col, col, width)
    r = TABLE_TOP + 1
    number = 0
    fate_of = {id(f.file): f for f in sel.files}
    for unit in sel.units:
        number += 1
        note = fate_of[id(unit.file)].note if unit.file is not None else texts.NOTE_NOT_SENT
        _row(ws, r, number, unit.name, unit.code, unit.fate, unit.label, note, unit.file, fmt)
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
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(TABLE_TOP)
