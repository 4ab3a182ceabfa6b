"""The web's commands and documentation: `consolidate office` refusals with clear messages,
`office import` filing received workbooks under their units, the README's two web commands
(`make web-demo`, `make test`) and the Makefile target behind the first.

(`serve` starting, answering and stopping on Ctrl-C, and the office commands' last lines,
are covered by test_web_contract.py against a real server.)
"""

from __future__ import annotations

import re
from pathlib import Path

from web_support import ROOT, links_of, office, roster, workbook, write_roster_csv


def test_adduser_refuses_a_weak_password_and_a_second_account(tmp_path: Path) -> None:
    data = tmp_path / "data"
    weak = office(data, "adduser", "clerk", stdin="123\n")
    assert weak.returncode == 2 and "密码不合要求" in weak.stderr and "Traceback" not in weak.stderr
    assert office(data, "adduser", "clerk", stdin="a-long-enough-password\n").returncode == 0
    again = office(data, "adduser", "clerk", stdin="a-long-enough-password\n")
    assert again.returncode == 2 and "已经存在" in again.stderr
    unknown = office(data, "token", "nobody")
    assert unknown.returncode == 2 and "adduser" in unknown.stderr


def test_open_round_writes_links_and_refuses_to_overwrite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    units = roster(3)
    path = write_roster_csv(tmp_path / "名单.csv", units)
    links = tmp_path / "链接.xlsx"
    done = office(data, "open-round", "--roster", str(path), "--year", "2025", "--links", str(links))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].isdigit()
    from openpyxl import load_workbook

    rows = list(load_workbook(links).active.iter_rows(values_only=True))
    assert rows[0] == ("单位代码", "单位名称", "上报链接")
    assert [r[1] for r in rows[1:]] == [u.name for u in units.units]
    assert all(re.fullmatch(r"http://127\.0\.0\.1:8000/u/[\w-]{32}", r[2]) for r in rows[1:])
    again = office(data, "open-round", "--roster", str(path), "--year", "2025", "--links", str(links))
    assert again.returncode == 2 and "已经存在" in again.stderr
    wrong_format = office(data, "open-round", "--roster", str(path), "--year", "2025", "--format", "v2019",
                          "--links", str(tmp_path / "x.csv"))
    assert wrong_format.returncode == 2 and "2021年格式" in wrong_format.stderr


def test_import_files_received_workbooks_under_their_units(tmp_path: Path) -> None:
    data = tmp_path / "data"
    units = roster(3)
    links = tmp_path / "links.csv"
    opened = office(data, "open-round", "--roster", str(write_roster_csv(tmp_path / "r.csv", units)),
                    "--year", "2025", "--links", str(links))
    round_id = opened.stdout.strip().splitlines()[-1]
    inbox = tmp_path / "收到的"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(workbook(units.units[2], error=True))
    (inbox / "stranger.xlsx").write_bytes(workbook(units.units[0], name="别的县某局", code="12340000MB0000001X"))
    done = office(data, "import", round_id, str(inbox))
    assert done.returncode == 1  # one file could not be filed
    assert f"a.xlsx → {units.units[2].name} 第 1 版" in done.stdout
    assert "stranger.xlsx" in done.stdout and "未导入" in done.stdout
    assert len(links_of(links)) == 3
    # with --lang en the reason a file was not imported is in English
    (inbox / "a.xlsx").unlink()
    english = office(data, "import", round_id, str(inbox), "--lang", "en")
    assert english.returncode == 1
    assert "stranger.xlsx" in english.stdout and "not on this round's roster" in english.stdout
    assert "未导入" not in english.stdout


def test_readme_has_the_two_web_commands_and_make_runs_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 网页报送", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert lines == ["make web-demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^web-demo:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe is not None
    steps = recipe.group(1)
    for needed in ("office adduser demo", "office open-round", "samples/demo/roster.csv",
                   "office import", "samples/demo/submissions", "consolidate serve --data out/web-demo"):
        assert needed in steps
    assert "runserver" not in makefile
    test_target = re.search(r"^test:(.*)$", makefile, re.M)
    assert test_target is not None and "web-services" in test_target.group(1)
