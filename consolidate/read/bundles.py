"""Bundles: a .zip, .rar or .7z that a unit sent instead of its files (from a chat app).

Each member is checked as if it were a file in the folder, under the path
``包.zip/成员.xlsx`` (``外.zip/内.zip/成员.xlsx`` for a bundle inside a bundle: one level of
nesting is opened, a deeper one is reported). Nothing is ever extracted to disk: a member
is read into memory, bounded, when the reader asks for it, so a member name such as
``../x`` or ``/etc/x`` is only ever a name (it is shown cleaned: ``包.zip/x``).

- ``members(path)``: the paths to check for a file ``path`` that is a bundle (its members,
  in the bundle's order), or None when it is not a bundle. A bundle that cannot be listed
  (damaged, protected, over the limits, empty, RAR without a back end) gives ``[path]``:
  the reader then reports why (``refuse``).
- ``member_bytes(path)``: the bytes and time of a member path, or None when ``path`` is no
  member of a bundle; raises ``Unreadable`` when the member cannot be read.
- ``refuse(data, nested)``: raises the ``Unreadable`` that says why a bundle's bytes cannot
  be read as a submission (they were given as a file, or found nested too deep).

Member names: a zip written by Windows tools stores names in the local code page (GBK
here) without the UTF-8 flag; such a name is decoded as UTF-8 when it is valid UTF-8, else
as GB18030 (which includes GBK). RAR and 7z store Unicode names.

Limits (the workbook reader's, shared): at most ``MAX_PARTS`` members, each at most
``MAX_FILE_BYTES`` and the whole at most ``MAX_TOTAL_BYTES`` once unpacked (as declared),
a compression ratio over ``MAX_RATIO`` for a member above ``RATIO_FLOOR`` refused, and a
member is never read beyond its declared size. Back ends: the standard library's zipfile;
rarfile (which needs ``bsdtar`` from Debian's libarchive-tools, or ``unrar``/``unrar-free``,
for compressed members); py7zr.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..i18n import N_, Msg
from .archive import (
    BUNDLE_DAMAGED,
    FILES,
    INFLATED,
    MAX_FILE_BYTES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    MEMBER_DAMAGED,
    RATIO,
    RATIO_FLOOR,
    Unreadable,
)

MAX_BUNDLE_BYTES = MAX_TOTAL_BYTES  # the bundle file itself
RAR_MAGIC = (b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")
SEVENZ_MAGIC = b"7z\xbc\xaf\x27\x1c"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP = b"PK\x05\x06"
_PACKAGE_PARTS = ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml")  # OOXML and ODF
_SKIPPED_PARTS = ("__MACOSX",)
# names a zip package (a workbook or a document) has: not looked into for members
PACKAGE_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".ods", ".ots", ".docx", ".odt", ".et"})


@dataclass(frozen=True)
class Kind:
    """A kind of file (a bundle, a values-only spreadsheet) and what to call it in a message (a catalog text)."""

    id: str
    name: str

    @property
    def named(self) -> Msg:
        """What to call it, in the language of the message that names it."""
        return Msg(self.name)


NOT_IN_BUNDLE = N_("压缩包中没有这个文件")
KINDS = {
    "zip": Kind("zip", N_("ZIP 压缩包")),
    "rar": Kind("rar", N_("RAR 压缩包")),
    "7z": Kind("7z", N_("7z 压缩包")),
}


class BundleUnreadable(Unreadable):
    """An ``Unreadable`` whose message names the kind of bundle (``params``)."""

    def __init__(self, code: str, kind: Kind, detail: str | Msg = "") -> None:
        super().__init__(code, detail)
        self.params = {"kind": kind.named}


@dataclass(frozen=True)
class Member:
    name: str  # as shown: cleaned, decoded
    size: int  # declared, unpacked
    packed: int
    mtime: float | None
    handle: Any  # the back end's entry


def kind_of(head: bytes) -> Kind | None:
    """The kind of bundle from the first bytes (a zip may still be a workbook: see ``_is_package``)."""
    if head.startswith(RAR_MAGIC):
        return KINDS["rar"]
    if head.startswith(SEVENZ_MAGIC):
        return KINDS["7z"]
    if head.startswith((ZIP_MAGIC, EMPTY_ZIP)):
        return KINDS["zip"]
    return None


def clean_name(name: str) -> str:
    """A member name as it may be shown: no drive, no root, no ``..`` or ``.`` parts."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and len(parts[0]) == 2 and parts[0][1] == ":":
        parts = parts[1:]
    return "/".join(parts)


def _skipped(name: str) -> bool:
    from ..validate import skipped  # the folder walk's rule, for each part of the member's path

    return any(skipped(p) or p in _SKIPPED_PARTS for p in name.split("/"))


# --- the back ends -------------------------------------------------------------------------------

class _Bundle:
    kind: Kind

    def members(self) -> list[Member]:
        raise NotImplementedError

    def read(self, member: Member) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        """Release the back end."""


class _Zip(_Bundle):
    kind = KINDS["zip"]

    def __init__(self, source: io.BytesIO | Path) -> None:
        try:
            self.zf = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise BundleUnreadable("FILE-BUNDLE-BROKEN", self.kind, Msg(BUNDLE_DAMAGED)) from exc

    def is_package(self) -> bool:
        names = set(self.zf.namelist())
        return any(p in names for p in _PACKAGE_PARTS) or any(n.startswith(("xl/", "word/")) for n in names)

    def members(self) -> list[Member]:
        out = []
        for info in self.zf.infolist():
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise BundleUnreadable("FILE-BUNDLE-ENCRYPTED", self.kind)
            name = info.filename
            if not info.flag_bits & 0x800:  # no UTF-8 flag: the writer's code page (zipfile read cp437)
                name = _decode(name.encode("cp437"))
            try:
                when: float | None = datetime(*info.date_time).timestamp()
            except (ValueError, OverflowError):
                when = None
            out.append(Member(name, info.file_size, info.compress_size, when, info))
        return out

    def read(self, member: Member) -> bytes:
        try:
            with self.zf.open(member.handle) as fh:
                return fh.read(MAX_FILE_BYTES + 1)
        except RuntimeError as exc:  # encrypted
            raise BundleUnreadable("FILE-BUNDLE-ENCRYPTED", self.kind) from exc
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise BundleUnreadable("FILE-BUNDLE-BROKEN", self.kind, _member_damaged(member)) from exc

    def close(self) -> None:
        self.zf.close()


class _Rar(_Bundle):
    kind = KINDS["rar"]

    def __init__(self, source: io.BytesIO | Path) -> None:
        import rarfile

        self.rarfile = rarfile
        try:
            self.rf = rarfile.RarFile(source)
            if self.rf.needs_password():
                raise BundleUnreadable("FILE-BUNDLE-ENCRYPTED", self.kind)
        except rarfile.Error as exc:
            raise BundleUnreadable("FILE-BUNDLE-BROKEN", self.kind, Msg(BUNDLE_DAMAGED)) from exc

    def members(self) -> list[Member]:
        out = []
        for info in self.rf.infolist():
            if info.is_dir() or info.is_symlink():
                continue
            if info.needs_password():
                raise BundleUnreadable("FILE-BUNDLE-ENCRYPTED", self.kind)
            when = info.mtime.timestamp() if info.mtime else None
            out.append(Member(info.filename, info.file_size, info.compress_size, when, info))
        if any(m.handle.compress_type != self.rarfile.RAR_M0 for m in out) and not _rar_tool(self.rarfile):
            raise BundleUnreadable("FILE-RAR-TOOL", self.kind)
        return out

    def read(self, member: Member) -> bytes:
        try:
            with self.rf.open(member.handle) as fh:
                return fh.read(MAX_FILE_BYTES + 1)
        except self.rarfile.RarCannotExec as exc:
            raise BundleUnreadable("FILE-RAR-TOOL", self.kind) from exc
        except (self.rarfile.Error, OSError) as exc:
            raise BundleUnreadable("FILE-BUNDLE-BROKEN", self.kind, _member_damaged(member)) from exc

    def close(self) -> None:
        self.rf.close()


def _rar_tool(rarfile: Any) -> bool:
    """Is a program there that unpacks RAR's compressed members (unrar, unar, 7z or bsdtar)?"""
    try:
        rarfile.tool_setup(force=True)
    except rarfile.RarCannotExec:
        return False
    return True


class _SevenZ(_Bundle):
    kind = KINDS["7z"]

    def __init__(self, source: io.BytesIO | Path) -> None:
        import py7zr

        self.py7zr = py7zr
        self.source = source
        try:
            with py7zr.SevenZipFile(source) as sz:
                if sz.needs_password():
                    raise BundleUnreadable("FILE-BUNDLE-ENCRYPTED", self.kind)
                self.infos = [i for i in sz.list() if not i.is_directory]
        except BundleUnreadable:
            raise
        except Exception as exc:  # py7zr raises many kinds of errors on a damaged archive
            raise BundleUnreadable("FILE-BUNDLE-BROKEN", self.kind, Msg(BUNDLE_DAMAGED)) from exc

    def members(self) -> list[Member]:
        out = []
        packed = max(_size_of(self.source), 1)
        total = sum(i.uncompressed for i in self.infos) or 1
        for info in self.infos:
            when = info.creationtime.timestamp() if info.creationtime else None
            share = max(1, packed * info.uncompressed // total)  # 7z packs members together
            out.append(Member(info.filename, info.uncompressed, share, when, info))
        return out

    def read(self, member: Member) -> bytes:
        from py7zr.io import BytesIOFactory

        if isinstance(self.source, io.BytesIO):
            self.source.seek(0)
        factory = BytesIOFactory(MAX_FILE_BYTES + 1)
        try:
            with self.py7zr.SevenZipFile(self.source, max_extract_size=MAX_TOTAL_BYTES) as sz:
                sz.extract(targets=[member.handle.filename], factory=factory)
            return factory.get(member.handle.filename).read()
        except Exception as exc:
            raise BundleUnreadable("FILE-BUNDLE-BROKEN", self.kind, _member_damaged(member)) from exc


def _member_damaged(member: Member) -> Msg:
    return Msg(MEMBER_DAMAGED, {"member": member.name})


def _size_of(source: io.BytesIO | Path) -> int:
    return len(source.getbuffer()) if isinstance(source, io.BytesIO) else source.stat().st_size


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437")


def _open(source: io.BytesIO | Path, kind: Kind) -> _Bundle:
    if kind.id == "zip":
        return _Zip(source)
    if kind.id == "rar":
        return _Rar(source)
    return _SevenZ(source)


def check_declared(entries: list[tuple[str, int, int]], limit: int) -> None:
    """(name, unpacked size, packed size) of each entry, as declared: each at most ``limit``,
    no compression ratio only a bomb has, the whole at most ``MAX_TOTAL_BYTES``."""
    total = 0
    for name, size, packed in entries:
        total += size
        if size > limit:
            raise Unreadable("FILE-TOO-LARGE", f"{name}: {size // (1024 * 1024)} MB")
        if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
            raise Unreadable("FILE-TOO-LARGE", Msg(RATIO, {"part": name, "ratio": size // max(packed, 1)}))
    if total > MAX_TOTAL_BYTES:
        raise Unreadable("FILE-TOO-LARGE", Msg(INFLATED, {"size": total // (1024 * 1024)}))


def _listed(bundle: _Bundle) -> dict[str, Member]:
    """The members to check, by the name shown, under the limits."""
    found = bundle.members()
    if len(found) > MAX_PARTS:
        raise Unreadable("FILE-TOO-LARGE", Msg(FILES, {"n": len(found)}))
    check_declared([(m.name, m.size, m.packed) for m in found], MAX_FILE_BYTES)
    out: dict[str, Member] = {}
    for member in found:
        name = clean_name(member.name)
        if not name or _skipped(name):
            continue
        shown, n = name, 1
        while shown in out:  # two names that clean to the same: both kept
            n += 1
            stem, ext = posixpath.splitext(name)
            shown = f"{stem}（{n}）{ext}"
        out[shown] = member
    return out


# --- what the folder walk and the reader ask ----------------------------------------------------

def _bundle_kind(path: Path) -> Kind | None:
    """The kind of bundle ``path`` is, by its bytes; a zip that is a workbook or document is none."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    kind = kind_of(head)
    if kind is None or kind.id != "zip":
        return kind
    if path.suffix.lower() in PACKAGE_SUFFIXES:  # every workbook in a folder: spare opening it twice
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # a damaged zip: a bundle when so named, else the workbook reader says what is wrong
        return kind if path.suffix.lower() == ".zip" else None
    package = any(p in names for p in _PACKAGE_PARTS) or any(n.startswith(("xl/", "word/")) for n in names)
    return None if package else kind


def members(path: Path) -> list[Path] | None:
    """The member paths to check in the bundle ``path`` (a file), or None when it is not one."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    kind = _bundle_kind(path)
    if kind is None:
        return None
    if st.st_size > MAX_BUNDLE_BYTES:
        return [path]
    try:
        bundle = _open(path, kind)
        try:
            listed = _listed(bundle)
            out: list[Path] = []
            for name, member in listed.items():
                inner = _nested_kind(name, bundle, member)
                if inner is None:
                    out.append(path / name)
                    continue
                nested = _nested_members(bundle, member, inner)
                out += [path / name / n for n in nested] if nested else [path / name]
        finally:
            bundle.close()
    except Unreadable:
        return [path]  # the reader reports why
    return out or [path]


def _nested_kind(name: str, bundle: _Bundle, member: Member) -> Kind | None:
    """Is this member itself a bundle? (By its name first: reading every member twice costs.)"""
    if PurePosixPath(name).suffix.lower() not in (".zip", ".rar", ".7z"):
        return None
    return kind_of(bundle.read(member)[:8])


def _nested_members(bundle: _Bundle, member: Member, kind: Kind) -> list[str]:
    try:
        inner = _open(io.BytesIO(bundle.read(member)), kind)
        try:
            if isinstance(inner, _Zip) and inner.is_package():
                return []
            return list(_listed(inner))
        finally:
            inner.close()
    except Unreadable:
        return []


def split(path: Path) -> tuple[Path, tuple[str, ...]] | None:
    """A member path -> (the bundle file on disk, the member's names inside it), or None."""
    for parent in path.parents:
        try:
            st = os.stat(parent)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            return parent, tuple(path.relative_to(parent).parts)
        return None  # the nearest existing ancestor is a folder: no member path
    return None


@dataclass(frozen=True)
class MemberData:
    data: bytes
    mtime: float | None
    depth: int  # 0: a member of the bundle on disk; 1: of a bundle inside it


def member_bytes(path: Path) -> MemberData | None:
    """The bytes of the member ``path`` names, or None when it names no member."""
    where = split(path)
    if where is None:
        return None
    bundle_path, names = where
    try:
        with open(bundle_path, "rb") as fh:
            kind = kind_of(fh.read(8))  # listed as a bundle already: its magic is enough
    except OSError:
        return None
    if kind is None:
        return None
    return _read_in(bundle_path, kind, names, depth=0)


def _read_in(source: io.BytesIO | Path, kind: Kind, names: tuple[str, ...], depth: int) -> MemberData:
    bundle = _open(source, kind)
    try:
        listed = _listed(bundle)
        for i in range(len(names), 0, -1):  # a member's name may hold "/": the longest that is one
            name = "/".join(names[:i])
            member = listed.get(name)
            if member is None:
                continue
            data = bundle.read(member)
            if len(data) > MAX_FILE_BYTES:
                raise Unreadable("FILE-TOO-LARGE", f"{name}: {len(data) // (1024 * 1024)} MB")
            rest = names[i:]
            if not rest:
                return MemberData(data, member.mtime, depth)
            inner = kind_of(data[:8])
            if inner is None or depth >= 1:
                break
            return _read_in(io.BytesIO(data), inner, rest, depth + 1)
    finally:
        bundle.close()
    raise Unreadable("FILE-IO", Msg(NOT_IN_BUNDLE))


def refuse(data: bytes, nested: bool) -> None:
    """Raise why bundle bytes cannot be read as a submission; return when ``data`` is no bundle.
    ``nested``: the bytes are a member of a bundle inside a bundle (opened no further)."""
    kind = kind_of(data[:8])
    if kind is None or (kind.id == "zip" and any(p.encode() in data for p in _PACKAGE_PARTS)):
        return  # not a bundle, or a zip package (a workbook, a document): cheap, for every workbook
    source = io.BytesIO(data)
    bundle = _open(source, kind)  # raises for a damaged or protected one
    try:
        if isinstance(bundle, _Zip) and bundle.is_package():
            return  # a workbook or a document: not a bundle
        listed = _listed(bundle)
    finally:
        bundle.close()
    if nested:
        raise BundleUnreadable("FILE-BUNDLE-NESTED", kind)
    if not listed:
        raise BundleUnreadable("FILE-BUNDLE-EMPTY", kind)
    # a bundle read as one file (a zip named .xlsx, or the library called on it): the
    # workbook reader says it is no workbook
