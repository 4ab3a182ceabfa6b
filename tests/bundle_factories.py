"""Bundles for the tests: a zip whose names are GBK bytes without the UTF-8 flag (as Windows
zip tools write them), a 7z (py7zr), and a RAR 5 archive.

No free program writes RAR, so ``rar5`` builds one by hand from the RAR 5.0 format's
published description (rarlab's technote): signature, main header, one file header per
member with its data stored (method 0; or marked compressed, to need an unpacking tool),
end header; every header with its CRC32.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping

import py7zr

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"


def gbk_zip(members: Mapping[str, bytes], *, utf8: bool = False) -> bytes:
    """A zip whose member names are stored as GBK bytes with no UTF-8 flag (``utf8=True``:
    as UTF-8 with the flag, what zipfile writes)."""
    # an ASCII name of the same length, unique in its first two characters, replaced by the GBK bytes after
    placeholders = {name: ("@" + chr(65 + i)).ljust(len(name.encode("gbk")), "~") for i, name in enumerate(members)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name if utf8 else placeholders[name], (2026, 1, 15, 10, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    out = buf.getvalue()
    if not utf8:
        for name, placeholder in placeholders.items():
            raw = name.encode("gbk")
            assert len(raw) == len(placeholder), name
            out = out.replace(placeholder.encode("ascii"), raw)
    return out


def seven_z(members: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as sz:
        for name, data in members.items():
            sz.writestr(data, name)
    return buf.getvalue()


def _vint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _header(kind: int, flags: int, body: bytes, data_size: int | None = None) -> bytes:
    fields = _vint(kind) + _vint(flags | (0x2 if data_size is not None else 0))
    if data_size is not None:
        fields += _vint(data_size)
    fields += body
    sized = _vint(len(fields)) + fields
    return struct.pack("<I", zlib.crc32(sized)) + sized


def rar5(members: Mapping[str, bytes], *, compressed: bool = False) -> bytes:
    """A RAR 5 archive holding ``members`` stored (``compressed=True``: marked as compressed
    with method 3, so reading them needs an unpacking program, which will find them damaged)."""
    out = bytearray(RAR5_SIGNATURE)
    out += _header(1, 0, _vint(0))  # main archive header, no archive flags
    for name, data in members.items():
        encoded = name.encode("utf-8")
        method = 3 if compressed else 0
        body = (_vint(0x0006)  # file flags: mtime and CRC32 present
                + _vint(len(data)) + _vint(0x20)  # unpacked size, attributes (archive)
                + struct.pack("<II", 1768444200, zlib.crc32(data))  # mtime (2026-01-15), data CRC
                + _vint(method << 7) + _vint(0)  # compression information, host OS Windows
                + _vint(len(encoded)) + encoded)
        out += _header(2, 0, body, data_size=len(data)) + data
    out += _header(5, 0, _vint(0))  # end of archive
    return bytes(out)
