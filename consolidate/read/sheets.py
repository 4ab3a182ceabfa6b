"""A sheet's values (python-calamine) and which of its cells hold a formula (the sheet XML).

python-calamine reads values fast but says nothing about formulas; a total that still holds
its formula must be recomputed (a file saved by a program may carry no cached value), and
a total that lost it must be reported. So each sheet's XML is also scanned, cheaply, for
``<c r="J6"><f>…</f>`` — the same scan bounds the sheet before calamine builds a dense grid
of it (a sheet with a value in A1 and another in XFD1048576 must never be materialised).

``Book(data, package)`` opens the workbook once; ``Book.grid(name)`` gives a ``Grid``
(values as a list of rows from A1, formulas by (row, col), 0-based) or raises ``Unreadable``.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import unescape

from .archive import Package, Unreadable

MAX_ROWS = 100_000
MAX_COLS = 2_000
MAX_AREA = 2_000_000  # rows x columns of the dense grid

_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_COL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<f\b[^>]*?(/?)>([^<]*)')
# the slow path, for XML that puts `r` after other attributes, leaves it out, or uses prefixes
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|f)\b([^>]*?)(/?)>")
_R_ATTR = re.compile(rb'\br="([A-Z]{0,3})([0-9]{0,7})"')


_COLS: dict[bytes | str, int] = {}


def col_index(letters: bytes | str) -> int:
    """b"A" -> 0, b"J" -> 9, b"AA" -> 26."""
    n = _COLS.get(letters)
    if n is None:
        n = 0
        for ch in letters if isinstance(letters, str) else letters.decode():
            n = n * 26 + ord(ch) - 64
        n -= 1
        if len(_COLS) < 20_000:
            _COLS[letters] = n
    return n


@dataclass(frozen=True)
class SheetScan:
    rows: int  # how many rows the dense grid has (the last row holding a cell), 0 when empty
    cols: int
    formulas: dict[tuple[int, int], bytes]  # (row, col) -> formula, as in the XML ("" for a shared copy)


def scan_sheet(xml: bytes) -> SheetScan:
    """The extent of a sheet's cells and its formula cells, from its XML."""
    row_refs = _CELL_ROW.findall(xml)
    if len(row_refs) != xml.count(b"<c ") + xml.count(b"<c>") or b":c " in xml or b":c>" in xml:
        return _scan_slowly(xml)
    if not row_refs:
        return SheetScan(0, 0, {})
    rows = max(map(int, row_refs))
    cols = max(col_index(c) + 1 for c in set(_CELL_COL.findall(xml)))
    formulas = {}
    if b"<f" in xml:
        formulas = {
            (int(r) - 1, col_index(c)): b"" if closed else text
            for c, r, closed, text in _FORMULA.findall(xml)
        }
    return SheetScan(rows, cols, formulas)


def formula_text(raw: bytes) -> str:
    """A formula as the clerk sees it (XML entities resolved)."""
    return unescape(raw.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})


def _scan_slowly(xml: bytes) -> SheetScan:
    rows = cols = 0
    row, col = 0, -1
    in_cell = False
    formulas: dict[tuple[int, int], bytes] = {}
    for m in _TOKEN.finditer(xml):
        closing, tag, attrs, empty = m.groups()
        if closing:
            if tag == b"c":
                in_cell = False
            continue
        ref = _R_ATTR.search(attrs)
        if tag == b"row":
            row = int(ref.group(2)) - 1 if ref and ref.group(2) else row + 1
            col = -1
        elif tag == b"c":
            if ref and ref.group(1):
                col = col_index(ref.group(1))
                if ref.group(2):
                    row = int(ref.group(2)) - 1
            else:
                col += 1
            in_cell = not empty
            if in_cell:
                rows, cols = max(rows, row + 1), max(cols, col + 1)
        elif tag == b"f" and in_cell:
            end = xml.find(b"<", m.end())
            formulas[(row, col)] = b"" if empty else xml[m.end():end if end >= 0 else len(xml)]
    return SheetScan(rows, cols, formulas)


@dataclass
class Grid:
    """One sheet: values from A1 (``""`` where empty) and its formula cells, 0-based."""

    name: str
    rows: list[list[Any]]
    formulas: dict[tuple[int, int], bytes] = field(default_factory=dict)

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
        self.package = package
        for part in package.related.values():  # what calamine reads on opening: check it first
            package.part(part)
        try:
            import python_calamine

            self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except BaseException as exc:  # calamine raises its own errors, a Rust panic a BaseException
            raise _unreadable(exc) from exc
        self._grids: dict[str, Grid] = {}

    def has(self, name: str) -> bool:
        return name in self.package.sheets and name in self.sheet_names

    def grid(self, name: str, formulas: bool = True) -> Grid:
        cached = self._grids.get(name)
        if cached is not None:
            return cached
        part = self.package.sheets.get(name, "")
        if not part:
            raise Unreadable("FILE-CORRUPT", f"sheet {name}: no part")
        scan = scan_sheet(self.package.part(part))
        if scan.rows > MAX_ROWS or scan.cols > MAX_COLS or scan.rows * scan.cols > MAX_AREA:
            raise Unreadable("FILE-TOO-LARGE", f"{name}: {scan.rows} rows x {scan.cols} columns")
        try:
            rows = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False) if scan.rows else []
        except BaseException as exc:
            raise _unreadable(exc) from exc
        grid = Grid(name, rows, scan.formulas if formulas else {})
        self._grids[name] = grid
        return grid

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing is best effort
            self._book.close()


def _unreadable(exc: BaseException) -> Unreadable:
    if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
        raise exc
    if isinstance(exc, Unreadable):
        return exc
    name = type(exc).__name__
    code = "FILE-ENCRYPTED" if name == "PasswordError" else "FILE-CORRUPT"
    return Unreadable(code, f"{name}: {str(exc)[:120]}")
