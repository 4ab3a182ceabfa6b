"""A sheet's values (python-calamine) and which of its cells hold a formula (the sheet XML).

python-calamine reads values fast but says nothing about formulas; a total that still holds
its formula must be recomputed (a file saved by a program may carry no cached value), and
a total that lost it must be reported. So each sheet's XML is also scanned, cheaply, for
``<c r="J6"><f>…</f>`` — the same scan bounds the sheet before calamine builds a dense grid
of it (a sheet with a value in A1 and another in XFD1048576 must never be materialised).

The scan is a regular expression over the sheet XML, kept for its measured speed: on a
realistic submission, unzip + this scan takes 0.4 ms a file against 1.3 ms for zipfile +
ElementTree iterparse (NOTES.md); over 1,000 files the benchmark's ``floor`` (this kind of
scan) takes 1.66 s and ``floor_etree`` 5.82 s (benchmarks/README.md, 2026-11-22). It only
looks for cell references and formula markers inside ``sheetData``: the workbook structure
(workbook.xml, relationships) is parsed with defusedxml (``archive.py``).

``Book(data, package)`` opens the workbook once; ``Book.grid(name)`` gives a ``Grid``
(values as a list of rows from A1, 0-based; formulas by A1 address) or raises ``Unreadable``.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar
from xml.sax.saxutils import unescape

from ..i18n import N_, Msg
from ..spec.layout import a1, position
from .archive import CONTENT_DAMAGED, SHEET_EXTENT, Package, Unreadable, sheet_data_closed

MAX_ROWS = 100_000
MAX_COLS = 2_000
MAX_AREA = 2_000_000  # rows x columns of the dense grid

# Fast path: every cell is `<c r="A1" …>`. A reference with two letters or a five-digit row is
# unusual in a submission: then the exact extent is computed (the slow path below).
# anything but `<c r="A1…` with one letter and at most four digits: a prefixed cell, a cell
# without `r` or with `r` elsewhere, a reference beyond column Z or row 9999
_UNUSUAL = re.compile(r'<c(?! r="[A-Z][0-9]{1,4}")[\s>/]')
_FORMULA = re.compile(r'<c r="([A-Z][0-9]{1,4})"[^>]*>\s*<f\b')
# the slow path, for XML that puts `r` after other attributes, leaves it out, or uses prefixes
_TOKEN = re.compile(r"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|f)\b([^>]*?)(/?)>")
_R_ATTR = re.compile(r'\br="([A-Z]{0,3})([0-9]{0,7})"')

SHEET_NO_PART = N_("工作表“{sheet}”的内容缺失")


@dataclass(frozen=True)
class SheetScan:
    formulas: dict[str, str]  # "J6" -> the formula as in the XML ("" for a shared formula's copy)
    rows: int = 0  # the extent of the cells, when it had to be computed (the slow path)
    cols: int = 0
    source: str = ""  # the sheetData, when the formulas' texts are still to be read from it

    def formula(self, ref: str) -> str:
        """The text of the formula in cell ``ref`` ("" when unknown or a shared formula's copy)."""
        text = self.formulas.get(ref, "")
        if text or not self.source:
            return text
        m = re.search(f'<c r="{ref}"[^>]*>\\s*<f\\b[^>]*?(/?)>([^<]*)', self.source)
        return m.group(2) if m and not m.group(1) else ""

    @property
    def too_large(self) -> bool:
        return self.rows > MAX_ROWS or self.cols > MAX_COLS or self.rows * self.cols > MAX_AREA


def scan_sheet(xml: bytes, formulas: bool = True) -> SheetScan:
    """The formula cells of a sheet, and its extent when that could be large, from its XML.

    Only ``sheetData`` is looked at (data validations and conditional formats after it are
    most of a template's sheet). On the fast path the extent is bounded by construction:
    one-letter columns, rows below 10,000.
    """
    start, end = xml.find(b"sheetData"), xml.rfind(b"sheetData")
    if start < 0 or end <= start:
        return SheetScan({})
    data = xml[start:end].decode("utf-8", "replace")
    if ":c" in data or _UNUSUAL.search(data):  # prefixed elements (<x:c>), or unusual cells
        return _scan_slowly(data)
    if not formulas or "<f" not in data:
        return SheetScan({})
    return SheetScan(dict.fromkeys(_FORMULA.findall(data), ""), source=data)


def formula_text(raw: str) -> str:
    """A formula as the clerk sees it (XML entities resolved)."""
    return unescape(raw, {"&quot;": '"', "&apos;": "'"})


def _scan_slowly(data: str) -> SheetScan:
    rows = cols = 0
    row, col = 0, -1
    in_cell = False
    formulas: dict[str, str] = {}
    for m in _TOKEN.finditer(data):
        closing, tag, attrs, empty = m.groups()
        if closing:
            if tag == "c":
                in_cell = False
            continue
        ref = _R_ATTR.search(attrs)
        if tag == "row":
            row = int(ref.group(2)) - 1 if ref and ref.group(2) else row + 1
            col = -1
        elif tag == "c":
            if ref and ref.group(1):
                col = position(f"{ref.group(1)}1")[1]
                if ref.group(2):
                    row = int(ref.group(2)) - 1
            else:
                col += 1
            in_cell = not empty
            if in_cell:
                rows, cols = max(rows, row + 1), max(cols, col + 1)
        elif tag == "f" and in_cell:
            end = data.find("<", m.end())
            formulas[a1(row, col)] = "" if empty else data[m.end():end if end >= 0 else len(data)]
    return SheetScan(formulas, rows, cols)


@dataclass
class Grid:
    """One sheet: values from A1 (``""`` where empty) and its formula cells, 0-based."""

    name: str
    rows: list[list[Any]]
    formulas: dict[str, str] = field(default_factory=dict)  # "J6" -> formula (see ``formula``)
    scan: SheetScan | None = None
    positional: ClassVar[bool] = True  # a cell is named by its address (a document names its row instead)

    def address(self, row: int, col: int) -> str:
        """How a finding names the cell at (row, col): "D12" on a sheet."""
        return a1(row, col)

    def formula(self, ref: str) -> str:
        """The formula in cell ``ref`` as the clerk sees it ("" when unknown)."""
        return formula_text(self.scan.formula(ref)) if self.scan else ""

    def value(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.rows):
            line = self.rows[row]
            if 0 <= col < len(line):
                return line[col]
        return ""

    @property
    def height(self) -> int:
        return len(self.rows)


class Book:
    """A workbook opened for reading values: one calamine workbook over the package's bytes."""

    def __init__(self, data: bytes, package: Package) -> None:
        self.package = package  # every part's prolog was checked for a DTD when it was opened
        self._data = data
        self._book: Any = None
        self.lean = False  # calamine reads the parts of ``Package.lean``, not the package
        try:
            lean = package.lean()
            if lean is not None:
                self._book, self.lean = _calamine(lean), True
        except Exception:  # anything odd about the parts: calamine reads the package, as it is
            self._book, self.lean = None, False
        try:
            if self._book is None:
                self._book = _calamine(data)
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except Exception as exc:  # calamine raises its own errors (a Rust panic: reader.run)
            raise _unreadable(exc) from exc
        self._grids: dict[str, Grid] = {}

    def has(self, name: str) -> bool:
        return bool(self.package.sheets.get(name)) and name in self.sheet_names

    def grid(self, name: str, formulas: bool = True) -> Grid:
        cached = self._grids.get(name)
        if cached is not None:
            return cached
        part = self.package.sheets.get(name, "")
        if not part:
            raise Unreadable("FILE-CORRUPT", Msg(SHEET_NO_PART, {"sheet": name}))
        scan = scan_sheet(self.package.head(part, sheet_data_closed), formulas)
        if scan.too_large:
            raise Unreadable("FILE-TOO-LARGE", Msg(SHEET_EXTENT, {"sheet": name, "rows": scan.rows, "cols": scan.cols}))
        try:
            rows = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            if not self.lean:
                raise _unreadable(exc) from exc
            self._book, self.lean = None, False  # what calamine makes of the package itself decides
            try:
                self._book = _calamine(self._data)
            except Exception as again:
                raise _unreadable(again) from again
            return self.grid(name, formulas)
        grid = Grid(name, rows, scan.formulas, scan) if formulas else Grid(name, rows)
        self._grids[name] = grid
        return grid

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing is best effort
            self._book.close()


def _calamine(data: bytes) -> Any:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


def _unreadable(exc: Exception) -> Unreadable:
    """Why calamine could not read the workbook, as a catalog text (its own message is English)."""
    if isinstance(exc, Unreadable):
        return exc
    if type(exc).__name__ == "PasswordError":
        return Unreadable("FILE-ENCRYPTED")
    return Unreadable("FILE-CORRUPT", Msg(CONTENT_DAMAGED))
