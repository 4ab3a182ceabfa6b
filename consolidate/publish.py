"""Publish-ready tables: the library behind ``consolidate publish``.

``publish(path, out)`` checks one submission or summary exactly as ``validate`` does and
writes its three tables in the official layout, as a Word document (``.docx``) or an HTML
fragment (``.html``/``.htm``), so nobody retypes the numbers into the annual report. A file
with errors is refused (``PublishRefused``, saying which errors) unless ``force``; a file
that cannot be read always is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ConsolidateError
from .findings import Finding
from .i18n import N_
from .report import FileResult

SUFFIXES = (".docx", ".html", ".htm")


class PublishRefused(ConsolidateError):
    """The file has errors: its numbers are not fit to publish (exit code 1); ``errors`` are they."""

    errors: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class PublishResult:
    out: Path
    file: FileResult
    forced: bool  # written although the file has errors


def heading_of(file: FileResult) -> str:
    """“示例县花园镇人民政府2025年度政府信息公开工作年度报告 统计表” (the parts it has)."""
    name = file.unit_name
    year = f"{file.year}年度" if file.year else ""
    return f"{name}{year}政府信息公开工作年度报告 统计表"


def checked_file(path: Path | str, format_id: str | None = None) -> FileResult:
    """One file read and checked as ``validate`` does (a bundle of several files is refused)."""
    from .validate import validate

    report = validate([path], format_id=format_id, workers=1)
    if len(report.files) != 1:
        raise ConsolidateError(N_("{path} 中有 {n} 个文件，一次只能处理一个文件。"), path=path, n=len(report.files))
    file = report.files[0]
    if file.status == "unreadable" or file.values is None or file.format is None:
        reason = file.findings[0].message_zh if file.findings else ""
        raise ConsolidateError(N_("无法读取 {path}，没有可用的数字：{reason}"), path=path, reason=reason)
    return file


def publish(path: Path | str, out: Path | str, *, force: bool = False, format_id: str | None = None) -> PublishResult:
    from .output.published import published_tables
    from .spec import load_spec
    from .writing import same_file, write_atomically

    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise ConsolidateError(N_("输出文件应以 .docx、.html 或 .htm 结尾：{out}"), out=out)
    if same_file(out, Path(path)):
        raise ConsolidateError(N_("输出文件 {out} 就是输入文件，不能覆盖。请换一个文件名。"), out=out)
    file = checked_file(path, format_id)
    errors = [f for f in file.findings if f.severity == "error"]
    if errors and not force:
        refused = PublishRefused(N_("{path} 有 {n} 个错误，数字不宜公开。请先改正（或加 --force 仍然生成）："),
                                 path=path, n=len(errors))
        refused.errors = tuple(errors)
        raise refused
    assert file.format is not None and file.values is not None
    tables = published_tables(load_spec(file.format), file.values)
    heading = heading_of(file)
    if out.suffix.lower() == ".docx":
        from .output.publish_docx import tables_docx

        data = tables_docx(tables, heading)
    else:
        from .output.publish_html import tables_html

        data = tables_html(tables, heading).encode("utf-8")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, data)
    except OSError as exc:
        raise ConsolidateError(N_("无法写入 {out}（{reason}）。"), out=out, reason=exc.strerror or exc) from exc
    return PublishResult(out=out, file=file, forced=bool(errors))
