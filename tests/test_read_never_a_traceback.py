"""Never a traceback (issue 16, point 3).

Requirements covered:
- any unexpected exception inside a reader is a FILE-CORRUPT finding for that file, with a
  plain Chinese reason, and the other files of the batch are read as usual;
- a Rust library's panic (pyo3's PanicException, a BaseException) is the same;
- Ctrl-C is never caught by a reader: raised inside calamine it leaves ``read_submission``,
  and the command stops with exit 130 and writes no output;
- no English exception text inside a Chinese message: a damaged bundle, workbook, .xls,
  PDF or Word file is explained by a catalog text.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from factories import submission

from consolidate.read import read_many, read_submission
from consolidate.validate import validate

ROOT = Path(__file__).resolve().parent.parent
_ENGLISH = re.compile(r"[A-Za-z]{4,}")  # a word of Python's or a library's own message


def chinese_only(message: str) -> bool:
    """No English words in the message, but for the names a clerk knows (file kinds, programs)."""
    words = set(_ENGLISH.findall(message)) - {"Excel", "Word", "ZIP", "WPS", "Office", "xlsx", "docx", "html"}
    return not words


def test_an_unexpected_exception_in_a_reader_is_that_files_finding(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from consolidate.read.documents import html

    good, bad = tmp_path / "好.xlsx", tmp_path / "坏.html"
    good.write_bytes(submission())
    bad.write_bytes("<html><body><table><tr><td>规章</td><td>0</td></tr></table></body></html>".encode())

    def broken(data: bytes) -> None:
        raise KeyError("by_title")  # a reader's own bug, as documents/grid.py had one

    monkeypatch.setattr(html, "parse_html", broken)
    results = read_many([bad, good], workers=1)
    assert [r.status for r in results] == ["unreadable", "valid"]
    [finding] = results[0].findings
    assert finding.code == "FILE-CORRUPT" and finding.severity == "error"
    assert "文件中有程序无法处理的内容" in finding.message("zh")
    assert chinese_only(finding.message("zh")) and "KeyError" not in finding.message("zh")


def test_a_rust_panic_is_file_corrupt_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    class PanicException(BaseException):  # what pyo3 raises: not an Exception
        pass

    def panic(*args: object, **kwargs: object) -> None:
        raise PanicException("index out of bounds: the len is 3 but the index is 7")

    path = tmp_path / "单位.xlsx"
    path.write_bytes(submission())
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", panic)
    result = read_submission(path)
    assert [f.code for f in result.findings] == ["FILE-CORRUPT"]
    assert chinese_only(result.findings[0].message("zh")), result.findings[0].message("zh")


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_a_reader_never_catches_ctrl_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       interrupt: type[BaseException]) -> None:
    import python_calamine

    def stop(*args: object, **kwargs: object) -> None:
        raise interrupt()

    path = tmp_path / "单位.xlsx"
    path.write_bytes(submission())
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", stop)
    with pytest.raises(interrupt):
        read_submission(path)


def test_ctrl_c_inside_calamine_stops_the_command_with_130_and_no_outputs(tmp_path: Path) -> None:
    """Ctrl-C while calamine reads a workbook in the command's own process (``--workers 1``):
    the run stops (exit 130), no report is written, no file is called corrupt."""
    folder = tmp_path / "收到的报表"
    folder.mkdir()
    for i in range(3):
        (folder / f"单位{i}.xlsx").write_bytes(submission())
    report = tmp_path / "审核结果.xlsx"
    script = textwrap.dedent(f"""
        import os, signal, sys
        import python_calamine
        from consolidate.__main__ import main
        real = python_calamine.CalamineWorkbook.from_filelike
        def pressed(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGINT)  # the handler raises inside this call
            return real(*args, **kwargs)
        python_calamine.CalamineWorkbook.from_filelike = pressed
        sys.argv = ["consolidate", "validate", {str(folder)!r}, "--workers", "1", "--report", {str(report)!r}]
        main()
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 130, run.stderr
    assert "Traceback" not in run.stderr
    assert not report.exists()


def _zip_member_damaged() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("单位.xlsx", b"x" * 5000)
    data = bytearray(buffer.getvalue())
    start = data.index(b"PK\x03\x04") + 30 + len("单位.xlsx".encode())
    data[start:start + 40] = b"\xff" * 40  # the member's compressed bytes broken
    return bytes(data)


@pytest.mark.parametrize(("name", "data", "code"), [
    ("报表.zip", b"PK\x03\x04" + b"\0" * 40, "FILE-BUNDLE-BROKEN"),  # the issue's “File is not a zip file”
    ("报表包.zip", _zip_member_damaged(), "FILE-BUNDLE-BROKEN"),
    ("单位.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "FILE-OTHER-BROKEN"),
    ("报告.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF", "FILE-PDF"),
])
def test_a_damaged_file_is_explained_in_chinese(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = validate([path], workers=1)
    findings = [f for r in report.files for f in r.findings if f.category == "file"]
    assert findings, [f.code for r in report.files for f in r.findings]
    for finding in findings:
        assert finding.code == code or finding.code.startswith("FILE-"), finding.code
        assert chinese_only(finding.message("zh")), finding.message("zh")


def test_a_workbook_calamine_refuses_is_explained_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    def refuse(*args: object, **kwargs: object) -> None:
        raise python_calamine.CalamineError("Xml error: invalid attribute at position 2048")

    path = tmp_path / "单位.xlsx"
    path.write_bytes(submission())
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    [finding] = read_submission(path).findings
    assert finding.code == "FILE-CORRUPT"
    assert "其中的表格内容已损坏，无法解析" in finding.message("zh")
    assert chinese_only(finding.message("zh")), finding.message("zh")
