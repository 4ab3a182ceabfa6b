"""Safe access to the zip package of an .xlsx: bounded, checked, read-only, through the stdlib's ``zipfile``.

``open_package(data)`` opens the bytes of a file (never the file again) and refuses, with
an ``Unreadable`` carrying a FILE-* code, anything that is not a spreadsheet package or
that could cost unbounded time or memory:

- not a zip, truncated, bad CRC: FILE-CORRUPT;
- a Word document (``word/document.xml``): FILE-DOCX; any other zip, an .xlsb or an .ods:
  FILE-UNKNOWN;
- too many members, a member or the whole declared too large, or a compression ratio that
  only a zip bomb has: FILE-TOO-LARGE (checked on the declared sizes, before inflating
  anything; every member is then inflated in chunks and refused as soon as more comes out
  than its declared size, and its CRC is checked when it is read to the end);
- a DTD or entity declaration in ANY XML part of the package (OOXML forbids DTDs), also in a
  sheet we do not read, the styles or docProps: FILE-UNSAFE-XML. Every part's prolog is
  looked at when the package is opened.

The workbook part and the relationships are parsed by expat with defusedxml's guards. ``Package.part(name)``
returns a part's bytes under those checks; ``Package.sheets`` maps each sheet's name to its
part, in workbook order. ``checked_zip(data)`` opens any zip package (a .docx) the same way.

Cost (2026-12-02): the whole ``read_submission`` of a benchmark submission is 14.2 M instructions
against 13.4 M for the hand-written zip parser this replaced (+6%; ``benchmarks/instructions.py``),
which looked at the prolog of the parts it read only. What keeps it close: the prolog check
inflates straight from the bytes with zlib (``Package.quick``: 462 -> 209 µs a file against
``zipfile``'s member reader), a plain prolog is judged by one regular expression, the sheets are
kept as far as the reader reads them, and the workbook part and its relationships are parsed by
expat with defusedxml's guards and no tree (~70 -> ~30 µs). What remains is ``zipfile``'s
directory and the CRC of the parts read whole.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from ..i18n import N_, Msg

MAX_FILE_BYTES = 64 * 1024 * 1024  # a submission is ~12 KB; a large foreign workbook a few MB
MAX_PARTS = 4000
MAX_PART_BYTES = 32 * 1024 * 1024  # one XML part, inflated
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # every part, inflated, as declared
MAX_RATIO = 200  # inflated / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
HEAD_STEP = 16 * 1024  # inflating the start of a part: this much first, then twice as much each time
KEEP_BYTES = 16 * 1024  # the workbook part or a relationships part this small is inflated whole, and kept
_READ_NEXT = ("xl/workbook.xml", "xl/_rels/")
KEEP_SHEET = 128 * 1024  # a sheet this small (declared) is inflated to the end of its cells, and kept
_SHEETS = "xl/worksheets/"
PROLOG_STEP = 1024  # the start of a larger part inflated to judge its prolog
MAX_PROLOG = 64 * 1024  # a part whose prolog has not ended by then is refused (no real part has one)

# What is wrong with a damaged package, in words (zipfile's own are English and cryptic:
# “zip: no end of central directory (truncated?)”).
NOT_A_ZIP = N_("文件不完整或不是 Excel 工作簿的压缩格式，可能只传了一部分或在传输中损坏")
PART_MISSING = N_("缺少其中的“{part}”部分")
PART_LONGER = N_("其中的“{part}”部分比文件目录记载的长，文件被改动过")
PART_DAMAGED = N_("其中的“{part}”部分已损坏，无法解压")
PART_TWICE = N_("其中的“{part}”部分出现了两次")
PART_NOT_XML = N_("其中的“{part}”部分不是有效的 XML")
# How large, in words (the FILE-TOO-LARGE detail), for every reader
MORE_PARTS = N_("超过 {n} 个部分")
RATIO = N_("“{part}”的压缩比为 {ratio}:1")
INFLATED = N_("解压后共 {size} MB")
FILES = N_("{n} 个文件")
SHEET_EXTENT = N_("工作表“{sheet}”有 {rows} 行 × {cols} 列")
TABLE_ROWS = N_("表格共 {rows} 行")
ROW_CELLS = N_("表格的一行有 {cells} 格")
LINES = N_("共 {lines} 行")
CHARACTERS = N_("共 {chars} 个字符")
PAGES = N_("共 {pages} 页")
# why a file could not be read, when a library refuses it: one text per cause, never its English message
CONTENT_DAMAGED = N_("其中的表格内容已损坏，无法解析")
BUNDLE_DAMAGED = N_("压缩包的目录或数据已损坏，或不是完整的压缩包")
MEMBER_DAMAGED = N_("其中的“{member}”已损坏，无法解压")
PDF_DAMAGED = N_("PDF 文件的结构已损坏，无法解析")
HTML_DAMAGED = N_("网页内容无法解析")
DOCX_DAMAGED = N_("Word 文档的内容已损坏，无法解析")
READER_FAILED = N_("文件中有程序无法处理的内容")
WORKER_STOPPED = N_("读取这个文件的进程意外停止")

OFFICE_DOCUMENT = "/officeDocument"
WORKSHEET = "/worksheet"
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_END_SIGNATURE = b"PK\x05\x06"
# an XML declaration at most, then the root element's name: a prolog without a DTD
_XML_START = re.compile(rb"[\xef\xbb\xbf \t\r\n]*<|\xff\xfe|\xfe\xff")  # text that starts as XML does (UTF-16 too)
_PLAIN_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*(?:<\?xml[^?<>]*\?>[ \t\r\n]*)?<[A-Za-z_]")


class Unreadable(Exception):
    """The file cannot be read: ``code`` is a FILE-* code of common.yaml, ``detail`` says why."""

    def __init__(self, code: str, detail: str | Msg = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass
class Package:
    """An opened .xlsx package (from bytes), whose parts are read under the limits."""

    zip: zipfile.ZipFile
    infos: dict[str, zipfile.ZipInfo]  # the members by name, as the zip's directory declares them
    workbook: str = ""  # the workbook part, e.g. "xl/workbook.xml"
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> worksheet part ("" if none)
    macros: bool = False
    related: dict[str, str] = field(default_factory=dict)  # sharedStrings, styles -> part
    whole: dict[str, bytes] = field(default_factory=dict)  # small parts inflated whole while opening
    heads: dict[str, bytes] = field(default_factory=dict)  # sheets inflated to the end of their cells while opening
    raw: bytes = b""  # the package's bytes, for the prolog check's direct inflation

    def part(self, name: str, limit: int = MAX_PART_BYTES) -> bytes:
        """A part's bytes, whole (its CRC checked); refuses a part declared too large."""
        known = self.whole.get(name)
        if known is not None:
            return known
        data = self.quick(self._info(name, limit), None)
        if _unsafe(data):
            raise Unreadable("FILE-UNSAFE-XML", name)
        return data

    def head(self, name: str, enough: Callable[[bytes], bool], limit: int = MAX_PART_BYTES,
             step: int = HEAD_STEP) -> bytes:
        """The start of a part, inflated until ``enough(what we have)`` (or to its end, its CRC
        then checked). For the parts python-calamine then reads in full itself."""
        known = self.whole.get(name)
        if known is not None:
            return known
        known = self.heads.get(name)
        if known is not None and enough(known):
            return known
        return self.quick(self._info(name, limit), enough, step)

    def _info(self, name: str, limit: int) -> zipfile.ZipInfo:
        info = self.infos.get(name)
        if info is None:
            raise Unreadable("FILE-CORRUPT", Msg(PART_MISSING, {"part": name}))
        if info.file_size > limit:
            raise Unreadable("FILE-TOO-LARGE", f"{name}: {info.file_size // (1024 * 1024)} MB")
        return info

    def _inflate(self, info: zipfile.ZipInfo, enough: Callable[[bytes], bool] | None, step: int) -> bytes:
        """Inflate a member through ``zipfile`` (bzip2, lzma) in chunks: stop at ``enough`` (of
        all so far), refuse it as soon as more comes out than the directory declares
        (``zipfile`` checks the CRC when the end is reached)."""
        chunks: list[bytes] = []
        have = 0
        try:
            with self.zip.open(info) as member:
                while True:
                    piece = member.read(step)
                    if not piece:
                        break
                    have += len(piece)
                    if have > info.file_size:
                        raise Unreadable("FILE-CORRUPT", Msg(PART_LONGER, {"part": info.filename}))
                    chunks.append(piece)
                    if enough is not None and enough(b"".join(chunks)):
                        break
                    step *= 2
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise _damaged(info) from exc
        return b"".join(chunks)

    def _stored(self, info: zipfile.ZipInfo) -> bytes:
        """The member's compressed bytes, where ``zipfile``'s directory entry says they are (only
        the local header's two length fields are read here)."""
        at = info.header_offset
        header = self.raw[at:at + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise _damaged(info)
        start = at + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
        return self.raw[start:start + info.compress_size]

    def quick(self, info: zipfile.ZipInfo, enough: Callable[[bytes], bool] | None,
              step: int = PROLOG_STEP) -> bytes:
        """Inflate a member straight from the package's bytes with zlib: whole when ``enough`` is
        None, else ``step`` bytes, then twice as many each time, until ``enough(what we have)``.
        Refused as soon as more comes out than the directory declares; checked against its size
        and CRC whenever it was inflated to the end. What ``zipfile``'s own member reader costs
        per part (~27 µs: open, buffers, CRC object) was most of the prolog check's time on a
        15-part workbook: 462 -> 209 µs a file measured this way (CPU, best of 3 over the demo,
        2026-12-02). Any method other than stored or deflate goes through ``zipfile``."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return self._inflate(info, enough, step)
        data = self._stored(info)
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                out, ended = bytes(data[: info.file_size + 1]), True
            elif enough is None:
                out, ended = zlib.decompressobj(-15).decompress(data, info.file_size + 1), True
            else:
                inflater, out, pending = zlib.decompressobj(-15), b"", data
                while True:
                    out += inflater.decompress(pending, step)
                    pending = inflater.unconsumed_tail
                    if not pending or len(out) > info.file_size or enough(out):
                        break
                    step *= 2
                ended = not pending
        except zlib.error as exc:
            raise _damaged(info) from exc
        if len(out) > info.file_size:
            raise Unreadable("FILE-CORRUPT", Msg(PART_LONGER, {"part": info.filename}))
        if ended and (len(out) != info.file_size or zlib.crc32(out) != info.CRC):
            raise _damaged(info)
        return out

    def lean(self) -> bytes | None:
        """The parts python-calamine reads values from, already inflated and checked here, as
        one small stored (uncompressed) zip: the package's relationships, the workbook part and
        its relationships, the shared strings and styles, and each worksheet to the end of its
        cells (what follows ``sheetData`` is formatting and data validation: most of a
        template's sheet). calamine then neither inflates the package again nor parses what it
        does not need: ~1.3 -> ~0.7 ms a submission (2026-12-07). None when the package is not
        laid out so (a sheet not kept, a prefixed sheet, a chart sheet, a large part): the
        caller gives calamine the package's own bytes."""
        folder, base = posixpath.split(self.workbook)
        names = ["_rels/.rels", self.workbook, posixpath.join(folder, "_rels", base + ".rels"),
                 *self.related.values()]
        if not self.sheets or "" in self.sheets.values():
            return None
        parts: list[tuple[str, bytes]] = []
        for name in names:
            info = self.infos.get(name)
            if info is None or info.file_size > LEAN_PART:
                return None
            parts.append((name, self.part(name)))
        for name in dict.fromkeys(self.sheets.values()):
            head = self.heads.get(name)
            end = -1 if head is None else head.find(b"</sheetData>")
            if head is None or end < 0 or _WORKSHEET_ROOT.search(head, 0, end) is None:
                return None
            parts.append((name, head[:end + len(b"</sheetData>")] + b"</worksheet>"))
        return stored_zip(parts)

    def close(self) -> None:
        self.zip.close()


def stored_zip(parts: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``parts`` (name, bytes), stored, no timestamps: what ``zipfile`` writes, without
    its ~30 µs of Python per member."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in parts:
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else 0x800
        crc, size = zlib.crc32(data), len(data)
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 0, 0, 0x21, crc, size, size, len(raw), 0)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 0, 0, 0x21, crc, size, size,
                                   len(raw), 0, 0, 0, 0, 0, offset) + raw)
        local += (header, raw, data)
        offset += len(header) + len(raw) + size
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(local) + directory + end


def _damaged(info: zipfile.ZipInfo) -> Unreadable:
    return Unreadable("FILE-CORRUPT", Msg(PART_DAMAGED, {"part": info.filename}))


def prolog_verdict(xml: bytes, limit: int = MAX_PROLOG) -> bool | None:
    """Does the XML declare a DTD or entities? True/False, or None when its first ``limit``
    bytes end before its root element (more is needed to tell). A DTD may only stand in the
    prolog (after the XML declaration, processing instructions and comments, before the root
    element); a document that puts one later is malformed anyway."""
    if _PLAIN_PROLOG.match(xml):  # what every spreadsheet program writes: no need to walk it
        return False
    end = min(len(xml), limit)
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: judge its text, not its bytes
        xml = xml[: end // 2 * 2].decode("utf-16", "replace").encode("utf-8")
        end = len(xml)
    pos = 3 if xml.startswith(b"\xef\xbb\xbf") else 0
    while pos < end:
        lt = xml.find(b"<", pos, end)
        if lt < 0 or lt + 4 > end:
            return None
        if xml.startswith(b"<?", lt):
            pos = xml.find(b"?>", lt + 2, end)
        elif xml.startswith(b"<!--", lt):
            pos = xml.find(b"-->", lt + 4, end)
        else:  # <!DOCTYPE (the only other declaration a prolog may hold), or the root element
            return xml.startswith(b"<!", lt)
        if pos < 0:
            return None
        pos += 2
    return None


def prolog_done(xml: bytes) -> bool:
    """Enough of a part to judge its prolog."""
    return prolog_verdict(xml) is not None


def _looks_like_xml(head: bytes) -> bool:
    return _XML_START.match(head) is not None


def checked_zip(data: bytes) -> Package:
    """Any zip package (an .xlsx, a .docx) under the limits: its directory read (``zipfile``),
    sizes, ratio, count and encryption checked before anything is inflated. ``check_prologs``
    then refuses a DTD in any part (``open_package`` does, once it knows the file is a workbook)."""
    if _most_members(data) > MAX_PARTS:
        raise Unreadable("FILE-TOO-LARGE", Msg(MORE_PARTS, {"n": MAX_PARTS}))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise Unreadable("FILE-CORRUPT", Msg(NOT_A_ZIP)) from exc
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in infos:
            raise Unreadable("FILE-CORRUPT", Msg(PART_TWICE, {"part": info.filename}))
        infos[info.filename] = info
    _check_sizes(list(infos.values()))
    if any(i.flag_bits & 0x1 for i in infos.values()):
        raise Unreadable("FILE-ENCRYPTED", "zip encryption")
    return Package(archive, infos, raw=data)


def _most_members(data: bytes) -> int:
    """At most how many members ``zipfile`` will make records for, before it makes them: the
    size of the central directory its end record declares over the smallest entry (46 bytes),
    when the end record closes the file (no comment, not zip64: what zipfile then reads), else
    the signatures counted (~10 µs for a 20 KB workbook)."""
    if data[-22:-18] == _END_SIGNATURE and data[-2:] == b"\0\0":
        size = int.from_bytes(data[-10:-6], "little")
        if size != 0xFFFFFFFF:
            return size // 46
    return data.count(_CENTRAL_SIGNATURE)  # at least as many as there are members


def open_package(data: bytes) -> Package:
    """Open the bytes of an .xlsx/.xlsm; raise ``Unreadable`` for anything else or anything unsafe."""
    pkg = checked_zip(data)
    if "word/document.xml" in pkg.infos:
        raise Unreadable("FILE-DOCX", "word/document.xml")
    workbook = _office_document(pkg)
    if workbook is None or not workbook.endswith(".xml"):
        raise Unreadable("FILE-UNKNOWN", workbook or "no workbook part")
    check_prologs(pkg)
    pkg.workbook = workbook
    pkg.macros = any(n.endswith("vbaProject.bin") for n in pkg.infos)
    _read_workbook(pkg)
    return pkg


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_PARTS:
        raise Unreadable("FILE-TOO-LARGE", Msg(MORE_PARTS, {"n": MAX_PARTS}))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Unreadable("FILE-TOO-LARGE", Msg(RATIO, {"part": info.filename, "ratio": ratio}))
    if total > MAX_TOTAL_BYTES:
        raise Unreadable("FILE-TOO-LARGE", Msg(INFLATED, {"size": total // (1024 * 1024)}))


def check_prologs(pkg: Package) -> None:
    """No part of the package may declare a DTD or entities, whether we read it or not. Only
    the start of a part is inflated, except for a small part we read next anyway: the
    workbook and its relationships are inflated whole, a sheet to the end of its cells
    (``sheet_data_closed``, what the sheet reader reads), and kept."""
    for name, info in pkg.infos.items():
        if info.file_size == 0 or name.endswith("/"):
            continue
        if info.file_size <= KEEP_BYTES and name.startswith(_READ_NEXT):
            head = pkg.whole[name] = pkg.quick(info, None)
        elif info.file_size <= KEEP_SHEET and name.startswith(_SHEETS):
            head = pkg.heads[name] = pkg.quick(info, sheet_data_closed, HEAD_STEP)
        else:
            head = pkg.quick(info, _prolog_seen)
        if _unsafe(head):
            raise Unreadable("FILE-UNSAFE-XML", name)


_WORKSHEET_ROOT = re.compile(rb"<worksheet[\s>]")  # not prefixed (<x:worksheet>): that closes otherwise
LEAN_PART = 1024 * 1024  # a part larger than this is not copied into ``Package.lean``
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>")


def sheet_data_closed(xml: bytes) -> bool:
    """Enough of a sheet: its cells are all there (what follows is formatting and validation).
    Searched from the end, where the closing tag stands in a piece that holds it."""
    if xml.rfind(b"</sheetData>") >= 0:
        return True
    return b"sheetData" in xml and _SHEET_DATA_END.search(xml) is not None


def _unsafe(head: bytes) -> bool:
    """An XML part (not a picture, a printer setting, vbaProject.bin) whose prolog declares a
    DTD, or runs on past MAX_PROLOG, which no spreadsheet program writes. A part that ends
    inside its prolog is malformed, and left to whoever reads it."""
    if not _looks_like_xml(head):
        return False
    verdict = prolog_verdict(head)
    return bool(verdict) or (verdict is None and len(head) >= MAX_PROLOG)


def _prolog_seen(head: bytes) -> bool:
    return not _looks_like_xml(head) or prolog_done(head) or len(head) >= MAX_PROLOG


def _elements(pkg: Package, name: str, local: str, limit: int = 8 * 1024 * 1024) -> list[dict[str, str]]:
    """The attributes of every element named ``local`` (with any prefix: strict and transitional
    OOXML use different namespaces) of a part, in document order, each attribute by its local
    name (``r:id`` as ``id``).

    expat with defusedxml's guards (a DTD, an entity declaration or an external reference is
    refused with defusedxml's own exceptions), and no tree: defusedxml's ElementTree parser calls
    Python for every element and takes ~70 µs for a template's workbook part and its
    relationships, this ~30 µs (2026-12-02, CPU, best of 5)."""
    found: list[dict[str, str]] = []
    prefixed = ":" + local

    def start(tag: str, attrs: dict[str, str]) -> None:  # no namespace processing: "x:sheet", "r:id"
        if tag == local or tag.endswith(prefixed):
            found.append({k.rpartition(":")[2]: v for k, v in attrs.items()})

    def dtd(name: str, *_: object) -> None:
        raise DTDForbidden(name, None, None)

    def entity(name: str, *_: object) -> None:
        raise EntitiesForbidden(name, None, None, None, None, None)

    def external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = dtd
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(pkg.part(name, limit), True)
    except DefusedXmlException as exc:
        raise Unreadable("FILE-UNSAFE-XML", name) from exc
    except expat.ExpatError as exc:
        raise Unreadable("FILE-CORRUPT", Msg(PART_NOT_XML, {"part": name})) from exc
    return found


def _relationships(pkg: Package, name: str) -> list[dict[str, str]]:
    return _elements(pkg, name, "Relationship")


def _office_document(pkg: Package) -> str | None:
    """The main part named by _rels/.rels (``xl/workbook.xml`` in every file seen)."""
    names = pkg.infos
    if "xl/workbook.xml" in names:  # where every spreadsheet program puts it
        return "xl/workbook.xml"
    if "_rels/.rels" not in names:
        if "mimetype" in names or "content.xml" in names:
            raise Unreadable("FILE-UNKNOWN", "OpenDocument")
        return None
    for attrs in _relationships(pkg, "_rels/.rels"):
        if attrs.get("Type", "").endswith(OFFICE_DOCUMENT):
            name = posixpath.normpath(attrs.get("Target", "").lstrip("/"))
            return name if name in names else None
    return None


def _read_workbook(pkg: Package) -> None:
    names = pkg.infos
    sheets = _elements(pkg, pkg.workbook, "sheet")
    folder = posixpath.dirname(pkg.workbook)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(pkg.workbook) + ".rels")
    targets: dict[str, str] = {}
    if rels_name in names:
        for attrs in _relationships(pkg, rels_name):
            target = attrs.get("Target", "")
            if target.startswith("/"):
                path = target[1:]
            elif "." in target.split("/", 1)[0] or "\\" in target:  # "../x" or "./x": resolve
                path = posixpath.normpath(posixpath.join(folder, target))
            else:
                path = f"{folder}/{target}" if folder else target
            rel_type = attrs.get("Type", "")
            if rel_type.endswith(WORKSHEET):  # not a chart sheet or a dialog sheet: no cells
                targets[attrs.get("Id", "")] = path
            for kind in ("/sharedStrings", "/styles"):
                if rel_type.endswith(kind) and path in names:
                    pkg.related[kind[1:]] = path
    for sheet in sheets:
        part = targets.get(sheet.get("id", ""), "")
        pkg.sheets[sheet.get("name", "")] = part if part in names else ""
