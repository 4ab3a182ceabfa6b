"""What ``consolidate validate`` shows on the terminal: progress, findings, the summary table.

Rendering only: it takes the library's ``Report`` and prints it with rich; it decides
nothing about the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..report import FileResult, Report
from ..spec.model import Lang

PROGRESS_FROM = 20  # files: fewer are read before a bar would be worth drawing
DETAIL_FILES = 10  # when at most this many files have problems, they are listed on the terminal

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "reading": "读取与审核", "unit": "单位", "file": "文件", "status": "状态", "errors": "错误", "warnings": "警告",
        "valid": "通过", "invalid": "有错误", "unreadable": "无法读取", "title": "审核结果",
        "totals": "共 {files} 个文件：通过 {valid} 个，有错误 {invalid} 个，无法读取 {unreadable} 个；"
                  "错误 {error} 条，警告 {warning} 条，提示 {info} 条。",
        "more": "…… 另有 {n} 条，详见 --report 或 --json。",
        "hint": "逐条问题清单：加 --report 审核结果.xlsx；退改批注副本：加 --annotate 文件夹。",
        "annotated": "已生成 {n} 个问题标注副本：{dir}",
        "annotate_failed": "未能生成问题标注副本：{message}",
        "report": "审核结果工作簿：{path}", "json": "JSON 报告：{path}",
    },
    "en": {
        "reading": "Reading and checking", "unit": "Unit", "file": "File", "status": "Status", "errors": "Errors",
        "warnings": "Warnings", "valid": "valid", "invalid": "invalid", "unreadable": "unreadable",
        "title": "Validation", "totals": "{files} files: {valid} valid, {invalid} invalid, {unreadable} unreadable; "
                                         "{error} errors, {warning} warnings, {info} notes.",
        "more": "... and {n} more: see --report or --json.",
        "hint": "Every finding: add --report results.xlsx; copies marked up for the units: add --annotate DIR.",
        "annotated": "{n} annotated copies written to {dir}",
        "annotate_failed": "could not annotate: {message}",
        "report": "Report workbook: {path}", "json": "JSON report: {path}",
    },
}
SEVERITY: dict[str, dict[str, str]] = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "note"},
}
STYLE = {"valid": "green", "invalid": "red", "unreadable": "yellow", "error": "red", "warning": "yellow", "info": "dim"}


class ProgressBar(AbstractContextManager["ProgressBar"]):
    """``on_progress(done, total)`` for the library: a bar on stderr once there are many files."""

    def __init__(self, console: Console, lang: Lang) -> None:
        self.console, self.lang = console, lang
        self.progress: Progress | None = None
        self.task = TaskID(0)

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM or not self.console.is_terminal:
            return
        if self.progress is None:
            self.progress = Progress(TextColumn(TEXT[self.lang]["reading"]), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=self.console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("", total=total)
        self.progress.update(self.task, completed=done)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()


def status_text(result: FileResult, lang: Lang) -> str:
    return f"[{STYLE[result.status]}]{TEXT[lang][result.status]}[/]"


def short_paths(report: Report) -> list[str]:
    """The files as shown in the table: relative to the folder they all share."""
    paths = [Path(f.path) for f in report.files]
    if len(paths) == 1:
        return [paths[0].name]
    try:
        common = Path(os.path.commonpath([p.parent for p in paths]))
    except ValueError:  # absolute and relative paths mixed, or several drives
        return [str(p) for p in paths]
    return [p.relative_to(common).as_posix() if common != Path() else str(p) for p in paths]


def summary_table(report: Report, lang: Lang) -> Table:
    text = TEXT[lang]
    table = Table(title=text["title"], title_justify="left", show_lines=False)
    table.add_column(text["unit"], overflow="fold")
    table.add_column(text["file"], overflow="fold")
    table.add_column(text["status"], no_wrap=True)
    table.add_column(text["errors"], justify="right")
    table.add_column(text["warnings"], justify="right")
    for result, shown in zip(report.files, short_paths(report), strict=True):
        counts = result.counts
        table.add_row(escape(result.unit_name or "—"), escape(shown), status_text(result, lang),
                      str(counts["error"]) if counts["error"] else "", str(counts["warning"]) if counts["warning"] else "")
    return table


def render_details(console: Console, report: Report, lang: Lang, limit: int = 40) -> None:
    """The errors and warnings of each file, when few files have any (the clerk's usual case)."""
    if sum(any(f.severity != "info" for f in r.findings) for r in report.files) > DETAIL_FILES:
        return
    shown = hidden = 0
    for result in report.files:
        findings = [f for f in result.findings if f.severity != "info"]
        if not findings:
            continue
        name, unit = escape(Path(result.path).name), escape(result.unit_name or "—")
        console.print(f"[bold]{name}[/]（{unit}）" if lang == "zh" else f"[bold]{name}[/] ({unit})", soft_wrap=True)
        for finding in findings:
            if shown >= limit:
                hidden += 1
                continue
            label = SEVERITY[lang][finding.severity]
            console.print(f"  [{STYLE[finding.severity]}]{label}[/] {finding.code}  {escape(finding.message(lang))}",
                          soft_wrap=True, highlight=False)
            shown += 1
    if hidden:
        console.print(TEXT[lang]["more"].format(n=hidden))


def render_summary(console: Console, report: Report, lang: Lang, *, hint: bool = True) -> None:
    render_details(console, report, lang)
    console.print(summary_table(report, lang))
    console.print(TEXT[lang]["totals"].format(**report.totals()), soft_wrap=True)
    if hint and not report.ok:
        console.print(f"[dim]{TEXT[lang]['hint']}[/]", soft_wrap=True)


def render_written(console: Console, lang: Lang, key: str, **params: object) -> None:
    console.print(escape(TEXT[lang][key].format(**params)), soft_wrap=True)


OnProgress = Callable[[int, int], None]
