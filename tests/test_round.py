"""`consolidate run`: the whole round on the demo county, as `make demo` runs it.

Covers: every output is written where the command says; the annotated copies are exactly
the files with findings; the JSON equals the report the summary was built from; the exit
code (0, 1 with --strict when units are missing); an output folder inside an input
folder is refused; the inputs are not modified.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.roster import read_roster
from consolidate.round import run_round

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def round_result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("round") / "out"
    before = _digests(DEMO)
    result = run_round([DEMO / "submissions"], out_dir=out, roster=read_roster(DEMO / "roster.csv"), year=2025,
                       previous=[DEMO / "previous"], templates=True)
    assert _digests(DEMO) == before  # nothing a user gave us is modified
    return result


def test_outputs_written(round_result) -> None:  # type: ignore[no-untyped-def]
    for path in (round_result.summary, round_result.report, round_result.json):
        assert path.is_file() and path.stat().st_size > 0
    assert len(round_result.templates) == len(read_roster(DEMO / "roster.csv").units)


def test_annotated_copies_are_the_files_with_findings(round_result) -> None:  # type: ignore[no-untyped-def]
    report = round_result.rollup.report
    with_findings = [f for f in report.files if f.findings and f.status != "unreadable"]
    assert len(round_result.annotated) == len(with_findings) > 0
    assert all(p.parent == round_result.annotated_dir for p in round_result.annotated)


def test_json_is_the_report_the_summary_used(round_result) -> None:  # type: ignore[no-untyped-def]
    from consolidate.output.json_report import report_dict

    written = json.loads(round_result.json.read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(report_dict(round_result.rollup.report), ensure_ascii=False))
    assert written["totals"]["files"] == len(list((DEMO / "submissions").iterdir()))


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["run", str(DEMO / "submissions"), "--roster", str(DEMO / "roster.csv"), "--year", "2025"]
    ok = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert ok.exit_code == 0, ok.output
    assert "汇总表.xlsx" in ok.output and "退改文件" in ok.output
    strict = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--strict"])
    assert strict.exit_code == 1  # two roster units did not submit
    usage = runner.invoke(app, [*args, "--out", str(tmp_path / "c"), "--format", "v2000"])
    assert usage.exit_code == 2 and "v2000" in usage.output


def test_output_inside_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "in" / "out")])
    assert result.exit_code == 2
    assert "位于输入文件夹" in result.output
    assert "Traceback" not in result.output
