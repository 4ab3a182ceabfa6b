"""Spreadsheets that are not an OOXML workbook: .xls and WPS .et, .ods, .xlsb.

Units send these too. python-calamine reads all of them, so they go through the same
label-locating reader as a retyped .xlsx; only the opening differs, and one thing is
lost: these files are read as values only, so a total typed over its formula cannot be
told from a computed one. The reader says so once per file (FILE-VALUES-ONLY, a 提示) and
checks the totals against their parts with the rules, as for any retyped workbook.

``container_of(data, sniffed)`` tells from the bytes (never from the name) which of these
a file is, or None; ``ValuesBook(data, container)`` opens one with the same interface as
``sheets.Book`` (``sheet_names``, ``has``, ``grid``, ``close``) or raises ``Unreadable``
with a code whose message says what the file is: FILE-ENCRYPTED, FILE-OTHER-BROKEN,
FILE-TOO-LARGE. An OLE2 file that is a Word 97-2003 document is FILE-DOC.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from typing import Any

from ..i18n import N_, Msg
from .archive import CONTENT_DAMAGED, MAX_PART_BYTES, SHEET_EXTENT, Unreadable
from .bundles import Kind, check_declared
from .sheets import MAX_AREA, MAX_COLS, MAX_ROWS, SHEET_NO_PART, Grid
from .sniff import ole2_has_entry

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XLS_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")  # BIFF8 and BIFF5 (the name as written)


Container = Kind  # one kind of spreadsheet file: its id and what to call it in a message


CONTAINERS = {
    "xls": Container("xls", N_("Excel 97-2003 或 WPS 表格文件（.xls/.et）")),
    "ods": Container("ods", N_("OpenDocument 电子表格（.ods）")),
    "xlsb": Container("xlsb", N_("Excel 二进制工作簿（.xlsb）")),
    # an OLE2 file whose directory names no workbook and no document (damaged, or truncated
    # before its directory): calamine tries it as an .xls, and a failure says what it may be
    "ole2": Container("ole2", N_("Office 97-2003 格式的文件（.xls/.et/.doc 等）")),
}


def container_of(data: bytes, sniffed: str) -> Container | None:
    """The kind of values-only spreadsheet ``data`` is (``sniffed`` is ``sniff(data)``), or
    None for anything else. Raises ``Unreadable`` for an OLE2 file that is a Word document
    and for an .ods whose content is encrypted."""
    if sniffed == "FILE-XLS":  # an OLE2 compound file that is not an encrypted OOXML package
        if ole2_has_entry(data, XLS_STREAMS):
            return CONTAINERS["xls"]
        if ole2_has_entry(data, ("WordDocument",)):
            raise Unreadable("FILE-DOC")
        return CONTAINERS["ole2"]
    if sniffed != "zip":
        return None
    # cheap first (every .xlsx passes here): an .xlsb names its binary workbook part in the zip's
    # directory; an .ods stores its "mimetype" part first
    if b"xl/workbook.bin" not in data and b"mimetype" not in data[:128]:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.bin" in names:
                return CONTAINERS["xlsb"]
            if "mimetype" in names and "content.xml" in names:
                info = zf.getinfo("mimetype")
                if info.file_size <= 256 and zf.read(info).strip() == ODS_MIMETYPE:
                    _check_sizes(zf)
                    if "META-INF/manifest.xml" in names and _encrypted_manifest(zf):
                        raise Unreadable("FILE-ENCRYPTED", "ODF")
                    return CONTAINERS["ods"]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None  # the workbook reader says what is wrong with the zip
    return None


def _check_sizes(zf: zipfile.ZipFile) -> None:
    """The limits of a workbook's parts, on the declared sizes, before anything is inflated."""
    check_declared([(i.filename, i.file_size, i.compress_size) for i in zf.infolist()], MAX_PART_BYTES)


def _encrypted_manifest(zf: zipfile.ZipFile) -> bool:
    info = zf.getinfo("META-INF/manifest.xml")
    if info.file_size > 1024 * 1024:
        raise Unreadable("FILE-TOO-LARGE", "META-INF/manifest.xml")
    return b"encryption-data" in zf.read(info)


class UnreadableAs(Unreadable):
    """An ``Unreadable`` whose message names what the file is (``params``: its placeholders)."""

    def __init__(self, code: str, detail: str | Msg, container: Container) -> None:
        super().__init__(code, detail)
        self.params = {"kind": container.named}


class ValuesBook:
    """A values-only workbook opened with python-calamine: the reader's ``Book`` interface."""

    values_only = True

    def __init__(self, data: bytes, container: Container) -> None:
        self.container = container
        if container.id == "xlsb":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                _check_sizes(zf)
        try:
            import python_calamine

            self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self._kinds = {m.name: str(m.typ) for m in self._book.sheets_metadata}
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except Exception as exc:  # calamine raises its own errors (a Rust panic: reader.run)
            raise self._unreadable(exc) from exc
        self._grids: dict[str, Grid] = {}

    def has(self, name: str) -> bool:
        return name in self._kinds and self._kinds[name].endswith("WorkSheet")

    def grid(self, name: str, formulas: bool = True) -> Grid:
        cached = self._grids.get(name)
        if cached is not None:
            return cached
        if not self.has(name):
            raise UnreadableAs("FILE-OTHER-BROKEN", Msg(SHEET_NO_PART, {"sheet": name}), self.container)
        try:
            sheet = self._book.get_sheet_by_name(name)
            rows_n, cols_n = sheet.height, sheet.width
            if rows_n > MAX_ROWS or cols_n > MAX_COLS or rows_n * cols_n > MAX_AREA:
                raise Unreadable("FILE-TOO-LARGE", Msg(SHEET_EXTENT, {"sheet": name, "rows": rows_n, "cols": cols_n}))
            rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            raise self._unreadable(exc) from exc
        grid = Grid(name, rows)
        self._grids[name] = grid
        return grid

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing is best effort
            self._book.close()

    def _unreadable(self, exc: Exception) -> Unreadable:
        """Why calamine could not read the file, as a catalog text (its own message is English)."""
        if isinstance(exc, Unreadable):
            return exc
        name, text = type(exc).__name__, str(exc).lower()
        if name == "PasswordError" or "password" in text or "encrypt" in text:
            return Unreadable("FILE-ENCRYPTED")
        return UnreadableAs("FILE-OTHER-BROKEN", Msg(CONTENT_DAMAGED), self.container)
