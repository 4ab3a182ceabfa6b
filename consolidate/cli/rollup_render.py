"""What ``consolidate rollup`` shows on the terminal. Rendering only: it decides nothing."""

from __future__ import annotations

from pathlib import PurePath

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..i18n import _, current
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
    more = _("（另有 {n} 个错误）").format(n=f.counts["error"] - 1) if f.counts["error"] > 1 else ""
    return first.message(current()) + more


def attention_table(result: RollupResult) -> Table | None:
    """Units with errors or missing, and every file that did not count (the rest is in the workbook)."""
    sel = result.data.selection
    table = Table(title=_("需要关注的单位和文件"), title_justify="left")
    table.add_column(_("单位"), overflow="fold")
    table.add_column(_("情况"), no_wrap=True)
    table.add_column(_("文件"), overflow="fold")
    table.add_column(_("错误数"), justify="right")
    table.add_column(_("警告数"), justify="right")
    table.add_column(_("说明"), overflow="fold")
    fate_of = {id(f.file): f for f in sel.files}
    rows = 0
    for unit in sel.units:
        if unit.fate == "accepted":
            continue
        f = unit.file
        counts = f.counts if f is not None else {"error": 0, "warning": 0}
        note = _note(fate_of[id(f)].note, f) if f is not None else ""
        table.add_row(escape(unit.name), f"[{STYLE[unit.fate]}]{_(unit.label)}[/]",
                      escape(PurePath(f.path).name) if f else "", str(counts["error"] or ""),
                      str(counts["warning"] or ""), escape(note))
        rows += 1
    chosen = {id(u.file) for u in sel.units if u.file is not None}
    for fate in sel.files:
        if id(fate.file) in chosen:
            continue
        counts = fate.file.counts
        name = fate.unit.name if fate.unit else (fate.file.unit_name or "—")
        table.add_row(escape(name), f"[{STYLE[fate.fate]}]{_(fate.label)}[/]", escape(PurePath(fate.file.path).name),
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
        rates = data.rates
        console.print(_("名单 {n} 个单位：{accepted_label} {accepted}，{invalid_label} {invalid}，"
                        "{missing_label} {missing}；报送率 {rate:.1%}，通过率 {passed:.1%}。").format(
            n=data.selection.roster_size, accepted_label=_(FATE_LABEL["accepted"]), accepted=counts["accepted"],
            invalid_label=_(FATE_LABEL["invalid"]), invalid=counts["invalid"], missing_label=_(FATE_LABEL["missing"]),
            missing=counts["missing"], rate=rates.submission_rate or 0.0, passed=rates.pass_rate or 0.0),
            soft_wrap=True)
    parts = _("，").join(f"{_(FATE_LABEL[k])} {v}" for k, v in files.items() if v)  # type: ignore[index]
    console.print(_("收到 {n} 个文件：{parts}。").format(n=len(data.selection.files), parts=parts), soft_wrap=True)
    console.print(_("计入汇总 {counted} 份报表，共 {units} 个单位（{format_name}，{year} 年度）。").format(
        counted=data.counted, units=data.units, format_name=_(data.spec.name), year=data.year), soft_wrap=True)
    if data.totals_findings:
        console.print("[red]{}[/]".format(_("汇总数重新核对发现 {n} 个问题，见汇总表“说明”和“问题清单”。").format(
            n=len(data.totals_findings))), soft_wrap=True)
    if data.yoy is not None:
        n = len(data.yoy.district_findings) + sum(len(u.findings) for u in data.yoy.units)
        console.print(_("与 {year} 年对比：{n} 条跨年度提示（见“同比”表）。").format(year=data.yoy.previous_year, n=n),
                      soft_wrap=True)
    if result.reports:
        outcomes = [r.outcome for r in result.reports]
        console.print(_("公开的年度报告 {n} 份：与计入的报表一致 {same}，不一致 {differs}（已作为警告列入“报送情况”和“问题清单”），"
                        "未能对应到计入的报表 {unmatched}，无法读取 {unreadable}。").format(
            n=len(outcomes), same=outcomes.count("same"), differs=outcomes.count("differs"),
            unmatched=outcomes.count("unmatched") + outcomes.count("other-format"),
            unreadable=outcomes.count("unreadable")), soft_wrap=True)
    for path in result.skipped:
        console.print("[dim]{}[/]".format(escape(_("跳过本程序生成的文件（审核报告或本级的汇总表，不是下级的报表）：{path}").format(path=path))), soft_wrap=True)
    console.print(_("汇总表：[bold]{path}[/]").format(path=escape(str(result.out))), soft_wrap=True)
