"""The blank workbook an office sends out: one per unit of a roster, or one blank.

``build_workbook(spec, year, unit)`` makes the bytes of one template (no file I/O);
``make_templates(format_id, year, roster=..., out=...)`` checks the format against the
year, builds every template and writes them, refusing to overwrite a different file.

A template's sheets, in order: 填报说明, 填报信息, 表二, 表三, 表四 (names from the spec),
and the hidden ``_meta``. Each table sheet: the table per ``template_layout(spec)``, a
line under its title naming the unit and the year (a formula on 填报信息), the live check
area to its right, sheet protection without a password, frozen panes, A4 landscape one
page wide with the header rows repeated. The same spec, unit and year give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from . import __version__
from .errors import ConsolidateError, os_error_msg
from .i18n import N_, Items, _, in_language, language
from .level import office
from .roster import Roster, Unit
from .spec import FORMATS, Common, FormatSpec, TableLayout, format_for_year, identity_cells, load_common, load_spec
from .spec import template_layout as _template_layout
from .spec.layout import col_letter
from .writing import staged_folder, write_atomically
from .xlsx import texts
from .xlsx.checks import write_checks
from .xlsx.meta import IdentityValue, write_identity, write_meta
from .xlsx.styles import Styles, make_styles, page_footer, text_width, workbook_options
from .xlsx.tables import CellValue, write_table

KIND = "template"
LAYOUT = "template"
FIRST_YEAR = 2019  # the first year a national format covers
UNIT_LINE_HEIGHT = 20.0
DOC_WIDTH = 70.0  # fits a portrait A4 page unscaled, also where 宋体 is replaced by a wider face


# --- one workbook --------------------------------------------------------------------


def _identity(year: int, unit: Unit | None, identity: Mapping[str, IdentityValue] | None,
              common: Common) -> dict[str, IdentityValue]:
    values: dict[str, IdentityValue] = {"year": year}
    if unit is not None:
        values.update(unit_name=unit.name, unit_code=unit.code, unit_type=unit.type, parent=unit.parent)
    if identity:
        known = {f.id for f in common.fields}
        unknown = sorted(set(identity) - known)
        if unknown:
            raise ValueError(f"identity: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values.update(identity)
    return values


def _q(text: str) -> str:
    """A text as an Excel string literal's content."""
    return text.replace('"', '""')


def _write_instructions(wb: Workbook, styles: Styles, spec: FormatSpec, year: int, unit: Unit | None,
                        common: Common) -> Worksheet:
    ws = wb.add_worksheet(common.instructions_sheet)
    ws.set_column(0, 0, DOC_WIDTH)
    ws.hide_gridlines(2)
    row = 0
    ws.write_string(row, 0, common.instructions_title, styles.doc_title)
    ws.set_row(row, 30)
    row += 2

    def line(text: str, fmt_: object = None) -> None:
        nonlocal row
        lines = max(1, -(-int(text_width(text)) // int(DOC_WIDTH - 2)))
        ws.set_row(row, 16.0 * lines + 4)
        ws.write_string(row, 0, text, fmt_ or styles.doc_text)  # type: ignore[arg-type]
        row += 1

    names = {"year": year, "format_name": spec.name, "notice": spec.notice,
             "office": office(unit.parent if unit is not None else "")}
    for n, text in enumerate(common.instruction_lines, start=1):
        line(texts.LINE_NUMBER.format(n=n, text=text.format(**names)))
    if unit is not None:
        line(_(texts.UNIT_SCOPE).format(unit=unit.name, code=unit.code))
    row += 1
    line(_(texts.DEADLINE_HEADING), styles.doc_heading)
    line(common.deadline)
    row += 1
    line(common.rules_heading, styles.doc_heading)
    for rule in spec.rules:
        line(_(texts.RULE_LINE).format(title=rule.title, severity=_(texts.SEVERITY_LABEL[rule.severity])))
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_paper(9)
    ws.print_area(0, 0, row, 0)
    ws.fit_to_pages(1, 0)
    return ws


def _unit_line(ws: Worksheet, layout: TableLayout, styles: Styles, identity: Mapping[str, IdentityValue],
               common: Common) -> None:
    """The line under the title: unit and year, a formula on 填报信息 (cached as written)."""
    places = identity_cells(common)
    sheet = common.identity_sheet.replace("'", "''")
    name_ref = f"'{sheet}'!${col_letter(places['unit_name'][1])}${places['unit_name'][0] + 1}"
    year_ref = f"'{sheet}'!${col_letter(places['year'][1])}${places['year'][0] + 1}"
    formula = (f'="{_q(_(texts.UNIT_PREFIX))}"&IF({name_ref}="","{_q(_(texts.UNIT_BLANK))}",{name_ref})'
               f'&"{_q(_(texts.YEAR_PREFIX))}"&{year_ref}')
    name = str(identity.get("unit_name", "")) or _(texts.UNIT_BLANK)
    cached = f"{_(texts.UNIT_PREFIX)}{name}{_(texts.YEAR_PREFIX)}{identity.get('year', '')}"
    row = layout.top + 1
    ws.merge_range(row, 0, row, layout.width - 1, "", styles.unit_line)
    ws.write_formula(row, 0, formula, styles.unit_line, cached)
    ws.set_row(row, UNIT_LINE_HEIGHT)


def _page_setup(ws: Worksheet, layout: TableLayout, last_row: int, last_col: int) -> None:
    first_data = min(b.row for b in layout.boxes if b.role == "cell")
    single_block = len(layout.table.blocks) == 1
    header_last = first_data - 1 if single_block else layout.top + 1
    ws.freeze_panes(first_data if single_block else layout.top + 2, layout.label_cols if single_block else 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.repeat_rows(layout.top, header_last)
    ws.print_area(layout.top, 0, last_row, last_col)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer(page_footer())
    ws.hide_gridlines(2)
    ws.protect("", {"format_columns": True, "format_rows": True})


def build_workbook(
    spec: FormatSpec,
    year: int,
    unit: Unit | None = None,
    *,
    values: Mapping[str, CellValue] | None = None,
    identity: Mapping[str, IdentityValue] | None = None,
) -> bytes:
    """The template of ``spec`` for ``year`` (and ``unit``), as xlsx bytes.

    ``values``: cell key -> value to pre-fill (inputs default to 0; a total given a value
    loses its formula; a string is written as text), used to make filled submissions.
    ``identity``: field id of common.yaml -> value, overriding the unit's (e.g. filler,
    phone, filled_on). With a ``unit`` its identity fields are locked; the year always is.
    Nothing is refused here (a test may build a wrong submission on purpose): the format
    against the year is checked by :func:`make_templates`. The template is the unit's
    document: its words are Chinese whatever language the command runs in.
    """
    with language(TEMPLATE_LANG):
        return _build(spec, year, unit, values, identity)


def _build(spec: FormatSpec, year: int, unit: Unit | None, values: Mapping[str, CellValue] | None,
           identity: Mapping[str, IdentityValue] | None) -> bytes:
    common = load_common()
    ident = _identity(year, unit, identity, common)
    locked = {"year"} | ({f.id for f in common.fields if f.prefill} if unit is not None else set())
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, workbook_options())
    wb.set_properties({
        "title": _(texts.FILE_STEM).format(year=year),
        "subject": f"{spec.name}（{spec.notice}）",
        "author": "consolidate",
        "company": str(ident.get("parent", "")),
        "created": datetime(year + 1, 1, 1),  # pinned: the same inputs give the same bytes
    })
    styles = make_styles(wb)
    _write_instructions(wb, styles, spec, year, unit, common)
    write_identity(wb, styles, ident, locked=locked)
    layouts = _template_layout(spec)
    values = values or {}
    for table in spec.tables:
        layout = layouts[table.id]
        ws = wb.add_worksheet(layout.sheet)
        area = write_table(ws, layout, styles, values=values, mode="input", spec=spec)
        _unit_line(ws, layout, styles, ident, common)
        write_checks(ws, spec, area, styles)
        # the printed page is the official table (with its unit line and unit notes)
        _page_setup(ws, layout, layout.bottom, area.last_col)
    write_meta(wb, {
        "kind": KIND,
        "format": spec.id,
        "spec_version": spec.spec_version,
        "spec_hash": spec.hash,
        "layout": LAYOUT,
        "unit_code": ident.get("unit_code", ""),
        "unit_name": ident.get("unit_name", ""),
        "year": ident.get("year", year),
        "units": 1,
        "tool_version": __version__,
    })
    wb.close()
    return buffer.getvalue()


TEMPLATE_LANG = "zh"

# --- files ---------------------------------------------------------------------------

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
NAME_MAX = 60


def safe_name(text: str) -> str:
    """``text`` as part of a file name every file system takes (Windows included):
    no <>:"/\\|?* or control characters, no trailing dot or space, at most 60 characters."""
    cleaned = _UNSAFE.sub("_", " ".join(text.split()))[:NAME_MAX]
    return cleaned.strip(" .") or "_"


def template_file_name(year: int, unit: Unit | None) -> str:
    """“2025年度政府信息公开统计表_花山镇人民政府_91440101….xlsx”, or “…_空白模板.xlsx”."""
    stem = in_language(TEMPLATE_LANG, texts.FILE_STEM).format(year=year)
    if unit is None:
        return f"{stem}_{in_language(TEMPLATE_LANG, texts.BLANK_NAME)}.xlsx"
    return f"{stem}_{safe_name(unit.name)}_{safe_name(unit.code)}.xlsx"


@dataclass(frozen=True)
class TemplateFile:
    path: Path
    unit: Unit | None
    size: int
    sha256: str
    status: Literal["written", "unchanged"]  # unchanged: the same bytes were already there


@dataclass(frozen=True)
class TemplateRun:
    format: str
    format_name: str
    year: int
    out: Path  # the file written, or the folder of the roster's files
    files: tuple[TemplateFile, ...]

    @property
    def written(self) -> int:
        return sum(1 for f in self.files if f.status == "written")


def check_format_year(format_id: str | None, year: int, *, force: bool = False) -> FormatSpec:
    """The spec of ``format_id``, if it may be used for ``year`` (or ``force``); with no
    ``format_id``, the format of ``year``."""
    if format_id is not None and format_id not in FORMATS:
        raise ConsolidateError(
            N_("没有“{format_id}”这种格式。可选：v2021（2021年格式，2021 年度及以后，默认）、v2019（2019年格式，2019、2020 年度）。"), format_id=format_id,
        )
    if not FIRST_YEAR <= year <= 9999:
        raise ConsolidateError(
            N_("年度 {year} 不对：统计表的国家格式从 {FIRST_YEAR} 年度开始，请填写 {FIRST_YEAR} 年及以后的四位年份。"), year=year, FIRST_YEAR=FIRST_YEAR,
        )
    spec = load_spec(format_id or format_for_year(year))
    if not spec.covers(year) and not force:
        expected = load_spec(format_for_year(year))
        raise ConsolidateError(
            N_("{year} 年度的报告应使用{name}（{notice}，--format {id}），不能使用{name2}（{notice2}）。请改为 --format {id}（不给 --format 时按年度自动选择）；如确需生成（例如重新下发旧格式），请加 --force。"), year=year, name=expected.name, notice=expected.notice, id=expected.id, name2=spec.name, notice2=spec.notice, id2=spec.id,
        )
    return spec


def make_templates(format_id: str | None, year: int, *, roster: Roster | None, out: Path,
                   force: bool = False) -> TemplateRun:
    """Write the templates: ``out`` is the file (or a folder for the blank template) without
    a roster, the folder of one file per unit with one. ``format_id`` None: the format of
    ``year``. Refuses a format that does not
    cover ``year`` and an existing file with other content (both unless ``force``); in that
    case nothing is written. A file already holding the same bytes is left as it is."""
    spec = check_format_year(format_id, year, force=force)
    out = Path(out)
    units: list[Unit | None] = list(roster.units) if roster is not None else [None]
    if roster is None and out.suffix.lower() == ".xlsx" and not out.is_dir():
        targets = [out]
    else:
        if out.exists() and not out.is_dir():
            raise ConsolidateError(N_("输出位置 {out} 是一个文件，不是文件夹。按名单生成时 --out 应为文件夹。"), out=out)
        targets = [out / template_file_name(year, u) for u in units]
    seen: dict[str, Unit | None] = {}
    for path, unit in zip(targets, units, strict=True):
        key = path.name.casefold()
        if key in seen:
            raise ConsolidateError(N_("两个单位的文件名相同（{name}）。请核对名单中的单位名称和代码。"), name=path.name)
        seen[key] = unit
    built = list(zip(targets, units, _build_all(spec, year, units), strict=True))
    conflicts = [p for p, _, data in built if p.exists() and (not p.is_file() or p.read_bytes() != data)]
    if conflicts and not force:
        listed = Items(tuple(p.name for p in conflicts), limit=3)
        raise ConsolidateError(
            N_("输出位置已有内容不同的同名文件：{listed}（可能是单位报回的文件）。为免覆盖，没有写入任何文件。请换一个输出位置，或确认可以覆盖后加 --force。"), listed=listed,
        )
    files: list[TemplateFile] = []
    to_write: list[tuple[Path, bytes]] = []
    for path, unit, data in built:
        status: Literal["written", "unchanged"] = "written"
        if path.is_file() and path.read_bytes() == data:
            status = "unchanged"
        else:
            to_write.append((path, data))
        files.append(TemplateFile(path, unit, len(data), hashlib.sha256(data).hexdigest(), status))
    _write_all(out, to_write)
    return TemplateRun(spec.id, spec.name, year, out, tuple(files))


def _write_all(out: Path, files: list[tuple[Path, bytes]]) -> None:
    """One file atomically; a roster's folder staged, so it appears with every unit's file or not at all."""
    try:
        if len(files) == 1 and files[0][0] == out:
            write_atomically(out, files[0][1])
        elif files:
            with staged_folder(out) as staging:
                for path, data in files:
                    write_atomically(staging / path.name, data)
    except OSError as exc:
        raise ConsolidateError(N_("无法写入 {out}（{reason}）。请检查输出位置是否可写、文件是否正在 Excel 中打开。"), out=out, reason=os_error_msg(exc)) from exc


PARALLEL_FROM = 16  # units; below this, starting processes costs more than it saves


def _build_all(spec: FormatSpec, year: int, units: list[Unit | None]) -> list[bytes]:
    """Every unit's workbook, in roster order: over the cores (forked processes) for a long
    roster. The bytes do not depend on which process built them; Ctrl-C stops every worker."""
    from .parallel import Failed, Workers, default_workers, start_method

    workers = min(default_workers(), 8)
    if len(units) < PARALLEL_FROM or workers < 2 or start_method() != "fork":
        return [build_workbook(spec, year, unit) for unit in units]
    size = max(1, len(units) // (workers * 4))
    chunks = [units[i:i + size] for i in range(0, len(units), size)]
    out: list[bytes] = []
    with Workers(workers, "fork") as pool:
        futures = [pool.submit(_build_chunk, spec.id, year, chunk) for chunk in chunks]
        for future in futures:
            built = pool.outcome(future)
            if isinstance(built, Failed):  # not expected of our own code: say so rather than hang
                raise ConsolidateError(N_("生成模板的进程意外停止（{detail}）。请重试。"),
                                                    detail=built.detail)
            out += built
    return out


def _build_chunk(format_id: str, year: int, units: list[Unit | None]) -> list[bytes]:
    spec = load_spec(format_id)
    return [build_workbook(spec, year, unit) for unit in units]
