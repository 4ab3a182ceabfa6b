"""A report as a web page (.html/.htm), as government site CMSs write them.

lxml's HTML parser (libxml2, already there for python-docx) reads the tag soup CMSs produce
(unclosed cells, ``<p><span>`` pieces in a cell, ``&nbsp;``, a GBK page with its charset in a
``<meta>``) quickly and without fetching anything; a page over ``MAX_HTML_BYTES`` is refused
before parsing. Each ``<table>`` gives its own rows (a nested table its own, after its
parent's), ``colspan`` and ``rowspan`` are kept (a cell merged down leaves an empty
continuation in the rows below), ``<br>`` and the pieces of a cell join with a space
(``商业<br>企业``). Text outside tables (the title, section headings) gives paragraphs.
"""

from __future__ import annotations

import re
from typing import Any

from ...i18n import Msg
from ..archive import HTML_DAMAGED, TABLE_ROWS, Unreadable
from .model import DocCell, DocRow, Document, Paragraph, table_row_place

MAX_HTML_BYTES = 8 * 1024 * 1024  # a report's page is some 100 KB
MAX_TABLE_ROWS = 20_000
MAX_SPAN = 64  # colspan / rowspan beyond this are a broken or hostile page
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "title", "div", "section", "article", "td", "th")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_SPACES = re.compile(r"[\s\u3000\xa0]+")


def decode_html(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:4096])
    encoding = m.group(1).decode("ascii").lower() if m else "gb18030"
    if encoding in ("gb2312", "gbk", "x-gbk"):
        encoding = "gb18030"
    try:
        return data.decode(encoding, "replace")
    except LookupError:
        return data.decode("gb18030", "replace")


def _text(element: object) -> str:
    """An element's text without its nested tables, pieces and lines joined by a space."""
    parts: list[str] = []

    def walk(el: Any) -> None:  # an lxml element
        if el.text:
            parts.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and child.tag.lower() not in ("table", "script", "style"):
                if child.tag.lower() in ("br", "p", "div", "li"):
                    parts.append(" ")
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)  # type: ignore[arg-type]
    return _SPACES.sub(" ", "".join(parts)).strip()


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip().rstrip(";")), MAX_SPAN))
    except ValueError:
        return 1


def parse_html(data: bytes) -> Document:
    if len(data) > MAX_HTML_BYTES:
        raise Unreadable("FILE-TOO-LARGE", f"{len(data) // (1024 * 1024)} MB")
    rows = data.count(b"<tr") + data.count(b"<TR")
    if rows > MAX_TABLE_ROWS:  # counted before parsing: a report has about a hundred
        raise Unreadable("FILE-TOO-LARGE", Msg(TABLE_ROWS, {"rows": rows}))
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(decode_html(data), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise Unreadable("FILE-HTML", Msg(HTML_DAMAGED)) from exc
    doc = Document("html")
    tables = 0
    for el in root.iter("table", *_BLOCKS):
        tag = el.tag.lower()
        if tag == "table":
            _table(el, tables, doc)
            tables += 1
        elif el.xpath("ancestor::table") or tag in ("td", "th"):
            continue
        elif tag in ("div", "section", "article") and el.xpath(".//table|.//p|.//div|.//h1|.//h2|.//h3|.//li"):
            continue  # a container: its blocks speak for themselves
        else:
            text = _text(el)
            if text:
                doc.items.append(Paragraph(text))
    return doc


def _table(table: object, number: int, doc: Document) -> None:
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")  # type: ignore[attr-defined]
    below: dict[int, tuple[int, int, str]] = {}  # column -> (rows still covered, span, text) of a cell merged down
    for r, tr in enumerate(rows):
        cells: list[DocCell] = []
        col = 0
        for td in tr.xpath("./td|./th"):
            col = _continuations(cells, below, col)
            span = _span(td.get("colspan"))
            down = _span(td.get("rowspan"))
            text = _text(td)
            cells.append(DocCell(text, span))
            if down > 1:
                below[col] = (down - 1, span, text)
            col += span
        _continuations(cells, below, col)
        if cells:
            doc.items.append(DocRow(tuple(cells), table_row_place(number + 1, r + 1), number))


def _continuations(cells: list[DocCell], below: dict[int, tuple[int, int, str]], col: int) -> int:
    """The empty continuations of cells merged down from above, from ``col`` on; the next column."""
    while col in below:
        left, span, text = below[col]
        cells.append(DocCell("", span, continued=True, above=text))
        if left > 1:
            below[col] = (left - 1, span, text)
        else:
            del below[col]
        col += span
    return col
