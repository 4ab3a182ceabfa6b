"""A PDF page without ruling lines, read from where its words stand (read/documents/pdf_text.py,
issue 16 point 2): the narrative's lines that end with a number are not rows, the page numbers
and a running header are left out, the table under its heading is read row by row, its header
by the columns its headings stand over. Pages are made of words with their positions, as
pdfplumber's ``extract_words`` gives them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consolidate.read.documents.model import DocRow, Paragraph
from consolidate.read.documents.pdf_text import Region, drop_running_lines, page_items, page_segments

H = 10.0  # a character's height and width, in points


@dataclass
class Page:
    height: float = 842.0
    words: list[dict[str, Any]] = field(default_factory=list)

    def put(self, x: float, top: float, text: str) -> Page:
        self.words.append({"x0": x, "x1": x + H * len(text), "top": top, "bottom": top + H, "text": text})
        return self

    def extract_words(self) -> list[dict[str, Any]]:
        return self.words


def page_one() -> Page:
    page = Page().put(200, 30, "示例县教育局年度报告")  # a running header, in the top margin
    page.put(80, 100, "一、总体情况")
    page.put(80, 120, "全年公开政府常务会议").put(183, 120, "7")  # a sentence's last number, a space before it
    page.put(80, 140, "二、主动公开政府信息情况")
    page.put(200, 170, "第二十条第（一）项")
    page.put(90, 200, "信息内容").put(250, 200, "本年制发件数").put(350, 200, "本年废止件数").put(450, 200, "现行有效件数")
    for top, label, values in ((230, "规章", ("0", "0", "0")), (260, "行政规范性文件", ("3", "0", "8"))):
        page.put(90, top, label)
        for x, value in zip((280, 380, 480), values, strict=True):
            page.put(x, top, value)
    return page.put(290, 800, "-").put(300, 800, "1").put(310, 800, "-")  # the page number, in the footer


def page_two() -> Page:
    return Page().put(200, 30, "示例县教育局年度报告").put(80, 100, "五、存在的主要问题及改进情况").put(
        80, 120, "全年办理建议提案").put(163, 120, "12")


def read(*pages: Page) -> list[DocRow | Paragraph]:
    segs = drop_running_lines([page_segments(p) for p in pages])
    region, out, table = Region(whole=False), [], 0
    for number, page in enumerate(segs, start=1):
        items, table = page_items(page, number, table, region)
        out.extend(items)
    return out


def shown(items: list[DocRow | Paragraph]) -> list[object]:
    return [[c.text for c in i.cells] if isinstance(i, DocRow) else i.text for i in items]


def test_the_table_under_its_heading_is_read_and_nothing_else() -> None:
    assert shown(read(page_one(), page_two())) == [
        "一、总体情况",
        "全年公开政府常务会议7",  # not a row: its number is the sentence's
        "二、主动公开政府信息情况",
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "3", "0", "8"],
        "五、存在的主要问题及改进情况",  # the tables' part has ended: numbers are words again
        "全年办理建议提案12",
    ]


def test_a_number_standing_apart_in_the_narrative_is_no_row_outside_the_tables_part() -> None:
    page = Page().put(80, 100, "一、总体情况").put(80, 120, "受理申请").put(400, 120, "17")
    assert all(isinstance(i, Paragraph) for i in read(page))


def test_a_running_header_on_one_page_only_is_kept() -> None:
    texts = [i.text for i in read(Page().put(200, 30, "示例县教育局年度报告")) if isinstance(i, Paragraph)]
    assert texts == ["示例县教育局年度报告"]
