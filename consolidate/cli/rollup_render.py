"""What ``consolidate rollup`` shows on the terminal. Rendering only: it decides nothing."""

from __future__ import annotations

from pathlib import PurePath

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..report import FileResult
from ..rollup import RollupResult
from ..rollup.texts import FATE_LABEL

STYLE = {"accepted": "green", "invalid": "red", "unreadable": "red", "missing": "dim", "superseded": "yellow",
         "unlisted": "yellow"}


def _note(note: str, f: FileResult) -> str:
    """For a file with errors, its first error says more than the fate does."""
    first = next((x for x in f.findings if x.severity == "error"), None)
    if first is None:
        return note
    more = f"（另有 {f.counts['error'] - 1} 个错误）" if f.counts["error"] > 1 else ""
    return first.message_zh + more


def attention_table(result: RollupResult) -> Table | None:
    """Units with errors or missing, and every file that did not count (the rest is in the workbook)."""
    sel = result.data.selection
    table = Table(title="需要关注的单位和文件", title_justify="left")
    table.add_column("单位", overflow="fold")
    table.add_column("情况", no_wrap=True)
    table.add_column("文件", overflow="fold")
    table.add_column("错误", justify="right")
    table.add_column("警告", justify="right")
    table.add_column("说明", overflow="fold")
    fate_of = {id(f.file): f for f in sel.files}
    rows = 0
    for unit in sel.units:
        if unit.fate == "accepted":
            continue
        f = unit.file
        counts = f.counts if f is not None else {"error": 0, "warning": 0}
        note = _note(fate_of[id(f)].note, f) if f is not None else ""
        table.add_row(escape(unit.name), f"[{STYLE[unit.fate]}]{unit.label}[/]",
                      escape(PurePath(f.path).name) if f else "", str(counts["error"] or ""),
                      str(counts["warning"] or ""), escape(note))
        rows += 1
    chosen = {id(u.file) for u in sel.units if u.file is not None}
    for fate in sel.files:
        if id(fate.file) in chosen:
            continue
        counts = fate.file.counts
        name = fate.unit.name if fate.unit else (fate.file.unit_name or "—")
        table.add_row(escape(name), f"[{STYLE[fate.fate]}]{fate.label}[/]", escape(PurePath(fate.file.path).name),
                      str(counts["error"] or ""), str(counts["warning"] or ""), escape(_note(fate.note, fate.file)))
        rows += 1
    return table if rows else None


def render_rollup(console: Console, result: RollupResult) -> None:
    data = result.data
    table = attention_table(result)
    if table is not None:
        console.print(table)
    counts = data.selection.unit_counts()
    files = data.selection.file_counts()
    if data.selection.roster_size:
        rate = data.submission_rate or 0.0
        console.print(f"名单 {data.selection.roster_size} 个单位：{FATE_LABEL['accepted']} {counts['accepted']}，"
                      f"{FATE_LABEL['invalid']} {counts['invalid']}，{FATE_LABEL['missing']} {counts['missing']}；"
                      f"报送率 {rate:.1%}。", soft_wrap=True)
    console.print(f"收到 {len(data.selection.files)} 个文件：" +
                  "，".join(f"{FATE_LABEL[k]} {v}" for k, v in files.items() if v) + "。",  # type: ignore[index]
                  soft_wrap=True)
    console.print(f"计入汇总 {data.counted} 份报表，共 {data.units} 个单位（{data.spec.name}，{data.year} 年度）。",
                  soft_wrap=True)
    if data.totals_findings:
        console.print(f"[red]汇总数重新核对发现 {len(data.totals_findings)} 个问题[/]，见汇总表“说明”和“问题清单”。",
                      soft_wrap=True)
    if data.yoy is not None:
        n = len(data.yoy.district_findings) + sum(len(u.findings) for u in data.yoy.units)
        console.print(f"与 {data.yoy.previous_year} 年对比：{n} 条跨年度提示（见“同比”表）。", soft_wrap=True)
    for path in result.skipped:
        console.print(f"[dim]跳过上次生成的汇总表：{escape(path)}[/]", soft_wrap=True)
    console.print(f"汇总表：[bold]{escape(str(result.out))}[/]", soft_wrap=True)
