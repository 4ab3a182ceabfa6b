"""The roster (报送名单): read_roster.

Covers: a CSV in UTF-8, UTF-8 with BOM, GBK (Chinese Excel's “CSV（逗号分隔）”), UTF-16
(Excel's “Unicode 文本”, tab separated) and an XLSX all read the same units; header
aliases; blank lines keep the row numbers right; every bad roster is refused with a
message naming its row: missing column (row 1), empty name, empty code, duplicate code,
duplicate name, bad 统一社会信用代码, undecodable bytes, an empty file, an old .xls.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROSTER_HEADER, RosterWriter, roster_rows

from consolidate.errors import ConsolidateError
from consolidate.roster import RosterError, Unit, read_roster

ROWS = roster_rows(3)
EXPECTED = tuple(Unit(code, name, kind, parent, row=i + 2) for i, (code, name, kind, parent) in enumerate(ROWS))


@pytest.mark.parametrize(("name", "encoding"), [
    ("utf8.csv", "utf-8"), ("bom.csv", "utf-8-sig"), ("gbk.csv", "gbk"), ("roster.xlsx", "")])
def test_reads_every_encoding_and_xlsx(write_roster: RosterWriter, name: str, encoding: str) -> None:
    roster = read_roster(write_roster(name=name, encoding=encoding or "utf-8"))
    assert roster.units == EXPECTED


def test_reads_utf16_tab_separated(tmp_path: Path) -> None:
    text = "".join("\t".join(r) + "\r\n" for r in [ROSTER_HEADER, *ROWS])
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    assert read_roster(path).units == EXPECTED


def test_header_aliases_optional_parent_and_blank_lines(write_roster: RosterWriter) -> None:
    rows = [ROWS[0][:3], ("", "", ""), ROWS[1][:3]]
    roster = read_roster(write_roster(rows, header=("统一社会信用代码", "单位名称", "单位类型")))
    assert [(u.code, u.parent, u.row) for u in roster.units] == [(ROWS[0][0], "", 2), (ROWS[1][0], "", 4)]
    assert roster.find(name=ROWS[1][1]) == roster.units[1]
    assert roster.find(code=ROWS[0][0].lower()) == roster.units[0]


def test_local_codes_are_not_checked_as_uscc(write_roster: RosterWriter) -> None:
    roster = read_roster(write_roster([("001", "示例县甲镇", "乡镇", "示例县"), ("X-2", "示例县乙局", "部门", "")]))
    assert [u.code for u in roster.units] == ["001", "X-2"]


def _refused(path: Path) -> str:
    with pytest.raises(RosterError) as info:
        read_roster(path)
    assert isinstance(info.value, ConsolidateError)
    return info.value.zh


def test_missing_column_names_the_header_row(write_roster: RosterWriter) -> None:
    message = _refused(write_roster([r[:2] for r in ROWS], header=("单位代码", "单位名称")))
    assert "第 1 行" in message and "单位类型" in message


def test_duplicate_code_names_both_rows(write_roster: RosterWriter) -> None:
    rows = [*ROWS, (ROWS[0][0], "示例县另一单位", "部门", "示例县")]
    message = _refused(write_roster(rows))
    assert "第 5 行" in message and "第 2 行" in message and ROWS[0][0] in message


def test_duplicate_name_names_both_rows(write_roster: RosterWriter) -> None:
    rows = [*ROWS, ("L-9", ROWS[1][1], "部门", "示例县")]
    message = _refused(write_roster(rows))
    assert "第 5 行" in message and "第 3 行" in message


def test_empty_name_names_the_row(write_roster: RosterWriter) -> None:
    rows = [ROWS[0], (ROWS[1][0], "", "街道", "示例县")]
    message = _refused(write_roster(rows))
    assert "第 3 行" in message and "单位名称为空" in message


def test_empty_code_names_the_row(write_roster: RosterWriter) -> None:
    rows = [ROWS[0], ("", "示例县丙镇", "乡镇", "示例县")]
    message = _refused(write_roster(rows))
    assert "第 3 行" in message and "示例县丙镇" in message and "单位代码为空" in message


def test_bad_uscc_names_the_row_and_the_right_check_character(write_roster: RosterWriter) -> None:
    good = ROWS[2][0]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [ROWS[0], ROWS[1], (wrong, ROWS[2][1], "部门", "示例县")]
    message = _refused(write_roster(rows))
    assert "第 4 行" in message and wrong in message and f"应为 {good[17]}" in message


def test_undecodable_bytes_name_the_row(tmp_path: Path) -> None:
    lines = [",".join(ROSTER_HEADER).encode("gbk"), ",".join(ROWS[0]).encode("gbk"), b"\xff\xfe\xff,\x80\x80,x"]
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\r\n".join(lines))
    message = _refused(path)
    assert "第 3 行" in message and "UTF-8" in message and "GBK" in message


def test_empty_file_and_header_only_and_xls(tmp_path: Path, write_roster: RosterWriter) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "空的" in _refused(empty)
    assert "没有单位" in _refused(write_roster([]))
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert ".xls" in _refused(xls)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert "无法读取" in _refused(tmp_path / "nowhere.csv")
