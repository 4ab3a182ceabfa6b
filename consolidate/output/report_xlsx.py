"""The office's validation report workbook (``consolidate validate --report FILE.xlsx``).

Two sheets: 文件 (one row per input file: unit, file, status, format, year, counts, the
first problem, path, sha256; the run's totals on top) and 问题 (every finding of every file,
written by the shared findings-table writer). Both have a frozen, filterable header, and
print landscape one page wide with their pages numbered (the path and the sha256 stand
outside the print area). Every text comes from the catalog, in ``lang``.

The workbook is byte-for-byte reproducible: the created date is pinned, nothing in it
depends on the clock, and every text (unit names, paths, messages) is written as text,
so a unit name beginning with ``=`` never becomes a formula.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..errors import ConsolidateError, os_error_msg
from ..findings import Status, Value
from ..i18n import N_, in_language
from ..read.meta import REPORT_KIND
from ..report import ROLLUP_KIND, FileResult, Report
from ..roster import Roster
from ..spec import FORMATS, load_spec
from ..spec.model import Lang
from ..writing import InputFiles, write_atomically
from ..xlsx.findings_sheet import (
    SEVERITY_COLOURS,
    fit_width,
    row_height,
    shown_width,
    write_findings_sheet,
    write_value,
)
from ..xlsx.findings_sheet import (
    finding_rows as _finding_rows,
)
from ..xlsx.meta import write_meta
from ..xlsx.styles import CHARSET, FAIL_FILL, FAIL_FONT, FONT, FONT_SIZE, HEADER_FILL, PASS_FILL, PASS_FONT, page_footer

CREATED = datetime(2000, 1, 1)  # pinned: the same report gives the same bytes

STATUS_LABEL: dict[Status, str] = {"valid": N_("通过"), "invalid": N_("有错误"), "unreadable": N_("无法读取")}
STATUS_COLOURS: dict[Status, tuple[str, str]] = {
    "valid": (PASS_FILL, PASS_FONT),
    "invalid": (FAIL_FILL, FAIL_FONT),
    "unreadable": ("#BFBFBF", "#7F0000"),
}

TEXT: dict[str, str] = {
    "files_sheet": N_("文件"),
    "findings_sheet": N_("问题"),
    "title": N_("政府信息公开工作年度报告统计表 审核结果"),
    "totals": N_("共 {files} 个文件：通过 {valid} 个，有错误 {invalid} 个，无法读取 {unreadable} 个；"
                 "共发现错误 {error} 条、警告 {warning} 条、提示 {info} 条。"),
    "run": N_("格式：{format}；年度：{year}；审核程序：consolidate {version}"),
    "per_file": N_("按文件识别"),
    "how": N_("“问题”表逐条列出每个文件的问题（可按单位、级别、规则筛选）；有错误或无法读取的文件请退回单位修改后重新报送。"),
    "findings_heading": N_("全部问题（共 {n} 条）"),
    "findings_how": N_("每行一个问题；可用表头的筛选按单位、文件、级别或规则查看。"),
    "foreign": N_("非下发模板"),
    "join": N_("，"),
}


def text(key: str, lang: Lang) -> str:
    return in_language(lang, TEXT[key])


@dataclass(frozen=True)
class FileColumn:
    key: str
    title: str  # a catalog id
    min_width: float
    max_width: float
    value: Callable[[FileResult, Lang], Value]
    wrap: bool = False


def format_label(result: FileResult, lang: Lang) -> str:
    """“2021年格式” (the spec's name), with what kind of file it is when not a template."""
    name = result.format or ""
    if result.format in FORMATS and lang == "zh":
        name = load_spec(result.format).name
    extra = ""
    if result.kind == "rollup":
        extra = in_language(lang, ROLLUP_KIND).format(units=result.units)
    elif result.kind == "foreign":
        extra = text("foreign", lang)
    return text("join", lang).join(p for p in (name, extra) if p)


def first_problem(result: FileResult, lang: Lang) -> str:
    """The message of the first error (else the first warning): what the row is about."""
    for severity in ("error", "warning"):
        for f in result.findings:
            if f.severity == severity:
                return f.message(lang)
    return ""


# Printed landscape one page wide (about 125 width units: text 9 points or more on paper);
# the full path and the sha256 stand last, outside the print area.
FILE_COLUMNS: tuple[FileColumn, ...] = (
    FileColumn("unit", N_("单位名称"), 12, 16, lambda f, _: f.unit_name, wrap=True),
    FileColumn("code", N_("单位代码"), 10, 20, lambda f, _: f.unit_code),
    FileColumn("file", N_("文件"), 12, 18, lambda f, _: PurePath(f.path).name, wrap=True),
    FileColumn("status", N_("状态"), 6, 7, lambda f, lang: in_language(lang, STATUS_LABEL[f.status]), wrap=True),
    FileColumn("format", N_("格式"), 8, 10, format_label, wrap=True),
    FileColumn("year", N_("年度"), 5, 5, lambda f, _: f.year),
    FileColumn("errors", N_("错误数"), 5, 5, lambda f, _: f.counts["error"]),
    FileColumn("warnings", N_("警告数"), 5, 5, lambda f, _: f.counts["warning"]),
    FileColumn("infos", N_("提示数"), 5, 5, lambda f, _: f.counts["info"]),
    FileColumn("problem", N_("主要问题"), 24, 32, first_problem, wrap=True),
    FileColumn("path", N_("路径"), 12, 60, lambda f, _: f.path),
    FileColumn("sha256", N_("sha256"), 16, 20, lambda f, _: f.sha256),  # the whole hash is in the cell
)
PRINTED_COLUMNS = 10  # 单位名称 … 主要问题


def _formats(workbook: Workbook) -> dict[str, Any]:
    base: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "font_charset": CHARSET}
    boxed: dict[str, Any] = {**base, "border": 1, "valign": "top"}

    def fmt(start: dict[str, Any], **props: Any) -> Format:
        return workbook.add_format({**start, **props})

    return {
        "title": fmt(base, bold=True, font_size=14),
        "line": fmt(base),
        "header": fmt(boxed, bold=True, bg_color=HEADER_FILL, align="center", valign="vcenter", text_wrap=True),
        "text": fmt(boxed),
        "wrap": fmt(boxed, text_wrap=True),
        "number": fmt(boxed, align="right"),
        "errors": fmt(boxed, align="right", bold=True, font_color=SEVERITY_COLOURS["error"][1]),
        "mono": fmt(boxed, font_name="Consolas", font_size=9),
        **{f"status_{s}": fmt(boxed, align="center", bold=True, bg_color=fill, font_color=font)
           for s, (fill, font) in STATUS_COLOURS.items()},
    }


def _write_files_sheet(workbook: Workbook, report: Report, lang: Lang) -> Worksheet:
    fmts = _formats(workbook)
    ws = workbook.add_worksheet(text("files_sheet", lang))
    totals = report.totals()
    per_file = text("per_file", lang)
    heading = (
        text("title", lang),
        text("totals", lang).format(**totals),
        text("run", lang).format(format=report.format or per_file, year=report.year or per_file,
                                 version=report.tool_version),
        text("how", lang),
    )
    for i, line in enumerate(heading):
        ws.write_string(i, 0, line, fmts["title"] if i == 0 else fmts["line"])
    header = len(heading) + 1
    table = [[col.value(result, lang) for col in FILE_COLUMNS] for result in report.files]
    titles = [in_language(lang, col.title) for col in FILE_COLUMNS]
    widths = [fit_width([shown_width(titles[j]), *(shown_width(row[j]) for row in table)], col.min_width,
                        col.max_width) for j, col in enumerate(FILE_COLUMNS)]
    for j, title in enumerate(titles):
        ws.write_string(header, j, title, fmts["header"])
        ws.set_column(j, j, widths[j])
    for i, (result, values) in enumerate(zip(report.files, table, strict=True)):
        r = header + 1 + i
        for j, (col, value) in enumerate(zip(FILE_COLUMNS, values, strict=True)):
            if col.key == "status":
                fmt = fmts[f"status_{result.status}"]
            elif col.key == "errors" and value:
                fmt = fmts["errors"]
            elif col.key == "sha256":
                fmt = fmts["mono"]
            elif isinstance(value, int | float):
                fmt = fmts["number"]
            else:
                fmt = fmts["wrap"] if col.wrap else fmts["text"]
            write_value(ws, r, j, value, fmt)
        height = row_height((v, widths[j]) for j, (c, v) in enumerate(zip(FILE_COLUMNS, values, strict=True))
                            if c.wrap)
        if height is not None:
            ws.set_row(r, height)
    ws.freeze_panes(header + 1, 0)
    ws.autofilter(header, 0, header + max(len(report.files), 1), len(FILE_COLUMNS) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.print_area(0, 0, header + max(len(report.files), 1), PRINTED_COLUMNS - 1)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.7)
    ws.set_footer(page_footer(lang))
    ws.repeat_rows(header)
    return ws


def in_roster_order(report: Report, roster: Roster | None) -> Report:
    """The report with its files in roster order (files off the roster last, each group in the
    order they were checked); unchanged without a roster."""
    if roster is None:
        return report
    files = sorted(report.files, key=lambda f: roster.rank(f.unit_code, f.unit_name))  # a stable sort
    return dataclasses.replace(report, files=files)


def report_bytes(report: Report, *, lang: Lang = "zh", roster: Roster | None = None) -> bytes:
    """The report workbook as bytes (what :func:`write_report` writes); with a ``roster``,
    files are listed in its order."""
    report = in_roster_order(report, roster)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    })
    workbook.set_properties({"title": text("title", lang), "author": "consolidate", "created": CREATED})
    files = _write_files_sheet(workbook, report, lang)
    rows = _finding_rows(report.files, lang=lang)
    write_findings_sheet(workbook, text("findings_sheet", lang), rows, lang,
                         heading=(text("findings_heading", lang).format(n=len(rows)), text("findings_how", lang)))
    write_meta(workbook, {"kind": REPORT_KIND, "tool_version": report.tool_version})  # found among inputs, it is skipped
    files.activate()
    workbook.close()
    return buffer.getvalue()


def write_report(report: Report, path: Path, *, lang: Lang = "zh", roster: Roster | None = None) -> None:
    """Write the validation report workbook to ``path`` (replaced atomically).

    Raises :class:`ConsolidateError` when ``path`` is one of the report's input files or
    cannot be written (no permission, open in Excel on Windows); a missing folder is made.
    """
    path = Path(path)
    if path in InputFiles(f.path for f in report.files):
        raise ConsolidateError(
            N_("审核结果工作簿 {path} 与一个被审核的文件同名，不能覆盖报送的文件。请换一个文件名。"), path=path,
        )
    data = report_bytes(report, lang=lang, roster=roster)
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise ConsolidateError(
            N_("无法写入审核结果工作簿 {path}（{reason}）。请检查文件夹是否存在、文件是否正在被 Excel 打开。"), path=path, reason=os_error_msg(exc),
        ) from exc

