"""Last year's summary (``rollup --previous``) is read like every input, and a problem with it is a finding.

Covers (issue 11, item 13):
- a summary whose 分单位明细 cannot give the units (the sheet renamed) is not a silent fall back
  to 同比 of the totals alone: PREVIOUS-NO-UNITS, in the 问题清单 sheet and the JSON;
- the 分单位明细 sheet is read under the reader's limits: a sheet that claims 100,001 rows is
  refused (FILE-TOO-LARGE, shown in 问题清单) instead of being materialised, and no figure of
  that summary is used.
"""

from __future__ import annotations

import random
import zipfile
from datetime import datetime
from pathlib import Path

from rollup_factories import balanced_values, sheet_rows, write_district, write_submission

from consolidate.rollup import rollup
from consolidate.rollup import texts as T
from consolidate.roster import Roster
from consolidate.spec import load_spec

SPEC = load_spec("v2021")
NOW = datetime(2026, 2, 1, 9, 30)


def _round(tmp_path: Path) -> tuple[Roster, Path, Path]:
    """Last year's summary of three units, and this year's folder of the same units."""
    roster, _, _ = write_district(tmp_path / "last", 3, seed=31, year=2024)
    summary = tmp_path / "2024汇总.xlsx"
    rollup([tmp_path / "last"], out=summary, roster=roster, name="示例区", now=NOW)
    folder = tmp_path / "this"
    folder.mkdir()
    rng = random.Random(4)
    for u in roster.units:
        write_submission(folder, SPEC, u, balanced_values(SPEC, rng))
    return roster, summary, folder


def _rewrite(path: Path, edit: dict[str, tuple[bytes, bytes]]) -> None:
    """Replace bytes inside members of the zip at ``path`` (member -> (old, new))."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    for member, (old, new) in edit.items():
        assert old in parts[member], member
        parts[member] = parts[member].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _detail_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
    names = [chunk.split('"', 1)[0] for chunk in workbook.split(' name="')[1:]]
    return f"xl/worksheets/sheet{names.index(T.SHEET_DETAIL) + 1}.xml"


def _problems(out: Path) -> list[list[object]]:
    return [r for r in sheet_rows(out, T.SHEET_FINDINGS) if any(isinstance(c, str) and "2024汇总" in c for c in r)]


def test_summary_without_its_units_is_a_finding(tmp_path: Path) -> None:
    roster, summary, folder = _round(tmp_path)
    _rewrite(summary, {"xl/workbook.xml": (f'name="{T.SHEET_DETAIL}"'.encode(), 'name="明细"'.encode())})
    out = tmp_path / "2025汇总.xlsx"
    result = rollup([folder], out=out, roster=roster, name="示例区", previous=[summary], now=NOW)
    yoy = result.data.yoy
    assert yoy is not None and yoy.district_source == "rollup" and yoy.units == ()  # totals only…
    problems = yoy.previous_problems()
    assert [(f.code, f.severity, str(f.category)) for _, f in problems] == [("PREVIOUS-NO-UNITS", "warning", "yoy")]
    assert T.SHEET_DETAIL in problems[0][1].message_zh
    # …and said so where the clerk looks: 问题清单, and the JSON
    assert any("PREVIOUS-NO-UNITS" in str(c) for r in _problems(out) for c in r)
    found = result.to_dict()["yoy"]["previous_findings"]
    assert [(x["path"], x["code"]) for x in found] == [(str(summary), "PREVIOUS-NO-UNITS")]


def test_units_sheet_is_read_under_the_readers_limits(tmp_path: Path) -> None:
    roster, summary, folder = _round(tmp_path)
    part = _detail_part(summary)
    _rewrite(summary, {part: (b"</sheetData>", b'<row r="100001"><c r="A100001" t="n"><v>1</v></c></row></sheetData>')})
    out = tmp_path / "2025汇总.xlsx"
    result = rollup([folder], out=out, roster=roster, name="示例区", previous=[summary], now=NOW)
    yoy = result.data.yoy
    assert yoy is not None
    assert [f.code for _, f in yoy.previous_problems()] == ["FILE-TOO-LARGE"]
    fate = next(f for f in yoy.previous.files if f.file.path == str(summary))
    assert fate.file.status == "unreadable" and not fate.counted  # none of its figures is used
    assert yoy.district_source == "units" and yoy.units == ()
    assert any("FILE-TOO-LARGE" in str(c) for r in _problems(out) for c in r)
