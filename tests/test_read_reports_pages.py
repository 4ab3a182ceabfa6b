"""Real published reports, from the stored copies of public pages (tests/fixtures/reports/,
sources in its README): each read as a report, its format told by its labels, its unit and
year from its words where it names them, and 表二 read to the numbers the page prints (a
blank or `/` where it prints one, as findings; `减4` in 本年增/减 as −4). The stored copies end inside 表三 (and
two inside 表二): the rows that are there are read, each row cut off is a ROW-MISSING finding
and a table cut off whole is not found, and is said to be."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from consolidate.read import read_submission
from consolidate.spec import load_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
NAN = math.nan

# file -> (format, year, unit, 表二 as printed in the spec's order; None: a row the stored text
# does not reach, it ends inside 表二)
PAGES: dict[str, tuple[str, int | None, str, list[float | None]]] = {
    "01_盐边县新九镇_2021.txt": ("v2021", 2021, "盐边县新九镇人民政府", [0] * 10),
    "02_微山县两城镇_2020.txt": ("v2019", None, "", [0] * 22),
    "03_汉阳区政府办公室_2022.txt": ("v2021", None, "", [0, 0, NAN, 5, 12, 8, 0, 0, 0, 0]),
    "04_杨凌示范区某局_2022.txt": ("v2021", None, "", [0] * 10),
    "05_长春市某局_2023.txt": ("v2021", None, "", [0] * 10),
    "06_徐闻县某局_2021格式.txt": ("v2021", None, "", [0, 0, 0, 3, 0, 101, 0, 0, 0, 0]),
    "07_某区统计局_2023.txt": ("v2021", 2023, "区统计局", [NAN, NAN, NAN, 0, 0, 0, 0, 0, 0, 0]),
    "08_某局_2019格式_减4.txt": ("v2019", None, "",
                            [0, 0, 0, 0, 0, 0, 6, -4, 2, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 6, 52.15]),
    "09_湛江市地方志办公室_2023.txt": ("v2021", 2023, "湛江市人民政府地方志办公室", [0] * 10),
    "10_某县民政局_2023用2019格式.txt": ("v2019", None, "", [0] * 12 + [None] * 10),
    "11_淄博市中埠镇_2020.txt": ("v2019", 2020, "中埠镇人民政府", [0] * 18 + [None] * 4),
    "12_五通桥区牛华镇_2021.txt": ("v2021", 2021, "牛华镇", [0] * 10),
}


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_published_page_reads(name: str) -> None:
    fmt, year, unit, t2 = PAGES[name]
    result = read_submission(FIXTURES / name)
    assert (result.kind, result.format, result.year, result.unit_name) == ("report", fmt, year, unit)
    assert result.values is not None
    cells = [c for c in load_spec(fmt).cells if c.table == "t2"]
    keys = [c.key for c in cells]
    read = [result.values.get(k) for k in keys]
    assert read == [None if v is None else pytest.approx(v, nan_ok=True) for v in t2]
    cut = {c.row_label for c, v in zip(cells, t2, strict=True) if v is None}  # each row not reached: said once
    missing = [f.row_label for f in result.findings if f.code == "ROW-MISSING"]
    assert sorted(missing) == sorted(cut)
    lost = {k for k, v in zip(keys, t2, strict=True) if v is not None and v != v}
    assert {f.key for f in result.findings if f.severity == "error" and f.sheet == "表二"} == lost
