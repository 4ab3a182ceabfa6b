"""Every message right (issue 11, items 9, 10 and 11): advice that is true and forms that are one.

Requirements covered:
- `--year` outside 1990..next year is refused (exit 2), on every command that takes it;
- `template --year 2020` with no --format picks the 2019 format; a wrong --format is refused
  without advice to remove an option that was not given;
- the annotated copy of a file in the wrong format says to fill the new template, not to
  correct the red cells;
- CELL-TEXT says what to type when the text holds a number (“3件”: 应填 3, expected 3);
- a file whose only findings are notes (提示) gets no annotated copy and is not counted;
- a roster whose 18-digit codes Excel turned into numbers (1.13301E+17, or digits lost in
  xlsx or CSV) is refused naming the row and saying how to fix it;
- 填报日期 is shown as 2026-01-15 however the unit typed it; 审核报告 lists files in roster order.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import RosterWriter, roster_rows
from factories import submission
from openpyxl import load_workbook
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.output.annotate import annotate_report
from consolidate.output.report_xlsx import write_report
from consolidate.read import read_submission
from consolidate.roster import RosterError, read_roster
from consolidate.validate import validate

runner = CliRunner()
NEXT_YEAR = datetime.date.today().year + 1


@pytest.mark.parametrize("command", ["template", "validate", "rollup", "run"])
@pytest.mark.parametrize("year", ["1989", str(NEXT_YEAR + 1), "2205"])
def test_a_year_out_of_range_is_refused(command: str, year: str, tmp_path: Path) -> None:
    args = {"template": ["--out", str(tmp_path / "t.xlsx")], "validate": [str(tmp_path)],
            "rollup": [str(tmp_path), "--out", str(tmp_path / "x.xlsx")], "run": [str(tmp_path), "--out", str(tmp_path / "o")]}
    result = runner.invoke(app, [command, *args[command], "--year", year])
    assert result.exit_code == 2 and "1990" in result.output and str(NEXT_YEAR) in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_template_picks_the_format_of_the_year_and_gives_true_advice(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "--year", "2020", "--out", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 0, result.output
    assert read_submission(tmp_path / "a.xlsx").format == "v2019"
    refused = runner.invoke(app, ["template", "--year", "2020", "--format", "v2021", "--out", str(tmp_path / "b.xlsx")])
    said = " ".join(refused.output.split())
    assert refused.exit_code == 2 and "改为 --format v2019" in said and "去掉" not in said


def _findings_sheet_text(path: Path) -> str:
    ws = load_workbook(path).worksheets[0]
    return "\n".join(str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value)


def test_a_wrong_format_copy_asks_for_the_new_template(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "旧格式.xlsx").write_bytes(submission("v2019", seed=1, year=2025))
    (inputs / "错数.xlsx").write_bytes(submission(seed=2, overwrite={"t3.new.natural": 999.0}))
    report = validate([inputs], year=2025)
    done = {Path(d.source).name: d.copy for d in annotate_report(report, tmp_path / "out")}
    old, wrong_number = _findings_sheet_text(done["旧格式.xlsx"]), _findings_sheet_text(done["错数.xlsx"])  # type: ignore[arg-type]
    assert "新模板" in old and "标红" not in old
    assert "标红" in wrong_number and "新模板" not in wrong_number


def test_cell_text_says_what_to_type(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(submission(seed=3, raw={"t2.regulation.issued": "3件", "t2.regulation.repealed": "见附件"}))
    found = {f.key: f for f in read_submission(path).findings if f.code == "CELL-TEXT"}
    three = found["t2.regulation.issued"]
    assert three.expected == 3.0 and "应填 3" in three.message("zh") and "enter 3" in three.message("en")
    other = found["t2.regulation.repealed"]
    assert other.expected is None and "应填" not in other.message("zh")


def test_a_file_with_only_notes_needs_no_copy(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "提示.xlsx").write_bytes(submission(
        seed=4, raw={"t2.regulation.issued": " 0 "}, identity={"unit_code": roster_rows(1)[0][0]}))
    report = validate([inputs])
    assert {f.severity for f in report.files[0].findings} == {"info"}
    assert [d.copy for d in annotate_report(report, tmp_path / "out")] == [None]
    result = runner.invoke(app, ["run", str(inputs), "--out", str(tmp_path / "round"), "--name", "示例县"])
    assert "退改文件：0 个有问题的文件" in result.output, result.output


@pytest.mark.parametrize(("name", "code"), [("roster.csv", "1.13301E+17"), ("roster.csv", "113301000000000000"),
                                            ("roster.xlsx", 113301000000000123)])
def test_a_roster_whose_codes_became_numbers_is_refused(write_roster: RosterWriter, name: str, code: object) -> None:
    rows: list[tuple[object, ...]] = [*roster_rows(2), (code, "示例县丙镇", "乡镇", "示例县")]
    with pytest.raises(RosterError) as caught:
        read_roster(write_roster(rows, name=name))
    message = caught.value.message("zh")
    assert "第 4 行" in message and "示例县丙镇" in message and "文本" in message and "重新输入" in message


@pytest.mark.parametrize("typed", ["2026/1/15", "2026年1月15日", 46037, datetime.datetime(2026, 1, 15, 9, 30)])
def test_filled_on_is_shown_in_one_form(typed: object, tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(submission(seed=5, identity={"filled_on": typed}))
    assert read_submission(path).identity["filled_on"] == "2026-01-15"


def test_the_report_workbook_lists_files_in_roster_order(tmp_path: Path, write_roster: RosterWriter) -> None:
    rows = roster_rows(3)
    roster = read_roster(write_roster(rows))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for file_name, (code, unit, *_rest) in zip(["a.xlsx", "b.xlsx", "c.xlsx"], reversed(rows), strict=True):
        (inputs / file_name).write_bytes(submission(seed=6, identity={"unit_code": code, "unit_name": unit}))
    (inputs / "d外单位.xlsx").write_bytes(submission(seed=7, identity={"unit_name": "名单外单位"}))
    report = validate([inputs], roster=roster)
    assert [Path(f.path).name for f in report.files] == ["a.xlsx", "b.xlsx", "c.xlsx", "d外单位.xlsx"]  # path order
    write_report(report, tmp_path / "审核报告.xlsx", roster=roster)
    ws = load_workbook(tmp_path / "审核报告.xlsx").worksheets[0]
    listed = [str(c.value) for row in ws.iter_rows() for c in row
              if str(c.value).endswith(".xlsx") and "/" not in str(c.value)]  # the 文件 column, not the paths
    assert listed == ["c.xlsx", "b.xlsx", "a.xlsx", "d外单位.xlsx"]
