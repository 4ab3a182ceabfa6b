"""A published report, as its tables and its words: what every container is turned into.

``Document.items`` keeps the document's order: a paragraph (a line of text) or a table row.
A row is a tuple of ``DocCell``: its text, how many grid columns it spans (``colspan`` in
HTML, ``gridSpan`` in Word; 1 in text), and whether it continues a cell merged from the row
above (``rowspan``/``vMerge``: empty here, its text stands in the row where it starts).
``where`` says where a row is, in the document's own terms (``第 120 行``, ``表格 3 第 12 行``,
``第 2 页 表格 1 第 5 行``): findings point there, a document has no cell addresses. It is a
catalog ``Text``: Chinese as a string, shown in the language of the message that names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...i18n import N_, Text

LINE = N_("第 {row} 行")
TABLE_ROW = N_("表格 {table} 第 {row} 行")
ON_PAGE = N_("第 {page} 页 {place}")


def line_place(row: int) -> Text:
    """A line of a text file (1-based)."""
    return Text(LINE, row=row)


def table_row_place(table: int, row: int) -> Text:
    """A row of the document's ``table``-th table (both 1-based)."""
    return Text(TABLE_ROW, table=table, row=row)


def on_page(page: int, place: Text) -> Text:
    """``place`` on a page of a PDF (1-based)."""
    return Text(ON_PAGE, page=page, place=place)


@dataclass(frozen=True)
class DocCell:
    text: str
    span: int = 1
    continued: bool = False  # the lower part of a cell merged down: no text of its own
    above: str = ""  # ... and the text of the cell merged down over it (a number applies to every row it spans)


@dataclass(frozen=True)
class DocRow:
    cells: tuple[DocCell, ...]
    where: Text
    table: int  # the document's table this row belongs to (0-based; text: a run of rows)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass
class Document:
    """A report's content in reading order; ``container`` is txt, html, docx or pdf."""

    container: str
    items: list[DocRow | Paragraph] = field(default_factory=list)

    @property
    def rows(self) -> list[DocRow]:
        return [i for i in self.items if isinstance(i, DocRow)]

    @property
    def paragraphs(self) -> list[str]:
        return [i.text for i in self.items if isinstance(i, Paragraph)]

    def text_lines(self) -> list[str]:
        """Every paragraph, and every row as its cells joined: the document's own words."""
        out: list[str] = []
        for item in self.items:
            if isinstance(item, Paragraph):
                out.append(item.text)
            else:
                out.append(" ".join(c.text for c in item.cells if c.text))
        return out
