"""``consolidate rollup``: a thin command over ``rollup()``.

Covers: the --json output equals the library's result; exit 0 normally, 1 with --strict
when a roster unit is missing or a submission has errors, 2 for a usage problem (unknown
format, a path that does not exist, an output that would overwrite an input); the
terminal lists what needs attention.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from rollup_factories import write_district
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.rollup import rollup
from consolidate.roster import read_roster

runner = CliRunner()


def _without_run(d: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in d.items() if k not in ("ran_at", "out")}


def test_json_equals_the_library(tmp_path: Path) -> None:
    write_district(tmp_path / "in", 3, seed=12)
    roster = tmp_path / "in.csv"
    res = runner.invoke(app, ["rollup", str(tmp_path / "in"), "--roster", str(roster), "--out",
                              str(tmp_path / "cli.xlsx"), "--json", "-"])
    assert res.exit_code == 0, res.output
    from_cli = json.loads(res.stdout)
    lib = rollup([tmp_path / "in"], out=tmp_path / "lib.xlsx", roster=read_roster(roster), now=datetime(2026, 2, 1))
    assert _without_run(from_cli) == _without_run(json.loads(json.dumps(lib.to_dict(), ensure_ascii=False)))
    assert from_cli["counts"]["counted"] == 3 and from_cli["complete"] is True


def test_exit_codes(tmp_path: Path) -> None:
    _, paths, _ = write_district(tmp_path / "in", 3, seed=13)
    roster = str(tmp_path / "in.csv")
    out = str(tmp_path / "汇总.xlsx")
    ok = runner.invoke(app, ["rollup", str(tmp_path / "in"), "--roster", roster, "--out", out, "--strict"])
    assert ok.exit_code == 0, ok.output
    paths[1].unlink()
    lenient = runner.invoke(app, ["rollup", str(tmp_path / "in"), "--roster", roster, "--out", out])
    assert lenient.exit_code == 0 and "未报送" in lenient.output
    strict = runner.invoke(app, ["rollup", str(tmp_path / "in"), "--roster", roster, "--out", out, "--strict"])
    assert strict.exit_code == 1
    assert runner.invoke(app, ["rollup", str(tmp_path / "in"), "--out", out, "--format", "v2030"]).exit_code == 2
    assert runner.invoke(app, ["rollup", str(tmp_path / "nowhere"), "--out", out]).exit_code == 2
    overwrite = runner.invoke(app, ["rollup", str(tmp_path / "in"), "--out", str(paths[0])])
    assert overwrite.exit_code == 2 and "覆盖" in overwrite.output
    assert runner.invoke(app, ["rollup", str(tmp_path / "in")]).exit_code == 2  # --out is required


def test_one_submission_rate_on_the_command_line_and_in_the_summary(tmp_path: Path) -> None:
    """The demo county (26 units: 20 pass, 4 with errors, 2 missing): the command line's 报送率
    and 通过率 are the 报送情况 sheet's, both by ``rollup.rates`` (issue 18: they were 76.9% on
    the command line and 84.6% in the sheet for the same files)."""
    import re

    from openpyxl import load_workbook

    demo = Path(__file__).resolve().parents[1] / "samples" / "demo"
    out = tmp_path / "汇总.xlsx"
    res = runner.invoke(app, ["rollup", str(demo / "submissions"), "--roster", str(demo / "roster.csv"),
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    found = re.search(r"报送率 ([\d.]+)%，通过率 ([\d.]+)%", " ".join(res.output.split()))
    assert found, res.output
    sheet = load_workbook(out, read_only=True)["报送情况"]
    assert float(found.group(1)) == round(100 * sheet.cell(2, 5).value, 1) == round(100 * 24 / 26, 1)
    assert float(found.group(2)) == round(100 * sheet.cell(3, 5).value, 1) == round(100 * 20 / 26, 1)
