"""Files that are not workbooks we can read (issue 3, item 5): each is unreadable with its
FILE-* code and a clear reason, in bounded time and memory, with no traceback; the input is
never modified.

Covers: empty; an old Word .doc (.xls and others: test_read_spreadsheets);
password-protected .xlsx (OLE2 with EncryptionInfo); CSV and other text; HTML saved as
.xls; PDF; a .docx renamed; a truncated zip; a damaged part (bad CRC); a zip bomb (ratio);
a zip that lies about a part's size; a sheet declared huge; a sheet a million rows long;
XML with a DTD/entities; a path that cannot be read (missing, a folder); an .xlsm (read,
warned, never run); read_submission never raises; the bytes of every input unchanged.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from factories import (
    far_cell_sheet,
    huge_sheet,
    lying_zip,
    ole2,
    parts_of,
    sheet_part,
    submission,
    with_parts,
    xml_with_dtd,
    zip_bomb,
    zip_of,
)

from consolidate.read import read_submission
from consolidate.read.sniff import sniff

DOCX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    "word/document.xml": "<w:document>2020年政府信息公开工作年度报告</w:document>".encode(),
}

BAD_FILES: dict[str, tuple[str, bytes]] = {
    "empty": ("FILE-EMPTY", b""),
    "doc": ("FILE-DOC", ole2(["WordDocument", "\x05SummaryInformation"])),
    "encrypted": ("FILE-ENCRYPTED", ole2(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])),
    "csv": ("FILE-CSV", "单位名称,自然人,商业企业\n花园镇,1,0\n".encode()),
    "csv-gbk": ("FILE-CSV", "单位名称,自然人,商业企业\r\n花园镇,1,0\r\n".encode("gbk")),
    "html": ("FILE-HTML", b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>1</td></tr></table></body></html>"),
    "html-bom": ("FILE-HTML", "\ufeff<!DOCTYPE html><html><table></table></html>".encode()),
    "pdf": ("FILE-PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "docx": ("FILE-DOCX", zip_of(DOCX_PARTS)),
    "binary": ("FILE-UNKNOWN", bytes(range(256)) * 8),
    "other-zip": ("FILE-UNKNOWN", zip_of({"readme.txt": b"hello"})),
}


def _read(tmp_path: Path, name: str, data: bytes) -> tuple[Path, object]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, read_submission(path)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_file_that_is_not_a_workbook_is_unreadable_with_its_reason(tmp_path: Path, case: str) -> None:
    code, data = BAD_FILES[case]
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(data)
    result = read_submission(path)
    assert result.status == "unreadable"
    assert [f.code for f in result.findings] == [code]
    assert result.findings[0].message_zh.startswith(f"{case}.xlsx：")
    assert result.values is None
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_sniff_looks_at_bytes_not_names() -> None:
    assert sniff(submission()) == "zip"
    assert sniff(ole2(["Workbook"])) == "FILE-XLS"
    # an .xls whose cell text spells EncryptionInfo is still an .xls
    assert sniff(ole2(["Workbook"], payload="EncryptionInfo\0".encode("utf-16-le"))) == "FILE-XLS"


def test_truncated_workbook_is_corrupt(tmp_path: Path) -> None:
    data = submission()
    _, result = _read(tmp_path, "cut.xlsx", data[: len(data) // 2])
    assert result.status == "unreadable"
    assert [f.code for f in result.findings] == ["FILE-CORRUPT"]
    (finding,) = result.findings  # in words, not zipfile's “zip: no end of central directory (truncated?)”
    assert "可能只传了一部分" in finding.message_zh and "zip:" not in finding.message_zh
    assert "only part of it was sent" in finding.message_en


def test_damaged_part_is_corrupt(tmp_path: Path) -> None:
    original = submission()
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        at = zf.getinfo(sheet_part(original, "表三")).header_offset
    data = bytearray(original)
    # zero bytes inside 表三's compressed data (after its 30-byte local header and name)
    start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") + int.from_bytes(data[at + 28:at + 30], "little")
    data[start + 5:start + 25] = bytes(20)
    _, result = _read(tmp_path, "damaged.xlsx", bytes(data))
    assert [f.code for f in result.findings] == ["FILE-CORRUPT"]


@pytest.mark.parametrize(("make", "code"), [
    (zip_bomb, "FILE-TOO-LARGE"),
    (huge_sheet, "FILE-TOO-LARGE"),
    (far_cell_sheet, "FILE-TOO-LARGE"),
    (lambda: lying_zip(megabytes=4), "FILE-CORRUPT"),
    (xml_with_dtd, "FILE-UNSAFE-XML"),
])
def test_hostile_workbooks_are_refused_before_they_cost_anything(tmp_path: Path, make: object, code: str) -> None:
    data = make()  # type: ignore[operator]
    _, result = _read(tmp_path, "hostile.xlsx", data)
    assert result.status == "unreadable"
    assert [f.code for f in result.findings] == [code]
    assert result.findings[0].severity == "error"


def test_dtd_in_a_sheet_is_refused(tmp_path: Path) -> None:
    _, result = _read(tmp_path, "dtd.xlsx", xml_with_dtd(part="xl/worksheets/sheet3.xml"))
    assert [f.code for f in result.findings] == ["FILE-UNSAFE-XML"]


@pytest.mark.parametrize("part", ["docProps/app.xml", "xl/theme/theme1.xml", "[Content_Types].xml", "xl/styles.xml",
                                  "_rels/.rels", "xl/worksheets/sheet9.xml"])
def test_dtd_in_any_part_is_refused_also_where_we_do_not_read(tmp_path: Path, part: str) -> None:
    """OOXML forbids DTDs: a part we never read (docProps, the theme, a sheet no table is on…)
    with one makes the whole file FILE-UNSAFE-XML, not a valid submission (issue 11, item 12)."""
    data = submission()
    if part not in parts_of(data):  # a sheet we do not read
        data = with_parts(data, add={part: parts_of(data)[sheet_part(data, "填报信息")]})
    _, result = _read(tmp_path, "dtd.xlsx", xml_with_dtd(data, part=part))
    assert [f.code for f in result.findings] == ["FILE-UNSAFE-XML"]
    assert result.status == "unreadable"


def test_dtd_after_a_long_prolog_or_in_utf16_is_refused(tmp_path: Path) -> None:
    data = submission()
    comment = b"<!-- " + b"x" * (40 * 1024) + b" -->"  # the part is inflated in steps: the DTD comes late
    for encode in (lambda b: b, lambda b: b.decode("utf-8").encode("utf-16")):
        body = parts_of(data)["docProps/core.xml"]
        decl, rest = body.split(b"?>", 1)
        dtd = b'<!DOCTYPE x [<!ENTITY e "e">]>'
        hostile = with_parts(data, replace={"docProps/core.xml": encode(decl + b"?>" + comment + dtd + rest)})
        _, result = _read(tmp_path, "late.xlsx", hostile)
        assert [f.code for f in result.findings] == ["FILE-UNSAFE-XML"]


@pytest.mark.parametrize("comment", [b"", b"a zip comment"])
def test_too_many_parts_are_refused_before_they_are_listed(tmp_path: Path, comment: bytes) -> None:
    """Bounded from the directory's declared size, or (behind a comment) by counting entries."""
    data = with_parts(submission(), add={f"xl/media/p{i}.bin": b"" for i in range(4001)})
    assert data[-2:] == b"\0\0"
    data = data[:-2] + len(comment).to_bytes(2, "little") + comment
    _, result = _read(tmp_path, "parts.xlsx", data)
    assert [f.code for f in result.findings] == ["FILE-TOO-LARGE"]


def test_a_path_that_cannot_be_read(tmp_path: Path) -> None:
    missing = read_submission(tmp_path / "nope.xlsx")
    folder = read_submission(tmp_path)
    for result in (missing, folder):
        assert result.status == "unreadable"
        assert [f.code for f in result.findings] == ["FILE-IO"]
    assert missing.size is None and missing.sha256 is None


def test_macros_are_read_but_never_run(tmp_path: Path) -> None:
    _, result = _read(tmp_path, "with-macros.xlsm", submission(macros=True))
    assert result.status == "valid"
    assert [f.code for f in result.findings] == ["FILE-MACROS"]
    assert result.findings[0].severity == "warning"
    assert result.values and len(result.values) == 200


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    cases = {**{k: v for _, (_, v) in BAD_FILES.items() for k in [_]}, "ok.xlsx": submission(),
             "bomb.xlsx": zip_bomb(megabytes=8), "dtd.xlsx": xml_with_dtd(), "macros.xlsm": submission(macros=True),
             "foreign.xlsx": submission(kind="foreign", shift={"t3": (2, 1)})}
    paths = []
    for i, data in enumerate(cases.values()):
        path = tmp_path / f"{i}.xlsx"
        path.write_bytes(data)
        path.chmod(0o444)
        paths.append((path, data, path.stat().st_mtime_ns))
    for path, data, mtime in paths:
        read_submission(path)
        assert path.read_bytes() == data
        assert path.stat().st_mtime_ns == mtime


def test_part_of_a_template_replaced_by_garbage_is_not_a_traceback(tmp_path: Path) -> None:
    data = with_parts(submission(), replace={"xl/worksheets/sheet3.xml": b"\x00\xff garbage <c r=\"A1\"><v>1"})
    _, result = _read(tmp_path, "garbage.xlsx", data)
    assert result.status in ("unreadable", "invalid")
    assert result.findings


def test_damaged_bytes_and_damaged_xml_never_raise(tmp_path: Path) -> None:
    """Random damage, to the zip bytes and (re-zipped, so the zip is sound) to the XML of
    every part the reader looks at: a result every time, never an exception."""
    import random

    from factories import parts_of

    rnd = random.Random(2026)
    original = submission(seed=1)
    parts = parts_of(original)
    targets = [n for n in parts if n.endswith((".xml", ".rels"))]
    path = tmp_path / "fuzz.xlsx"
    for i in range(160):
        if i % 2:
            data = bytearray(original)
            for _ in range(rnd.randint(1, 8)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        else:
            name = rnd.choice(targets)
            xml = bytearray(parts[name])
            for _ in range(rnd.randint(1, 6)):
                at = rnd.randrange(len(xml))
                xml[at:at + rnd.randint(0, 3)] = rnd.choice([b"", b"<", b">", b'"', b"&", b"\xff", b"<c>", b"<f/>",
                                                             b'<c r="XFD1048576"><v>1</v></c>', b"</row>"])
            data = bytearray(with_parts(original, replace={name: bytes(xml)}))
        path.write_bytes(bytes(data))
        result = read_submission(path)
        assert result.status in ("valid", "invalid", "unreadable")
        if result.status == "unreadable":
            assert any(f.code.startswith("FILE-") for f in result.findings)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/theme/theme1.xml"])
def test_a_part_longer_than_its_directory_says_is_refused(tmp_path: Path, part: str) -> None:
    """The declared size is checked while inflating, for a part inflated whole (the workbook)
    and for one whose prolog alone is looked at (the theme: more comes out of its first
    piece than the directory declares for the whole part)."""
    data = bytearray(submission())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(part)
    name = part.encode()
    at = data.find(b"PK\x01\x02")  # the central directory's entries, in order
    while data[at + 46:at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    declared = min(info.file_size // 4, 512)  # a quarter of the real size at most, less than a prolog piece
    data[at + 24:at + 28] = declared.to_bytes(4, "little")
    _, result = _read(tmp_path, "lying.xlsx", bytes(data))
    assert result.status == "unreadable"
    assert [f.code for f in result.findings] == ["FILE-CORRUPT"]
