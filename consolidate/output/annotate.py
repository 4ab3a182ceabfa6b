"""The annotated copy (``consolidate validate --annotate DIR``): the unit's own workbook,
marked up so the office can send it straight back for correction (退改).

For a readable file with findings, :func:`annotate_file` writes a COPY of the workbook
(the input is never touched) in which

- every finding that names a cell has that cell filled light red (its value, number
  format and protection are kept) and a comment by “政务公开办审核” listing the findings
  on it (several findings on one cell make one comment);
- a first sheet 问题清单 lists every finding (also those whose sheet or cell is not in
  the workbook, such as a retyped file's), with a heading naming the unit, the file and
  the counts, a line on what to do, and the cell as a link that jumps to it.

Everything else stays as the unit sent it: sheet protection (and its password hash),
locked and unlocked cells, data validation, merged cells, formulas, conditional formats,
print settings, the hidden ``_meta`` sheet, so the copy remains a usable template. The
copy is saved by openpyxl, which keeps formulas but not their cached values; the copy
asks Excel, WPS and LibreOffice to recalculate on opening. An ``.xlsm`` becomes a
``.xlsx`` without its macros. What openpyxl cannot keep (pictures, shapes, form controls,
some Excel extensions) is dropped; none of it is in our template.

The copy is named ``<stem>_问题标注.xlsx`` (the unit's name goes in front when the file
name lacks it). A name already taken in the output folder by another file gets ``(2)``,
``(3)`` ...; a copy made earlier from the same input is replaced, so running again gives
the same names. The copy records which input it came from (a hash of the path, in a
custom document property), never the office's path itself.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import ConsolidateError, os_error_msg
from ..findings import Finding, Value, count_by_severity
from ..i18n import LANGS, N_, in_language
from ..report import FileResult, Report
from ..spec.model import Lang
from ..writing import same_file, staged_folder, write_atomically
from ..xlsx.findings_sheet import (
    COLUMNS,
    SEVERITY_COLOURS,
    SEVERITY_ORDER,
    UNNAMED_UNIT,
    fit_width,
    row_height,
    severity_label,
    shown_width,
)
from ..xlsx.styles import FONT, HEADER_FILL, text_width

SUFFIX = N_("_问题标注")  # the copy's file name: the unit's own name, then this
SHEET = N_("问题清单")
AUTHOR = N_("政务公开办审核")
MARK_FILL = "FFC7CE"  # light red: Excel's own “light red fill”
TAG_PROPERTY = "consolidate_annotated_from"
SHEET_COLUMNS = ("no", "severity", "sheet", "cell", "row", "column", "found", "expected", "message")
MAX_SOURCE_BYTES = 50 * 1024 * 1024  # larger files were refused as unreadable by validation anyway
MAX_TEXT = 32_767  # Excel's limit for one cell's text
PINNED = datetime(2000, 1, 1)  # the copy's dates when the source has none (deterministic bytes)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# The copy's own words (catalog ids), in the language of the run.
TEXT: dict[str, str] = {
    "title": N_("问题清单：{unit}"),
    "about": N_("单位：{unit}{code}；文件：{file}；年度：{year}"),
    "code": N_("（单位代码 {code}）"),
    "counts": N_("共 {n} 个问题：错误 {error} 个，警告 {warning} 个，提示 {info} 个。"),
    "todo_errors": N_("请按下表逐项修改后重新报送。“错误”必须改正；“警告”请核对，确有错误的请改正；“提示”只是说明，无需修改。"),
    "todo_clean": N_("本文件没有错误，已通过审核。请核对下表的警告；如需修改，改正后重新报送。"),
    "how": N_("标红的格子就是问题所在，鼠标移到格子上可看批注；点“单元格”一列的链接可跳到该格。"
              "改好后直接保存本文件（.xlsx）报送即可，本表和红色标记不影响审核，不必删除。"),
    "comment_head": N_("政务公开办审核："),
    "comment_line": N_("第 {no} 项（{severity}）{message}"),
    "unknown": N_("（未填）"),
}


def texts_in(lang: Lang) -> dict[str, str]:
    return {key: in_language(lang, text) for key, text in TEXT.items()}


# A file in the wrong national format cannot be corrected cell by cell: the unit fills the new template.
WRONG_FORMAT = frozenset({"VERSION", "FORMAT-MISMATCH"})
WRONG_FORMAT_TODO = N_("本文件使用的统计表格式不对（见下表），在本文件上修改无法通过审核。"
                       "请下载并填写本年度的新模板，把数字填入新模板后重新报送。")
WRONG_FORMAT_HOW = N_("下表说明应使用哪种格式；新模板可向政务公开办索取。本文件不必修改，也不必再报送。")


class AnnotateError(ConsolidateError):
    """One file could not be annotated (the others can still be)."""


@dataclass(frozen=True)
class Annotated:
    """What :func:`annotate_report` did with one input file."""

    source: str  # FileResult.path
    copy: Path | None  # None: unreadable, no findings, or could not be annotated
    problem: AnnotateError | None = None


def annotate_report(report: Report, out_dir: Path, *, lang: Lang = "zh") -> list[Annotated]:
    """Annotate every file of ``report`` into ``out_dir`` (created when missing).

    A file that cannot be annotated is returned with its ``problem``; the others go on.
    Raises :class:`ConsolidateError` only when ``out_dir`` cannot be made.
    """
    out_dir = Path(out_dir)
    inputs = [Path(f.path) for f in report.files]
    done: list[Annotated] = []
    try:
        with staged_folder(out_dir) as stage:  # the copies appear together, when all are written
            for result in report.files:
                try:
                    done.append(Annotated(result.path, annotate_file(result, out_dir, lang=lang, inputs=inputs,
                                                                     stage=stage)))
                except AnnotateError as exc:
                    done.append(Annotated(result.path, None, exc))
    except OSError as exc:
        raise ConsolidateError(
            N_("无法写入问题标注文件夹 {out_dir}（{reason}）。请换一个文件夹。"), out_dir=out_dir, reason=os_error_msg(exc),
        ) from exc
    return done


def wants_copy(result: FileResult) -> bool:
    """Whether the file gets an annotated copy: a readable workbook (a published report's
    findings name table and row, there is nothing to mark) with an error or a warning (a note,
    提示, needs no correction: nothing to send back)."""
    return (result.status != "unreadable" and result.kind != "report"
            and any(f.severity != "info" for f in result.findings))


def annotate_file(result: FileResult, out_dir: Path, *, lang: Lang = "zh",
                  inputs: Iterable[Path] = (), stage: Path | None = None) -> Path | None:
    """Write the annotated copy of ``result``'s workbook into ``out_dir``; return its path.

    Returns None for an unreadable file and for a file without errors or warnings (notes need no copy). ``inputs``: other
    input files of the run, never written over (the source itself never is). Raises
    :class:`AnnotateError` when this file cannot be copied (changed since it was checked,
    or openpyxl cannot open it) or the copy cannot be written. ``stage``: write the copy
    there instead (under the name it will have in ``out_dir``, where it is moved later).
    """
    if not wants_copy(result):
        return None
    source = Path(result.path)
    if any(f.code == "FILE-VALUES-ONLY" for f in result.findings):  # an .xls/.et/.ods/.xlsb: nothing to mark in
        if all(f.severity == "info" for f in result.findings):
            return None
        raise AnnotateError(N_("{name}：这是 .xls、.et、.ods 或 .xlsb 文件，无法在其中标注问题，未生成退改文件。"
                               "请按审核报告中的问题清单修改，今后请使用下发的 .xlsx 模板。"), name=source.name)
    data = _read_source(source, result)
    workbook = _load(data, source)
    numbered = list(enumerate(ordered(result.findings), start=1))
    _forget_previous_round(workbook, lang)
    mark_cells(workbook, numbered, lang)
    add_findings_sheet(workbook, result, numbered, lang)
    tag = source_tag(source)
    _finish(workbook, data, result, tag, lang)
    out = _save_bytes(workbook, source)
    target = copy_path(result, Path(out_dir), tag, lang, [source, *inputs], stage)
    try:
        write_atomically(target if stage is None else stage / target.name, out)
    except OSError as exc:
        raise AnnotateError(
            N_("{name}：无法写入问题标注副本 {target}（{reason}）。"), name=source.name, target=target, reason=os_error_msg(exc),
        ) from exc
    return target


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; the validator's order within each."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


# --- reading -----------------------------------------------------------------------------

def _read_source(source: Path, result: FileResult) -> bytes:
    from ..read.archive import Unreadable
    from ..read.bundles import member_bytes

    try:
        member = None if source.exists() else member_bytes(source)  # 包.zip/成员.xlsx
    except Unreadable:
        member = None
    try:
        if member is not None:
            data = member.data
        elif source.stat().st_size > MAX_SOURCE_BYTES:
            raise AnnotateError(
                N_("{name}：文件过大，不生成问题标注副本。请按审核结果中的问题清单退改。"), name=source.name,
            )
        else:
            data = source.read_bytes()
    except OSError as exc:
        raise AnnotateError(
            N_("{name}：无法读取文件（{reason}），未生成问题标注副本。"), name=source.name, reason=os_error_msg(exc),
        ) from exc
    if result.sha256 and hashlib.sha256(data).hexdigest() != result.sha256:
        raise AnnotateError(
            N_("{name}：文件在审核之后被修改过，问题标注可能对不上格子，未生成副本。请重新审核。"), name=source.name,
        )
    return data


def _load(data: bytes, source: Path) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about the extensions it drops
            return load_workbook(io.BytesIO(data), keep_vba=False, rich_text=True, keep_links=True)
    except Exception as exc:  # any failure of a third-party parser on a unit's file
        raise AnnotateError(
            N_("{name}：无法生成问题标注副本（openpyxl 打不开此文件：{error}）。请按审核结果中的问题清单退改。"), name=source.name, error=type(exc).__name__,
        ) from exc


def _forget_previous_round(workbook: Workbook, lang: Lang) -> None:
    """A returned annotated copy: drop its old findings sheet and our old comments."""
    for name in {in_language(other, SHEET) for other in LANGS}:
        if name in workbook.sheetnames:
            del workbook[name]
    authors = {in_language(lang, AUTHOR) for lang in LANGS}
    for ws in workbook.worksheets:
        # openpyxl's private ``_cells`` (the cells the file holds), kept for a measured reason:
        # on a demo submission it takes 0.05 ms against 1.0 ms for the public ``iter_rows()``
        # (20x), and ``iter_rows()`` creates every empty cell of the used range (603 -> 834
        # cells), which openpyxl would then write into the copy, changing its bytes.
        for cell in list(ws._cells.values()):
            if cell.comment is not None and cell.comment.author in authors:
                cell.comment = None


# --- marking cells ----------------------------------------------------------------------

def marked_cell(workbook: Workbook, sheet: str | None, address: str | None) -> Cell | None:
    """The cell a finding marks: the top-left of its address (of the merged range it is in)."""
    if not sheet or not address or sheet not in workbook.sheetnames:
        return None
    ws = workbook[sheet]
    if not isinstance(ws, Worksheet):
        return None
    try:
        col, row, _, _ = range_boundaries(address.replace("$", ""))
    except (ValueError, TypeError):
        return None
    if not (col and row and 1 <= row <= 1_048_576 and 1 <= col <= 16_384):
        return None
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            row, col = merged.min_row, merged.min_col
            break
    cell = ws.cell(row=row, column=col)
    return None if isinstance(cell, MergedCell) else cell


def mark_cells(workbook: Workbook, numbered: Sequence[tuple[int, Finding]], lang: Lang) -> int:
    """Fill each finding's cell red and comment on it; return how many cells were marked."""
    text = texts_in(lang)
    on_cell: dict[tuple[str, int, int], tuple[Cell, list[tuple[int, Finding]]]] = {}
    for no, finding in numbered:
        cell = marked_cell(workbook, finding.sheet, finding.cell)
        if cell is None:
            continue
        key = (cell.parent.title, cell.row, cell.column)
        on_cell.setdefault(key, (cell, []))[1].append((no, finding))
    fill = PatternFill(fill_type="solid", fgColor=MARK_FILL, bgColor=MARK_FILL)
    for cell, items in on_cell.values():
        cell.fill = fill
        lines = [text["comment_head"]]
        lines += [text["comment_line"].format(no=no, severity=severity_label(f.severity, lang), message=f.message(lang))
                  for no, f in items]
        if cell.comment is not None:  # the unit's own note stays, below ours
            lines += ["", cell.comment.text]
        body = clean_text("\n".join(lines))
        width = 360
        height = 16 * sum(max(1, math.ceil(text_width(line) / 56)) for line in body.splitlines()) + 12
        cell.comment = Comment(body, in_language(lang, AUTHOR), height=min(height, 600), width=width)
    return len(on_cell)


# --- the findings sheet -----------------------------------------------------------------

def clean_text(value: str) -> str:
    """Text a cell can hold: no control characters, at most Excel's 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]


def put(ws: Worksheet, row: int, col: int, value: Value) -> Cell:
    """Write ``value`` (1-based place): a number as a number, anything else as text, never a formula."""
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        return cell
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        cell.value = value
    else:
        cell.value = clean_text(str(value))
        cell.data_type = "s"  # openpyxl would take “=...” for a formula
    return cell


def _colour(hex_colour: str) -> str:
    return hex_colour.lstrip("#").upper()


def add_findings_sheet(workbook: Workbook, result: FileResult, numbered: Sequence[tuple[int, Finding]],
                       lang: Lang) -> Worksheet:
    """Insert the 问题清单 sheet first and make it the sheet the workbook opens on."""
    text = texts_in(lang)
    ws = workbook.create_sheet(in_language(lang, SHEET), 0)
    counts = count_by_severity([f for _, f in numbered])
    unit = result.unit_name or in_language(lang, UNNAMED_UNIT)
    code = text["code"].format(code=result.unit_code) if result.unit_code else ""
    wrong_format = any(f.code in WRONG_FORMAT for _, f in numbered)
    heading = (
        text["title"].format(unit=unit),
        text["about"].format(unit=unit, code=code, file=Path(result.path).name,
                             year=result.year if result.year is not None else text["unknown"]),
        text["counts"].format(n=len(numbered), **counts),
        in_language(lang, WRONG_FORMAT_TODO) if wrong_format
        else text["todo_errors"] if counts["error"] else text["todo_clean"],
        in_language(lang, WRONG_FORMAT_HOW) if wrong_format else text["how"],
    )
    font = Font(name=FONT, size=11)
    for i, line in enumerate(heading, start=1):
        cell = put(ws, i, 1, line)
        cell.font = Font(name=FONT, size=14, bold=True) if i == 1 else font
    todo_colour = SEVERITY_COLOURS["error" if counts["error"] else "warning"][1]
    ws.cell(row=4, column=1).font = Font(name=FONT, size=11, bold=True, color=_colour(todo_colour))

    columns = [next(c for c in COLUMNS if c.id == cid) for cid in SHEET_COLUMNS]
    header_row = len(heading) + 2
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for j, col in enumerate(columns, start=1):
        cell = put(ws, header_row, j, col.heading(lang))
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = PatternFill(fill_type="solid", fgColor=_colour(HEADER_FILL))
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    table: list[dict[str, Value]] = [{
        "no": no, "severity": severity_label(finding.severity, lang), "sheet": finding.sheet,
        "cell": finding.cell, "row": finding.row_label, "column": finding.column_label,
        "found": finding.found, "expected": finding.expected, "message": finding.message(lang),
    } for no, finding in numbered]
    widths = [fit_width([text_width(col.heading(lang)), *(shown_width(v[col.id]) for v in table)],
                        col.min_width, col.max_width) for col in columns]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    link_font = Font(name=FONT, size=11, color="0563C1", underline="single")
    for i, ((_, finding), values) in enumerate(zip(numbered, table, strict=True)):
        row = header_row + 1 + i
        for j, col in enumerate(columns, start=1):
            cell = put(ws, row, j, values[col.id])
            cell.font = font
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=col.wrap)
            if col.id == "severity":
                fill, colour = SEVERITY_COLOURS[finding.severity]
                cell.fill = PatternFill(fill_type="solid", fgColor=_colour(fill))
                cell.font = Font(name=FONT, size=11, color=_colour(colour))
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif col.id == "cell":
                target = marked_cell(workbook, finding.sheet, finding.cell)
                if target is not None and target.parent.sheet_state == "visible":
                    location = f"{quote_sheetname(target.parent.title)}!{target.coordinate}"
                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, display=finding.cell)
                    cell.font = link_font
        height = row_height((values[c.id], widths[j]) for j, c in enumerate(columns) if c.wrap)
        if height is not None:
            ws.row_dimensions[row].height = height
    last_row = header_row + max(len(numbered), 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    for other in workbook.worksheets:  # one selected tab, or Excel groups the sheets
        other.sheet_view.tabSelected = other is ws
    workbook.active = 0
    return ws


# --- saving -----------------------------------------------------------------------------

def source_tag(source: Path) -> str:
    """A hash of the input's absolute path: which input a copy came from, without the path."""
    return hashlib.sha256(str(source.resolve()).encode("utf-8")).hexdigest()[:24]


def _core_dates(data: bytes) -> tuple[bool, bool]:
    """Whether the source's core properties have a created and a modified date."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            core = z.read("docProps/core.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False, False
    return b"dcterms:created" in core, b"dcterms:modified" in core


def _finish(workbook: Workbook, data: bytes, result: FileResult, tag: str, lang: Lang) -> None:
    workbook.template = False  # an .xltx source becomes a workbook
    workbook.calculation.fullCalcOnLoad = True  # openpyxl keeps no cached formula values
    has_created, has_modified = _core_dates(data)
    props = workbook.properties
    if not has_created:
        props.created = PINNED
    if not has_modified:
        props.modified = props.created
    props.lastModifiedBy = in_language(lang, AUTHOR)
    custom = workbook.custom_doc_props
    custom.props = [p for p in custom.props if p.name != TAG_PROPERTY]
    custom.append(StringProperty(name=TAG_PROPERTY, value=tag))


def _save_bytes(workbook: Workbook, source: Path) -> bytes:
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # ExcelWriter, not workbook.save(): save() stamps the modified date with the clock,
            # so two runs a second apart gave different bytes; _finish has set the dates.
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                ExcelWriter(workbook, archive).save()
    except Exception as exc:  # openpyxl could read it but not write it back
        raise AnnotateError(
            N_("{name}：无法生成问题标注副本（保存失败：{error}）。请按审核结果中的问题清单退改。"), name=source.name, error=type(exc).__name__,
        ) from exc
    return _pin_zip(raw.getvalue())


def _pin_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times, so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()


# --- naming -----------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_OUR_SUFFIX = re.compile("(?:" + "|".join(re.escape(in_language(lang, SUFFIX)) for lang in LANGS) + r")(?:\(\d+\))?$")


def _safe(name: str, limit: int) -> str:
    """``name`` usable in a file name, cut to ``limit`` bytes of UTF-8."""
    name = _UNSAFE.sub("_", name).strip(" .")
    while len(name.encode("utf-8")) > limit:
        name = name[:-1]
    return name


def copy_stem(result: FileResult) -> str:
    """“<单位名称>_<stem>” without an earlier round's suffix (the unit's name when the stem lacks it)."""
    stem = Path(result.path).stem
    while _OUR_SUFFIX.search(stem):
        stem = _OUR_SUFFIX.sub("", stem)
    unit = _safe(result.unit_name, 60)
    if unit and unit not in stem:
        stem = f"{unit}_{stem}" if stem else unit
    return _safe(stem, 180) or "workbook"


def _tag_of(path: Path) -> str | None:
    """The source tag recorded in an existing copy (None: not one of ours)."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/custom.xml")
            if info.file_size > 1 << 20:
                return None
            xml = z.read(info).decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    # Parsed, not matched: with lxml installed openpyxl declares the vt: namespace on the value itself.
    try:
        root = SafeElementTree.fromstring(xml)
    except (SafeElementTree.ParseError, DefusedXmlException):
        return None
    for prop in root:
        if prop.get("name") == TAG_PROPERTY:
            text = "".join(prop.itertext()).strip()
            return text if re.fullmatch(r"[0-9a-f]+", text) else None
    return None


def copy_path(result: FileResult, out_dir: Path, tag: str, lang: Lang, keep: Sequence[Path],
              stage: Path | None = None) -> Path:
    """The first free name: ``<stem>_问题标注.xlsx``, then ``(2)``, ``(3)`` ...

    A name is free when no file has it, or when it holds our earlier copy of the same
    input (that copy is replaced); a file in ``keep`` (the inputs) is never free, nor a name
    already written in ``stage`` by this run.
    """
    stem = copy_stem(result)
    for n in range(1, 10_000):
        name = f"{stem}{in_language(lang, SUFFIX)}{'' if n == 1 else f'({n})'}.xlsx"
        candidate = out_dir / name
        if any(same_file(candidate, k) for k in keep) or (stage is not None and (stage / name).exists()):
            continue
        if not candidate.exists() or (candidate.is_file() and _tag_of(candidate) == tag):
            return candidate
    raise AnnotateError(N_("{out_dir}：同名的问题标注副本太多。请换一个文件夹。"), out_dir=out_dir)


__all__ = [
    "AUTHOR",
    "SHEET",
    "AnnotateError",
    "Annotated",
    "annotate_file",
    "annotate_report",
    "copy_path",
    "mark_cells",
    "ordered",
]
