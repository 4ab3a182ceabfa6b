"""`rollup --reports DIR` (issue 10, item 5): each unit's published report against its counted submission.

Requirements covered:
- a report with the same numbers is "same"; a report with one different cell is "differs"
  and adds one REPORT-DIFFERS warning (both values, the cell) to the unit's counted
  submission, which still counts; the warning is on 报送情况 (its warning count) and in
  问题清单 and the JSON;
- a report of a unit with no counted submission is "unmatched"; an unreadable one is
  "unreadable"; a reports folder that is the inputs themselves is refused;
- the command line prints the outcome and exits 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import balanced_values, submission
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.errors import ConsolidateError
from consolidate.findings import fmt_number
from consolidate.rollup import rollup
from consolidate.roster import read_roster
from consolidate.uscc import make_uscc


def _unit(i: int) -> dict[str, object]:
    return {"unit_name": f"示例县第{i}单位", "unit_code": make_uscc(f"1134000000{i:07d}"), "unit_type": "乡镇",
            "parent": "示例县"}


@pytest.fixture
def round_folders(tmp_path: Path, write_roster) -> tuple[Path, Path, Path, dict[str, float]]:  # type: ignore[no-untyped-def]
    roster = write_roster([(str(_unit(i)["unit_code"]), str(_unit(i)["unit_name"]), "乡镇", "示例县") for i in (1, 2, 3)])
    submitted, published = tmp_path / "报表", tmp_path / "年度报告"
    submitted.mkdir()
    published.mkdir()
    values = {i: balanced_values("v2021", seed=i) for i in (1, 2, 3)}
    for i in (1, 2, 3):
        (submitted / f"第{i}单位.xlsx").write_bytes(submission(unit=_unit(i), values=values[i]))
    (published / "第1单位年度报告.xlsx").write_bytes(submission(kind="foreign", unit=_unit(1), values=values[1]))
    changed = dict(values[2], **{"t3.new.natural": values[2]["t3.new.natural"] + 2})
    (published / "第2单位年度报告.xlsx").write_bytes(submission(kind="foreign", unit=_unit(2), values=changed))
    (published / "第9单位年度报告.xlsx").write_bytes(submission(kind="foreign", unit=_unit(9)))
    (published / "扫描件.xlsx").write_bytes(b"")
    return roster, submitted, published, values[2]


def test_each_report_is_compared_with_its_units_counted_submission(tmp_path: Path, round_folders) -> None:  # type: ignore[no-untyped-def]
    roster, submitted, published, second = round_folders
    result = rollup([submitted], out=tmp_path / "汇总.xlsx", roster=read_roster(roster), reports=[published])
    outcomes = {Path(r.report.path).name: r.outcome for r in result.reports}
    assert outcomes == {"第1单位年度报告.xlsx": "same", "第2单位年度报告.xlsx": "differs",
                        "第9单位年度报告.xlsx": "unmatched", "扫描件.xlsx": "unreadable"}
    differs = next(r for r in result.reports if r.outcome == "differs")
    assert [(d.key, d.a, d.b) for d in differs.differences] == [
        ("t3.new.natural", second["t3.new.natural"], second["t3.new.natural"] + 2)]
    row = next(r for r in result.data.selection.units if r.name == "示例县第2单位")
    assert row.counted and row.fate == "accepted"
    assert row.file is not None
    warnings = [f for f in row.file.findings if f.code == "REPORT-DIFFERS"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    message = warnings[0].message_zh
    assert "第2单位年度报告.xlsx" in message and "1 个格子不同" in message
    assert f"{fmt_number(second['t3.new.natural'])} ≠ {fmt_number(second['t3.new.natural'] + 2)}" in message
    first = next(r for r in result.data.selection.units if r.name == "示例县第1单位")
    assert first.file is not None and not any(f.code == "REPORT-DIFFERS" for f in first.file.findings)
    book = CalamineWorkbook.from_path(str(tmp_path / "汇总.xlsx"))
    problems = book.get_sheet_by_name("问题清单").to_python()
    assert any(message in str(cell) for line in problems for cell in line)
    status = book.get_sheet_by_name("报送情况").to_python()
    header = next(line for line in status if "警告数" in line)
    line = next(line for line in status if "示例县第2单位" in line)
    assert line[header.index("警告数")] == 1  # its warning count
    as_json = result.to_dict()
    assert [r["outcome"] for r in as_json["reports"]] == [r.outcome for r in result.reports]


def test_reports_that_are_the_inputs_are_refused(tmp_path: Path, round_folders) -> None:  # type: ignore[no-untyped-def]
    roster, submitted, _, _ = round_folders
    with pytest.raises(ConsolidateError):
        rollup([submitted], out=tmp_path / "汇总.xlsx", roster=read_roster(roster), reports=[submitted])


def test_the_command_line_reports_the_outcome(tmp_path: Path, round_folders) -> None:  # type: ignore[no-untyped-def]
    roster, submitted, published, _ = round_folders
    out = tmp_path / "汇总.xlsx"
    done = CliRunner().invoke(app, ["rollup", str(submitted), "--roster", str(roster), "--out", str(out),
                                    "--reports", str(published), "--json", str(tmp_path / "r.json")])
    assert done.exit_code == 0, done.output
    assert "公开的年度报告 4 份：与计入的报表一致 1，不一致 1" in done.output
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(r["outcome"] for r in written["reports"]) == ["differs", "same", "unmatched", "unreadable"]
