"""`consolidate publish` and `consolidate compare` (issue 10, items 4 and 5).

Requirements covered:
- the tables come from the spec's layout: every label of the spec appears, the merged
  headers are real spans (HTML rowspan/colspan; Word merged cells), the 表三 note is there,
  and each number stands at its cell (the HTML parsed back gives the file's values);
- the .docx opens in python-docx with the same grid, and LibreOffice converts it to PDF
  without error (the text of the PDF holds the labels and numbers);
- a file with errors is refused (exit 1) with the reason, unless --force; an unreadable
  file is refused (exit 2); the output may not be the input;
- the HTML fragment has no script and no class;
- compare: equal files exit 0; one changed cell is listed with both values, exit 1; a
  file that cannot be read is exit 2.
"""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from factories import balanced_values, submission
from libreoffice import soffice_or_skip
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.findings import fmt_number
from consolidate.output.published import published_tables
from consolidate.spec import load_spec
from consolidate.spec.layout import template_layout

runner = CliRunner()


class _Grid(HTMLParser):
    """Each <table> as a dense grid of texts (rowspan/colspan expanded), to read it back."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[tuple[int, int], str]] = []
        self.row = -1
        self.col = 0
        self.cell: tuple[int, int, int, int] | None = None
        self.text = ""
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        if tag == "table":
            self.tables.append({})
            self.row = -1
        elif tag == "tr":
            self.row += 1
            self.col = 0
        elif tag in ("td", "th"):
            grid = self.tables[-1]
            while (self.row, self.col) in grid:
                self.col += 1
            span = dict(attrs)
            self.cell = (self.row, self.col, int(span.get("rowspan") or 1), int(span.get("colspan") or 1))
            self.text = ""

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            r, c, rs, cs = self.cell
            for dr in range(rs):
                for dc in range(cs):
                    self.tables[-1][(r + dr, c + dc)] = self.text if (dr, dc) == (0, 0) else ""
            self.col = c + cs
            self.cell = None


def _publish(tmp_path: Path, data: bytes, out: str, *args: str) -> tuple[int, str, Path]:
    source = tmp_path / "花园镇.xlsx"
    source.write_bytes(data)
    target = tmp_path / out
    result = runner.invoke(app, ["publish", str(source), "--out", str(target), *args])
    return result.exit_code, result.output, target


@pytest.mark.parametrize("fmt", ["v2021", "v2019"])
def test_the_html_tables_carry_every_label_and_every_number_at_its_cell(tmp_path: Path, fmt: str) -> None:
    year = 2025 if fmt == "v2021" else 2020
    values = balanced_values(fmt, seed=3)
    code, output, html = _publish(tmp_path, submission(fmt, values=values, year=year), "表格.html", "--force")
    assert code == 0, output
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text and "class=" not in text
    parser = _Grid()
    parser.feed(text)
    spec = load_spec(fmt)
    layouts = list(template_layout(spec).values())
    assert len(parser.tables) == len(layouts)
    for grid, lay in zip(parser.tables, layouts, strict=True):
        body = lay.top + 2
        for box in lay.boxes:
            if box.role == "title":
                assert f"<h3>{box.text}</h3>" in text
                continue
            shown = grid[(box.row - body, box.col)]
            if box.key:
                unit = "万元" if spec.cell(box.key).unit_note else ""  # v2019 采购总金额: its header states no unit
                assert shown == fmt_number(values[box.key]) + unit, box.key
            else:
                assert shown == box.text
    if fmt == "v2021":
        assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in text
        assert 'rowspan="3" colspan="3"' in text  # the note over the row labels, as the notice has it


@pytest.mark.office
def test_the_docx_has_merged_headers_and_libreoffice_renders_it(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=5)
    code, output, docx = _publish(tmp_path, submission(values=values), "表格.docx", "--force")
    assert code == 0, output
    doc = Document(str(docx))
    tables = published_tables(load_spec("v2021"), values)
    assert len(doc.tables) == 3
    for word, table in zip(doc.tables, tables, strict=True):
        assert len(word.rows) == len(table.rows)
        for r, (pieces, starts) in enumerate(zip(table.rows, table.starts, strict=True)):
            for piece, c in zip(pieces, starts, strict=True):
                assert word.cell(r, c).text == piece.text
                assert word.cell(r, c).grid_span == piece.colspan  # merged across
                if piece.rowspan > 1 and piece.text:  # merged down: the last row of the span shows the same cell
                    assert word.cell(r + piece.rowspan - 1, c).text == piece.text
    soffice = soffice_or_skip()
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(docx)],
                          capture_output=True, text=True, timeout=180, check=False)
    pdf = tmp_path / "pdf" / "表格.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 5000, done.stderr
    with pdfplumber.open(pdf) as rendered:
        text = "".join(page.extract_text() or "" for page in rendered.pages)
    assert all(table.title in text for table in tables)  # each table under its heading, on the page
    assert "第二十条第（一）项" in text and "申请人情况" in text


def test_a_file_with_errors_is_refused_unless_forced(tmp_path: Path) -> None:
    bad = submission(overwrite={"t3.new.total": 999})
    code, output, target = _publish(tmp_path, bad, "表格.html")
    assert code == 1 and not target.exists()
    assert "个错误" in output and "--force" in output
    code, _, target = _publish(tmp_path, bad, "表格.html", "--force")
    assert code == 0 and target.is_file()
    code, output, target = _publish(tmp_path, b"not a workbook", "x.html")
    assert code == 2 and not target.exists()
    code, output, _ = _publish(tmp_path, submission(), "表格.txt")
    assert code == 2


def test_compare_lists_each_differing_cell_with_both_values(tmp_path: Path) -> None:
    values = balanced_values("v2021", seed=2)
    a, b, c = tmp_path / "报送.xlsx", tmp_path / "公开.xlsx", tmp_path / "改过.xlsx"
    a.write_bytes(submission(values=values))
    b.write_bytes(submission(kind="foreign", values=values))
    changed = dict(values, **{"t2.regulation.issued": values["t2.regulation.issued"] + 1})
    c.write_bytes(submission(values=changed))
    same = runner.invoke(app, ["compare", str(a), str(b)])
    assert same.exit_code == 0, same.output
    differs = runner.invoke(app, ["compare", str(a), str(c)])
    assert differs.exit_code == 1
    assert "有 1 个格子不同" in differs.output
    assert (f"表二 规章 / 本年制发件数：A {fmt_number(values['t2.regulation.issued'])}，"
            f"B {fmt_number(changed['t2.regulation.issued'])}") in differs.output
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"")
    assert runner.invoke(app, ["compare", str(a), str(broken)]).exit_code == 2


@pytest.mark.parametrize(("fmt", "year"), [("v2021", 2025), ("v2019", 2020)])
@pytest.mark.parametrize("ext", ["docx", "html"])
def test_publish_then_read_back_gives_the_same_values(tmp_path: Path, fmt: str, year: int, ext: str) -> None:
    from consolidate.publish import publish
    from consolidate.read import read_submission

    source = tmp_path / "报表.xlsx"
    source.write_bytes(submission(fmt, values=balanced_values(fmt, seed=6), year=year))
    out = publish(source, tmp_path / f"统计表.{ext}", force=True).out
    original, back = read_submission(source), read_submission(out)
    assert back.kind == "report" and back.format == fmt and back.year == year
    assert back.unit_name == original.unit_name
    assert back.values == original.values
    assert not [f for f in back.findings if f.severity != "info"]
