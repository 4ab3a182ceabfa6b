"""One submission per unit, and every file's fate.

Covers:
- the newest by 填报日期 counts (any common spelling), then the newest file time, then the last given;
- the others are 重复（被替代） and name the file that replaced them; byte-identical copies are noted;
- a unit off the roster is 名单外 and not counted unless include_unlisted;
- a file with errors is 有错误 and not counted; an unreadable one is 无法读取; a unit without a file is 未报送;
- every input file appears exactly once, in input order;
- without a roster units are told apart by code, then by name;
- a roll-up submitted by a district counts as one unit standing for its units.
"""

from __future__ import annotations

import dataclasses
import random

from rollup_factories import roster_of, submission, unreadable

from consolidate.rollup.select import select
from consolidate.spec import load_spec

SPEC = load_spec("v2021")


def _sub(name: str, seed: int = 0, **kw: object) -> object:
    return submission(SPEC, random.Random(seed), name=name, **kw)  # type: ignore[arg-type]


def test_newest_by_date_then_mtime_then_order() -> None:
    roster = roster_of(["甲", "乙", "丙"])
    a_old = _sub("甲", 1, code=roster.units[0].code, filled_on="2026-01-20", path="a_old.xlsx", mtime=9e9)
    a_new = _sub("甲", 2, code=roster.units[0].code, filled_on="2026年1月21日", path="a_new.xlsx", mtime=1.0)
    b_1 = _sub("乙", 3, filled_on="", path="b_1.xlsx", mtime=5.0)
    b_2 = _sub("乙", 4, filled_on="", path="b_2.xlsx", mtime=6.0)
    c_1 = _sub("丙", 5, filled_on="2026/1/20", path="c_1.xlsx", mtime=5.0)
    c_2 = _sub("丙", 6, filled_on="46042", path="c_2.xlsx", mtime=5.0)  # the same day as an Excel serial
    sel = select([a_new, a_old, b_2, b_1, c_1, c_2], roster)  # type: ignore[list-item]
    fate = {f.file.path: f for f in sel.files}
    assert [f.file.path for f in sel.files] == ["a_new.xlsx", "a_old.xlsx", "b_2.xlsx", "b_1.xlsx", "c_1.xlsx", "c_2.xlsx"]
    assert fate["a_new.xlsx"].counted and fate["a_old.xlsx"].fate == "superseded"
    assert fate["a_old.xlsx"].replaced_by == "a_new.xlsx" and "填报日期较新" in fate["a_old.xlsx"].note
    assert fate["b_2.xlsx"].counted and fate["b_1.xlsx"].fate == "superseded" and "修改时间" in fate["b_1.xlsx"].note
    assert fate["c_2.xlsx"].counted and fate["c_1.xlsx"].label == "重复（被替代）"
    assert [r.file.path for r in sel.units if r.file] == ["a_new.xlsx", "b_2.xlsx", "c_2.xlsx"]
    assert sel.counted == (a_new, b_2, c_2)


def test_identical_copy_noted_and_counted_once() -> None:
    roster = roster_of(["甲"])
    a = _sub("甲", 1, path="x/甲.xlsx")
    copy = dataclasses.replace(a, path="y/甲 - 副本.xlsx", mtime=9e9)  # same bytes, newer file time
    sel = select([a, copy], roster)
    first, second = sel.files
    assert first.counted and first.fate == "accepted"
    assert second.fate == "superseded" and not second.counted
    assert second.identical_to == "x/甲.xlsx" and "内容完全相同" in second.note
    assert second.unit == roster.units[0]
    assert sel.counted == (a,)


def test_each_kind_of_file_lands_where_it_should() -> None:
    roster = roster_of(["甲", "乙", "丙", "丁"])
    ok = _sub("甲", 1, path="ok.xlsx")
    bad = _sub("乙", 2, path="bad.xlsx", status="invalid")
    stranger = _sub("外单位", 3, path="stranger.xlsx")
    broken = unreadable("broken.xlsx")
    sel = select([ok, bad, stranger, broken], roster)
    by_path = {f.file.path: (f.fate, f.counted) for f in sel.files}
    assert by_path == {"ok.xlsx": ("accepted", True), "bad.xlsx": ("invalid", False),
                       "stranger.xlsx": ("unlisted", False), "broken.xlsx": ("unreadable", False)}
    rows = {r.name: (r.label, r.counted) for r in sel.units}
    assert rows == {"甲": ("已报送且通过", True), "乙": ("有错误", False), "丙": ("未报送", False), "丁": ("未报送", False)}
    assert sel.unit_counts() == {"accepted": 1, "invalid": 1, "missing": 2, "unlisted": 0}
    assert sel.file_counts() == {"accepted": 1, "invalid": 1, "superseded": 0, "unlisted": 1, "unreadable": 1}
    assert sel.counted == (ok,)

    with_unlisted = select([ok, bad, stranger, broken], roster, include_unlisted=True)
    assert with_unlisted.counted == (ok, stranger)
    assert with_unlisted.units[-1].name == "外单位" and with_unlisted.units[-1].label == "名单外（已计入）"
    assert not with_unlisted.units[-1].listed


def test_unit_matched_by_code_before_name() -> None:
    roster = roster_of(["甲", "乙"])
    renamed = _sub("甲镇人民政府", 1, code=roster.units[0].code, path="renamed.xlsx")
    by_name = _sub("乙", 2, code="", path="by_name.xlsx")
    sel = select([renamed, by_name], roster)
    assert [(r.name, r.file.path if r.file else None) for r in sel.units] == [("甲", "renamed.xlsx"),
                                                                              ("乙", "by_name.xlsx")]


def test_newest_file_speaks_for_the_unit_even_with_errors() -> None:
    roster = roster_of(["甲"])
    good_old = _sub("甲", 1, path="old.xlsx", filled_on="2026-01-10")
    bad_new = _sub("甲", 2, path="new.xlsx", filled_on="2026-01-25", status="invalid")
    sel = select([good_old, bad_new], roster)
    assert sel.units[0].fate == "invalid" and sel.counted == ()
    assert sel.files[0].fate == "superseded"


def test_without_roster_units_by_code_then_name() -> None:
    a1 = _sub("甲", 1, code="A01", path="1.xlsx", filled_on="2026-01-01")
    a2 = _sub("甲", 2, code="", path="2.xlsx", filled_on="2026-01-02")  # no code, same name: the same unit
    b = _sub("乙", 3, code="", path="3.xlsx")
    sel = select([a1, a2, b], None)
    assert [(r.name, r.code, r.file.path if r.file else None) for r in sel.units] == [
        ("甲", "A01", "2.xlsx"), ("乙", "", "3.xlsx")]
    assert sel.roster_size is None and sel.files[0].fate == "superseded"


def test_rollup_counts_as_one_unit_for_its_units() -> None:
    roster = roster_of(["东区", "西区"])
    east = _sub("东区", 1, kind="rollup", units=12, path="east.xlsx")
    west = _sub("西区", 2, kind="rollup", units=30, path="west.xlsx")
    sel = select([east, west], roster)
    assert [r.units for r in sel.units] == [12, 30]
    assert "12 个单位" in sel.files[0].note


def test_file_without_unit_is_never_counted() -> None:
    roster = roster_of(["甲"])
    anonymous = _sub("", 1, code="", path="anon.xlsx")
    for r in (roster, None):
        sel = select([anonymous], r)  # type: ignore[list-item]
        (fate,) = sel.files
        assert (fate.fate, fate.counted) == ("invalid", False) and "无法对应到单位" in fate.note
        assert sel.counted == ()
