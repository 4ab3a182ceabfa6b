"""``consolidate template`` on the command line.

Covers: exit 0 and the file written (blank, default name; a roster folder, one file per
unit, listed on stdout); exit 2 with a Chinese message on stderr and nothing written for
a format that does not fit the year (unless --force), an unknown format, a bad year, a
bad or missing roster, an existing different file; the command does not import pandas,
pandera or openpyxl (kept quick).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RosterWriter, roster_rows
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.template import template_file_name

runner = CliRunner()


def squash(text: str) -> str:
    return "".join(text.split())


def invoke(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(app, ["template", *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def test_blank_template_default_name(tmp_path: Path) -> None:
    code, out, err = invoke("--year", "2025", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / template_file_name(2025, None)).is_file()
    assert "已生成 1 个模板" in out and "2021年格式" in out


def test_roster_gives_one_file_per_unit(tmp_path: Path, write_roster: RosterWriter) -> None:
    roster = write_roster(roster_rows(4), encoding="gbk")
    code, out, err = invoke("--format", "v2019", "--year", "2020", "--roster", str(roster), "--out", str(tmp_path / "o"))
    assert code == 0, err
    files = sorted((tmp_path / "o").iterdir())
    assert len(files) == 4 and all(f.suffix == ".xlsx" for f in files)
    assert all(f.name in out for f in files) and "已生成 4 个模板" in out


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "v2019", "--year", "2025"), "2025 年度的报告应使用2021年格式"),
    (("--format", "v2021", "--year", "2020"), "--force"),
    (("--format", "v2018",), "没有“v2018”这种格式"),
    (("--year", "20x5"), "四位年份"),
    (("--year", "2015"), "从 2019 年度开始"),
])
def test_usage_errors_exit_2_in_chinese(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = invoke(*args, "--out", str(tmp_path / "t.xlsx"))
    assert code == 2
    assert squash(message) in squash(err)  # rich wraps long lines
    assert not (tmp_path / "t.xlsx").exists()


def test_force_writes_the_other_format(tmp_path: Path) -> None:
    code, _, err = invoke("--format", "v2019", "--year", "2025", "--force", "--out", str(tmp_path / "t.xlsx"))
    assert code == 0, err
    assert (tmp_path / "t.xlsx").is_file()


def test_bad_and_missing_roster_exit_2_naming_the_row(tmp_path: Path, write_roster: RosterWriter) -> None:
    rows = roster_rows(2)
    roster = write_roster([*rows, (rows[0][0], "重复单位", "部门", "")])
    code, _, err = invoke("--roster", str(roster), "--out", str(tmp_path / "o"))
    assert code == 2 and "第 4 行" in err and "Traceback" not in err
    code, _, err = invoke("--roster", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o"))
    assert code == 2 and "无法读取名单文件" in err
    assert not (tmp_path / "o").exists()


def test_existing_different_file_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"filled")
    code, _, err = invoke("--out", str(target))
    assert code == 2 and "没有写入任何文件" in err
    assert target.read_bytes() == b"filled"


def test_command_keeps_heavy_libraries_out(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from consolidate.cli import app\n"
        f"r = CliRunner().invoke(app, ['template', '--year', '2025', '--out', {str(tmp_path / 't.xlsx')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('pandas', 'pandera', 'openpyxl', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
