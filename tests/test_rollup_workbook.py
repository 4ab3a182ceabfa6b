"""The summary workbook, end to end: real templates written, validated, rolled up, read back.

Covers:
- the 汇总 sheet, read back by the reader as a roll-up of N units, equals an independent sum
  of the accepted submissions (random values, amounts with decimals); so does 分单位明细's total row;
- missing, superseded, identical, invalid, unreadable and unlisted submissions each appear
  in 报送情况 (and the invalid one's finding in 问题清单), roster units in roster order;
- a roll-up of district roll-ups equals the roll-up of all their units, and counts their units;
- text that starts with “=” stays text (never a formula);
- the same inputs and ``now`` give the same bytes; the inputs are never modified;
- 同比 with last year's summary as --previous; the output is never one of the inputs.
"""

from __future__ import annotations

import hashlib
import random
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rollup_factories import balanced_values, sheet_rows, write_district, write_submission

from consolidate.errors import ConsolidateError
from consolidate.read import read_submission
from consolidate.rollup import rollup
from consolidate.rollup import texts as T
from consolidate.rollup.detail_sheet import HEADER_TOP
from consolidate.roster import Roster, Unit
from consolidate.spec import load_spec
from consolidate.uscc import make_uscc

NOW = datetime(2026, 2, 1, 9, 30)
SPEC = load_spec("v2021")


def _sum(values: list[dict[str, float]], key: str) -> Decimal:
    return sum((Decimal(repr(v[key])) for v in values), Decimal(0))


def _close(a: float, b: Decimal) -> bool:
    return abs(Decimal(repr(a)) - b) <= Decimal("0.0000005")


def test_totals_read_back_equal_an_independent_sum(tmp_path: Path) -> None:
    roster, _, values = write_district(tmp_path / "in", 6, seed=21)
    result = rollup([tmp_path / "in"], out=tmp_path / "汇总.xlsx", roster=roster, name="示例区", now=NOW)
    assert result.data.counted == 6 and result.complete
    back = read_submission(tmp_path / "汇总.xlsx")
    assert (back.kind, back.status, back.units, back.format, back.year) == ("rollup", "valid", 6, "v2021", 2025)
    assert back.unit_name == "示例区"
    assert back.values is not None
    assert all(_close(back.values[c.key], _sum(list(values.values()), c.key)) for c in SPEC.cells)

    detail = sheet_rows(tmp_path / "汇总.xlsx", T.SHEET_DETAIL)
    first = len(T.DETAIL_COLS)
    top = HEADER_TOP + 3
    names = [row[1] for row in detail[top:top + 6]]
    assert names == [u.name for u in roster.units]
    total_row = detail[top + 6]
    assert total_row[0] == T.DETAIL_TOTAL
    assert all(_close(float(total_row[first + i]), _sum(list(values.values()), c.key))  # type: ignore[arg-type]
               for i, c in enumerate(SPEC.cells))
    for row in detail[top:top + 6]:  # every unit's own numbers (written in bulk after the first row)
        assert [row[first + i] for i, _ in enumerate(SPEC.cells)] == [values[str(row[1])][k] for k in SPEC.keys]

    import openpyxl  # a strict reader of the package: the bulk-written cells must be valid XML

    sheet = openpyxl.load_workbook(tmp_path / "汇总.xlsx")[T.SHEET_DETAIL]
    last = sheet.cell(row=top + 6, column=first + len(SPEC.cells))
    assert last.value == values[names[-1]][SPEC.keys[-1]] and last.number_format == "0"


@pytest.mark.office
def test_office_suite_reads_the_detail_and_recomputes_its_total(tmp_path: Path) -> None:
    from libreoffice import convert

    roster, _, values = write_district(tmp_path / "in", 4, seed=41)
    rollup([tmp_path / "in"], out=tmp_path / "汇总.xlsx", roster=roster, now=NOW)
    (again,) = convert([tmp_path / "汇总.xlsx"], "xlsx", tmp_path / "lo")
    detail = sheet_rows(again, T.SHEET_DETAIL)
    first, top = len(T.DETAIL_COLS), HEADER_TOP + 3
    total_row = detail[top + 4]
    assert all(_close(float(total_row[first + i]), _sum(list(values.values()), c.key))  # type: ignore[arg-type]
               for i, c in enumerate(SPEC.cells))


def test_every_file_lands_where_it_should(tmp_path: Path) -> None:
    roster, paths, values = write_district(tmp_path / "in", 6, seed=5)
    folder = tmp_path / "in"
    names = [u.name for u in roster.units]
    # 单位01: an older file too; 单位02: an identical copy; 单位03: errors; 单位04: missing
    write_submission(folder, SPEC, roster.units[1], values[names[1]], filled_on="2026/1/5", name="单位01（旧）.xlsx")
    (folder / "单位02 - 副本.xlsx").write_bytes(paths[2].read_bytes())
    bad = dict(values[names[3]])
    bad["t3.new.natural"] += 1
    write_submission(folder, SPEC, roster.units[3], bad)
    paths[4].unlink()
    (folder / "坏文件.xlsx").write_bytes(b"this is not a workbook")
    stranger = Unit(make_uscc("12345678901234567"), "名单外单位", "部门")
    write_submission(folder, SPEC, stranger, values[names[0]])
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    result = rollup([folder], out=tmp_path / "汇总.xlsx", roster=roster, now=NOW)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before  # inputs untouched
    assert not result.complete and result.missing == (names[4],)
    accepted = [values[n] for n in (names[0], names[1], names[2], names[5])]
    assert all(_close(result.data.totals[c.key], _sum(accepted, c.key)) for c in SPEC.cells)

    rows = sheet_rows(tmp_path / "汇总.xlsx", T.SHEET_STATUS)
    header = rows.index(next(r for r in rows if r[:2] == ["序号", "单位名称"]))
    table = [dict(zip(rows[header], r, strict=True)) for r in rows[header + 1:] if r[0] != ""]
    by_unit = [(r["单位名称"], r["报送情况"], r["文件名"]) for r in table[:6]]
    copy, original = sorted(["单位02.xlsx", "单位02 - 副本.xlsx"])  # the first one found counts
    assert by_unit == [
        (names[0], "已报送且通过", f"{names[0]}.xlsx"), (names[1], "已报送且通过", f"{names[1]}.xlsx"),
        (names[2], "已报送且通过", copy), (names[3], "有错误", f"{names[3]}.xlsx"),
        (names[4], "未报送", ""), (names[5], "已报送且通过", f"{names[5]}.xlsx"),
    ]
    others = {r["文件名"]: (r["报送情况"], r["说明"]) for r in table[6:]}
    assert set(others) == {"单位01（旧）.xlsx", original, "坏文件.xlsx", "名单外单位.xlsx"}
    assert others["单位01（旧）.xlsx"] == ("重复（被替代）", "被 单位01.xlsx 替代（填报日期较新）")
    assert others[original] == ("重复（被替代）", f"与 {copy} 内容完全相同")
    assert others["坏文件.xlsx"][0] == "无法读取"
    assert others["名单外单位.xlsx"][0] == "名单外"
    assert len(table) == len(list(folder.iterdir())) + 1  # every file, and the missing unit
    assert table[3]["错误数"] > 0 and table[0]["SHA-256"] == hashlib.sha256(paths[0].read_bytes()).hexdigest()

    findings = sheet_rows(tmp_path / "汇总.xlsx", T.SHEET_FINDINGS)
    flat = [" ".join(str(c) for c in r) for r in findings]
    assert any(names[3] in line and "T3-BALANCE" in line for line in flat)
    assert any("坏文件.xlsx" in line and "FILE-" in line for line in flat)


def test_rollup_of_rollups_equals_rollup_of_all_units(tmp_path: Path) -> None:
    sizes = {"东区": 4, "西区": 3, "南区": 5}
    district_units: list[Unit] = []
    all_inputs: list[Path] = []
    summaries: list[Path] = []
    for i, (district, n) in enumerate(sizes.items()):
        roster, paths, _ = write_district(tmp_path / district, n, seed=100 + i, prefix=f"{district}单位")
        code = make_uscc(f"1133010{i:010d}")
        out = tmp_path / "summaries" / f"{district}汇总.xlsx"
        rollup([tmp_path / district], out=out, roster=roster, name=district, code=code, now=NOW)
        district_units.append(Unit(code, district, "区县", "示例市"))
        all_inputs += paths
        summaries.append(out)
    city_roster = Roster(tuple(district_units), "city.csv")
    city = rollup([tmp_path / "summaries"], out=tmp_path / "市汇总.xlsx", roster=city_roster, now=NOW)
    flat = rollup(all_inputs, out=tmp_path / "全部单位.xlsx", name="示例市", now=NOW)
    assert city.data.units == flat.data.units == sum(sizes.values())
    assert [r.units for r in city.data.selection.units] == list(sizes.values())
    assert city.data.totals == flat.data.totals
    back = read_submission(tmp_path / "市汇总.xlsx")
    assert back.units == 12 and back.unit_name == "示例市" and back.values == city.data.totals


def test_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    units = (Unit(make_uscc("11330100000000001"), "=HYPERLINK(\"http://x\",\"点我\")", "部门"),
             Unit(make_uscc("11330100000000002"), "+1+1", "部门"))
    folder = tmp_path / "in"
    folder.mkdir()
    for i, u in enumerate(units):
        write_submission(folder, SPEC, u, {}, name=f"{i}.xlsx")
    out = tmp_path / "汇总.xlsx"
    rollup([folder], out=out, roster=Roster(units, "r.csv"), name="=1+2", now=NOW)
    with zipfile.ZipFile(out) as z:
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    formulas = " ".join(re.findall(r"<f>(.*?)</f>", sheets))
    assert "SUM(" in formulas  # the 分单位明细 total row: formulas are found where they are
    assert "HYPERLINK" not in formulas and "1+2" not in formulas
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;点我&quot;)" in strings or '=HYPERLINK("http://x","点我")' in strings
    assert "=1+2" in strings
    assert sheet_rows(out, T.SHEET_DETAIL)[HEADER_TOP + 3][1].startswith("=HYPERLINK")  # type: ignore[union-attr]


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    roster, _, _ = write_district(tmp_path / "in", 3, seed=8)
    a = rollup([tmp_path / "in"], out=tmp_path / "a.xlsx", roster=roster, now=NOW)
    b = rollup([tmp_path / "in"], out=tmp_path / "b.xlsx", roster=roster, now=NOW)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert a.to_dict()["totals"] == b.to_dict()["totals"]
    later = rollup([tmp_path / "in"], out=tmp_path / "c.xlsx", roster=roster, now=datetime(2026, 3, 1))
    assert (tmp_path / "c.xlsx").read_bytes() != (tmp_path / "a.xlsx").read_bytes()
    assert later.data.totals == a.data.totals


def test_previous_summary_gives_the_yoy_sheet(tmp_path: Path) -> None:
    roster, _, _ = write_district(tmp_path / "last", 3, seed=31, year=2024)
    rollup([tmp_path / "last"], out=tmp_path / "2024汇总.xlsx", roster=roster, name="示例区", now=NOW)
    this_units = roster.units
    folder = tmp_path / "this"
    folder.mkdir()
    rng = random.Random(4)
    for u in this_units:
        write_submission(folder, SPEC, u, balanced_values(SPEC, rng))
    result = rollup([folder], out=tmp_path / "2025汇总.xlsx", roster=roster, name="示例区",
                    previous=[tmp_path / "2024汇总.xlsx"], now=NOW)
    yoy = result.data.yoy
    assert yoy is not None and yoy.district_source == "rollup" and yoy.previous_year == 2024
    assert any(f.code == "YOY-CARRY" for f in yoy.district_findings)  # random carries do not follow on
    # the units' figures come back from last year's 分单位明细: per-unit warnings at each unit's cells
    assert [u.name for u in yoy.units] == [u.name for u in this_units]
    assert all(any(f.code == "YOY-CARRY" and f.sheet == "表三" for f in u.findings) for u in yoy.units)
    assert sum(1 for f in yoy.previous.files if f.counted) == 1 + len(this_units)
    rows = sheet_rows(tmp_path / "2025汇总.xlsx", T.SHEET_YOY)
    assert rows[0][2] == T.YOY["title"].format(year=2025, previous=2024)  # in the first printed column
    assert any(r[2] == "表三" for r in rows)
    # the district's name, merged down its hundreds of lines, sits at their top: printed on the
    # section's first page, not on whichever page holds the middle
    ws = openpyxl.load_workbook(tmp_path / "2025汇总.xlsx")[T.SHEET_YOY]
    named = next(c for row in ws.iter_rows(min_row=4, max_col=1) for c in row if c.value == "示例区")
    merged = next(m for m in ws.merged_cells.ranges if m.min_row == named.row and m.min_col == 1)
    assert merged.max_row - merged.min_row > 50 and named.alignment.vertical == "top"
    # a rule's found and expected values in their cell's format: a count of 3 shows 3, not 3.00
    carries = [row for row in ws.iter_rows(min_col=3, max_col=7) if "YOY-CARRY" in str(row[0].value)]
    assert carries and all(isinstance(c.value, int | float) and ".00" not in c.number_format
                           for row in carries for c in row[3:])


def test_output_is_never_an_input_nor_inside_an_input_folder(tmp_path: Path) -> None:
    roster, paths, _ = write_district(tmp_path / "in", 2, seed=2)
    before = paths[0].read_bytes()
    with pytest.raises(ConsolidateError, match="覆盖"):
        rollup(paths, out=paths[0], roster=roster, now=NOW)
    assert paths[0].read_bytes() == before
    for out in (tmp_path / "in" / "汇总.xlsx", tmp_path / "in" / "新建文件夹" / "汇总.xlsx"):
        with pytest.raises(ConsolidateError, match="输入文件夹"):  # as `run` refuses it
            rollup([tmp_path / "in"], out=out, roster=roster, now=NOW)
        assert not out.exists()
    assert not (tmp_path / "in" / "新建文件夹").exists()  # no empty output folder either
    with pytest.raises(ConsolidateError, match="输入文件夹"):  # the JSON too, before any work
        rollup([tmp_path / "in"], out=tmp_path / "汇总.xlsx", roster=roster, now=NOW,
               json_out=tmp_path / "in" / "汇总.json")
    assert not (tmp_path / "汇总.xlsx").exists() and not (tmp_path / "in" / "汇总.json").exists()
