"""`run` at a province's scale (issue 19): the same outputs, made in a way that scales.

Covers: the streamed JSON report is the very text of the whole report dumped at once (and
follows its schema); annotated copies made by worker processes are the same files, with the
same names (clashes numbered in the report's order) and the same problems, as copies made in
one process, and `run_round` over workers writes the same folder as over one process;
naming a copy asks the file system the same number of questions whatever the number of
inputs (it used to compare the name with every input, for every copy: N² for N files);
`InputFiles` answers as `same_file` does; openpyxl's merged ranges rebuilt by
`merged_cells` give the very bytes openpyxl's own code gives.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from pathlib import Path

import pytest

from consolidate.findings import Finding
from consolidate.output import annotate, merged_cells
from consolidate.output.json_report import report_dict, report_json, write_json
from consolidate.report import FileResult, Report
from consolidate.roster import read_roster
from consolidate.round import run_round
from consolidate.validate import validate
from consolidate.writing import InputFiles, same_file

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
SCHEMA = Path(annotate.__file__).resolve().parent.parent / "schemas" / "validate-report.schema.json"


def _whole(report: Report) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


@pytest.fixture(scope="module")
def demo_report() -> Report:
    return validate([DEMO / "submissions"], year=2025, roster=read_roster(DEMO / "roster.csv"), workers=1)


def test_streamed_json_is_the_whole_report(demo_report: Report, tmp_path: Path) -> None:
    odd = FileResult(path="路径/带\n换行和\"引号\".xlsx", sha256=None, size=None, mtime=None, status="invalid",
                     values={"t2.a": math.nan, "t2.b": 1.5, "t2.c": math.inf},
                     findings=[Finding("CELL-TEXT", "error", "“12件”", "12 items", sheet="表二", cell="D5")])
    for report in (demo_report, Report([odd, *demo_report.files[:2]], "9", year=2025, skipped=("a.xlsx",)),
                   Report([], "9"), Report([odd], "9")):
        assert report_json(report) == _whole(report)
        out = tmp_path / "r.json"
        write_json(report, out)
        assert out.read_text(encoding="utf-8") == _whole(report)


def test_streamed_json_follows_the_schema(demo_report: Report, tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    out = tmp_path / "r.json"
    write_json(demo_report, out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(json.loads(out.read_text(encoding="utf-8")))


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def clashing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's submissions twice over, in two folders: every copy's name clashes once."""
    root = tmp_path_factory.mktemp("clash")
    for sub in ("a", "b"):
        shutil.copytree(DEMO / "submissions", root / "in" / sub)
    return root / "in"


def test_parallel_copies_are_the_serial_copies(clashing: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    report = validate([clashing], year=2025, workers=1)
    stale = next(f for f in report.files if annotate.wants_copy(f))
    files = [FileResult(**{**stale.__dict__, "sha256": "0" * 64}) if f is stale else f for f in report.files]
    report = Report(files, "9")  # one file changed since it was checked: a problem, the others go on
    serial = annotate.annotate_report(report, tmp_path / "serial", workers=1)
    monkeypatch.setattr(annotate, "MIN_PARALLEL", 0)
    parallel = annotate.annotate_report(report, tmp_path / "parallel", workers=2)

    def seen(done: list[annotate.Annotated]) -> list[tuple[str, str | None, str | None]]:
        return [(d.source, d.copy.name if d.copy else None, d.problem.message() if d.problem else None) for d in done]

    assert seen(parallel) == seen(serial)
    names = [d.copy.name for d in serial if d.copy is not None]
    assert any(name.endswith("_问题标注(2).xlsx") for name in names)  # the clashes were numbered
    assert sum(d.problem is not None for d in serial) == 1
    assert _digests(tmp_path / "parallel") == _digests(tmp_path / "serial")
    assert not list((tmp_path / "parallel").glob(".*"))  # no temporary file of the workers left


def test_parallel_round_is_the_serial_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    roster = read_roster(DEMO / "roster.csv")
    kwargs = {"roster": roster, "year": 2025, "now": datetime(2026, 2, 1, 9, 30)}
    one = run_round([DEMO / "submissions"], out_dir=tmp_path / "one", workers=1, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(annotate, "MIN_PARALLEL", 0)
    two = run_round([DEMO / "submissions"], out_dir=tmp_path / "two", workers=2, **kwargs)  # type: ignore[arg-type]
    assert [p.name for p in two.annotated] == [p.name for p in one.annotated] and one.annotated
    assert two.annotate_problems == one.annotate_problems
    assert _digests(tmp_path / "two") == _digests(tmp_path / "one")


def test_naming_a_copy_does_not_look_at_every_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = FileResult(path=str(tmp_path / "示例县城关镇_报表.xlsx"), sha256=None, size=None, mtime=None,
                        status="invalid", identity={"unit_name": "示例县城关镇"})
    out = tmp_path / "out"
    out.mkdir()

    def questions(n: int) -> int:
        inputs = []
        for i in range(n):
            p = tmp_path / f"in{n}" / f"{i}.xlsx"
            p.parent.mkdir(exist_ok=True)
            p.write_bytes(b"x")
            inputs.append(p)
        kept = InputFiles(inputs)
        calls = 0
        real = os.stat

        def counting(*args: object, **kw: object) -> os.stat_result:
            nonlocal calls
            calls += 1
            return real(*args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "stat", counting)
        try:
            for _ in range(5):
                annotate.copy_path(result, out, "tag", "zh", kept)
        finally:
            monkeypatch.setattr(os, "stat", real)
        return calls

    assert questions(3) == questions(300)


def test_input_files_answer_as_same_file(tmp_path: Path) -> None:
    real = tmp_path / "a.xlsx"
    real.write_bytes(b"x")
    link = tmp_path / "link.xlsx"
    os.link(real, link)
    sym = tmp_path / "sym.xlsx"
    sym.symlink_to(real)
    member = tmp_path / "包.zip" / "成员.xlsx"  # a bundle's member: no file of that name exists
    other = tmp_path / "b.xlsx"
    other.write_bytes(b"x")
    kept = InputFiles([real, member])
    for candidate in (real, link, sym, member, other, tmp_path / "missing.xlsx", tmp_path / "." / "a.xlsx"):
        assert (candidate in kept) == any(same_file(candidate, k) for k in (real, member)), candidate


def test_fast_merged_ranges_give_openpyxl_s_own_bytes(demo_report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    todo = [f for f in demo_report.files if annotate.wants_copy(f)
            and not any(x.code == "FILE-VALUES-ONLY" for x in f.findings)]
    assert todo
    fast = [annotate.annotated_bytes(f, fast=False) for f in todo]  # openpyxl's copy, where merged_cells works
    monkeypatch.setattr(merged_cells, "install", lambda: False)
    merged_cells.uninstall()
    try:
        slow = [annotate.annotated_bytes(f, fast=False) for f in todo]
    finally:
        monkeypatch.undo()
        merged_cells.install()
    assert fast == slow
