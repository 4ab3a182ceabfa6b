"""The summary workbook: the district's totals in the official layout, and how they came about.

Sheets: 汇总 (the three tables, placed by ``summary_layout``), 分单位明细, 报送情况, 问题清单,
同比 (with last year's files), 图表, 说明, 填报信息 and the hidden ``_meta`` (kind=rollup,
layout=summary, units=N), so the workbook is itself a valid submission for the next level.

The bytes depend only on the data, the tool version and ``now`` (shown on 说明 and as the
填报日期 of 填报信息): the workbook's created date is pinned to 1 January after the
report year, and every text is written as text (a name starting with ``=`` stays text).
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePath

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..findings import count_by_severity
from ..spec import load_common, summary_layout
from ..xlsx import Styles, column_widths, make_styles, workbook_options, write_identity, write_meta, write_table
from ..xlsx.findings_sheet import FindingRow, write_findings_sheet
from . import texts
from .bulk import fill
from .charts import write_charts_sheet
from .data import TOTALS_PATH, RollupData
from .detail_sheet import write_detail_sheet
from .formats import SummaryFormats, fit_row
from .status_sheet import write_status_sheet
from .yoy_sheet import write_yoy_sheet

NOTES_WIDTH = 80.0


def created_date(year: int) -> datetime:
    """The workbook's pinned creation date: 1 January after the report year."""
    return datetime(year + 1, 1, 1)


def write_totals_sheet(workbook: Workbook, data: RollupData, styles: Styles, fmt: SummaryFormats) -> Worksheet:
    spec = data.spec
    layouts = summary_layout(spec)
    sheet = next(iter(layouts.values())).sheet
    ws = workbook.add_worksheet(sheet)
    widths = column_widths(layouts.values())
    width = max(lay.width for lay in layouts.values())
    ws.merge_range(0, 0, 0, width - 1, "", styles.title)
    ws.write_string(0, 0, texts.TITLE_SUMMARY.format(name=data.district_name, year=data.year), styles.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, width - 1, "", fmt.subtitle)
    ws.write_string(1, 0, texts.SUBTITLE_SUMMARY.format(format_name=spec.name, notice=spec.notice, units=data.units),
                    fmt.subtitle)
    for layout in layouts.values():
        write_table(ws, layout, styles, values=data.totals, mode="output", spec=spec, widths=widths)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.hide_gridlines(2)
    ws.activate()
    return ws


def finding_rows(data: RollupData) -> list[FindingRow]:
    """Every finding of every file (in input order), then those on the totals, then 同比."""
    rows: list[FindingRow] = []
    for fate in data.selection.files:
        f = fate.file
        unit = fate.unit.name if fate.unit else (f.unit_name or texts.UNNAMED_UNIT)
        rows.extend(FindingRow(x, unit, f.path) for x in f.findings)
    district = data.district_name or TOTALS_PATH
    rows.extend(FindingRow(x, district, TOTALS_PATH) for x in data.totals_findings)
    if data.yoy is not None:
        rows.extend(FindingRow(x, district, TOTALS_PATH) for x in data.yoy.district_findings)
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
        "format": f"{spec.name}（{spec.notice}）",
        "year": str(data.year),
        "district": " ".join(p for p in (data.district_name, data.district_code) if p) or "（未指定）",
        "roster_units": (f"{sel.roster_size}（{PurePath(data.roster_source).name}）" if sel.roster_size is not None
                         else "（未提供名单）"),
        "files": str(len(sel.files)),
        "counted": str(data.counted),
        "units": str(data.units),
    }
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, NOTES_WIDTH)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)
    ws.write_string(0, 0, texts.NOTES_TITLE, fmt.title)
    r = 2
    for label, key in texts.NOTES_FACTS:
        ws.write_string(r, 0, label, fmt.label)
        ws.write_string(r, 1, facts[key], fmt.value)
        fit_row(ws, r, ((facts[key], NOTES_WIDTH),))
        r += 1
    units, files = sel.unit_counts(), sel.file_counts()
    ws.write_string(r, 0, "各单位报送情况", fmt.label)
    ws.write_string(r, 1, "；".join(f"{texts.FATE_LABEL[k]} {units[k]}" for k in ("accepted", "invalid", "missing")),
                    fmt.value)
    ws.write_string(r + 1, 0, "各文件处理情况", fmt.label)
    ws.write_string(r + 1, 1, "；".join(f"{texts.FATE_LABEL[k]} {v}" for k, v in files.items()),  # type: ignore[index]
                    fmt.value)
    r += 3
    n = len(data.totals_findings)
    ws.write_string(r, 0, texts.NOTES_CHECK_BAD.format(n=n) if n else texts.NOTES_CHECK_OK, fmt.heading)
    r += 1
    for f in data.totals_findings:
        ws.write_string(r, 1, f.message_zh, fmt.line)
        fit_row(ws, r, ((f.message_zh, NOTES_WIDTH),))
        r += 1
    r += 1
    ws.write_string(r, 0, "如何阅读本工作簿", fmt.heading)
    r += 1
    for label, line in texts.NOTES_HOW:
        ws.write_string(r, 0, label, fmt.label)
        ws.write_string(r, 1, line, fmt.value)
        fit_row(ws, r, ((line, NOTES_WIDTH),))
        r += 1


def summary_bytes(data: RollupData, *, now: datetime, tool_version: str) -> bytes:
    """The summary workbook as bytes (xlsx)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, workbook_options())
    workbook.set_properties({
        "title": texts.TITLE_SUMMARY.format(name=data.district_name, year=data.year),
        "author": "consolidate",
        "comments": f"consolidate {tool_version}",
        "created": created_date(data.year),
    })
    fmt = SummaryFormats.make(workbook)
    styles = make_styles(workbook)
    write_totals_sheet(workbook, data, styles, fmt)
    pending = write_detail_sheet(workbook.add_worksheet(texts.SHEET_DETAIL), data, fmt)
    write_status_sheet(workbook.add_worksheet(texts.SHEET_STATUS), data, fmt)
    rows = finding_rows(data)
    counts = count_by_severity([r.finding for r in rows])
    write_findings_sheet(workbook, texts.SHEET_FINDINGS, rows, "zh", heading=(
        texts.SHEET_FINDINGS,
        f"共 {len(rows)} 个问题：错误 {counts['error']} 个，警告 {counts['warning']} 个，提示 {counts['info']} 个。"
        "被替代的文件的问题也列在这里，供核对。",
    ))
    if data.yoy is not None:
        write_yoy_sheet(workbook.add_worksheet(texts.SHEET_YOY), data, fmt)
    charts = workbook.add_worksheet(texts.SHEET_CHARTS)
    write_charts_sheet(workbook, charts, data, fmt)
    write_notes_sheet(workbook.add_worksheet(texts.SHEET_NOTES), data, fmt, now=now, tool_version=tool_version)
    common = load_common()
    identity: dict[str, str | int] = {"unit_name": data.district_name, "unit_code": data.district_code,
                                      "year": data.year, "filled_on": now.date().isoformat()}
    write_identity(workbook, styles, identity, locked={f.id for f in common.fields})
    spec = data.spec
    write_meta(workbook, {
        "kind": "rollup", "format": spec.id, "spec_version": spec.spec_version, "spec_hash": spec.hash,
        "layout": "summary", "unit_code": data.district_code, "unit_name": data.district_name, "year": data.year,
        "units": data.units, "tool_version": tool_version,
    })
    workbook.close()
    return fill(buffer.getvalue(), pending)
