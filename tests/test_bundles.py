"""Bundles (issue 10, item 2): a .zip, .rar or .7z counts as its members.

Requirements covered:
- a GBK-named zip (no UTF-8 flag, as Windows tools write it) in a folder: each member is
  checked under ``包.zip/成员.xlsx`` with its name right, the same values as the file
  itself, its own size and hash; a UTF-8 zip likewise;
- ``../x`` and absolute member names are shown cleaned and nothing is written anywhere
  (the folder holds the same files after validate and annotate);
- one level of nesting is opened; a bundle nested deeper is reported (FILE-BUNDLE-NESTED);
- .7z (py7zr) and .rar (rarfile: stored members need no program; compressed ones need
  bsdtar or unrar, and without one the bundle is FILE-RAR-TOOL, not a traceback);
- limits: too many members, a member over the ratio; a protected, an empty and a
  damaged bundle each say what they are;
- an annotated copy is made from a member;
- `consolidate run` on a folder mixing templates, an .xls, a GBK-named zip and a published
  report accounts for every member and counts each unit once.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import py7zr
import pytest
from bundle_factories import gbk_zip, rar5, seven_z
from factories import submission, zip_of
from libreoffice import convert

from consolidate.output.annotate import annotate_report
from consolidate.read import read_submission
from consolidate.read.archive import MAX_PARTS
from consolidate.roster import read_roster
from consolidate.round import run_round
from consolidate.validate import expand_paths, validate


def _unit(i: int) -> dict[str, object]:
    from consolidate.uscc import make_uscc

    return {"unit_name": f"示例县第{i}单位", "unit_code": make_uscc(f"1134000000{i:07d}"), "unit_type": "乡镇",
            "parent": "示例县"}


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_gbk_named_zip_is_checked_member_by_member(tmp_path: Path) -> None:
    one, two = submission(unit=_unit(1), seed=1), submission(unit=_unit(2), seed=2)
    folder = tmp_path / "收到"
    folder.mkdir()
    (folder / "花山镇报表.zip").write_bytes(gbk_zip({"花山镇.xlsx": one, "资料/石桥镇统计表.xlsx": two}))
    (folder / "utf8.zip").write_bytes(gbk_zip({"东城街道.xlsx": one}, utf8=True))
    paths = expand_paths([folder])
    assert [p.relative_to(folder).as_posix() for p in paths] == [
        "utf8.zip/东城街道.xlsx", "花山镇报表.zip/花山镇.xlsx", "花山镇报表.zip/资料/石桥镇统计表.xlsx"]
    report = validate([folder], workers=1)
    by_path = {Path(f.path).relative_to(folder).as_posix(): f for f in report.files}
    member = by_path["花山镇报表.zip/花山镇.xlsx"]
    alone = tmp_path / "alone.xlsx"
    alone.write_bytes(one)
    assert member.values == read_submission(alone).values
    assert member.sha256 == hashlib.sha256(one).hexdigest() and member.size == len(one)
    assert by_path["花山镇报表.zip/资料/石桥镇统计表.xlsx"].unit_name == "示例县第2单位"
    assert member.status == "valid"


def test_traversal_names_are_only_names_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = submission(unit=_unit(3), raw={"t3.new.natural": "三"})
    (folder / "evil.zip").write_bytes(gbk_zip({"../../逃逸.xlsx": bad, "/etc/绝对.xlsx": bad, "C:\\win\\盘符.xlsx": bad}))
    before = _tree(tmp_path)
    report = validate([folder], workers=1)
    assert sorted(Path(f.path).relative_to(folder).as_posix() for f in report.files) == [
        "evil.zip/etc/绝对.xlsx", "evil.zip/win/盘符.xlsx", "evil.zip/逃逸.xlsx"]
    assert _tree(tmp_path) == before
    copies = annotate_report(report, tmp_path / "退改")
    written = [c.copy for c in copies if c.copy is not None]
    assert len(written) == 3 and all(p.parent == tmp_path / "退改" for p in written)
    assert {k: v for k, v in _tree(tmp_path).items() if not k.startswith("退改")} == before


def test_one_level_of_nesting_is_opened_and_a_deeper_one_reported(tmp_path: Path) -> None:
    inner = gbk_zip({"花山镇.xlsx": submission(unit=_unit(1))})
    deeper = gbk_zip({"最里.zip": gbk_zip({"x.xlsx": submission()})})
    (tmp_path / "外.zip").write_bytes(zip_of({"内.zip": inner, "套.zip": deeper}))
    report = validate([tmp_path], workers=1)
    got = {Path(f.path).relative_to(tmp_path).as_posix(): f for f in report.files}
    assert set(got) == {"外.zip/内.zip/花山镇.xlsx", "外.zip/套.zip/最里.zip"}
    assert got["外.zip/内.zip/花山镇.xlsx"].status == "valid"
    nested = got["外.zip/套.zip/最里.zip"]
    assert [f.code for f in nested.findings] == ["FILE-BUNDLE-NESTED"]
    assert nested.findings[0].message_zh.startswith("最里.zip：这是压缩包中的压缩包里的ZIP 压缩包")


def test_7z_and_rar_members(tmp_path: Path) -> None:
    data = submission(unit=_unit(4))
    (tmp_path / "七.7z").write_bytes(seven_z({"报表/花山镇.xlsx": data}))
    (tmp_path / "存.rar").write_bytes(rar5({"石桥镇.xlsx": data}))
    report = validate([tmp_path], workers=1)
    assert [(Path(f.path).relative_to(tmp_path).as_posix(), f.status) for f in report.files] == [
        ("七.7z/报表/花山镇.xlsx", "valid"), ("存.rar/石桥镇.xlsx", "valid")]
    assert all(f.sha256 == hashlib.sha256(data).hexdigest() for f in report.files)


def test_a_compressed_rar_without_a_program_is_a_clear_message(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "压缩.rar").write_bytes(rar5({"a.xlsx": submission()}, compressed=True))
    if not shutil.which("bsdtar") and not shutil.which("unrar"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but neither bsdtar nor unrar is installed: run `make office`")
        pytest.skip("no RAR back end (bsdtar or unrar); `make office` installs libarchive-tools")
    with_tool = validate([tmp_path], workers=1)  # the program finds the fake compressed data damaged
    assert [f.code for f in with_tool.files[0].findings] == ["FILE-BUNDLE-BROKEN"]
    assert with_tool.files[0].path.endswith("压缩.rar/a.xlsx")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    without = validate([tmp_path], workers=1)
    [result] = without.files
    assert result.path == str(tmp_path / "压缩.rar")
    assert [f.code for f in result.findings] == ["FILE-RAR-TOOL"]
    assert "libarchive-tools" in result.findings[0].message_zh


def test_limits_and_bundles_that_cannot_be_opened(tmp_path: Path) -> None:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(MAX_PARTS + 1):
            zf.writestr(f"{i}.txt", b"")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xlsx", b"\0" * (32 * 1024 * 1024))
    locked = io.BytesIO()
    with py7zr.SevenZipFile(locked, "w", password="secret") as sz:
        sz.writestr(b"x", "a.xlsx")
    cases = {"many.zip": many.getvalue(), "bomb.zip": bomb.getvalue(), "locked.7z": locked.getvalue(),
             "empty.zip": zip_of({}), "cut.zip": gbk_zip({"a.xlsx": submission()})[:300]}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    report = validate([tmp_path], workers=1)
    got = {Path(f.path).name: [x.code for x in f.findings] for f in report.files}
    assert got == {"many.zip": ["FILE-TOO-LARGE"], "bomb.zip": ["FILE-TOO-LARGE"],
                   "locked.7z": ["FILE-BUNDLE-ENCRYPTED"], "empty.zip": ["FILE-BUNDLE-EMPTY"],
                   "cut.zip": ["FILE-BUNDLE-BROKEN"]}
    messages = {Path(f.path).name: f.findings[0].message_zh for f in report.files}
    assert "7z 压缩包，设置了密码" in messages["locked.7z"]
    assert "ZIP 压缩包，但无法打开" in messages["cut.zip"]


@pytest.mark.office
def test_run_on_a_mixed_folder_accounts_for_every_member_and_counts_each_unit_once(
        tmp_path: Path, write_roster) -> None:  # type: ignore[no-untyped-def]
    from consolidate.publish import publish

    roster_path = write_roster([(str(_unit(i)["unit_code"]), str(_unit(i)["unit_name"]), "乡镇", "示例县")
                                for i in range(1, 7)])
    folder = tmp_path / "收到的报表"
    folder.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    files = {i: submission(unit=_unit(i), seed=i) for i in range(1, 7)}
    for i, data in files.items():
        (work / f"第{i}单位.xlsx").write_bytes(data)
    xls = dict(zip((2, 5), convert([work / "第2单位.xlsx", work / "第5单位.xlsx"], "xls", work / "xls"), strict=True))
    published = {  # the units' annual reports, as they publish them
        "第3单位年度报告.html": publish(work / "第3单位.xlsx", work / "第3单位年度报告.html").out,
        "第4单位年度报告.docx": publish(work / "第4单位.xlsx", work / "第4单位年度报告.docx").out,
        "第6单位年度报告.docx": publish(work / "第6单位.xlsx", work / "第6单位年度报告.docx").out,
    }
    (folder / "第1单位.xlsx").write_bytes(files[1])
    shutil.copyfile(xls[2], folder / "第2单位.xls")
    shutil.copyfile(published["第3单位年度报告.html"], folder / "第3单位年度报告.html")
    (folder / "微信文件.zip").write_bytes(gbk_zip({
        "第3单位.xlsx": files[3],
        "第4单位/统计表.xlsx": files[4],
        "第4单位/年度报告.docx": published["第4单位年度报告.docx"].read_bytes(),
        "第5单位.xls": xls[5].read_bytes(),
        "第1单位.xlsx": files[1],  # the same file as in the folder
        "第6单位年度报告.docx": published["第6单位年度报告.docx"].read_bytes(),  # unit 6 sent only its report
    }))
    result = run_round([folder], out_dir=tmp_path / "out", roster=read_roster(roster_path), year=2025)
    report = result.rollup.report
    by_path = {Path(f.path).relative_to(folder).as_posix(): f for f in report.files}
    assert sorted(by_path) == ["微信文件.zip/第1单位.xlsx", "微信文件.zip/第3单位.xlsx", "微信文件.zip/第4单位/年度报告.docx",
                               "微信文件.zip/第4单位/统计表.xlsx", "微信文件.zip/第5单位.xls",
                               "微信文件.zip/第6单位年度报告.docx", "第1单位.xlsx", "第2单位.xls", "第3单位年度报告.html"]
    for name in ("微信文件.zip/第4单位/年度报告.docx", "微信文件.zip/第6单位年度报告.docx", "第3单位年度报告.html"):
        assert by_path[name].kind == "report" and by_path[name].status == "valid", name
    assert by_path["微信文件.zip/第4单位/年度报告.docx"].values == by_path["微信文件.zip/第4单位/统计表.xlsx"].values
    selection = result.rollup.data.selection
    assert len(selection.files) == len(report.files)  # every member has a fate
    counted = [f.file for f in selection.files if f.counted]
    assert sorted(f.unit_name for f in counted) == [f"示例县第{i}单位" for i in range(1, 7)]  # each unit once
    assert all(row.counted for row in selection.units)
