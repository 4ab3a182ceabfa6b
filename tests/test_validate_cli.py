"""``consolidate validate`` on the command line.

Requirements covered:
- R1 exit codes: 0 when no file has an error (warnings allowed), 1 when a file has an error
  or cannot be read, 2 for a usage error (missing path, bad --format / --year / --lang /
  --workers, a bad roster, a JSON path that is an input) with one Chinese line, no traceback;
- R2 ``--json -`` prints only the JSON on stdout, and it equals the library's report for the
  same paths and options; ``--json FILE`` writes the same; --lang en switches the messages;
- R3 the summary table names unit, file, status, errors and warnings; a run of a few files
  lists their findings;
- R4 ``--report FILE.xlsx`` and ``--annotate DIR`` write their files.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from conftest import RosterWriter
from test_validate import UNIT, cell_of, mixed_folder, template_file
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.output.json_report import report_dict
from consolidate.roster import read_roster
from consolidate.validate import validate

runner = CliRunner()


def invoke(*args: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(app, ["validate", *map(str, args)])
    finally:
        os.chdir(old)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def squash(text: str) -> str:
    return "".join(text.split())


# --- R1 -------------------------------------------------------------------------------------


def test_exit_0_for_valid_files_and_warnings(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    code, out, err = invoke(folder / "01_ok.xlsx", folder / "05_old.xlsx", "--workers", "1")
    assert code == 0, err
    assert "T2-V2019-MISUSE" in out  # the warning is shown
    assert "通过2个" in squash(out)


def test_exit_1_for_errors_and_unreadable(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    assert invoke(folder / "02_bad.xlsx")[0] == 1
    assert invoke(folder / "04_empty.xlsx")[0] == 1
    assert invoke(folder)[0] == 1


@pytest.mark.parametrize(("args", "message"), [
    (["missing.xlsx"], "找不到文件或文件夹"),
    (["ok.xlsx", "--format", "v2018"], "--format 应为 v2021 或 v2019"),
    (["ok.xlsx", "--year", "二〇二五"], "--year 应为四位年份"),
    (["ok.xlsx", "--lang", "fr"], "--lang 应为 zh 或 en"),
    (["ok.xlsx", "--json", "ok.xlsx"], "不能覆盖报送的文件"),
])
def test_exit_2_for_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    template_file(tmp_path / "ok.xlsx")
    before = (tmp_path / "ok.xlsx").read_bytes()
    code, _, err = invoke(*args, cwd=tmp_path)
    assert code == 2
    assert message in err
    assert (tmp_path / "ok.xlsx").read_bytes() == before


def test_exit_2_for_bad_options_and_roster(tmp_path: Path, write_roster: RosterWriter) -> None:
    path = template_file(tmp_path / "ok.xlsx")
    assert invoke(path, "--workers", "0")[0] == 2
    assert invoke()[0] == 2
    bad = write_roster([(UNIT.code, UNIT.name, "乡镇")], header=("单位代码", "单位名称"))
    code, _, err = invoke(path, "--roster", bad)
    assert (code, "缺少列" in err) == (2, True)


# --- R2 -------------------------------------------------------------------------------------


def test_json_stdout_equals_the_library(tmp_path: Path, write_roster: RosterWriter) -> None:
    folder = mixed_folder(tmp_path / "in")
    roster = write_roster([(UNIT.code, UNIT.name, UNIT.type, UNIT.parent)])
    code, out, err = invoke("in", "--json", "-", "--year", "2025", "--roster", roster, "--workers", "1",
                            cwd=tmp_path)
    assert code == 1
    data = json.loads(out)  # nothing but the JSON on stdout
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        library = validate([Path("in")], year=2025, roster=read_roster(roster))
    finally:
        os.chdir(old)
    assert data == report_dict(library)
    assert data["year"] == 2025
    assert [f["path"] for f in data["files"]] == [str(Path("in") / p.name) for p in sorted(folder.iterdir())]
    assert "审核结果" in err  # the summary went to stderr


def test_json_file_and_english(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    target = tmp_path / "out.json"
    code, out, _ = invoke(folder / "02_bad.xlsx", "--json", target, "--lang", "en")
    assert code == 1
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data == report_dict(validate([folder / "02_bad.xlsx"]), lang="en")
    (finding,) = data["files"][0]["findings"]
    assert finding["code"] == "TYPES"
    sheet, cell = cell_of("v2021", "t4.cases.rev_upheld")
    assert finding["message"].startswith(f"{sheet} {cell} (行政复议·结果维持): -1 is negative.")
    assert "Validation" in out and "1 files: 0 valid, 1 invalid" in out


# --- R3 -------------------------------------------------------------------------------------


def test_summary_table(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    code, out, _ = invoke(folder, "--workers", "1")
    assert code == 1
    flat = squash(out)
    for text in ("单位", "文件", "状态", "错误", "警告", "示例县花园镇人民政府", "有错误", "无法读取", "通过",
                 "03_report.docx", "共6个文件：通过2个，有错误2个，无法读取2个"):
        assert squash(text) in flat, text
    sheet, cell = cell_of("v2021", "t4.cases.rev_upheld")
    assert f"{sheet} {cell}（行政复议·结果维持）：填的是 -1，数量不能为负数。" in out


# --- R4 -------------------------------------------------------------------------------------


def test_report_and_annotate(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    report, marked = tmp_path / "审核结果.xlsx", tmp_path / "退改"
    code, out, err = invoke(folder, "--report", report, "--annotate", marked)
    assert code == 1, err
    with zipfile.ZipFile(report) as zf:
        assert "xl/workbook.xml" in zf.namelist()
    copies = sorted(p.name for p in marked.iterdir())
    # a copy for each readable file with findings: 02 (error), 05 (warning), 06 (retyped)
    assert len(copies) == 3 and all(name.endswith(".xlsx") for name in copies)
    assert str(marked) in squash(out)
