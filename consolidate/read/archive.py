"""Safe access to the zip package of an .xlsx: bounded, checked, read-only.

``open_package(data)`` opens the bytes of a file (never the file again) and refuses, with
an ``Unreadable`` carrying a FILE-* code, anything that is not a spreadsheet package or
that could cost unbounded time or memory:

- not a zip, truncated, bad CRC: FILE-CORRUPT;
- a Word document (``word/document.xml``): FILE-DOCX; any other zip, an .xlsb or an .ods:
  FILE-UNKNOWN;
- too many parts, a part or the whole declared too large, or a compression ratio that
  only a zip bomb has: FILE-TOO-LARGE (checked on the declared sizes, before inflating
  anything; inflating is then bounded by the declared size, and the CRC catches a lie);
- a DTD or entity declaration in any XML part read: FILE-UNSAFE-XML.

``Package.part(name)`` returns a part's bytes under those checks; ``Package.sheets`` maps
each sheet's name to its part, in workbook order.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

from ..i18n import Msg

MAX_FILE_BYTES = 64 * 1024 * 1024  # a submission is ~12 KB; a large foreign workbook a few MB
MAX_PARTS = 4000
MAX_PART_BYTES = 32 * 1024 * 1024  # one XML part, inflated
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # every part, inflated, as declared
MAX_RATIO = 200  # inflated / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
HEAD_STEP = 16 * 1024  # inflating the start of a part: this much first, then twice as much each time

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")

OFFICE_DOCUMENT = b"/officeDocument"
WORKSHEET = b"/worksheet"


class Unreadable(Exception):
    """The file cannot be read: ``code`` is a FILE-* code of common.yaml, ``detail`` says why."""

    def __init__(self, code: str, detail: str | Msg = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Entry:
    """One part, as the zip's central directory declares it."""

    name: str
    flags: int
    method: int
    crc: int
    compress_size: int
    file_size: int
    offset: int  # of its local header


@dataclass
class Package:
    """An opened .xlsx package (from bytes), whose parts are read under the limits."""

    data: bytes
    entries: dict[str, Entry]
    workbook: str = ""  # the workbook part, e.g. "xl/workbook.xml"
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> worksheet part ("" if none)
    macros: bool = False
    related: dict[str, str] = field(default_factory=dict)  # sharedStrings, styles -> part

    def part(self, name: str, limit: int = MAX_PART_BYTES) -> bytes:
        """A part's bytes; refuses a part declared too large, a bad CRC and XML with a DTD."""
        entry = self._entry(name, limit)
        data = _inflate(self.data, entry)
        if name.endswith((".xml", ".rels", ".vml")) and prolog_verdict(data):
            raise Unreadable("FILE-UNSAFE-XML", name)
        return data

    def head(self, name: str, enough: Callable[[bytes], bool], limit: int = MAX_PART_BYTES,
             step: int = HEAD_STEP) -> bytes:
        """The start of a part, inflated until ``enough(what we have)`` (or to its end), its
        prolog checked for a DTD. For the parts python-calamine reads in full itself: it
        refuses a part that inflates beyond its declared size, so no CRC is needed here."""
        entry = self._entry(name, limit)
        raw = _compressed(self.data, entry)
        if entry.method == 0:
            out = bytes(raw[:entry.file_size])
        else:
            inflater = zlib.decompressobj(-15)
            chunks: list[bytes] = []
            have = 0
            pending: bytes | memoryview = raw
            try:
                while True:
                    piece = inflater.decompress(pending, step)
                    pending = inflater.unconsumed_tail
                    chunks.append(piece)
                    have += len(piece)
                    if have > entry.file_size:
                        raise Unreadable("FILE-CORRUPT", f"{name}: larger than the zip directory says")
                    if not piece or inflater.eof or enough(b"".join(chunks[-2:])):
                        break
                    step *= 2
            except zlib.error as exc:
                raise Unreadable("FILE-CORRUPT", f"{name}: {exc}") from exc
            out = b"".join(chunks)
        if prolog_verdict(out):
            raise Unreadable("FILE-UNSAFE-XML", name)
        return out

    def _entry(self, name: str, limit: int) -> Entry:
        entry = self.entries.get(name)
        if entry is None:
            raise Unreadable("FILE-CORRUPT", f"missing part {name}")
        if entry.file_size > limit:
            raise Unreadable("FILE-TOO-LARGE", f"{name}: {entry.file_size // (1024 * 1024)} MB")
        return entry

    def close(self) -> None:
        """Nothing to release: the package is bytes in memory."""


def prolog_verdict(xml: bytes) -> bool | None:
    """Does the XML declare a DTD or entities? True/False, or None when ``xml`` ends before
    its root element (more is needed to tell). A DTD may only stand in the prolog (after the
    XML declaration, processing instructions and comments, before the root element); a
    document that puts one later is malformed anyway."""
    pos = 3 if xml.startswith(b"\xef\xbb\xbf") else 0
    end = len(xml)
    while pos < end:
        lt = xml.find(b"<", pos)
        if lt < 0 or lt + 4 > end:
            return None
        if xml.startswith(b"<?", lt):
            pos = xml.find(b"?>", lt + 2)
        elif xml.startswith(b"<!--", lt):
            pos = xml.find(b"-->", lt + 4)
        else:  # <!DOCTYPE (the only other declaration a prolog may hold), or the root element
            return xml.startswith(b"<!", lt)
        if pos < 0:
            return None
        pos += 2
    return None


def prolog_done(xml: bytes) -> bool:
    """Enough of a part to judge its prolog."""
    return prolog_verdict(xml) is not None


def _compressed(data: bytes, entry: Entry) -> memoryview:
    where = entry.offset
    if data[where:where + 4] != b"PK\x03\x04":
        raise Unreadable("FILE-CORRUPT", f"{entry.name}: bad local header")
    name_len, extra_len = struct.unpack_from("<HH", data, where + 26)
    start = where + 30 + name_len + extra_len
    raw = memoryview(data)[start:start + entry.compress_size]
    if len(raw) < entry.compress_size:
        raise Unreadable("FILE-CORRUPT", f"{entry.name}: truncated")
    if entry.method not in (0, 8):
        raise Unreadable("FILE-CORRUPT", f"{entry.name}: compression method {entry.method}")
    return raw


def _inflate(data: bytes, entry: Entry) -> bytes:
    """A part's content, inflating at most its declared size and checking its CRC."""
    raw = _compressed(data, entry)
    if entry.method == 0:
        out = bytes(raw)
    else:
        try:
            out = zlib.decompressobj(-15).decompress(raw, entry.file_size + 1)
        except zlib.error as exc:
            raise Unreadable("FILE-CORRUPT", f"{entry.name}: {exc}") from exc
    if len(out) != entry.file_size or zlib.crc32(out) != entry.crc:
        raise Unreadable("FILE-CORRUPT", f"{entry.name}: size or CRC differs from the zip directory")
    return out


def checked_zip(data: bytes) -> Package:
    """Any zip package (a .docx too) under the same limits as a workbook: its directory read,
    sizes, ratio, count and encryption checked before anything is inflated."""
    entries = _central_directory(data)
    _check_sizes(list(entries.values()))
    if any(e.flags & 0x1 for e in entries.values()):
        raise Unreadable("FILE-ENCRYPTED", "zip encryption")
    return Package(data, entries)


def open_package(data: bytes) -> Package:
    """Open the bytes of an .xlsx/.xlsm; raise ``Unreadable`` for anything else or anything unsafe."""
    entries = _central_directory(data)
    _check_sizes(list(entries.values()))
    names = set(entries)
    if any(e.flags & 0x1 for e in entries.values()):
        raise Unreadable("FILE-ENCRYPTED", "zip encryption")
    if "word/document.xml" in names:
        raise Unreadable("FILE-DOCX", "word/document.xml")
    pkg = Package(data, entries)
    workbook = _office_document(pkg, names)
    if workbook is None or not workbook.endswith(".xml"):
        raise Unreadable("FILE-UNKNOWN", workbook or "no workbook part")
    pkg.workbook = workbook
    pkg.macros = any(n.endswith("vbaProject.bin") for n in names)
    _read_workbook(pkg, names)
    return pkg


_EOCD = struct.Struct("<4s4H2IH")
_CENTRAL = struct.Struct("<4s6H3I5H2I")


def _central_directory(data: bytes) -> dict[str, Entry]:
    """The zip's directory, parsed from the end of the bytes (zip64 included)."""
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd < 0 or eocd + _EOCD.size > len(data):
        raise Unreadable("FILE-CORRUPT", "zip: no end of central directory (truncated?)")
    _, _, _, _, count, size, offset, _ = _EOCD.unpack_from(data, eocd)
    if count == 0xFFFF or offset == 0xFFFFFFFF:
        locator = eocd - 20
        if locator < 0 or data[locator:locator + 4] != b"PK\x06\x07":
            raise Unreadable("FILE-CORRUPT", "zip64: no locator")
        (record,) = struct.unpack_from("<Q", data, locator + 8)
        if data[record:record + 4] != b"PK\x06\x06":
            raise Unreadable("FILE-CORRUPT", "zip64: no end record")
        count, size, offset = struct.unpack_from("<QQQ", data, record + 32)
    if count > MAX_PARTS:
        raise Unreadable("FILE-TOO-LARGE", f"{count} parts")
    if offset + size > len(data):
        raise Unreadable("FILE-CORRUPT", "zip: the directory lies beyond the end of the file (truncated?)")
    entries: dict[str, Entry] = {}
    pos = offset
    for _ in range(count):
        if pos + _CENTRAL.size > len(data) or data[pos:pos + 4] != b"PK\x01\x02":
            raise Unreadable("FILE-CORRUPT", "zip: damaged central directory")
        (_, _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len, comment_len, _, _, _,
         local) = _CENTRAL.unpack_from(data, pos)
        raw_name = data[pos + 46:pos + 46 + name_len]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if 0xFFFFFFFF in (csize, usize, local):
            usize, csize, local = _zip64_extra(data[pos + 46 + name_len:pos + 46 + name_len + extra_len],
                                               usize, csize, local)
        if name in entries:
            raise Unreadable("FILE-CORRUPT", f"zip: {name} twice")
        if local + 30 > len(data):
            raise Unreadable("FILE-CORRUPT", f"{name}: beyond the end of the file (truncated?)")
        entries[name] = Entry(name, flags, method, crc, csize, usize, local)
        pos += 46 + name_len + extra_len + comment_len
    return entries


def _zip64_extra(extra: bytes, usize: int, csize: int, local: int) -> tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        if tag == 1:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, pos + 4))
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            if local == 0xFFFFFFFF and values:
                local = values.pop(0)
            break
        pos += 4 + length
    return usize, csize, local


def _check_sizes(entries: list[Entry]) -> None:
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise Unreadable("FILE-TOO-LARGE", f"{entry.name}: compression ratio {ratio}:1")
    if total > MAX_TOTAL_BYTES:
        raise Unreadable("FILE-TOO-LARGE", f"{total // (1024 * 1024)} MB inflated")


def _office_document(pkg: Package, names: set[str]) -> str | None:
    """The main part named by _rels/.rels (``xl/workbook.xml`` in every file seen)."""
    if "xl/workbook.xml" in names:  # where every spreadsheet program puts it
        return "xl/workbook.xml"
    if "_rels/.rels" not in names:
        if "mimetype" in names or "content.xml" in names:
            raise Unreadable("FILE-UNKNOWN", "OpenDocument")
        return None
    for attrs in _relationships(pkg.part("_rels/.rels", 1024 * 1024)):
        if attrs.get(b"Type", b"").endswith(OFFICE_DOCUMENT):
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            name = posixpath.normpath(target.lstrip("/"))
            return name if name in names else None
    return None


def _relationships(xml: bytes) -> list[dict[bytes, bytes]]:
    return [dict(_ATTR.findall(m.group(1))) for m in _REL.finditer(xml)]


def _read_workbook(pkg: Package, names: set[str]) -> None:
    xml = pkg.part(pkg.workbook, 8 * 1024 * 1024)
    folder = posixpath.dirname(pkg.workbook)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(pkg.workbook) + ".rels")
    targets: dict[bytes, str] = {}
    if rels_name in names:
        for attrs in _relationships(pkg.part(rels_name, 8 * 1024 * 1024)):
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            if target.startswith("/"):
                path = target[1:]
            elif "." in target.split("/", 1)[0] or "\\" in target:  # "../x" or "./x": resolve
                path = posixpath.normpath(posixpath.join(folder, target))
            else:
                path = f"{folder}/{target}" if folder else target
            rel_type = attrs.get(b"Type", b"")
            if rel_type.endswith(WORKSHEET):  # not a chart sheet or a dialog sheet: no cells
                targets[attrs.get(b"Id", b"")] = path
            for kind in (b"/sharedStrings", b"/styles"):
                if rel_type.endswith(kind) and path in names:
                    pkg.related[kind.decode()[1:]] = path
    for m in _SHEET.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        name = unescape(attrs.get(b"name", b"").decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
        part = targets.get(rid, "")
        pkg.sheets[name] = part if part in names else ""
