"""The published annual report as a submission: .txt, .html/.htm, .docx and .pdf.

``document_type(data, sniffed)`` says whether the bytes are a document we read (from the
bytes, never the name); ``open_document(data, kind)`` parses it, within bounds, into a
``DocBook`` that the workbook reader searches like a workbook (``grid.py``), or raises
``Unreadable`` with a FILE-* code. One module per container: ``text``, ``html``, ``docx``,
``pdf``; ``identity`` finds the unit and the year in the document's words.
"""

from __future__ import annotations

from ...i18n import Msg
from ..archive import LINES, ROW_CELLS, TABLE_ROWS, Unreadable, checked_zip
from .docx import DOCUMENT_PART
from .grid import DocBook
from .identity import unit_and_year
from .model import Document

__all__ = ["CONTAINERS", "DocBook", "Document", "document_type", "open_document", "unit_and_year"]

CONTAINERS = ("txt", "html", "docx", "pdf")
MAX_ROWS = 20_000  # table rows in one document (a report has about a hundred)
MAX_CELLS = 200  # cells in one row (the widest official table has 16)
MAX_LINES = 20_000  # lines of a text report (the seeds have at most 600)

_DOCX_PART = DOCUMENT_PART.encode()


def document_type(data: bytes, sniffed: str) -> str | None:
    """txt, html, docx or pdf when the bytes are such a document, else None."""
    kind = _container(data, sniffed)
    return kind if kind in CONTAINERS else None


def _container(data: bytes, sniffed: str) -> str | None:
    if sniffed == "zip":
        if _DOCX_PART not in data:
            return None
        try:  # the part named in the zip's own directory (not a member's bytes inside a bundle)
            return "docx" if DOCUMENT_PART in checked_zip(data).infos else None
        except Unreadable:
            return None  # the workbook reader says why (too large, damaged, encrypted)
    if sniffed == "FILE-PDF":
        return "pdf"
    if sniffed == "FILE-HTML":
        return "html"
    if sniffed in ("FILE-CSV", "FILE-UNKNOWN"):
        from .text import decode

        text = decode(data[:65536])
        if text is not None and not text.lstrip("\ufeff \t\r\n").startswith("<"):
            return "txt"
        if text is not None and "<table" in text.lower():
            return "html"
    return None


def open_document(data: bytes, kind: str) -> DocBook:
    """The document's tables laid out for the reader; ``Unreadable`` when it cannot be read."""
    document: Document
    if kind == "txt":
        from .text import MAX_TEXT_BYTES, decode, parse_text

        if len(data) > MAX_TEXT_BYTES:
            raise Unreadable("FILE-TOO-LARGE", f"{len(data) // (1024 * 1024)} MB")
        text = decode(data)
        if text is None:
            raise Unreadable("FILE-UNKNOWN")
        lines = text.count("\n")
        if lines > MAX_LINES:  # before parsing: a report's text is some 600 lines
            raise Unreadable("FILE-TOO-LARGE", Msg(LINES, {"lines": lines}))
        document = parse_text(text)
    elif kind == "html":
        from .html import parse_html

        document = parse_html(data)
    elif kind == "docx":
        from .docx import parse_docx

        document = parse_docx(data)
    elif kind == "pdf":
        from .pdf import parse_pdf

        document = parse_pdf(data)
    else:  # pragma: no cover - document_type gives only these
        raise ValueError(kind)
    _check_bounds(document)
    return DocBook(document)


def _check_bounds(document: Document) -> None:
    rows = document.rows
    if len(rows) > MAX_ROWS:
        raise Unreadable("FILE-TOO-LARGE", Msg(TABLE_ROWS, {"rows": len(rows)}))
    widest = max((len(r.cells) for r in rows), default=0)
    if widest > MAX_CELLS:
        raise Unreadable("FILE-TOO-LARGE", Msg(ROW_CELLS, {"cells": widest}))
