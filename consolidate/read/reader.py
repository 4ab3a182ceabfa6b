"""From a path on disk to a ``FileResult``: the reader's one entry point, ``read_submission``.

It never raises for anything a file contains (only for programming errors): a file that
cannot be read becomes ``status="unreadable"`` with a FILE-* finding; everything else it
finds (labels, cells, structure) becomes findings too, each with its sheet and cell.

The order of work, cheapest refusal first: stat and read the bytes (bounded), hash them,
sniff them, open the zip under limits, open the workbook with python-calamine, read
``_meta``; then either read our own template or summary by position (verifying every
label, falling back to locating a table that moved) or recognise a unit's own workbook by
its labels; then 填报信息, and the numbers.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import os_error_msg
from ..findings import Finding, FindingFactory, Place, Severity, fmt_number, status_of
from ..i18n import N_, Msg
from ..report import FileResult, Kind
from ..spec import DEFAULT_FORMAT, FORMATS, Common, FormatSpec, format_for_year, load_common, load_spec
from ..spec.derived import LayoutName
from ..spec.layout import Box
from ..spec.plan import TablePlan
from . import bundles
from .align import Alignment, align, align_columns, data_offset, group_found, realigned, recolumned
from .archive import CONTENT_DAMAGED, MAX_FILE_BYTES, READER_FAILED, Unreadable, open_package
from .documents import DocBook, document_type, open_document, unit_and_year
from .locate import STRUCTURAL, LabelCheck, Located, TextIndex, check_at, locate, matches, similar
from .meta import KINDS, check_meta, layout_name, parse_units, parse_year, read_identity, read_meta
from .sheets import Book, Grid
from .sniff import sniff
from .spreadsheets import Container, ValuesBook, container_of
from .values import AMOUNT_UNITS, NAN, Parsed, parse_cell

MAX_SHEETS = 64  # sheets of a foreign workbook searched for the tables
AnyBook = Book | DocBook  # a workbook, or a published report laid out as one

NOT_A_FILE = N_("不是普通文件（可能是文件夹或设备）")


def plans_for(spec: FormatSpec, layout: LayoutName) -> Mapping[str, TablePlan]:
    """Each table's reading plan in the template or the summary layout (made with the spec)."""
    return spec.derived.plans[layout]


def read_submission(path: Path | str, *, format_hint: str | None = None) -> FileResult:
    """Read one submitted file. ``format_hint`` (v2021/v2019) is used for a workbook without
    our ``_meta``, instead of recognising the format from the labels."""
    enabled = gc.isenabled()
    gc.disable()  # reading makes thousands of short-lived objects and no cycles: spare the collector
    try:
        return _Reading(Path(path), format_hint).run()
    finally:
        if enabled:
            gc.enable()


def unreadable(path: Path | str, code: str, detail: str | Msg = "") -> FileResult:
    """A result for a file that could not be read at all (its size and hash when available)."""
    path = Path(path)
    result = FileResult(path=str(path), sha256=None, size=None, mtime=None, status="unreadable")
    try:
        st = os.stat(path)
        result.size, result.mtime = st.st_size, st.st_mtime
        if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_FILE_BYTES:
            result.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        pass
    result.findings = [FindingFactory().common(code, Place(file=path.name), detail=detail)]
    result.status = status_of(result.findings)
    return result


def read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    """A file's bytes, at most ``MAX_FILE_BYTES`` of them; raises ``Unreadable`` (FILE-IO, FILE-TOO-LARGE)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise Unreadable("FILE-IO", os_error_msg(exc)) from exc
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("FILE-IO", Msg(NOT_A_FILE))
    if st.st_size > MAX_FILE_BYTES:
        raise Unreadable("FILE-TOO-LARGE", f"{st.st_size // (1024 * 1024)} MB")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise Unreadable("FILE-IO", os_error_msg(exc)) from exc
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable("FILE-TOO-LARGE", f"{len(data) // (1024 * 1024)} MB")
    return data, st


def read_sheet_values(path: Path | str, names: Sequence[str]) -> list[list[Any]] | None:
    """The values of the first of the sheets ``names`` a workbook has (None when it has none),
    read under the same limits as every input; raises ``Unreadable`` with the FILE-* code that
    says why not."""
    data, _ = read_bytes(Path(path))
    code = sniff(data)
    if code != "zip":
        raise Unreadable(code)
    package = open_package(data)
    book = Book(data, package)
    try:
        name = next((n for n in names if book.has(n)), None)
        return book.grid(name, formulas=False).rows if name is not None else None
    finally:
        book.close()


@dataclass
class _Reading:
    path: Path
    format_hint: str | None
    common: Common = field(default_factory=load_common)
    findings: list[Finding] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # totals holding their formula: recompute
    values: dict[str, float] = field(default_factory=dict)  # the result's values as they are read
    indexes: dict[str, TextIndex] = field(default_factory=dict)
    spec: FormatSpec | None = None
    kind: Kind = "foreign"
    values_only: bool = False  # an .xls/.ods/.xlsb: no formulas to tell a typed total by
    depth: int = -1  # a member of a bundle: 0, of a bundle in a bundle: 1; a file on disk: -1

    def run(self) -> FileResult:
        self.result = FileResult(path=str(self.path), sha256=None, size=None, mtime=None, status="unreadable")
        self.factory = FindingFactory()
        try:
            data = self._read_bytes()
            self.result.sha256 = hashlib.sha256(data).hexdigest()
            code = sniff(data)
            bundles.refuse(data, nested=self.depth >= 1)  # a bundle not opened: why
            container = document_type(data, code)
            sheet_kind = container_of(data, code) if container is None else None
            if container is not None:  # a published report: .txt, .html, .docx, .pdf
                self._read_document(data, container, code)
            elif sheet_kind is not None:  # .xls/.et, .ods, .xlsb: values only, through calamine
                self._read_values_only(data, sheet_kind)
            elif code != "zip":
                raise Unreadable(code)
            else:
                self._read_package(data)
        except Unreadable as exc:
            self._refused(exc.code, exc.detail, **getattr(exc, "params", {}))
        except Exception:  # a reader's own bug, or a library's on a file nobody foresaw: this file, not the batch
            self._refused("FILE-CORRUPT", Msg(READER_FAILED))
        except BaseException as exc:  # only a Rust library's panic (pyo3's PanicException); Ctrl-C goes on up
            if not _rust_panic(exc):
                raise
            self._refused("FILE-CORRUPT", Msg(CONTENT_DAMAGED))
        self.result.findings = self.findings
        self.result.status = status_of(self.findings)
        return self.result

    def _refused(self, code: str, detail: str | Msg, **params: Any) -> None:
        """The file cannot be read: its one FILE-* finding (a macro warning kept), no values."""
        self.findings = [f for f in self.findings if f.code == "FILE-MACROS"]
        self._file_finding(code, detail=detail, **params)
        self.result.values = None
        self.result.addresses = {}

    # --- the file ------------------------------------------------------------------------------------

    def _read_bytes(self) -> bytes:
        try:
            st = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError) as exc:
            member = bundles.member_bytes(self.path)  # 包.zip/成员.xlsx: read in memory
            if member is None:
                raise Unreadable("FILE-IO", os_error_msg(exc)) from exc
            self.result.size, self.result.mtime, self.depth = len(member.data), member.mtime, member.depth
            return member.data
        except OSError as exc:
            raise Unreadable("FILE-IO", os_error_msg(exc)) from exc
        if stat.S_ISREG(st.st_mode):
            self.result.size, self.result.mtime = st.st_size, st.st_mtime
        data, st = read_bytes(self.path)  # the limits, and why not
        self.result.size, self.result.mtime = st.st_size, st.st_mtime
        return data

    def _read_package(self, data: bytes) -> None:
        package = open_package(data)
        try:
            if package.macros:
                self._file_finding("FILE-MACROS")
            book = Book(data, package)
            try:
                self._read_book(book)
            finally:
                book.close()
        finally:
            package.close()

    def _read_values_only(self, data: bytes, container: Container) -> None:
        book = ValuesBook(data, container)
        try:
            self.values_only = True
            self._file_finding("FILE-VALUES-ONLY", kind=container.named)
            self._read_book(book)  # type: ignore[arg-type]  # the same interface as Book
        finally:
            book.close()

    def _file_finding(self, code: str, **params: Any) -> None:
        self.findings.append(self.factory.common(code, Place(file=self.path.name), **params))

    # --- the workbook --------------------------------------------------------------------------------

    def _read_book(self, book: Book) -> None:
        common = self.common
        meta: dict[str, str] = {}
        if book.has(common.meta_sheet):
            meta = read_meta(book.grid(common.meta_sheet, formulas=False), common)
        self.result.meta = meta
        problem = check_meta(meta) if meta else None
        if meta and problem is None:
            spec = load_spec(meta["format"])
            kind: Kind = KINDS[meta["kind"]]  # type: ignore[assignment]
            self._start(spec, kind)
            if kind == "rollup":
                self.result.units = parse_units(meta.get("units", "1"))
            self._read_identity(book, meta)
            self._read_by_position(book, plans_for(spec, layout_name(meta)))
        else:
            self._read_identity(book, meta)
            self._read_foreign(book, problem)

    def _start(self, spec: FormatSpec, kind: Kind) -> None:
        self.spec = spec
        self.kind = kind
        self.factory = FindingFactory(spec)
        self.result.format, self.result.kind = spec.id, kind
        self.values = {}
        self.result.values = self.values

    def _read_identity(self, book: Book, meta: dict[str, str]) -> None:
        common = self.common
        if book.has(common.identity_sheet):
            identity = read_identity([book.grid(common.identity_sheet, formulas=False)], common)
        elif meta and meta.get("kind") in KINDS:
            identity = {f.id: "" for f in common.fields}
            for key in ("unit_name", "unit_code", "year"):  # no 填报信息: what _meta says
                identity[key] = meta.get(key, "")
            if meta.get("kind") == "template":
                self.findings.append(self.factory.common(
                    "SHEET-MISSING", Place(file=self.path.name), sheet=common.identity_sheet, hint=""))
        else:
            identity = {f.id: "" for f in common.fields}  # searched for with the tables, below
        self.result.identity = identity
        self.result.year = parse_year(identity.get("year")) or parse_year(meta.get("year"))

    def _read_document(self, data: bytes, container: str, sniffed: str) -> None:
        """A published report: its unit and year from its words, its tables by their labels."""
        book = open_document(data, container)
        unit, year = unit_and_year(book.document.text_lines())
        identity = {f.id: "" for f in self.common.fields}
        identity["unit_name"], identity["year"] = unit, str(year) if year else ""
        self.result.identity, self.result.year = identity, year
        self._read_foreign(book, None, kind="report", container=container)
        if self.spec is None:  # no statistical table at all: what the file is, as for any other file
            raise Unreadable("FILE-DOCX" if container == "docx" else sniffed)

    def _read_by_position(self, book: Book, plans: Mapping[str, TablePlan]) -> None:
        """Our template or summary: every table where the layout puts it, its labels verified."""
        for plan in plans.values():
            sheet = plan.layout.sheet
            located: Located | None = None
            if book.has(sheet):
                located = check_at(plan, book.grid(sheet), [(0, 0)] * len(plan.blocks), lenient_blank=False)
                if not located.readable:
                    moved = self._search(book, plan, prefer=sheet, lenient_blank=False)
                    if moved is not None and moved.readable:
                        located = moved
                    elif moved is None and located.matched == 0:  # nothing of the table is there
                        self._not_found(book, plan)
                        continue
            else:
                located = self._search(book, plan, prefer=None, lenient_blank=False)
                if located is None:
                    self.findings.append(self.factory.common(
                        "SHEET-MISSING", Place(file=self.path.name), sheet=sheet, hint=""))
                    continue
            self._take(book, located)
        self._recompute()

    def _search(self, book: AnyBook, plan: TablePlan, prefer: str | None, lenient_blank: bool) -> Located | None:
        best: Located | None = None
        # a report is laid out in each table's own shape: a table is looked for in its own
        grids = [book.grid(plan.layout.sheet)] if isinstance(book, DocBook) else self._grids(book)
        for grid in grids:
            found = locate(plan, grid, self._index(grid), lenient_blank)
            if found is None:
                continue
            rank = (found.readable, found.matched, grid.name == prefer)
            if best is None or rank > (best.readable, best.matched, best.sheet == prefer):
                best = found
        return best

    def _grids(self, book: AnyBook) -> list[Grid]:
        names = [n for n in book.sheet_names if n != self.common.meta_sheet and book.has(n)]
        return [book.grid(n) for n in names[:MAX_SHEETS]]

    def _index(self, grid: Grid) -> TextIndex:
        if grid.name not in self.indexes:
            self.indexes[grid.name] = TextIndex(grid)
        return self.indexes[grid.name]

    def _read_foreign(self, book: AnyBook, problem: str | None, kind: Kind = "foreign", container: str = "") -> None:
        """A workbook without our ``_meta`` (or a published report, ``kind="report"``):
        recognise the format by the labels, find every table."""
        grids = self._grids(book)
        if not self.result.identity.get("unit_name"):
            found = read_identity(grids, self.common, at_cells=False)
            self.result.identity = {k: v or found.get(k, "") for k, v in self.result.identity.items()}
            self.result.year = self.result.year or parse_year(self.result.identity.get("year"))
        candidates = [self.format_hint] if self.format_hint in FORMATS else list(FORMATS)
        best: tuple[float, bool, FormatSpec, dict[str, Located]] | None = None
        preferred = self.format_hint or (format_for_year(self.result.year) if self.result.year else DEFAULT_FORMAT)
        for fid in candidates:
            spec = load_spec(fid)
            placed: dict[str, Located] = {}
            for tid, plan in plans_for(spec, "template").items():
                located = self._search(book, plan, prefer=plan.layout.sheet, lenient_blank=True)
                if located is not None:
                    placed[tid] = located
            total = sum(len([b for blk in p.blocks for b in blk.labels if b.role in STRUCTURAL])
                        for p in plans_for(spec, "template").values())
            score = sum(p.matched for p in placed.values()) / max(total, 1)
            rank = (score, fid == preferred, spec, placed)
            if placed and (best is None or rank[:2] > best[:2]):
                best = rank
        if best is None:
            self.findings.append(self.factory.common("FORMAT-UNKNOWN", Place(file=self.path.name)))
            return
        _, _, spec, placed = best
        self._start(spec, kind)
        if kind == "report":
            self._file_finding("REPORT-READ", format_name=Msg(spec.name), container=container)
        elif problem is None:
            self._file_finding("META-MISSING", format_name=Msg(spec.name))
        else:
            self._file_finding("META-BAD", format_name=Msg(spec.name), detail=problem)
        for tid, plan in plans_for(spec, "template").items():
            located = placed.get(tid)
            if located is None and isinstance(book, DocBook):
                located = book.by_title(plan)  # a table without row labels, its header garbled
            if located is None:
                self._not_found(book, plan)
            else:
                self._take(book, located)
        self._recompute()

    def _not_found(self, book: AnyBook, plan: TablePlan) -> None:
        sheet = plan.layout.sheet
        table = plan.layout.table
        if not book.has(sheet):
            self.findings.append(self.factory.common("SHEET-MISSING", Place(file=self.path.name), sheet=sheet,
                                                     hint=""))
            return
        first = next(b for blk in plan.blocks for b in blk.labels if b.role in STRUCTURAL)
        self.findings.append(self.factory.common("TABLE-NOT-FOUND", Place(sheet=sheet), table=table.short_name,
                                                 label=first.text))

    # --- one table ---------------------------------------------------------------------------------------

    def _take(self, book: AnyBook, located: Located) -> None:
        """Report what the labels say about the table, and read its numbers if they can be trusted."""
        plan, sheet = located.plan, located.sheet
        table = plan.layout.table
        expected_sheet = plan.layout.sheet
        grid = book.grid(sheet)
        where = grid.address
        if self.kind == "report":  # a document has no template position to keep
            self._take_report(grid, located)
            return
        if sheet != expected_sheet:
            self.findings.append(self.factory.common(
                "TABLE-MOVED", Place(sheet, located.anchor_address), table=table.short_name, expected=expected_sheet,
                found=sheet))
        elif located.shift != (0, 0):
            rows, cols = located.shift
            self.findings.append(self.factory.common(
                "TABLE-SHIFTED", Place(sheet, located.anchor_address), table=table.short_name, rows=rows, cols=cols))
        mismatch = next((c for c in located.problems if c.status == "mismatch"), None)
        if mismatch is not None and mismatch.box.role in ("row_label", "row_group"):
            aligned = self._align(grid, located, "error")  # a row deleted or retyped: row by row
            if aligned is None:
                return
            located = aligned
            mismatch = next((c for c in located.problems if c.status == "mismatch"), None)
        if mismatch is not None and mismatch.box.role == "col_header":
            located = self._align_columns(grid, located)  # a column deleted or retyped: column by column
            mismatch = next((c for c in located.problems if c.status == "mismatch"), None)
        if mismatch is not None:
            self.findings.append(self.factory.common(
                "LABEL-MISMATCH", Place(sheet, where(mismatch.row, mismatch.col)), expected=mismatch.box.text,
                found=mismatch.found))
        self._label_findings(grid, located)
        if mismatch is None:
            self._read_cells(grid, located, _header_units(located))

    def _label_findings(self, grid: Grid, located: Located) -> None:
        for check in located.problems:
            if not grid.positional and check.status == "typo" and not check.structural and (
                    check.box.role == "title" or not similar(check.found, check.box.text)):
                continue  # a document's titles are paragraphs; other text where a caption was: none there
            if check.status in ("alias", "typo"):
                code = "LABEL-ALIAS" if check.status == "alias" else "LABEL-TYPO"
                self.findings.append(self.factory.common(
                    code, Place(grid.name, grid.address(check.row, check.col)), expected=check.box.text,
                    found=check.found))

    def _take_report(self, grid: Grid, located: Located) -> None:
        """A table of a published report. Its numbers are placed by their row's own labels and
        their count, not by the header: a header or a group label that is garbled or missing
        is a warning, and only a row label that does not match leaves the table unread."""
        if any(c.status == "mismatch" and c.box.role in ("row_label", "row_group") for c in located.problems):
            aligned = self._align(grid, located, "warning")
            if aligned is None:
                return
            located = aligned
        blocking = None
        loose = []
        for check in located.problems:
            if check.status != "mismatch":
                continue
            if check.box.role == "row_label":
                blocking = blocking or check
            else:
                loose.append(check)
        if len(loose) > 3:  # a header OCR broke up: one finding for the table
            first = loose[0]
            self.findings.append(self.factory.common(
                "REPORT-HEADER-GARBLED", Place(grid.name, grid.address(first.row, first.col)),
                table=located.plan.layout.table.short_name, count=len(loose), expected=first.box.text,
                found=first.found))
        else:
            for check in loose:
                self.findings.append(self.factory.common(
                    "REPORT-HEADER", Place(grid.name, grid.address(check.row, check.col)), expected=check.box.text,
                    found=check.found))
        if blocking is not None:
            self.findings.append(self.factory.common(
                "LABEL-MISMATCH", Place(grid.name, grid.address(blocking.row, blocking.col)),
                expected=blocking.box.text, found=blocking.found))
        self._label_findings(grid, located)
        if blocking is None:
            self._read_cells(grid, located, _header_units(located))

    def _align(self, grid: Grid, located: Located, missing_severity: Severity) -> Located | None:
        """The table placed row by row (``align.py``) when its row labels are not where one
        offset puts them: a missing row is a finding at that row and every other row is read,
        a row of the older form is read into the row it means; None (and a finding saying how
        many rows were found, and which not) when too few rows can be placed to trust any."""
        plan = located.plan
        alignment = align(plan, grid, [(p.dr, p.dc) for p in located.places])
        if alignment is None:
            return located
        table = plan.layout.table.short_name
        if not alignment.trusted:
            self.findings.append(self.factory.common(
                "TABLE-ROWS-TOO-FEW", Place(grid.name, grid.address(*located.anchor)), table=table,
                placed=alignment.placed, total=alignment.total, rows=_quoted(b.text for b in alignment.missing)))
            return None
        placed_rows = set(alignment.rows())
        absent = {p.block.index for p in located.places  # a block none of whose rows is there: its rows say so
                  if not any(b.role == "row_label" and b.row in placed_rows for b in p.block.labels)}
        problems = [c for c in located.problems if c.box.role != "row_label" and not (
            c.box.role == "row_group" and c.status == "mismatch" and group_found(c.box, alignment, grid))
            and _block_of(located, c.box) not in absent]
        for m in alignment.matches:
            status = matches(m.found, m.box) if m.exact else "typo"
            if status != "ok":
                problems.append(LabelCheck(m.box, status or "typo", m.found, m.row, m.col))
        self._row_findings(grid, located, alignment, missing_severity)
        rows = alignment.rows()
        places = tuple(dataclasses.replace(p, dc=data_offset(p.block.reads, rows, grid, (p.dc, 0)))
                       for p in located.places)
        return dataclasses.replace(located, places=places, problems=tuple(problems), rows=rows,
                                   zero_rows=alignment.zero_rows())

    def _align_columns(self, grid: Grid, located: Located) -> Located:
        """Each block whose column headers do not all match, placed column by column: a column
        not found is an error at the header (its cells not read), the others are read. A block
        with too few columns found keeps its mismatch (the table is not read)."""
        cols: dict[int, dict[int, int]] = {}
        problems = list(located.problems)
        table = located.plan.layout.table.short_name
        for place in located.places:
            if not any(c.status == "mismatch" and c.box.role == "col_header" and c.box in place.block.labels
                       for c in located.problems):
                continue
            found = align_columns(place.block, located.plan.layout, grid, place.dr, place.dc)
            if found is None or not found.trusted:
                continue
            cols[place.block.index] = found.cols
            problems = [c for c in problems if not (c.box.role == "col_header" and c.box in place.block.labels)]
            problems += [LabelCheck(m.box, "typo", m.found, m.row, m.col) for m in found.matches if not m.exact]
            for box in found.missing:
                self.findings.append(self.factory.common(
                    "COLUMN-MISSING", Place(grid.name, grid.address(box.row + place.dr, box.col + place.dc),
                                            column_label=box.text, label=box.text), table=table, expected=box.text))
        if not cols:
            return located
        return dataclasses.replace(located, problems=tuple(problems), cols=cols)

    def _row_findings(self, grid: Grid, located: Located, alignment: Alignment, severity: Severity) -> None:
        table = located.plan.layout.table.short_name
        dc = located.places[0].dc
        placed = sorted((m.box.row, m.row) for m in alignment.matches)
        for box in alignment.missing:
            before = [r for spec_row, r in placed if spec_row < box.row]
            after = [r for spec_row, r in placed if spec_row > box.row]
            row = before[-1] + 1 if before else (after[0] if after else located.anchor[0])
            place = Place(grid.name, grid.address(row, box.col + dc), row_label=box.text, label=box.text)
            self.findings.append(self.factory.common("ROW-MISSING", place, table=table, expected=box.text,
                                                     severity=severity))
        for f in alignment.foreign:
            self.findings.append(self.factory.common(
                "ROW-OLDER-FORM", Place(grid.name, grid.address(f.row, f.col)), table=table, found=f.found,
                expected=f.target.text, others=_quoted(b.text for b in f.others)))

    def _read_cells(self, grid: Grid, located: Located, header_units: dict[str, str]) -> None:
        spec, kind, values = self.spec, self.kind, self.values
        assert spec is not None and values is not None
        totals, ambiguous = spec.derived.totals, spec.derived.ambiguous
        check_totals = kind == "template" and not self.values_only
        check_units = kind in ("foreign", "report")
        positional = grid.positional
        rows, formulas, sheet = grid.rows, grid.formulas, grid.name
        addresses = self.result.addresses
        for p in located.places if located.zero_rows else ():  # the older form's row stands for these: 0
            for read in p.block.reads:
                if read[1] in located.zero_rows:
                    values[read[0]] = 0.0
        for place in located.places:
            dr, dc = place.dr, place.dc
            shifted = bool(dr or dc) or located.rows is not None or located.cols is not None
            reads = place.block.reads if located.rows is None else realigned(place.block.reads, located.rows, dr)
            if located.cols is not None and place.block.index in located.cols:
                reads = recolumned(reads, located.cols[place.block.index], dc)
            for key, row, col, last_row, last_col, address in reads:
                r, c = row + dr, col + dc
                try:
                    raw = rows[r][c] if r >= 0 and c >= 0 else ""
                except IndexError:
                    raw = ""
                moved = shifted
                if type(raw) is not float and raw == "" and (last_row != row or last_col != col):
                    r, c = _first_filled(grid, r, c, last_row + dr, last_col + dc)  # a merged box: anywhere in it
                    raw = grid.value(r, c)
                    moved = moved or r != row or c != col
                if moved or not positional:
                    address = grid.address(r, c)
                addresses[key] = (sheet, address)
                if address in formulas or (self.values_only and key in totals and raw == ""):
                    self._formula_cell(key, raw, grid, address)
                elif key in header_units:
                    self._other_cell(key, raw, sheet, address, False, False, header_units[key])
                elif type(raw) is float and raw == raw:  # the common case: a number (not NaN)
                    values[key] = raw
                    if check_totals and key in totals:
                        self._cell_finding("TOTAL-OVERWRITTEN", key, address, sheet, found=raw)
                    elif check_units and key in ambiguous and raw != 0:
                        self._cell_finding("CELL-UNIT-AMBIGUOUS", key, address, sheet, found=raw)
                else:
                    self._other_cell(key, raw, sheet, address, check_totals and key in totals,
                                     check_units and key in ambiguous)

    def _formula_cell(self, key: str, raw: object, grid: Grid, address: str) -> None:
        """A total holding its formula is recomputed (a foreign total keeps its cached number);
        an input holding a formula counts with its cached number, if it has one."""
        values = self.values
        assert values is not None and self.spec is not None
        if self.spec.cell(key).is_total and not (self.kind == "foreign" and _is_number(raw)):
            values[key] = NAN
            self.pending.append(key)
        elif _is_number(raw):
            values[key] = float(raw)  # type: ignore[arg-type]
        else:
            values[key] = NAN
            formula = grid.formula(address)
            self._cell_finding("CELL-TEXT", key, address, grid.name, found=f"={formula}" if formula else "=…")

    def _other_cell(self, key: str, raw: object, sheet: str, address: str, overwritten: bool,
                    ambiguous: bool, header_unit: str | None = None) -> None:
        """Anything but a plain number: text, blank, a date, a bool, an int; or any amount
        under a retyped header that states its unit (a bare number there is in that unit)."""
        values = self.values
        assert values is not None and self.spec is not None
        kind = self.spec.cell(key).kind
        parsed = parse_cell(raw, kind)
        if header_unit is not None and kind == "amount" and parsed.ok and parsed.unit is None:
            factor = AMOUNT_UNITS[header_unit]
            if factor != 1:
                value = float(round(Decimal(repr(parsed.value)) * factor, 6))
                found = parsed.found if parsed.found is not None else f"{fmt_number(parsed.value)}（{header_unit}）"
                values[key] = value
                self._cell_finding("CELL-UNIT-CONVERTED", key, address, sheet, found=found, value=value)
                return
        if self.kind == "report" and parsed.suggested is not None:  # a published “2笔”: its number, as printed
            parsed = Parsed(parsed.suggested, "CELL-NORMALISED", parsed.found)
        values[key] = parsed.value
        if parsed.code is not None:
            extra: dict[str, Any] = {"value": parsed.value} if parsed.ok else {}
            if parsed.suggested is not None:  # “3件”: say what to type
                extra.update(expected=parsed.suggested,
                             hint=Msg(N_("（应填 {number}）"), {"number": fmt_number(parsed.suggested)}))
            self._cell_finding(parsed.code, key, address, sheet, found=parsed.found, **extra)
        if not parsed.ok:
            return
        if overwritten:
            self._cell_finding("TOTAL-OVERWRITTEN", key, address, sheet, found=parsed.value)
        elif ambiguous and parsed.unit is None and parsed.value != 0:
            self._cell_finding("CELL-UNIT-AMBIGUOUS", key, address, sheet, found=parsed.value)

    def _cell_finding(self, code: str, key: str, address: str, sheet: str, **params: Any) -> None:
        assert self.spec is not None
        place = Place.of_cell(self.spec.cell(key), sheet, address)
        self.findings.append(self.factory.common(code, place, **{"hint": "", **params}))

    def _recompute(self) -> None:
        """Totals that hold their formula: the sum of their parts, as Excel's SUM (blanks count 0)."""
        spec, values, pending = self.spec, self.values, self.pending
        assert spec is not None and values is not None
        if not pending:
            return
        todo = set(pending)
        for key, parts in spec.program.totals:  # totals of totals after their parts
            if key in todo:
                total = 0.0
                for part in parts:
                    v = values.get(part, NAN)
                    if v == v:
                        total += v
                values[key] = total
        pending.clear()


def _header_units(located: Located) -> dict[str, str]:
    """Cell key -> the unit its retyped column header states (采购总金额（元）), if any."""
    out: dict[str, str] = {}
    for check in located.problems:
        if check.unit is None:
            continue
        for place in located.places:
            if check.box in place.block.labels:
                for cell in place.block.cells:
                    if cell.col == check.box.col and cell.key:
                        out[cell.key] = check.unit
    return out


def _block_of(located: Located, box: Box) -> int:
    return next(p.block.index for p in located.places if box in p.block.labels)


def _quoted(texts: Iterable[str]) -> str:
    return "、".join(f"“{t}”" for t in texts)


def _rust_panic(exc: BaseException) -> bool:
    """pyo3's PanicException (python-calamine): a BaseException that cannot be imported by name."""
    return not isinstance(exc, Exception) and type(exc).__name__ == "PanicException"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _first_filled(grid: Grid, row: int, col: int, last_row: int, last_col: int) -> tuple[int, int]:
    for r in range(row, last_row + 1):
        for c in range(col, last_col + 1):
            if grid.value(r, c) != "":
                return r, c
    return row, col
