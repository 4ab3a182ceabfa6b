"""The five published 2020 reports (samples/2020-seeds-text/, copies of ../shared/seeds/) read as
text submissions, compared cell by cell with the transcription samples/2020-seeds.yaml.

The transcription is only the test's expectation: nothing of it is in the reading path. The
cells it lists as reconstructed (lost by OCR in the report) must come out as a finding at
their place (an error on that cell key, no number), every other cell as transcribed, and the
rules must judge the reports as they judge the transcribed workbooks (samples/2020-seeds/).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import yaml
from documents_factory import as_number

from consolidate.read import read_submission
from consolidate.spec import load_spec
from consolidate.validate import validate

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "samples" / "2020-seeds-text"
WORKBOOKS = ROOT / "samples" / "2020-seeds"
SEEDS = yaml.safe_load((ROOT / "samples" / "2020-seeds.yaml").read_text(encoding="utf-8"))["seeds"]
SPEC = load_spec("v2019")
RULES = {r.id for r in SPEC.rules}


@pytest.mark.parametrize("seed", SEEDS, ids=[s["source"] for s in SEEDS])
def test_each_seed_reads_to_the_transcription(seed: dict) -> None:
    result = read_submission(TEXTS / seed["source"])
    assert result.kind == "report" and result.format == "v2019" and result.year == 2020
    assert result.values is not None
    reconstructed = set(seed.get("reconstructed", {}))
    assert set(result.values) == {c.key for c in SPEC.cells}
    for key, raw in seed["values"].items():
        if key in reconstructed:
            continue
        assert result.values[key] == pytest.approx(as_number(raw), abs=1e-9), key
    for key in reconstructed:  # lost in the report: a finding where it is, no number made up
        assert math.isnan(result.values[key]), key
        here = [f for f in result.findings if f.key == key and f.severity == "error"]
        assert here and here[0].sheet == "表三" and here[0].cell and here[0].cell.startswith("第"), key
    errors = {f.key for f in result.findings if f.severity == "error"}
    assert errors == reconstructed
    if seed["unit_name_from"].startswith("标题"):
        assert result.unit_name == seed["unit_name"]


def test_a_finding_names_the_table_the_line_and_the_labels() -> None:
    result = read_submission(TEXTS / "004_c4d6f57b4a056a63.txt")
    finding = next(f for f in result.findings if f.key == "t3.granted.natural")
    lines = (TEXTS / "004_c4d6f57b4a056a63.txt").read_text(encoding="utf-8").splitlines()
    line = int(finding.cell.removeprefix("第 ").removesuffix(" 行"))  # type: ignore[union-attr]
    assert "予以公开" in lines[line - 1]
    assert finding.message_zh.startswith(f"表三 {finding.cell}（（一）予以公开 / 自然人）")
    # the place in the message's language: Chinese as stored, English in the English message and JSON
    assert finding.message_en.startswith(f"表三 line {line} (")
    assert finding.to_dict("en")["cell"] == f"line {line}" and finding.to_dict("zh")["cell"] == f"第 {line} 行"


def test_the_rules_judge_a_report_as_its_transcribed_workbook(tmp_path: Path) -> None:
    """Same rule findings (codes and cells) for the text and the transcribed workbook of each
    seed whose tables the report kept whole (the OCR ones lose cells: their rules are skipped)."""
    whole = [s for s in SEEDS if not s.get("reconstructed")]
    for seed in whole:
        shutil.copy(TEXTS / seed["source"], tmp_path / seed["source"])
    texts = validate([tmp_path], year=2020)
    books = validate([WORKBOOKS / s["workbook"] for s in whole], year=2020)
    for text, book in zip(texts.files, books.files, strict=True):
        assert Path(text.path).stem == Path(book.path).stem
        assert text.values == book.values
        assert sorted((f.code, f.key) for f in text.findings if f.code in RULES) == \
            sorted((f.code, f.key) for f in book.findings if f.code in RULES)
    chini = next(f for f in texts.files if f.path.endswith("003_11c4e88847043786.txt"))
    assert len([f for f in chini.findings if f.code == "T2-V2019-MISUSE"]) == 3


def test_the_validate_command_reads_the_folder_of_texts() -> None:
    report = validate([TEXTS], year=2020)
    assert [f.status for f in report.files] == ["valid", "valid", "invalid", "valid", "invalid"]
    assert all(f.kind == "report" for f in report.files)
