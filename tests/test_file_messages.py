"""What a file that is not a workbook is called (issue 11 item 8).

Requirements covered:
- M1 a file is named for what it is (PDF, web page, Word document), and no message claims
  an Excel extension the file does not have: ``扫描件.pdf`` is a PDF, not “a PDF with an
  Excel extension”; the same words serve a PDF renamed to ``.xlsx``.
"""

from __future__ import annotations

import errno
import io
import zipfile
from pathlib import Path

import pytest

from consolidate.errors import os_error_text
from consolidate.validate import validate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = "<html><body><table><tr><td>表三</td></tr></table></body></html>".encode()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "what"), [
    ("扫描件.pdf", PDF, "PDF"),
    ("报告.xlsx", PDF, "PDF"),
    ("网页.xls", HTML, "网页"),
    ("正文.xlsx", docx_bytes(), "Word"),
])
def test_a_file_is_named_for_what_it_is(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (entry,) = validate([path]).files
    assert entry.status == "unreadable"
    messages = [f.message_zh for f in entry.findings] + [f.message_en for f in entry.findings]
    assert any(what in m for m in messages)
    assert not any("扩展名" in m or "extension" in m or "renamed" in m for m in messages), messages


def test_an_os_error_is_explained_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # issue 11 item 7
    from consolidate.read import reader

    path = tmp_path / "锁住.xlsx"
    path.write_bytes(b"PK")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(reader, "open", refuse, raising=False)
    (entry,) = validate([path], workers=1).files
    (finding,) = entry.findings
    assert finding.code == "FILE-IO"
    assert "没有访问权限" in finding.message_zh and "Permission denied" not in finding.message_zh
    assert "permission denied" in finding.message_en


def test_os_errors_in_words() -> None:
    assert os_error_text(OSError(errno.ENOENT, "No such file or directory"), "zh") == "文件或文件夹不存在"
    assert os_error_text(OSError(errno.ENOSPC, "No space left on device"), "en") == "the disk is full"
    assert os_error_text(OSError(errno.ENOTSUP, "Operation not supported"), "zh") == f"系统错误，代码 {errno.ENOTSUP}"
