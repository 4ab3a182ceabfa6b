"""The summary workbook: the district's totals in the official layout, and how they came about.

Sheets: 表二, 表三, 表四 (the tables in the template's layout, each printed on its own page:
``tables_sheet``), 分单位明细, 报送情况, 问题清单, 同比 (with last year's files), 图表, 说明,
填报信息 (saying it is a summary) and the hidden ``_meta`` (kind=rollup, layout=template,
units=N), so the workbook is itself a valid submission for the next level, read as any.
Every sheet prints on A4 with its pages numbered; every text is in the current language.

The bytes depend only on the data, the tool version and ``now`` (shown on 说明 and as the
填报日期 of 填报信息): the workbook's created date is pinned to 1 January after the
report year, and every text is written as text (a name starting with ``=`` stays text).
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePath

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..findings import count_by_severity
from ..i18n import _, current
from ..report import ROLLUP_KIND
from ..spec import load_common
from ..xlsx import make_styles, workbook_options, write_identity, write_meta
from ..xlsx.findings_sheet import FindingRow, write_findings_sheet
from . import texts
from .bulk import fill
from .charts import write_charts_sheet
from .data import TOTALS_PATH, RollupData
from .detail_sheet import write_detail_sheet
from .formats import SummaryFormats, fit_row, page_footer
from .status_sheet import write_status_sheet
from .tables_sheet import page_title, write_table_sheets
from .yoy_sheet import write_yoy_sheet

NOTES_WIDTH = 56.0  # with the label column, a portrait A4 page at 9 points or more


def created_date(year: int) -> datetime:
    """The workbook's pinned creation date: 1 January after the report year."""
    return datetime(year + 1, 1, 1)


def finding_rows(data: RollupData) -> list[FindingRow]:
    """Every finding of every file (in input order), then those on the totals, then 同比."""
    rows: list[FindingRow] = []
    for fate in data.selection.files:
        f = fate.file
        unit = fate.unit.name if fate.unit else (f.unit_name or _(texts.UNNAMED_UNIT))
        rows.extend(FindingRow(x, unit, f.path) for x in f.findings)
    district = data.district_name or _(TOTALS_PATH)
    rows.extend(FindingRow(x, district, _(TOTALS_PATH)) for x in data.totals_findings)
    if data.yoy is not None:
        rows.extend(FindingRow(x, district, _(TOTALS_PATH)) for x in data.yoy.district_findings)
        path_of = {u.name: u.file.path for u in data.selection.units if u.file is not None}
        for unit_yoy in data.yoy.units:
            rows.extend(FindingRow(x, unit_yoy.name, path_of.get(unit_yoy.name, "")) for x in unit_yoy.findings)
        for fate, x in data.yoy.previous_problems():  # last year's files that 同比 could not use
            rows.append(FindingRow(x, fate.unit.name if fate.unit else (fate.file.unit_name or texts.UNNAMED_UNIT),
                                   fate.file.path))
    return rows


def write_notes_sheet(ws: Worksheet, data: RollupData, fmt: SummaryFormats, *, now: datetime,
                      tool_version: str) -> None:
    spec = data.spec
    sel = data.selection
    facts = {
        "ran_at": now.strftime("%Y-%m-%d %H:%M"),
        "tool_version": f"consolidate {tool_version}",
        "format": _(texts.NOTES_FORMAT).format(name=spec.name, notice=spec.notice),
        "year": str(data.year),
        "district": " ".join(p for p in (data.district_name, data.district_code) if p) or _(texts.NOTES_NOT_GIVEN),
        "roster_units": (_(texts.NOTES_ROSTER).format(n=sel.roster_size, source=PurePath(data.roster_source).name)
                         if sel.roster_size is not None else _(texts.NOTES_NO_ROSTER)),
        "files": str(len(sel.files)),
        "counted": str(data.counted),
        "units": str(data.units),
    }
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, NOTES_WIDTH)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.set_footer(page_footer())
    ws.hide_gridlines(2)
    ws.write_string(0, 0, _(texts.NOTES_TITLE), fmt.title)
    r = 2
    for label, key in texts.NOTES_FACTS:
        ws.write_string(r, 0, _(label), fmt.label)
        ws.write_string(r, 1, facts[key], fmt.value)
        fit_row(ws, r, ((facts[key], NOTES_WIDTH),))
        r += 1
    units, files = sel.unit_counts(), sel.file_counts()
    join = _(texts.NOTE_JOIN)
    unit_line = join.join(f"{_(texts.FATE_LABEL[k])} {units[k]}" for k in ("accepted", "invalid", "missing"))
    file_line = join.join(f"{_(texts.FATE_LABEL[k])} {v}" for k, v in files.items())  # type: ignore[index]
    ws.write_string(r, 0, _(texts.NOTES_UNITS), fmt.label)
    ws.write_string(r, 1, unit_line, fmt.value)
    fit_row(ws, r, ((unit_line, NOTES_WIDTH),))
    ws.write_string(r + 1, 0, _(texts.NOTES_FILES), fmt.label)
    ws.write_string(r + 1, 1, file_line, fmt.value)
    fit_row(ws, r + 1, ((file_line, NOTES_WIDTH),))
    r += 3
    n = len(data.totals_findings)
    checked = _(texts.NOTES_CHECK_BAD).format(n=n) if n else _(texts.NOTES_CHECK_OK)
    ws.merge_range(r, 0, r, 1, "", fmt.heading_wrap)
    ws.write_string(r, 0, checked, fmt.heading_wrap)
    fit_row(ws, r, ((checked, NOTES_WIDTH + 22),))
    r += 1
    for f in data.totals_findings:
        message = f.message(current())
        ws.write_string(r, 1, message, fmt.line)
        fit_row(ws, r, ((message, NOTES_WIDTH),))
        r += 1
    r += 1
    ws.write_string(r, 0, _(texts.NOTES_HOW_HEADING), fmt.heading)
    r += 1
    for label, line in texts.NOTES_HOW:
        ws.write_string(r, 0, _(label), fmt.label)
        ws.write_string(r, 1, _(line), fmt.value)
        fit_row(ws, r, ((_(line), NOTES_WIDTH),))
        r += 1


def identity_values(data: RollupData, now: datetime) -> dict[str, str | int]:
    """The summary's own 填报信息: this level's name and code, and that it is a summary."""
    return {"unit_name": data.district_name, "unit_code": data.district_code,
            "unit_type": _(ROLLUP_KIND).format(units=data.units),
            "year": data.year, "filled_on": now.date().isoformat()}


def summary_bytes(data: RollupData, *, now: datetime, tool_version: str) -> bytes:
    """The summary workbook as bytes (xlsx), its texts in the current language."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, workbook_options())
    workbook.set_properties({
        "title": page_title(data),
        "author": "consolidate",
        "comments": f"consolidate {tool_version}",
        "created": created_date(data.year),
    })
    fmt = SummaryFormats.make(workbook)
    styles = make_styles(workbook)
    write_table_sheets(workbook, data, styles, fmt, now=now)
    pending = write_detail_sheet(workbook.add_worksheet(_(texts.SHEET_DETAIL)), data, fmt)
    write_status_sheet(workbook.add_worksheet(_(texts.SHEET_STATUS)), data, fmt)
    rows = finding_rows(data)
    counts = count_by_severity([r.finding for r in rows])
    findings = write_findings_sheet(workbook, _(texts.SHEET_FINDINGS), rows, current(), heading=(
        _(texts.SHEET_FINDINGS),
        _(texts.FINDINGS_HEADING).format(n=len(rows), **counts),
    ))
    findings.set_footer(page_footer())
    if data.yoy is not None:
        write_yoy_sheet(workbook.add_worksheet(_(texts.SHEET_YOY)), data, fmt)
    charts = workbook.add_worksheet(_(texts.SHEET_CHARTS))
    write_charts_sheet(workbook, charts, data, fmt)
    write_notes_sheet(workbook.add_worksheet(_(texts.SHEET_NOTES)), data, fmt, now=now, tool_version=tool_version)
    common = load_common()
    note = _(texts.IDENTITY_SUMMARY_NOTE).format(name=data.district_name, year=data.year, units=data.units)
    identity = write_identity(workbook, styles, identity_values(data, now), locked={f.id for f in common.fields},
                              note=note)
    identity.set_footer(page_footer())
    spec = data.spec
    write_meta(workbook, {
        "kind": "rollup", "format": spec.id, "spec_version": spec.spec_version, "spec_hash": spec.hash,
        "layout": "template", "unit_code": data.district_code, "unit_name": data.district_name, "year": data.year,
        "units": data.units, "tool_version": tool_version,
    })
    workbook.close()
    return fill(buffer.getvalue(), pending)
