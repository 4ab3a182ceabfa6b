"""Spreadsheets other than .xlsx (issue 10, item 1): .xls, WPS .et, .ods, .xlsb.

Requirements covered:
- a real .xls and .ods (written by LibreOffice from our template and from a retyped
  workbook) read to the same values as the .xlsx they came from, with one 提示
  (FILE-VALUES-ONLY) saying the totals could not be told from formulas;
- an .et is an .xls by another name: read the same;
- a total typed wrong in an .xls is caught by the rules (no formula to trust);
- an encrypted .ods and a damaged .xls are 无法读取 with a message that says what the file
  is, without calling it an Excel workbook it is not; an old Word .doc is FILE-DOC;
- .xlsb: LibreOffice cannot write one and no library we may use can, so only the routing
  is tested (a package with ``xl/workbook.bin`` is taken as an .xlsb and a damaged one
  says so).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from factories import submission, zip_of
from libreoffice import convert

from consolidate.read import read_submission
from consolidate.read.sniff import sniff
from consolidate.read.spreadsheets import CONTAINERS, container_of
from consolidate.validate import validate

pytestmark = pytest.mark.office


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spreadsheets")
    sources = {"template": submission(), "foreign": submission(kind="foreign", shift={"t3": (2, 1)}),
               "v2019": submission("v2019", year=2020)}
    paths = []
    for name, data in sources.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    out: dict[str, Path] = {p.stem + ".xlsx": p for p in paths}
    for to in ("xls", "ods"):
        for path in convert(paths, to, folder / to):
            out[f"{path.stem}.{to}"] = path
    et = folder / "template.et"
    shutil.copyfile(out["template.xls"], et)
    out["template.et"] = et
    return out


@pytest.mark.parametrize("name", ["template.xls", "template.ods", "template.et", "foreign.xls", "foreign.ods",
                                  "v2019.xls", "v2019.ods"])
def test_an_old_or_open_spreadsheet_reads_like_the_xlsx_it_came_from(converted: dict[str, Path], name: str) -> None:
    stem = name.split(".")[0]
    original = read_submission(converted[f"{stem}.xlsx"])
    result = read_submission(converted[name])
    assert result.values == original.values
    assert result.format == original.format and result.kind == original.kind
    assert result.identity["unit_name"] == original.identity["unit_name"]
    assert result.year == original.year
    notes = [f for f in result.findings if f.code == "FILE-VALUES-ONLY"]
    assert len(notes) == 1 and notes[0].severity == "info"
    assert [f.code for f in result.findings if f.code != "FILE-VALUES-ONLY"] == [f.code for f in original.findings]
    container = CONTAINERS[name.split(".")[1] if not name.endswith(".et") else "xls"]
    assert notes[0].message_zh.startswith(f"{name}：这是{container.name}")
    assert notes[0].message_en.startswith(f"{name}: this is {container.named.render('en')}")
    assert "这是" not in notes[0].message_en and container.named.render("en") != container.name
    assert result.status == "valid"


def test_a_typed_wrong_total_in_an_xls_is_caught_by_the_rules(tmp_path: Path) -> None:
    source = tmp_path / "wrong.xlsx"
    source.write_bytes(submission(kind="foreign", overwrite={"t3.new.total": 999}))
    [xls] = convert([source], "xls", tmp_path / "out")
    report = validate([xls], workers=1)
    [result] = report.files
    assert result.values is not None and result.values["t3.new.total"] == 999
    assert "T3-ROWTOTAL" in {f.code for f in result.findings}
    assert result.status == "invalid"


def test_a_damaged_xls_says_what_it_is(converted: dict[str, Path], tmp_path: Path) -> None:
    data = converted["template.xls"].read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: len(data) // 2])  # cut before its directory: which Office file it was is lost
    result = read_submission(path)
    assert result.status == "unreadable"
    assert [f.code for f in result.findings] == ["FILE-OTHER-BROKEN"]
    assert result.findings[0].message_zh.startswith("cut.xls：这是Office 97-2003 格式的文件（.xls/.et/.doc 等），但文件已损坏")


def test_an_encrypted_ods_is_unreadable_as_protected(converted: dict[str, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(converted["template.ods"]) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    manifest = parts["META-INF/manifest.xml"].replace(
        b'manifest:full-path="content.xml"',
        b'manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry'
        b'><manifest:file-entry manifest:media-type="" manifest:full-path="x"', 1)
    parts["META-INF/manifest.xml"] = manifest
    parts["content.xml"] = bytes(range(256)) * 4  # what encrypted content looks like
    path = tmp_path / "locked.ods"
    path.write_bytes(zip_of(parts))
    result = read_submission(path)
    assert [f.code for f in result.findings] == ["FILE-ENCRYPTED"]


def test_an_xlsb_is_routed_to_calamine_and_a_broken_one_says_xlsb(tmp_path: Path) -> None:
    data = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})
    assert container_of(data, sniff(data)) == CONTAINERS["xlsb"]
    path = tmp_path / "binary.xlsb"
    path.write_bytes(data)
    result = read_submission(path)
    assert [f.code for f in result.findings] == ["FILE-OTHER-BROKEN"]
    assert "Excel 二进制工作簿（.xlsb）" in result.findings[0].message_zh


def test_an_xlsx_is_not_taken_for_another_container() -> None:
    data = submission()
    assert container_of(data, sniff(data)) is None
    ods_like = io.BytesIO()
    with zipfile.ZipFile(ods_like, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")  # a Writer document
        zf.writestr("content.xml", "<x/>")
    assert container_of(ods_like.getvalue(), "zip") is None


def test_an_xls_gets_no_annotated_copy_but_a_clear_reason(tmp_path: Path) -> None:
    from consolidate.output.annotate import annotate_report
    from consolidate.uscc import make_uscc

    unit = {"unit_name": "示例县花园镇人民政府", "unit_code": make_uscc("11340000MB0000001")}
    right, wrong = tmp_path / "right.xlsx", tmp_path / "wrong.xlsx"
    right.write_bytes(submission(unit=unit))
    wrong.write_bytes(submission(kind="foreign", unit=unit, overwrite={"t3.new.total": 999}))
    report = validate(convert([right, wrong], "xls", tmp_path / "out"), workers=1)
    assert [f.status for f in report.files] == ["valid", "invalid"]
    done = annotate_report(report, tmp_path / "退改")
    assert [d.copy for d in done] == [None, None]
    assert done[0].problem is None  # only the 提示: nothing to send back
    assert done[1].problem is not None
    assert done[1].problem.message("zh").startswith("wrong.xls：这是 .xls、.et、.ods 或 .xlsb 文件，无法在其中标注问题")
