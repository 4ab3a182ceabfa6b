"""``consolidate.validate``: from paths on disk to a Report, on workbooks built in code.

Requirements covered:
- R1 folders are searched recursively; every file counts except hidden files and folders,
  Office lock files (~$) and Thumbs.db/desktop.ini; a file named explicitly always counts;
  each file once; a missing path, nothing to check or an unknown format cannot proceed;
- R2 our template filled in (template.build_workbook) validates with no finding; the same with
  one input changed fails at exactly that cell; the same after a round trip through
  LibreOffice (office marker);
- R3 statuses: warnings only -> valid; an error -> invalid; a file that cannot be read ->
  unreadable; the report's totals and ok;
- R4 the stacked path and the per-file path give the same report on a mixed batch (valid,
  invalid, unreadable, both formats, a unit's own workbook);
- R5 options reach the checks: --year, --format, the roster; on_progress sees every file;
- R6 the inputs are never modified; the JSON form of the report is strict JSON (NaN -> null).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from factories import balanced_values, submission
from straightforward import validate_each

from consolidate.errors import ConsolidateError
from consolidate.output.json_report import report_dict, report_json
from consolidate.roster import Roster, Unit
from consolidate.spec import load_spec, template_layout
from consolidate.template import build_workbook
from consolidate.uscc import make_uscc
from consolidate.validate import expand_paths, validate

CODE = make_uscc("11340000MB0000001")
UNIT = Unit(code=CODE, name="示例县花园镇人民政府", type="乡镇", parent="示例县", row=2)
IDENTITY = {"unit_code": CODE, "unit_name": UNIT.name}


def cell_of(format_id: str, key: str) -> tuple[str, str]:
    spec = load_spec(format_id)
    layout = template_layout(spec)[spec.cell(key).table]
    return layout.sheet, layout.cells[key].address


def template_file(path: Path, changes: dict[str, float] | None = None, *, year: int = 2025,
                  format_id: str = "v2021", seed: int = 1) -> Path:
    """Our template for UNIT, filled with balanced inputs (totals stay formulas), some changed."""
    spec = load_spec(format_id)
    inputs = {k: v for k, v in balanced_values(format_id, seed).items() if not spec.cell(k).is_total}
    inputs.update(changes or {})
    path.write_bytes(build_workbook(spec, year, UNIT, values=inputs))
    return path


def codes(report_file: object) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.sheet, f.cell) for f in report_file.findings]  # type: ignore[attr-defined]


# --- R1 -------------------------------------------------------------------------------------


def test_expand_paths(tmp_path: Path) -> None:
    root = tmp_path / "returned"
    for name in ("b/2.xlsx", "a.xlsx", "b/c/3.xls", "notes.txt", ".hidden.xlsx", ".git/x.xlsx", "~$a.xlsx",
                 "Thumbs.db", "b/desktop.ini"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    explicit = root / ".hidden.xlsx"
    found = expand_paths([root, explicit, root / "a.xlsx"])
    assert [p.relative_to(root).as_posix() for p in found] == ["a.xlsx", "notes.txt", "b/2.xlsx", "b/c/3.xls",
                                                                ".hidden.xlsx"]


def test_cannot_proceed(tmp_path: Path) -> None:
    with pytest.raises(ConsolidateError, match="找不到文件或文件夹"):
        validate([tmp_path / "missing.xlsx"])
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "~$lock.xlsx").write_bytes(b"x")
    with pytest.raises(ConsolidateError, match="没有找到要审核的文件"):
        validate([tmp_path / "empty"])
    with pytest.raises(ConsolidateError, match="未知的格式"):
        validate([tmp_path], format_id="v2018")


# --- R2 -------------------------------------------------------------------------------------


def test_filled_template_validates(tmp_path: Path) -> None:
    report = validate([template_file(tmp_path / "ok.xlsx")], year=2025, roster=Roster((UNIT,)))
    (result,) = report.files
    assert (result.status, result.findings, result.format, result.kind) == ("valid", [], "v2021", "template")
    assert (result.unit_name, result.unit_code, result.year) == (UNIT.name, CODE, 2025)
    assert report.ok


@pytest.mark.parametrize(("key", "value", "code"), [
    ("t2.regulation.issued", -3.0, "TYPES"),
    ("t3.carry_over.research", 7.0, "T3-BALANCE"),
    ("t4.cases.after_other", 2.5, "TYPES"),
])
def test_one_input_changed_fails_at_that_cell(tmp_path: Path, key: str, value: float, code: str) -> None:
    path = template_file(tmp_path / "bad.xlsx", {key: value})
    (result,) = validate([path]).files
    assert result.status == "invalid"
    assert codes(result) == [(code, *cell_of("v2021", key))]
    assert result.findings[0].key == key


@pytest.mark.office
def test_libreoffice_round_trip(tmp_path: Path) -> None:
    from libreoffice import convert, soffice_or_skip

    soffice_or_skip()
    src = tmp_path / "src"
    src.mkdir()
    good = template_file(src / "good.xlsx", seed=3)
    bad = template_file(src / "bad.xlsx", {"t3.carried.legal": 40.0}, seed=3)
    saved = convert([good, bad], "xlsx", tmp_path / "saved")
    report = validate(saved, year=2025)
    by_name = {Path(f.path).name: f for f in report.files}
    assert (by_name["good.xlsx"].status, by_name["good.xlsx"].findings) == ("valid", [])
    bad_result = by_name["bad.xlsx"]
    # 二、上年结转 of 法律服务机构 changed: that column no longer balances, at its 四、结转下年度
    # cell (the 总计 column, recalculated by LibreOffice, fails only as a consequence)
    assert codes(bad_result) == [("T3-BALANCE", *cell_of("v2021", "t3.carry_over.legal"))]


# --- R3, R4 ---------------------------------------------------------------------------------


def mixed_folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    template_file(root / "01_ok.xlsx")
    template_file(root / "02_bad.xlsx", {"t4.cases.rev_upheld": -1.0})
    (root / "03_report.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "04_empty.xlsx").write_bytes(b"")
    misuse = balanced_values("v2019", 2)
    misuse.update({"t2.penalty.prev_count": 1.0, "t2.penalty.change": 317.0, "t2.penalty.decisions": 318.0})
    (root / "05_old.xlsx").write_bytes(submission("v2019", values=misuse, year=2020, unit=IDENTITY))
    (root / "06_retyped.xlsx").write_bytes(submission("v2021", kind="foreign", seed=4, year=2025, unit=IDENTITY,
                                                      raw={"t3.new.other": "abc"}))
    return root


def test_statuses_and_totals(tmp_path: Path) -> None:
    report = validate([mixed_folder(tmp_path / "in")], workers=1)
    status = {Path(f.path).name: f.status for f in report.files}
    assert status == {"01_ok.xlsx": "valid", "02_bad.xlsx": "invalid", "03_report.docx": "unreadable",
                      "04_empty.xlsx": "unreadable", "05_old.xlsx": "valid", "06_retyped.xlsx": "invalid"}
    old = report.files[4]
    assert [(f.code, f.severity) for f in old.findings] == [("T2-V2019-MISUSE", "warning")]
    retyped = report.files[5]
    assert [f.code for f in retyped.findings] == ["META-MISSING", "CELL-TEXT"]  # no rule on the unread cell
    totals = report.totals()
    assert (totals["files"], totals["valid"], totals["invalid"], totals["unreadable"]) == (6, 2, 2, 2)
    assert not report.ok


def test_batch_and_per_file_reports_agree(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    template_file(folder / "07_many.xlsx", {"t3.carried.natural": 50.0, "t2.permit.decisions": 1.5})
    batch = validate([folder], year=2025, workers=1)
    each = validate_each([folder], year=2025)
    assert report_dict(batch) == report_dict(each)
    assert batch.files[6].counts["error"] == 2  # TYPES, and 表三's natural column


# --- R5 -------------------------------------------------------------------------------------


def test_year_format_and_roster_options(tmp_path: Path) -> None:
    path = template_file(tmp_path / "u.xlsx", year=2024)
    other = Unit(code=make_uscc("11340000MB0000002"), name="示例县档案馆", type="部门", row=2)
    (result,) = validate([path], year=2025, format_id="v2019", roster=Roster((other,))).files
    assert [f.code for f in result.findings] == ["FORMAT-MISMATCH", "UNIT-NOT-IN-ROSTER", "YEAR-MISMATCH"]


def test_v2019_for_a_2021_report(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(submission("v2019", year=2025, unit=IDENTITY))
    (result,) = validate([path], year=2025).files
    assert [(f.code, f.found, f.expected) for f in result.findings] == [("VERSION", "2019年格式", "2021年格式")]
    assert result.status == "invalid"


def test_on_progress(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    calls: list[tuple[int, int]] = []
    validate([folder], on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 6) for i in range(1, 7)]


# --- R6 -------------------------------------------------------------------------------------


def test_inputs_untouched_and_json_strict(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "in")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    report = validate([folder])
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before
    retyped = report.files[5]
    assert retyped.values is not None and math.isnan(retyped.values["t3.new.other"])
    text = report_json(report)
    data = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    assert data == report_dict(report)
    entry = data["files"][5]
    assert entry["values"]["t3.new.other"] is None
    assert set(entry) >= {"path", "sha256", "status", "format", "unit", "year", "findings", "counts"}
    assert entry["findings"][1]["cell"] == cell_of("v2021", "t3.new.other")[1]
    assert data["totals"]["files"] == 6
