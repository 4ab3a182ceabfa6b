"""The locator's tolerance for labels as retyped tables and OCR leave them, the same for a
workbook and a published report: a label cut short (at least six characters and half of it,
or eight) or with one or two characters wrong in a long label is a LABEL-TYPO warning and the
numbers are read; a different label of the same length is not that row (ROW-MISSING there, the
other rows read)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import balanced_values, submission

from consolidate.read import read_submission
from consolidate.spec import load_spec


def read(tmp_path: Path, data: bytes, name: str = "unit.xlsx"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return read_submission(path)


@pytest.mark.parametrize(("label", "written"), [
    ("2.没有现成信息需要另行制作", "2.没有现成信息"),  # cut where the cell ended
    ("5.要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）部分公开（区分处理的，只度办计这一情形，不计其他情形）"),
    ("4.保护第三方合法权益", "4.保护第三方合果法权益"),
])
def test_a_cut_or_garbled_label_is_a_typo_and_the_numbers_are_read(tmp_path: Path, label: str, written: str) -> None:
    values = balanced_values("v2021", seed=31)
    result = read(tmp_path, submission(values=values, relabel={label: written}))
    assert result.values == values
    typos = [f for f in result.findings if f.code == "LABEL-TYPO"]
    assert [(f.expected, f.found, f.severity) for f in typos] == [(label, written, "warning")]


@pytest.mark.parametrize(("label", "written"), [
    ("（一）予以公开", "（一）同意公开"),  # two characters of seven: another label
    ("2.重复申请", "2.重复"),  # too short to be a cut label
    ("4.保护第三方合法权益", "4.保护第三方利益受损"),
])
def test_another_label_is_not_that_row_and_the_other_rows_are_read(tmp_path: Path, label: str, written: str) -> None:
    """Row by row (``read/align.py``): a row whose label is another text is not taken for the
    row it replaces; that row is not found (an error at it, its cells not read) and every
    other row of the table is read."""
    values = balanced_values("v2021", seed=7)
    result = read(tmp_path, submission(values=values, relabel={label: written}))
    assert [(f.code, f.expected, f.severity) for f in result.findings] == [("ROW-MISSING", label, "error")]
    row = next(c.row for c in load_spec("v2021").cells if c.row_label == label)
    assert result.values is not None
    assert {k for k in values if k not in result.values} == {k for k in values if k.split(".")[1] == row}
    spec = load_spec("v2021")  # a total holding its formula is the sum of the rows read (as Excel shows it)
    assert all(result.values[k] == v for k, v in values.items() if k in result.values and not spec.cell(k).is_total)


def test_blank_dash_and_none_cells_of_a_page_are_findings_at_their_row(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>{label}</td><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for label, a, b, c in [
        ("规章", "—", "无", "&nbsp;"), ("行政规范性文件", "1", "0", "3")])
    page = ("<html><body><h1>2022年示例县教育局政府信息公开工作年度报告</h1><table>"
            "<tr><td colspan='4'>第二十条第（一）项</td></tr>"
            "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
            f"{rows}</table><table>"
            "<tr><td colspan='2'>第二十条第（五）项</td></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
            "<tr><td>行政许可</td><td>0</td></tr>"
            "<tr><td colspan='2'>第二十条第（六）项</td></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
            "<tr><td>行政处罚</td><td>0</td></tr><tr><td>行政强制</td><td>0</td></tr>"
            "<tr><td colspan='2'>第二十条第（八）项</td></tr><tr><td>信息内容</td><td>本年收费金额（单位：万元）</td></tr>"
            "<tr><td>行政事业性收费</td><td>0</td></tr></table></body></html>")
    result = read(tmp_path, page.encode(), "报告.html")
    assert result.kind == "report" and result.unit_name == "示例县教育局" and result.year == 2022
    assert result.values is not None and result.values["t2.normative.in_force"] == 3
    found = {(f.key, f.code, f.cell) for f in result.findings if f.sheet == "表二" and f.key}
    assert found == {("t2.regulation.issued", "CELL-DASH", "表格 1 第 3 行"),
                     ("t2.regulation.repealed", "CELL-DASH", "表格 1 第 3 行"),
                     ("t2.regulation.in_force", "CELL-BLANK", "表格 1 第 3 行")}


@pytest.mark.parametrize(("label", "written"), [("（一）予以公开", "予以公开"), ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量")])
def test_a_label_without_its_numbering_is_that_label(tmp_path: Path, label: str, written: str) -> None:
    """A retyped table that drops the numbering (a Markdown conversion writes “予以公开” under a
    heading “(一) 予以公开”): the row is that row, a typo, and every number is read."""
    values = balanced_values("v2021", seed=13)
    result = read(tmp_path, submission(values=values, relabel={label: written}))
    assert result.values == values
    assert [(f.code, f.expected, f.found) for f in result.findings] == [("LABEL-TYPO", label, written)]
