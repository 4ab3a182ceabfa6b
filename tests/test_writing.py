"""Writing outputs (issue 11, items 6 and 13): consolidate/writing.py and the commands that use it.

Requirements covered:
- the one atomic writer: the whole file or the old one, never a temporary file left, the
  user's normal permissions (umask), missing folders made and removed again on failure;
- a staged folder appears whole or not at all; into an existing folder its entries replace
  ours and leave the rest alone;
- a failed command leaves no empty output folder; a round's outputs have normal permissions;
- no command writes into a folder it reads: `validate --annotate/--report/--json`,
  `rollup --out/--json` inside an input folder are refused before any work, as `run` is;
- the roll-up's JSON is strict (no NaN), written by the atomic writer, never over an input.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import submission
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.writing import TEMP_PREFIX, staged_folder, write_atomically

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
runner = CliRunner()


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def ours(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_atomic_writer_replaces_whole_with_normal_permissions(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "新建文件夹" / "审核结果.json"
    write_atomically(target, b"first")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second" and mode(target) == 0o644
    assert ours(target.parent) == []


def test_atomic_writer_failing_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "甲" / "乙" / "x.xlsx"
    target.mkdir(parents=True)  # a folder where the file should go: the rename fails
    with pytest.raises(OSError):
        write_atomically(target, b"data")
    assert ours(target.parent) == [] and target.is_dir()
    missing = tmp_path / "丙" / "丁" / "x.xlsx"
    (tmp_path / "丙").mkdir()
    (tmp_path / "丙").chmod(0o500)
    try:
        if os.access(tmp_path / "丙", os.W_OK):  # root writes anywhere: nothing to learn here
            return
        with pytest.raises(OSError):
            write_atomically(missing, b"data")
    finally:
        (tmp_path / "丙").chmod(0o700)
    assert list((tmp_path / "丙").iterdir()) == []


def test_staged_folder_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "输出" / "2025年度汇总"
    with pytest.raises(RuntimeError), staged_folder(target) as stage:
        (stage / "汇总表.xlsx").write_bytes(b"x")
        raise RuntimeError("stopped half-way")
    assert not target.exists() and not (tmp_path / "输出").exists()  # no empty output folder either
    with staged_folder(target) as stage:
        (stage / "汇总表.xlsx").write_bytes(b"x")
        (stage / "退改文件").mkdir()
        (stage / "退改文件" / "新.xlsx").write_bytes(b"n")
        assert not target.exists()  # nothing in place until the block ends
    assert sorted(p.name for p in target.iterdir()) == ["汇总表.xlsx", "退改文件"]
    (target / "退改文件" / "旧.xlsx").write_bytes(b"o")  # a copy from an earlier round
    (target / "说明.docx").write_bytes(b"the clerk's own file")
    with staged_folder(target) as stage:
        (stage / "汇总表.xlsx").write_bytes(b"y")
        (stage / "退改文件").mkdir()
    assert (target / "汇总表.xlsx").read_bytes() == b"y"
    assert list((target / "退改文件").iterdir()) == []  # our sub-folder replaced as a whole
    assert (target / "说明.docx").read_bytes() == b"the clerk's own file"  # anything else left alone
    assert ours(target.parent) == [] and ours(target) == []


def test_a_failed_round_leaves_no_output_folder(tmp_path: Path) -> None:
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    out = tmp_path / "2025年度汇总"
    result = runner.invoke(app, ["run", str(empty), "--out", str(out), "--name", "示例县"])
    assert result.exit_code == 2 and "没有要汇总的文件" in result.output
    assert not out.exists() and ours(tmp_path) == []


def test_a_round_is_written_with_normal_permissions(tmp_path: Path, umask_022: None) -> None:
    out = tmp_path / "2025年度汇总"
    result = runner.invoke(app, ["run", str(DEMO / "submissions"), "--roster", str(DEMO / "roster.csv"),
                                 "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 3 and {mode(p) for p in files} == {0o644}
    assert mode(out) == 0o755 and ours(tmp_path) == []


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    inputs = tmp_path / "收到的报表"
    inputs.mkdir()
    (inputs / "甲.xlsx").write_bytes(submission(seed=1, raw={"t3.new.natural": "3件"}))
    (inputs / "乙.xlsx").write_bytes(submission(seed=2))
    return inputs


@pytest.mark.parametrize("option", [["--annotate", "退改"], ["--report", "审核结果.xlsx"], ["--json", "结果.json"]])
def test_validate_refuses_to_write_into_the_folder_it_reads(folder: Path, option: list[str]) -> None:
    before = sorted(p.name for p in folder.rglob("*"))
    target = folder / option[1]
    result = runner.invoke(app, ["validate", str(folder), option[0], str(target)])
    assert result.exit_code == 2 and "位于输入文件夹" in result.output
    assert sorted(p.name for p in folder.rglob("*")) == before


def test_rollup_refuses_to_write_into_the_folder_it_reads(folder: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in folder.rglob("*"))
    for args in (["--out", str(folder / "汇总.xlsx")],
                 ["--out", str(tmp_path / "汇总.xlsx"), "--json", str(folder / "汇总.json")]):
        result = runner.invoke(app, ["rollup", str(folder), "--name", "示例县", *args])
        assert result.exit_code == 2 and "位于输入文件夹" in result.output, result.output
    assert sorted(p.name for p in folder.rglob("*")) == before and not (tmp_path / "汇总.xlsx").exists()


def test_rollup_json_is_strict_and_written_whole(folder: Path, tmp_path: Path, umask_022: None) -> None:
    out, written = tmp_path / "汇总.xlsx", tmp_path / "汇总.json"
    result = runner.invoke(app, ["rollup", str(folder), "--name", "示例县", "--out", str(out), "--json", str(written)])
    assert result.exit_code == 0, result.output
    text = written.read_text(encoding="utf-8")
    assert "NaN" not in text and mode(written) == 0o644 and ours(tmp_path) == []
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    unread = next(f for f in data["files"] if f["path"].endswith("甲.xlsx"))
    assert any(x["code"] == "CELL-TEXT" for x in unread["findings"])
    stdout = runner.invoke(app, ["rollup", str(folder), "--name", "示例县", "--out", str(out), "--json", "-"])
    assert "NaN" not in stdout.stdout


def test_rollup_json_turns_a_missing_number_into_null(folder: Path, tmp_path: Path) -> None:
    import dataclasses

    from consolidate.rollup import rollup
    from consolidate.rollup.run import rollup_json

    result = rollup([folder], out=tmp_path / "汇总.xlsx", name="示例县")
    key = next(iter(result.data.totals))
    broken = dataclasses.replace(result, data=dataclasses.replace(
        result.data, totals={**result.data.totals, key: float("nan")}))
    assert json.loads(rollup_json(broken))["totals"][key] is None


def test_our_report_and_own_summary_among_the_inputs_are_recognised(tmp_path: Path) -> None:
    from consolidate.rollup import rollup
    from consolidate.roster import read_roster
    from consolidate.round import run_round
    from consolidate.validate import validate

    roster = read_roster(DEMO / "roster.csv")
    first = run_round([DEMO / "submissions"], out_dir=tmp_path / "第一轮", roster=roster, year=2025)
    inputs = tmp_path / "收到的报表"
    shutil.copytree(DEMO / "submissions", inputs)
    shutil.copy(first.report, inputs / "审核报告.xlsx")  # a clerk saved the outputs among the inputs
    shutil.copy(first.summary, inputs / "汇总表.xlsx")
    report = validate([inputs], roster=roster, year=2025)
    assert report.skipped == (str(inputs / "审核报告.xlsx"),)
    assert str(inputs / "审核报告.xlsx") not in [f.path for f in report.files]
    again = rollup([inputs], out=tmp_path / "汇总表.xlsx", roster=roster, year=2025)
    assert set(again.skipped) == {str(inputs / "审核报告.xlsx"), str(inputs / "汇总表.xlsx")}
    listed = {f.file.path for f in again.data.selection.files}
    assert str(inputs / "汇总表.xlsx") not in listed and str(inputs / "审核报告.xlsx") not in listed
    assert again.data.totals == first.rollup.data.totals  # nothing counted twice
