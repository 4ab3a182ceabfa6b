"""What a file is, from its bytes (never from its name).

``sniff(data)`` returns ``"zip"`` for a zip package (what an .xlsx is; ``archive`` looks
inside), or the FILE-* code of common.yaml that says why the file cannot be read:
an empty file, an old .xls or a password-protected workbook (both OLE2 compound files:
an encrypted OOXML package holds an ``EncryptionInfo`` stream), a PDF, an HTML page
saved with an Excel name, a CSV or other text file, or anything else.
"""

from __future__ import annotations

import struct

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTION_NAMES = ("EncryptionInfo", "EncryptedPackage")
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<table", b"<head", b"<body", b"<meta", b"mime-version:",
                 b"xmlns:x=\"urn:schemas-microsoft-com:office:excel\"")


def sniff(data: bytes) -> str:
    """``"zip"`` or the FILE-* code for a file that is not a workbook we can read."""
    if not data:
        return "FILE-EMPTY"
    if data.startswith(ZIP_MAGICS):
        return "zip"
    if data.startswith(OLE2_MAGIC):
        return "FILE-ENCRYPTED" if ole2_is_encrypted_package(data) else "FILE-XLS"
    head = data[:4096]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "FILE-PDF"
    lowered = head.lower()
    text = _as_text(head)
    if any(marker in lowered for marker in _HTML_MARKERS):
        return "FILE-HTML"
    if text is not None:
        if text.lstrip("\ufeff \t\r\n").startswith("<"):
            return "FILE-UNKNOWN"  # XML of some kind (e.g. an Excel 2003 XML spreadsheet)
        if any(sep in text for sep in (",", "\t", ";", "，")):
            return "FILE-CSV"
    return "FILE-UNKNOWN"


def _as_text(head: bytes) -> str | None:
    """The start of the file as text when it looks like text (UTF-8, UTF-16 or GB18030)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16")[:-1]
        except UnicodeDecodeError:
            return None
    if b"\0" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # cut in the middle of a character at the end
                text = head[: exc.start].decode(encoding, errors="ignore")
            else:
                continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        if text and printable >= 0.95 * len(text):
            return text
    return None


def ole2_is_encrypted_package(data: bytes) -> bool:
    """An OLE2 file with an ``EncryptionInfo``/``EncryptedPackage`` stream: a protected .xlsx."""
    return ole2_has_entry(data, _ENCRYPTION_NAMES)


def ole2_has_entry(data: bytes, names: tuple[str, ...]) -> bool:
    """Does the OLE2 file hold a stream or storage with one of ``names``?

    Looks for the names as directory entries (UTF-16LE, on a 128-byte boundary after the
    512-byte header, with the right name length), so a cell text of an .xls that happens
    to spell the word does not count.
    """
    if len(data) < 512:
        return False
    shift = struct.unpack_from("<H", data, 30)[0]
    sector = 1 << shift if 7 <= shift <= 16 else 512
    for name in names:
        encoded = (name + "\0").encode("utf-16-le")
        start = 0
        while (pos := data.find(encoded, start)) >= 0:
            start = pos + 1
            if (pos >= sector and (pos - sector) % 128 == 0 and pos + 66 <= len(data)
                    and struct.unpack_from("<H", data, pos + 64)[0] == len(encoded)):
                return True
    return False
