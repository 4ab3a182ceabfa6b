"""Hostile and broken documents give a clear finding, quickly, within the workbook reader's
bounds: a .docx bomb (a part that inflates a thousand-fold, or a DTD), a 50 MB web page, a
PDF of thousands of pages, a scan without a text layer; and a document without the tables
is what it is (a PDF, a web page), as before. Generated here, small on disk where they can be.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from consolidate.read import read_submission


def codes(path: Path) -> list[str]:
    result = read_submission(path)
    assert result.status == "unreadable"
    return [f.code for f in result.findings]


def docx_with(document_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"/>')
        z.writestr("word/document.xml", document_xml)
    return out.getvalue()


def test_a_docx_bomb_is_too_large_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "报告.docx"
    path.write_bytes(docx_with(b"<w:document>" + b" " * (64 << 20) + b"</w:document>"))  # 64 MB in ~64 KB
    assert path.stat().st_size < 200_000
    assert codes(path) == ["FILE-TOO-LARGE"]


def test_a_docx_with_a_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "报告.docx"
    path.write_bytes(docx_with(b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><w:document/>'))
    assert codes(path) == ["FILE-UNSAFE-XML"]


def test_a_web_page_of_50_mb_is_refused_unparsed(tmp_path: Path) -> None:
    path = tmp_path / "报告.html"
    row = b"<tr><td>" + "规章".encode() + b"</td><td>0</td></tr>"
    path.write_bytes(b"<html><body><table>" + row * (50 * (1 << 20) // len(row)) + b"</table></body></html>")
    assert codes(path) == ["FILE-TOO-LARGE"]


def test_a_page_with_huge_spans_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "报告.html"
    path.write_bytes(b'<html><body><table><tr><td colspan="100000" rowspan="100000">x</td></tr>'
                     + b"<tr><td>1</td></tr>" * 2000 + b"</table></body></html>")
    result = read_submission(path)
    assert [f.code for f in result.findings] == ["FILE-HTML"]  # no statistical table in it


def pdf_of(pages: int) -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def test_a_pdf_of_thousands_of_pages_is_refused_by_its_count(tmp_path: Path) -> None:
    path = tmp_path / "报告.pdf"
    path.write_bytes(pdf_of(5000))
    assert path.stat().st_size < 2_000_000
    result = read_submission(path)
    assert [f.code for f in result.findings] == ["FILE-TOO-LARGE"]
    assert "5000" in result.findings[0].message_zh


def test_a_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(pdf_of(3))
    result = read_submission(path)
    assert [f.code for f in result.findings] == ["FILE-SCANNED"]
    assert "扫描件" in result.findings[0].message_zh and "没有文字层" in result.findings[0].message_zh


@pytest.mark.parametrize(("name", "data", "code"), [
    ("损坏.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "FILE-PDF"),
    ("说明.html", "<html><body><p>本单位无统计表。</p></body></html>".encode(), "FILE-HTML"),
    ("说明.txt", "本单位今年没有任何依申请公开。\n".encode(), "FILE-UNKNOWN"),
])
def test_a_document_without_the_tables_is_what_it_is(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert codes(path) == [code]


@pytest.mark.parametrize(("name", "data"), [
    ("行很多.txt", "规章 0 0 0\n".encode() * 100_000),
    ("一格一行.txt", b"\t0\n\n" * 100_000),
    ("行很多.html", b"<html><body><table>" + "<tr><td>规章</td><td>0</td></tr>".encode() * 30_000
     + b"</table></body></html>"),
])
def test_a_document_with_too_many_rows_is_refused_before_it_is_laid_out(tmp_path: Path, name: str,
                                                                         data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert codes(path) == ["FILE-TOO-LARGE"]


def test_a_docx_with_too_many_rows_is_refused_before_python_docx(tmp_path: Path) -> None:
    rows = b"<w:tr><w:tc><w:p/></w:tc></w:tr>" * 30_000
    path = tmp_path / "报告.docx"
    path.write_bytes(docx_with(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                               b'wordprocessingml/2006/main"><w:body><w:tbl>' + rows + b"</w:tbl></w:body></w:document>"))
    assert codes(path) == ["FILE-TOO-LARGE"]
