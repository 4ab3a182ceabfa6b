"""Every text of the command line in one language: Chinese by default, English with --lang en.

Requirements covered (issue 11 item 7, issue 9 item 2):
- L1 click's own texts are Chinese by default: a misspelt option ("did you mean" included),
  a missing option, an unknown command, the usage line and the help's headings;
- L2 the same in English with ``--lang en``, wherever it stands on the line;
- L3 every command's ``--help`` is Chinese by default, English with ``--lang en`` (no Chinese
  beyond the names of the files and sheets it quotes);
- L4 ``validate --lang en`` and ``run --lang en`` print no Chinese beyond the official labels
  and the names they quote (units, files, formats' sheet names).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.spec import load_common, load_spec

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "samples" / "demo"
runner = CliRunner()
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")
# Chinese names an English text may quote: our output files and folders, sheet names, roster columns.
QUOTED_NAMES = ("汇总表", "审核报告", "审核结果", "退改文件", "模板", "同比", "填报信息", "上级单位", "单位代码",
                "单位名称", "单位类型", "报送情况", "问题清单", "说明", "填报日期", "示例县", "行政复议", "结果维持")
COMMANDS = ("template", "validate", "rollup", "run")


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})  # rows unwrapped
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    return result.exit_code, " ".join(text.split())


def official_texts() -> set[str]:
    """The labels of both formats (sheets, titles, rows, columns) and their names: quoted, never translated."""
    common = load_common()
    out: set[str] = {common.identity_sheet, *(f.label for f in common.fields)}
    for format_id in ("v2021", "v2019"):
        spec = load_spec(format_id)
        out.add(spec.notice)
        for table in spec.tables:
            out.update((table.sheet, table.title))
        for cell in spec.cells:
            out.update(cell.row_labels)
            out.update(cell.column_labels)
            out.add(cell.column_text)
            out.add(cell.label())
    return {t for t in out if t}


def chinese_left(text: str, quoted: set[str]) -> list[str]:
    """The Chinese in ``text`` once the ``quoted`` names and every “quoted value” are taken out."""
    text = re.sub(r"“[^”]*”", " ", text)
    for name in sorted(quoted, key=len, reverse=True):
        text = text.replace(name, " ")
    return CJK.findall(text)


# --- L1 / L2 ----------------------------------------------------------------------------------


def test_usage_errors_are_chinese_by_default() -> None:
    code, text = invoke("validate", "--yaer", "2025", "x.xlsx")
    assert code == 2
    assert "没有 --yaer 这个选项" in text and "您是不是要用 '--year'" in text
    assert "用法： consolidate validate [选项]" in text and "查看帮助" in text
    for english in ("No such option", "Did you mean", "Usage", "Try", "Error"):
        assert english not in text
    code, text = invoke("rollup", "in")
    assert code == 2 and "缺少选项 '--out'" in text and "Missing" not in text
    code, text = invoke("valdate")
    assert code == 2 and "没有“valdate”这个命令" in text and "validate" in text and "No such command" not in text


@pytest.mark.parametrize("where", ["before", "after", "equals"])
def test_usage_errors_in_english(where: str) -> None:
    lang = {"before": ["--lang", "en", "validate"], "after": ["validate", "--lang", "en"],
            "equals": ["validate", "--lang=en"]}[where]
    code, text = invoke(*lang, "--yaer", "2025", "x.xlsx")
    assert code == 2
    assert "No such option '--yaer'" in text and "Did you mean '--year'?" in text and "Usage:" in text
    assert not CJK.findall(text)


def test_a_bad_language_is_refused_in_chinese() -> None:
    code, text = invoke("validate", "x.xlsx", "--lang", "fr")
    assert code == 2 and "--lang 应为 zh 或 en，不是“fr”" in text


# --- L3 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_chinese_by_default(command: str) -> None:
    code, text = invoke(command, "--help")
    assert code == 0
    assert "用法：" in text and "选项" in text and "显示本帮助并退出" in text
    for english in ("Usage", "Options", "Show this message", "[OPTIONS]", "[default", "[required"):
        assert english not in text


@pytest.mark.parametrize("command", COMMANDS)
def test_help_in_english(command: str) -> None:
    code, text = invoke(command, "--help", "--lang", "en")
    assert code == 0
    assert "Usage:" in text and "Options" in text and "Show this message and exit." in text
    assert chinese_left(text, set(QUOTED_NAMES)) == []


def test_group_help_in_both_languages() -> None:
    assert "命令" in invoke("--help")[1]
    code, text = invoke("--lang", "en", "--help")
    assert code == 0 and "Commands" in text and not CJK.findall(text)


# --- L4 -------------------------------------------------------------------------------------


def test_validate_in_english_quotes_only_labels_and_names(tmp_path: Path) -> None:
    files = sorted((DEMO / "submissions").glob("*.xlsx"))
    code, text = invoke("validate", *files, "--lang", "en", "--roster", DEMO / "roster.csv", "--year", "2025",
                        "--workers", "1")
    assert code == 1  # the demo has files with errors
    assert "files:" in text and "Validation" in text
    names = {f.stem for f in files} | {f.name for f in files} | {f.stem.split("_")[0] for f in files}
    names |= {line.split(",")[1] for line in (DEMO / "roster.csv").read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert chinese_left(text, official_texts() | names | set(QUOTED_NAMES)) == []


def test_run_in_english_quotes_only_labels_and_names(tmp_path: Path) -> None:
    shutil.copytree(DEMO / "submissions", tmp_path / "in")
    code, text = invoke("run", tmp_path / "in", "--roster", DEMO / "roster.csv", "--year", "2025", "--lang", "en",
                        "--out", tmp_path / "out", "--workers", "1")
    assert code == 0
    assert "Written:" in text and "submission rate" in text
    files = list((tmp_path / "in").iterdir())
    names = {f.stem for f in files} | {f.name for f in files} | {f.stem.split("_")[0] for f in files}
    names |= {line.split(",")[1] for line in (DEMO / "roster.csv").read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert chinese_left(text, official_texts() | names | set(QUOTED_NAMES)) == []


def test_reports_and_bundles_in_english_quote_only_labels_and_names(tmp_path: Path) -> None:
    """Published reports (their places: “line 156”), a zip of them and a broken file: the
    English output quotes only official labels (and the amount unit 万元) and names."""
    import zipfile

    from consolidate.read.reader import read_submission

    seeds = sorted((ROOT / "samples" / "2020-seeds-text").glob("*.txt"))
    for seed in seeds[:3]:
        shutil.copy(seed, tmp_path / seed.name)
    with zipfile.ZipFile(tmp_path / "两份报告.zip", "w") as bundle:
        for seed in seeds[3:]:
            bundle.write(seed, seed.name)
    (tmp_path / "坏的.xlsx").write_bytes(b"PK\x03\x04 cut short")
    code, text = invoke("validate", tmp_path, "--lang", "en", "--workers", "1")
    assert code == 1
    assert " line " in text
    names = {"两份报告.zip", "两份报告", "坏的.xlsx", "坏的"} | {read_submission(s).unit_name for s in seeds}
    assert chinese_left(text, official_texts() | names | set(QUOTED_NAMES) | {"万元"}) == []
