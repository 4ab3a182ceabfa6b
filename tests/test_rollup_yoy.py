"""This year against last year.

Covers:
- YOY-CARRY: 二、上年结转 of this year against 四、结转下年度继续办理 of last year, per unit, at the
  unit's own cell address, as a warning;
- YOY-STOCK (v2021 both years): 现行有效件数 = last year's + 本年制发 − 本年废止;
- last year in v2019: only the keys both formats share are compared, and YOY-STOCK is skipped;
- last year's district figures come from last year's summary when given, else from the sum
  of last year's submissions.
"""

from __future__ import annotations

import random

from rollup_factories import district, submission

from consolidate.rollup.data import build
from consolidate.rollup.yoy import common_keys
from consolidate.spec import load_spec

V2021, V2019 = load_spec("v2021"), load_spec("v2019")


def _consistent(this_values: dict[str, float], last_values: dict[str, float]) -> dict[str, float]:
    """Last year's values changed so that this year follows on from them without a warning."""
    last = dict(last_values)
    for c in V2021.cells:
        if c.table == "t3" and c.row == "carry_over":
            last[c.key] = this_values[c.key.replace(".carry_over.", ".carried.")]
    for row in ("regulation", "normative"):
        k = f"t2.{row}.in_force"
        if k in last:
            last[k] = this_values[k] - this_values[f"t2.{row}.issued"] + this_values[f"t2.{row}.repealed"]
    return last


def test_carry_and_stock_warnings_per_unit() -> None:
    roster, this = district(3, seed=1, year=2025)
    _, last = district(3, seed=2, year=2024)
    for t, lf in zip(this, last, strict=True):
        lf.values = _consistent(t.values or {}, lf.values or {})
    assert this[1].values is not None and last[1].values is not None
    last[1].values["t3.carry_over.natural"] += 2
    last[2].values["t2.regulation.in_force"] += 1
    this[1].addresses = {"t3.carried.natural": ("表三", "E9")}  # where this unit's reader found it
    data = build(this, roster=roster, previous=last, check=None)
    yoy = data.yoy
    assert yoy is not None and yoy.previous_year == 2024 and yoy.previous_format == "v2021"
    found = {(u.name, f.code, f.cell) for u in yoy.units for f in u.findings}
    assert found == {("单位001", "YOY-CARRY", "E9"), ("单位002", "YOY-STOCK", "D5")}
    carry = next(f for u in yoy.units for f in u.findings if f.code == "YOY-CARRY")
    assert carry.severity == "warning" and carry.expected == carry.found + 2  # type: ignore[operator]
    assert carry.message_zh.startswith("表三 E9（二、上年结转政府信息公开申请数量 / 自然人）")
    # the district: the same two differences, at the 汇总 sheet
    assert {(f.code, f.sheet) for f in yoy.district_findings} == {("YOY-CARRY", "表三"), ("YOY-STOCK", "表二")}
    assert yoy.district_source == "units"
    line = dict((x.key, x) for x in yoy.district)["t3.new.total"]
    assert line.this == data.totals["t3.new.total"]
    assert line.last == sum((f.values or {})["t3.new.total"] for f in last)


def test_last_year_in_the_other_format_compares_shared_keys_only() -> None:
    roster, this = district(2, seed=4, year=2021)
    last = [submission(V2019, random.Random(9 + i), name=u.name, code=u.code, year=2020) for i, u in enumerate(roster.units)]
    data = build(this, roster=roster, previous=last, check=None)
    yoy = data.yoy
    assert yoy is not None and yoy.previous_format == "v2019"
    keys = common_keys(V2021, V2019)
    assert yoy.keys == keys and "t2.regulation.in_force" not in keys and "t3.carry_over.natural" in keys
    assert all(f.code == "YOY-CARRY" for u in yoy.units for f in u.findings)
    assert len(yoy.units) == 2 and all(len(u.lines) == len(keys) for u in yoy.units)


def test_last_years_summary_gives_the_district_figures() -> None:
    roster, this = district(2, seed=4, year=2025)
    summary = submission(V2021, random.Random(3), name="示例区", year=2024, kind="rollup", units=40,
                         path="2024汇总.xlsx")
    data = build(this, roster=roster, previous=[summary], name="示例区", check=None)
    assert data.yoy is not None and data.yoy.district_source == "rollup"
    assert data.yoy.units == ()
    assert {x.key: x.last for x in data.yoy.district} == {k: (summary.values or {})[k] for k in data.yoy.keys}


def test_last_years_summary_without_roster_or_name_is_not_counted_twice() -> None:
    _, this = district(2, seed=4, year=2025)
    summary = submission(V2021, random.Random(3), name="示例区", year=2024, kind="rollup", units=2,
                         path="2024汇总.xlsx")
    unit_rows = [submission(V2021, random.Random(5 + i), name=f.unit_name, code=f.unit_code, year=2024,
                            path=f"2024汇总.xlsx（分单位明细 第 {7 + i} 行）") for i, f in enumerate(this)]
    data = build(this, previous=[summary, *unit_rows], check=None)
    assert data.yoy is not None and data.yoy.district_source == "rollup"
    assert {x.key: x.last for x in data.yoy.district} == {k: (summary.values or {})[k] for k in data.yoy.keys}
    assert [u.name for u in data.yoy.units] == [f.unit_name for f in this]


def test_district_totals_are_checked_only_when_both_years_count_the_same_units() -> None:
    roster, this = district(3, seed=1, year=2025)
    _, last = district(3, seed=2, year=2024)
    for t, lf in zip(this, last, strict=True):
        lf.values = _consistent(t.values or {}, lf.values or {})
    # one unit did not submit this year: its carry-over of last year breaks the district's
    # balance, although every unit that did submit follows on from last year
    data = build(this[:2], roster=roster, previous=last, check=None)
    yoy = data.yoy
    assert yoy is not None
    assert not yoy.district_checked and yoy.coverage == (2, 3)
    assert yoy.district_findings == ()
    assert all(not u.findings for u in yoy.units)
    # the same units in both years: the district is checked (and here it follows on)
    data = build(this, roster=roster, previous=last, check=None)
    assert data.yoy is not None and data.yoy.district_checked and data.yoy.district_findings == ()
