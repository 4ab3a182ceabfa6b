"""Six real published reports, as their units published them (tests/fixtures/published/, byte for
byte the copies of ../shared/reports/, with their hand transcription truth.yaml): each read to
every cell the transcription gives (every other printed cell 0), with exactly the findings the
report deserves and no other.

What makes each hard (README.md there): 表二 without its 规章 row (scj2024, xsp2025: the row is a
ROW-MISSING warning, every other row read), 表三's （六） number cells merged over its three rows
(scj2024: the number stands for each row), labels one character a paragraph or split over
padded paragraphs (xsp2025, pt2024), 表四's header split oddly (gwh2025), an amount printed
“1690.9913万元” and two printed inconsistencies (zrz2020: one rule finding, the other is its
consequence on the total), a WPS PDF with a misspelt 表三 label and the 2019 form's single
（六）其他处理 row in a 2021 table (hz2024: a typo warning, and a 提示 that the row was read into
3.其他). The same PDF without its ruling lines (a Word or WPS export that draws none) reads the
same, and never crashes on the narrative pages' lines that end in a number.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from consolidate.read import read_submission
from consolidate.spec import load_spec
from consolidate.validate import validate

HERE = Path(__file__).resolve().parent / "fixtures" / "published"  # the shared transcription of the six
TRUTH = yaml.safe_load((HERE / "truth.yaml").read_text(encoding="utf-8"))
FILES = Path(__file__).resolve().parent / "corpus"  # the files themselves: one copy, in the corpus

# report -> the reader's findings it deserves, as (code, severity, expected label), REPORT-READ aside
FINDINGS: dict[str, set[tuple[str, str, str | None]]] = {
    "scj2024": {("ROW-MISSING", "warning", "规章"), ("LABEL-ALIAS", "info", "行政规范性文件")},
    "xsp2025": {("ROW-MISSING", "warning", "规章")},
    "pt2024": set(),
    "gwh2025": set(),
    "zrz2020": {("LABEL-TYPO", "warning", "本年新公开数量"), ("CELL-NORMALISED", "info", None)},
    "hz2024": {("LABEL-TYPO", "warning", "2.其他法律行政法规禁止公开"), ("ROW-OLDER-FORM", "info", "3.其他")},
}
# report -> the rules it breaks as printed (truth.yaml's printed_inconsistencies), as (rule, cell key)
RULES: dict[str, set[tuple[str, str | None]]] = {
    "zrz2020": {("T3-OUTCOMES", "t3.total.legal")},  # 总计's column fails through this one: said once
}


def expected_values(name: str) -> tuple[dict[str, float], set[str]]:
    """Every cell of the report's format: the transcribed value, else 0; and the rows it does not print."""
    truth = TRUTH[name]
    spec = load_spec(truth["format"])
    values = {c.key: 0.0 for c in spec.cells}
    for table, row, column, value in truth["cells"]:
        keys = [c.key for c in spec.cells if spec.table(c.table).short_name == table
                and (row in c.row_labels or row in c.column_labels) and c.column_label == column]
        assert len(keys) == 1, (name, table, row, column)
        values[keys[0]] = float(value)
    unprinted = {label for code, _, label in FINDINGS[name] if code == "ROW-MISSING" and label}
    return values, unprinted


def check(name: str, path: Path) -> None:
    truth = TRUTH[name]
    result = read_submission(path)
    assert (result.kind, result.format, result.year) == ("report", truth["format"], truth["year"])
    assert result.unit_name and truth["unit"].startswith(result.unit_name)
    spec = load_spec(truth["format"])
    values, unprinted = expected_values(name)
    assert result.values is not None
    read = dict(result.values)
    for key, value in values.items():
        if spec.cell(key).row_label in unprinted:  # not in the report: not read, and said at its row
            assert key not in read, key
        else:
            assert read.get(key) == pytest.approx(value, abs=1e-9), key
    found = {(f.code, f.severity, f.expected if f.code != "CELL-NORMALISED" else None)
             for f in result.findings if f.code != "REPORT-READ"}
    assert found == FINDINGS[name]
    assert len([f for f in result.findings if f.code != "REPORT-READ"]) == len(FINDINGS[name])


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_a_real_report_reads_every_cell_with_the_findings_it_deserves(name: str) -> None:
    check(name, FILES / str(TRUTH[name]["file"]))


def test_the_six_are_in_the_fixtures_byte_for_byte_as_published() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "reports"  # beside the clone, as on CI
    files = sorted(str(t["file"]) for t in TRUTH.values())
    assert all((FILES / name).is_file() for name in files)
    if shared.is_dir():  # the development machine's copy: nothing changed on the way in
        for name in files:
            assert (FILES / name).read_bytes() == (shared / name).read_bytes(), name


def test_validating_them_finds_the_printed_inconsistencies_and_nothing_else(tmp_path: Path) -> None:
    for t in TRUTH.values():
        shutil.copy(FILES / t["file"], tmp_path / t["file"])
    report = validate([tmp_path], workers=1)
    by_file = {Path(f.path).name: f for f in report.files}
    for name, t in TRUTH.items():
        result = by_file[t["file"]]
        rules = {(f.code, f.key) for f in result.findings if f.category in ("rule", "yoy")}
        assert rules == RULES.get(name, set()), name
        errors = {f.code for f in result.findings if f.severity == "error"}
        assert errors == {code for code, _ in RULES.get(name, set())}, name


def test_the_pdf_without_its_ruling_lines_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF whose tables draw no lines (pdfplumber finds no ruled table on any page): its tables
    are found as column-aligned text under their headings, the narrative pages' lines that end
    in a number (“…会议 7”, the footer “- 2 -”) are not table rows, and nothing crashes."""
    import pdfplumber.page

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", lambda self, *a, **k: [])
    check("hz2024", FILES / "hz2024.pdf")


def test_a_published_count_with_its_word_is_read_as_printed(tmp_path: Path) -> None:
    """A report printed “6笔” (nobody can retype a published report): read as 6, a 提示 at that
    cell; a workbook's “6笔” stays an error that says what to type (tests/test_read_values.py)."""
    page = (FILES / "scj2024.html").read_bytes()
    printed = "规范性文件</span></p></td><td><p><span><span>6</span>".encode()
    assert page.count(printed) == 1
    path = tmp_path / "report.html"
    path.write_bytes(page.replace(printed, printed.replace(b"6<", "6笔<".encode())))
    result = read_submission(path)
    assert result.values is not None and result.values["t2.normative.issued"] == 6
    [finding] = [f for f in result.findings if f.key == "t2.normative.issued"]
    assert (finding.code, finding.severity) == ("CELL-NORMALISED", "info")


def test_the_pages_saved_as_word_read_the_same(tmp_path: Path) -> None:
    """Each page opened in an office suite and saved as a Word document (LibreOffice Writer, as a
    clerk does to edit a report before publishing it again): the same cells, the same findings."""
    from libreoffice import convert

    pages = [FILES / str(t["file"]) for t in TRUTH.values() if str(t["file"]).endswith(".html")]
    for page, document in zip(pages, convert(pages, "docx:MS Word 2007 XML", tmp_path), strict=True):
        check(page.stem, document)


def test_the_pages_printed_to_pdf_by_an_office_suite_read_every_cell(tmp_path: Path) -> None:
    """Each page printed to PDF by LibreOffice with its tables ruled (the published pages keep
    no styles, so ``border="1"`` stands in for the site's CSS): every cell read right, a merged
    number cell that a page break cuts (scj2024's （六）) too, and no error. Labels a page break
    cuts short are typos there (warnings), which the test does not count."""
    from libreoffice import convert

    pages = []
    for t in TRUTH.values():
        if str(t["file"]).endswith(".html"):
            page = tmp_path / str(t["file"])
            page.write_bytes((FILES / str(t["file"])).read_bytes().replace(b"<table", b'<table border="1" cellspacing="0"'))
            pages.append(page)
    for page, pdf in zip(pages, convert(pages, "pdf:writer_web_pdf_Export", tmp_path / "pdf"), strict=True):
        truth = TRUTH[page.stem]
        result = read_submission(pdf)
        assert (result.kind, result.format, result.year) == ("report", truth["format"], truth["year"])
        spec = load_spec(truth["format"])
        values, unprinted = expected_values(page.stem)
        assert result.values is not None
        wrong = {k: (result.values.get(k), v) for k, v in values.items()
                 if spec.cell(k).row_label not in unprinted and result.values.get(k) != pytest.approx(v)}
        assert wrong == {}, page.stem
        assert not [f.code for f in result.findings if f.severity == "error"], page.stem
