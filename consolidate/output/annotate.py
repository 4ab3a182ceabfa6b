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
copy asks Excel, WPS and LibreOffice to recalculate on opening.

Two writers render the same plan (:mod:`.annotate_layout`). Where the workbook's parts
allow it (our template, and files saved by Excel, WPS or LibreOffice without comments of
their own), :mod:`.annotate_xml` edits the parts that change and copies the rest as they
are, cached formula values included (6-9 ms a copy). Anything else is loaded and saved by
openpyxl (100-150 ms), which keeps formulas but not their cached values; there an
``.xlsm`` becomes a ``.xlsx`` without its macros, and what openpyxl cannot keep (pictures,
shapes, form controls, some Excel extensions) is dropped; none of it is in our template.

The copy is named ``<stem>_问题标注.xlsx`` (the unit's name goes in front when the file
name lacks it). A name already taken in the output folder by another file gets ``(2)``,
``(3)`` ...; a copy made earlier from the same input is replaced, so running again gives
the same names. The copy records which input it came from (a hash of the path, in a
custom document property), never the office's path itself.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import ConsolidateError, os_error_msg
from ..findings import Finding
from ..i18n import LANGS, N_, Msg, in_language
from ..parallel import Failed
from ..report import FileResult, Report
from ..spec.model import Lang
from ..writing import TEMP_PREFIX, InputFiles, pinned_zip, staged_folder, write_atomically
from ..xlsx.styles import FONT
from .annotate_layout import (
    AUTHOR,
    BORDER_COLOUR,
    MARK_FILL,
    SHEET,
    SUFFIX,
    TAG_PROPERTY,
    CommentPlan,
    Locate,
    Style,
    comments,
    findings_sheet,
    mapping_locate,
    ordered,
    sheet_value,
)

MAX_SOURCE_BYTES = 50 * 1024 * 1024  # larger files were refused as unreadable by validation anyway
PINNED = datetime(2000, 1, 1)  # the copy's dates when the source has none (deterministic bytes)


class AnnotateError(ConsolidateError):
    """One file could not be annotated (the others can still be)."""


@dataclass(frozen=True)
class Annotated:
    """What :func:`annotate_report` did with one input file."""

    source: str  # FileResult.path
    copy: Path | None  # None: unreadable, no findings, or could not be annotated
    problem: AnnotateError | None = None


def annotate_report(report: Report, out_dir: Path, *, lang: Lang = "zh", workers: int | None = 1) -> list[Annotated]:
    """Annotate every file of ``report`` into ``out_dir`` (created when missing).

    A file that cannot be annotated is returned with its ``problem``; the others go on.
    ``workers``: processes making the copies (None: the cores; 1: this process); the
    copies, their names and the problems are the same either way.
    Raises :class:`ConsolidateError` only when ``out_dir`` cannot be made.
    """
    with annotating(report, out_dir, lang=lang, workers=workers) as finish:
        return finish()


@contextmanager
def annotating(report: Report, out_dir: Path, *, lang: Lang = "zh", workers: int | None = 1,
               min_parallel: int | None = None, alongside: bool = False) -> Iterator[Callable[[], list[Annotated]]]:
    """:func:`annotate_report` in two steps, so that the caller can do other work while the
    workers make the copies: entering starts them, calling the function given waits for
    them and returns what :func:`annotate_report` returns. The copies appear in ``out_dir``
    when the block ends normally (never when it ends by an exception: Ctrl-C included,
    every worker is stopped and nothing is left behind).

    ``alongside``: the caller works while the copies are made (``run`` writes the summary), so
    one process fewer is started for them, and one is started even where the cores allow only it.

    Each worker reads its files, marks them and writes each copy under a temporary name in
    the staging folder; the names (``(2)``, ``(3)`` ... for clashes) are then given here, in
    the report's order, exactly as one process would give them.
    """
    from ..parallel import Workers, default_workers

    out_dir = Path(out_dir)
    inputs = InputFiles(f.path for f in report.files)
    todo = [i for i, result in enumerate(report.files) if wants_copy(result)]
    count = default_workers() if workers is None else workers
    if alongside:  # the caller's process keeps a core busy: one worker fewer (and ~70 MB less)
        count -= 1
    count = min(count, len(todo) // 2)
    parallel = count >= (1 if alongside else 2) and len(todo) >= (MIN_PARALLEL if min_parallel is None else min_parallel)
    try:
        with staged_folder(out_dir) as stage, \
                (Workers(count, WORKER_START) if parallel else nullcontext()) as pool:
            futures: dict[int, Future[Made]] = {}
            if pool is not None:
                for i in todo:
                    futures[i] = pool.submit(_make_part, report.files[i], lang, str(_part(stage, i)),
                                             timeout=COPY_TIMEOUT)

            def finish() -> list[Annotated]:
                done: list[Annotated] = []
                for i, result in enumerate(report.files):
                    try:
                        if pool is None:
                            copy = annotate_file(result, out_dir, lang=lang, inputs=inputs, stage=stage)
                        elif i not in futures:
                            copy = None
                        else:
                            made: Made | Failed = pool.outcome(futures.pop(i))
                            copy = _place_part(result, made, _part(stage, i), out_dir, lang, inputs, stage)
                        done.append(Annotated(result.path, copy))
                    except AnnotateError as exc:
                        done.append(Annotated(result.path, None, exc))
                for leftover in stage.glob(f"{TEMP_PREFIX}*"):  # a worker stopped while writing
                    leftover.unlink(missing_ok=True)
                return done

            yield finish
    except OSError as exc:
        raise ConsolidateError(
            N_("无法写入问题标注文件夹 {out_dir}（{reason}）。请换一个文件夹。"), out_dir=out_dir, reason=os_error_msg(exc),
        ) from exc


MIN_PARALLEL = 12  # fewer copies than this are made in this process (a worker costs ~0.5 s to start)
COPY_TIMEOUT = 300.0  # seconds one copy may take in a worker
# The workers are started fresh (spawn), not forked: by the time the copies are made this
# process holds the whole round's results, which forked workers would carry along (and be
# counted for) without needing them.
WORKER_START = "spawn"

# What a worker did with one file: no copy needed (None), the copy written (its source
# tag), the file refused (the message), or the copy not written (the OSError's reason).
Made = str | Msg | tuple[str, Msg] | None


def _part(stage: Path, index: int) -> Path:
    return stage / f"{TEMP_PREFIX}copy-{index}.xlsx"


def _make_part(result: FileResult, lang: Lang, part: str) -> Made:
    """In a worker: make ``result``'s copy and write it to ``part`` (atomically)."""
    try:
        made = annotated_bytes(result, lang)
    except AnnotateError as exc:
        return exc.msg
    if made is None:
        return None
    data, tag = made
    try:
        write_atomically(Path(part), data)
    except OSError as exc:
        return ("write", os_error_msg(exc))
    return tag


def _error(msg: Msg) -> AnnotateError:
    return AnnotateError(msg.text, **msg.params)


def _place_part(result: FileResult, made: Made | Failed, part: Path, out_dir: Path, lang: Lang,
                inputs: InputFiles, stage: Path) -> Path | None:
    """The copy a worker wrote for ``result`` given its name in the stage (in the report's order)."""
    source = Path(result.path)
    if isinstance(made, Failed):
        part.unlink(missing_ok=True)
        raise AnnotateError(N_("{name}：生成问题标注副本时处理进程未能完成（{reason}），未生成副本。请按审核结果中的问题清单退改。"),
                            name=source.name, reason=made.detail or made.reason)
    if made is None:
        return None
    if isinstance(made, Msg):
        raise _error(made)
    if isinstance(made, tuple):
        target = copy_path(result, out_dir, source_tag(source), lang, inputs, stage)
        raise AnnotateError(N_("{name}：无法写入问题标注副本 {target}（{reason}）。"), name=source.name, target=target,
                            reason=made[1])
    target = copy_path(result, out_dir, made, lang, _with_source(inputs, source), stage)
    os.replace(part, stage / target.name)
    return target


def _with_source(inputs: InputFiles, source: Path) -> InputFiles:
    if source in inputs:
        return inputs
    more = InputFiles()
    more._ids, more._resolved = set(inputs._ids), set(inputs._resolved)
    more.add(source)
    return more


def wants_copy(result: FileResult) -> bool:
    """Whether ``result`` may get a copy: a readable workbook with an error or a warning
    (a published report is not a workbook to mark; a note needs no correction)."""
    if result.status == "unreadable" or result.kind == "report":
        return False
    return not all(f.severity == "info" for f in result.findings)


def annotated_bytes(result: FileResult, lang: Lang = "zh", *, fast: bool = True) -> tuple[bytes, str] | None:
    """The annotated copy of ``result``'s workbook and its source tag; None when no copy is
    made (see :func:`annotate_file`). Raises :class:`AnnotateError`.

    The copy is made by editing the workbook's parts (:mod:`.annotate_xml`) where they allow
    it, else (or with ``fast=False``) by openpyxl; the two give the same workbook."""
    if not wants_copy(result):
        return None
    source = Path(result.path)
    if any(f.code == "FILE-VALUES-ONLY" for f in result.findings):  # an .xls/.et/.ods/.xlsb: nothing to mark in
        raise AnnotateError(N_("{name}：这是 .xls、.et、.ods 或 .xlsb 文件，无法在其中标注问题，未生成退改文件。"
                               "请按审核报告中的问题清单修改，今后请使用下发的 .xlsx 模板。"), name=source.name)
    data = _read_source(source, result)
    numbered = list(enumerate(ordered(result.findings), start=1))
    tag = source_tag(source)
    if fast:
        from .annotate_xml import annotated_xml

        made = annotated_xml(data, result, numbered, lang, tag, created=PINNED.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             author=in_language(lang, AUTHOR))
        if made is not None:
            return made, tag
    workbook = _load(data, source)
    _forget_previous_round(workbook, lang)
    mark_cells(workbook, numbered, lang)
    add_findings_sheet(workbook, result, numbered, lang)
    _finish(workbook, data, result, tag, lang)
    return _save_bytes(workbook, source), tag


def annotate_file(result: FileResult, out_dir: Path, *, lang: Lang = "zh",
                  inputs: Iterable[Path] | InputFiles = (), stage: Path | None = None) -> Path | None:
    """Write the annotated copy of ``result``'s workbook into ``out_dir``; return its path.

    Returns None for an unreadable file and for a file without errors or warnings (notes need no copy). ``inputs``: other
    input files of the run, never written over (the source itself never is); for many
    files, an :class:`InputFiles` made once. Raises
    :class:`AnnotateError` when this file cannot be copied (changed since it was checked,
    or openpyxl cannot open it) or the copy cannot be written. ``stage``: write the copy
    there instead (under the name it will have in ``out_dir``, where it is moved later).
    """
    made = annotated_bytes(result, lang)
    if made is None:
        return None
    out, tag = made
    source = Path(result.path)
    kept = _with_source(inputs, source) if isinstance(inputs, InputFiles) else InputFiles([source, *inputs])
    target = copy_path(result, Path(out_dir), tag, lang, kept, stage)
    try:
        write_atomically(target if stage is None else stage / target.name, out)
    except OSError as exc:
        raise AnnotateError(
            N_("{name}：无法写入问题标注副本 {target}（{reason}）。"), name=source.name, target=target, reason=os_error_msg(exc),
        ) from exc
    return target


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
    from .merged_cells import install

    install()  # openpyxl's merged ranges rebuilt at a fraction of the cost, the same workbook
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


# --- marking cells (openpyxl) --------------------------------------------------------------

def _locate(workbook: Workbook) -> Locate:
    """Where findings mark the workbook's worksheets (their merged ranges read once)."""
    return mapping_locate({ws.title: [(r.min_col, r.min_row, r.max_col, r.max_row) for r in ws.merged_cells.ranges]
                           for ws in workbook.worksheets if isinstance(ws, Worksheet)})


def mark_cells(workbook: Workbook, numbered: Sequence[tuple[int, Finding]], lang: Lang) -> int:
    """Fill each finding's cell red and comment on it; return how many cells were marked."""
    fill = PatternFill(fill_type="solid", fgColor=MARK_FILL, bgColor=MARK_FILL)
    planned = comments(numbered, lang, _locate(workbook))
    for plan in planned:
        cell = workbook[plan.sheet].cell(row=plan.row, column=plan.col)
        cell.fill = fill
        body = plan.text(cell.comment.text if cell.comment is not None else None)  # the unit's own note stays
        width, height = CommentPlan.size(body)
        cell.comment = Comment(body, plan.author, height=height, width=width)
    return len(planned)


# --- the findings sheet (openpyxl) ---------------------------------------------------------

def _font(style: Style) -> Font:
    return Font(name=FONT, size=style.size, bold=style.bold or None, color=style.colour,
                underline="single" if style.underline else None)


def add_findings_sheet(workbook: Workbook, result: FileResult, numbered: Sequence[tuple[int, Finding]],
                       lang: Lang) -> Worksheet:
    """Insert the 问题清单 sheet first and make it the sheet the workbook opens on."""
    plan = findings_sheet(result, numbered, lang, _locate(workbook),
                          lambda sheet: workbook[sheet].sheet_state == "visible")
    ws = workbook.create_sheet(plan.title, 0)
    thin = Side(style="thin", color=BORDER_COLOUR)
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for item in plan.cells:
        cell = ws.cell(row=item.row, column=item.col)
        value = sheet_value(item.value)
        if value is not None:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would take “=...” for a formula
        style = item.style
        cell.font = _font(style)
        if style.fill:
            cell.fill = PatternFill(fill_type="solid", fgColor=style.fill)
        if style.border:
            cell.border = border
        if style.aligned:
            cell.alignment = Alignment(horizontal=style.horizontal, vertical=style.vertical, wrap_text=style.wrap)
        if item.link:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=item.link, display=item.shown)
    for j, width in enumerate(plan.widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    for row, height in plan.heights.items():
        ws.row_dimensions[row].height = height
    ws.auto_filter.ref = f"A{plan.header_row}:{get_column_letter(plan.last_col)}{plan.last_row}"
    ws.freeze_panes = ws.cell(row=plan.header_row + 1, column=1)
    ws.print_title_rows = f"{plan.header_row}:{plan.header_row}"
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
            # stored, not deflated: _pin_zip deflates every entry once (the bytes depend only on
            # the entries' names, order and contents), instead of inflating and deflating again
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                ExcelWriter(workbook, archive).save()
    except Exception as exc:  # openpyxl could read it but not write it back
        raise AnnotateError(
            N_("{name}：无法生成问题标注副本（保存失败：{error}）。请按审核结果中的问题清单退改。"), name=source.name, error=type(exc).__name__,
        ) from exc
    return _pin_zip(raw.getvalue())


def _pin_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times, so the same input gives the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return pinned_zip((info.filename, src.read(info)) for info in src.infolist())


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


def copy_path(result: FileResult, out_dir: Path, tag: str, lang: Lang, keep: Iterable[Path] | InputFiles,
              stage: Path | None = None) -> Path:
    """The first free name: ``<stem>_问题标注.xlsx``, then ``(2)``, ``(3)`` ...

    A name is free when no file has it, or when it holds our earlier copy of the same
    input (that copy is replaced); a file in ``keep`` (the inputs: paths, or an
    :class:`InputFiles` made once for the run) is never free, nor a name already written
    in ``stage`` by this run.
    """
    kept = keep if isinstance(keep, InputFiles) else InputFiles(keep)
    stem = copy_stem(result)
    for n in range(1, 10_000):
        name = f"{stem}{in_language(lang, SUFFIX)}{'' if n == 1 else f'({n})'}.xlsx"
        candidate = out_dir / name
        if candidate in kept or (stage is not None and (stage / name).exists()):
            continue
        if not candidate.exists() or (candidate.is_file() and _tag_of(candidate) == tag):
            return candidate
    raise AnnotateError(N_("{out_dir}：同名的问题标注副本太多。请换一个文件夹。"), out_dir=out_dir)


__all__ = [
    "AUTHOR",
    "SHEET",
    "AnnotateError",
    "Annotated",
    "InputFiles",
    "annotate_file",
    "annotate_report",
    "annotated_bytes",
    "annotating",
    "copy_path",
    "mark_cells",
    "ordered",
    "wants_copy",
]
