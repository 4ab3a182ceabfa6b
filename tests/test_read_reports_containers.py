"""The published report in every container a unit sends: .html (as CMSs write it), .docx
(python-docx, merged and nested tables) and .pdf (LibreOffice Writer from the .docx),
built here from the transcription of the five 2020 reports, each read to the transcribed
values; the cells the reports lost come out as findings at their place in the document.
And a 2021-format report, its unit and year from a title of the 2023 kind.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from documents_factory import as_number, cms_html, report_tables, seed_values, word
from factories import balanced_values
from libreoffice import convert

from consolidate.read import read_submission
from consolidate.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
SEEDS = yaml.safe_load((ROOT / "samples" / "2020-seeds.yaml").read_text(encoding="utf-8"))["seeds"]
CONTAINERS = ("html", "docx", "pdf")


def title(seed: dict) -> str:
    return f"{seed['unit_name']}2020年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(seed source, container) -> the report file. The third seed's page is GBK, the fourth
    seed's Word tables stand inside a layout table."""
    folder = tmp_path_factory.mktemp("reports")
    out: dict[tuple[str, str], Path] = {}
    for i, seed in enumerate(SEEDS):
        stem = seed["source"][:3]
        tables = report_tables("v2019", seed_values(seed))
        page = folder / f"{stem}.html"
        page.write_bytes(cms_html(title(seed), tables, encoding="gbk" if i == 2 else "utf-8"))
        out[seed["source"], "html"] = page
        out[seed["source"], "docx"] = word(title(seed), tables, folder / f"{stem}.docx", nested=i == 3)
    return out


@pytest.fixture(scope="module")
def pdfs(reports: dict[tuple[str, str], Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Seed source -> LibreOffice Writer's PDF of its Word file (only the PDF tests need LibreOffice)."""
    made = convert([reports[s["source"], "docx"] for s in SEEDS], "pdf", tmp_path_factory.mktemp("pdf"))
    return {s["source"]: pdf for s, pdf in zip(SEEDS, made, strict=True)}


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("seed", SEEDS, ids=[s["source"][:3] for s in SEEDS])
def test_each_container_reads_to_the_transcription(reports: dict[tuple[str, str], Path], seed: dict,
                                                   container: str, request: pytest.FixtureRequest) -> None:
    if container == "pdf":
        request.applymarker(pytest.mark.office)
        path = request.getfixturevalue("pdfs")[seed["source"]]
    else:
        path = reports[seed["source"], container]
    result = read_submission(path)
    assert (result.kind, result.format, result.year) == ("report", "v2019", 2020)
    assert result.unit_name == seed["unit_name"]
    assert result.values is not None
    reconstructed = set(seed.get("reconstructed", {}))
    for key, raw in seed["values"].items():
        if key not in reconstructed:
            assert result.values[key] == pytest.approx(as_number(raw), abs=1e-9), key
    for key in reconstructed:
        assert math.isnan(result.values[key])
    errors = [f for f in result.findings if f.severity == "error"]
    assert {f.key for f in errors} == reconstructed
    where = "第 " if container == "pdf" else "表格 "
    assert all(f.cell and f.cell.startswith(where) for f in errors)
    english = "page " if container == "pdf" else "table "
    assert all(f.message_en.startswith(f"{f.sheet} {english}") and "表格" not in f.message_en for f in errors)
    assert result.findings[0].code == "REPORT-READ" and container in result.findings[0].message_zh


def test_a_2021_report_reads_with_its_unit_and_year_from_the_title(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=5)
    printed = {k: (f"{v:g}万元" if load_spec("v2021").cell(k).kind == "amount" else v) for k, v in values.items()}
    page = tmp_path / "report.htm"
    page.write_bytes(cms_html("2023年示例县市场监督管理局政府信息公开工作年度报告",
                              report_tables("v2021", printed, split_t2=False)))
    result = read_submission(page)
    assert (result.kind, result.format, result.year, result.unit_name) == ("report", "v2021", 2023,
                                                                         "示例县市场监督管理局")
    assert result.values == pytest.approx(values)
    assert not [f for f in result.findings if f.severity != "info"]


def test_a_page_from_a_cms_in_gbk_with_its_pieces_and_spaces(tmp_path: Path) -> None:
    seed = SEEDS[3]
    page = tmp_path / "report.html"
    page.write_bytes(cms_html(title(seed), report_tables("v2019", seed_values(seed)), encoding="gbk"))
    assert "商业<br/>企业".encode("gbk") in page.read_bytes() and b"&nbsp;" in page.read_bytes()
    result = read_submission(page)
    assert result.values is not None and result.values["t2.procurement.purchase_amount"] == pytest.approx(2811.22)
    assert [f.code for f in result.findings if f.severity == "warning"] == ["CELL-UNIT-CONVERTED"]
