"""A report as plain text: what a clerk gets by saving the published page or document as .txt.

Three ways a table survives as text, told apart by the lines themselves:

- one cell a line, each cell line starting with a tab, a blank line after each row (Word's
  "save as plain text", as the seeds in ``../shared/seeds/`` are): merged cells collapse to
  one line, the lower part of a cell merged down is an empty cell line;
- tab-separated rows, one row a line (copied from a web page or a PDF, or OCR output);
- pipe-separated rows (``规章 | 0 | 0 | 0 |``, as Markdown writes a table);
- flowing text, as a PDF's text layer is copied out: a row's numbers at the end of a line,
  its label on that line and the lines before it.

Every other line is a paragraph. Rows are numbered by their line in the file (``第 120 行``),
which any text editor can jump to.
"""

from __future__ import annotations

import re

from .model import DocCell, DocRow, Document, Paragraph, line_place

MAX_TEXT_BYTES = 8 * 1024 * 1024  # a report as text is some 50 KB


def decode(data: bytes) -> str | None:
    """The text of a text file (UTF-8 with or without BOM, UTF-16 with BOM, GB18030), or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\0" in data[:4096]:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_text(text: str) -> Document:
    """The text's paragraphs and table rows, in order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document("txt")
    tabbed = sum(1 for line in lines if "\t" in line.lstrip("\t").rstrip("\t"))
    if tabbed >= 3:
        _rows_per_line(lines, doc, "\t")
    elif sum(1 for line in lines if line.startswith("\t")) >= 3:
        _cell_per_line(lines, doc)
    elif sum(1 for line in lines if line.strip() == "|") >= 3:
        _pipe_cells(lines, doc)
    elif _cell_then_pipe(lines):  # "规章 |" / "0 |": a page's table copied one cell a line
        doc.items.extend(cell_lines([line.strip().rstrip("|").strip() if line.strip().strip("|") else ""
                                     for line in lines]))
    elif sum(1 for line in lines if line.count("|") >= 2) >= 3:
        _rows_per_line(lines, doc, "|")
    elif _one_value_lines(lines):
        doc.items.extend(cell_lines(lines))
    else:
        _flowing(lines, doc)
    return doc


def _cell_then_pipe(lines: list[str]) -> bool:
    """Most lines one cell followed by ``|`` (a table copied from a page, one cell a line)."""
    filled = [line.strip() for line in lines if line.strip().strip("|")]
    ending = [line for line in filled if line.endswith("|") and line.count("|") == 1]
    return len(ending) >= 10 and len(ending) * 5 >= len(filled) * 3


def _one_value_lines(lines: list[str]) -> bool:
    """Each number on a line of its own (a web page's table copied as text), not a row's
    numbers on one line (a PDF's text)."""
    single = several = 0
    for line in lines:
        tokens = line.split()
        if len(tokens) == 1 and _VALUE.match(tokens[0]):
            single += 1
        elif len(tokens) >= 2 and all(_VALUE.match(t) for t in tokens[-2:]):
            several += 1
    return single >= 10 and several < 3


def _pipe_cells(lines: list[str], doc: Document) -> None:
    """A table as some pages are copied: a line ``|`` before each row, each cell on a line
    ending with `` |``; a blank cell is a ``|`` line too (the last ``|`` before a label starts
    the row)."""
    from .grid import is_label

    stripped = [line.strip() for line in lines]
    cells: list[DocCell] = []
    start = 0

    def end_row() -> None:
        nonlocal cells
        if cells:
            doc.items.append(DocRow(tuple(cells), line_place(start), 0))
            cells = []

    for i, text in enumerate(stripped):
        n = i + 1
        if not text:
            continue
        if text == "|":
            following = next((t for t in stripped[i + 1:] if t), "")
            if following != "|" and (not following or is_label(following.rstrip("|"))):
                end_row()
            else:
                start = start if cells else n  # a row's place: the line of its first cell
                cells.append(DocCell(""))
            continue
        if not text.endswith("|"):
            end_row()
            doc.items.append(Paragraph(_clean(text)))
            continue
        for piece in text.rstrip("|").split("|"):
            if piece.strip() or not cells:
                start = start if cells else n
                cells.append(DocCell(_clean(piece)))
    end_row()


_CAPTION = re.compile(r"^第.{1,5}条")


def cell_lines(lines: list[str]) -> list[DocRow | Paragraph]:
    """One cell a line, rows not marked (a web page's tables copied as text): a row is its
    label lines and the numbers after them, the label's numbered group lines kept with it
    (``三、本年度办理结果`` / ``（一）予以公开``); the other lines before it are a caption
    (``第二十条第（一）项``) or a header row."""
    from .grid import is_label, level

    items: list[DocRow | Paragraph] = []
    pending: list[tuple[int, str]] = []
    values: list[str] = []

    def close() -> None:
        if not values:
            return
        k = len(pending) - 1
        while k > 0 and level(pending[k - 1][1]) is not None and level(pending[k][1]) is not None:
            k -= 1
        head, labels = pending[:max(k, 0)], pending[max(k, 0):]
        header: list[tuple[int, str]] = []
        for n, text in head:
            if _CAPTION.match(text) or (level(text) == 0 and not header):
                if header:
                    items.append(DocRow(tuple(DocCell(t) for _, t in header), line_place(header[0][0]), 0))
                    header = []
                items.append(DocRow((DocCell(text),), line_place(n), 0))
            else:
                header.append((n, text))
        if header:
            items.append(DocRow(tuple(DocCell(t) for _, t in header), line_place(header[0][0]), 0))
        start = labels[0][0] if labels else 0
        cells = [DocCell(t) for _, t in labels] + [DocCell(v) for v in values]
        items.append(DocRow(tuple(cells), line_place(start), 0))
        pending.clear()
        values.clear()

    for n, line in enumerate(lines, start=1):
        text = _clean(line)
        if not text:
            continue
        if not is_label(text):  # a number, a blank mark, or what stands in a number's cell ("减4")
            values.append(text)
        else:
            close()
            pending.append((n, text))
    close()
    items.extend(Paragraph(t) for _, t in pending)
    return items


def _flowing(lines: list[str], doc: Document) -> None:
    doc.items.extend(flowing_lines(lines))


def flowing_lines(lines: list[str]) -> list[DocRow | Paragraph]:
    """Text as a PDF's text layer gives it: a row's numbers at the end of a line, separated by
    spaces; its label on that line or on the lines before it (a long label wraps, a group
    label stands one character a line); a header's headings on one line, by spaces."""
    from .grid import is_label

    items: list[DocRow | Paragraph] = []
    pending: list[tuple[int, str]] = []

    def flush() -> None:  # the line just before a header is its caption (第二十条第（五）项)
        items.extend(Paragraph(text) for _, text in pending[:-1])
        if pending:
            items.append(DocRow((DocCell(pending[-1][1]),), line_place(pending[-1][0]), 0))
        pending.clear()

    for n, line in enumerate(lines, start=1):
        text = _clean(line)
        if not text:
            continue
        tokens = _tokens(text)
        cut = len(tokens)
        while cut and not is_label(tokens[cut - 1]) and _VALUE.match(tokens[cut - 1]):
            cut -= 1
        lead, values = tokens[:cut], tokens[cut:]
        if values:
            start = pending[0][0] if pending else n
            label = "".join(t for _, t in pending) + "".join(lead)
            cells = ([DocCell(label)] if label else []) + [DocCell(v) for v in values]
            pending.clear()
            items.append(DocRow(tuple(cells), line_place(start), 0))
        elif len(tokens) >= 2 and all(is_label(t) for t in tokens):
            flush()
            items.append(DocRow(tuple(DocCell(t) for t in tokens), line_place(n), 0))
        else:
            pending.append((n, text))
    flush()
    return items


# a value as a PDF's text writes it: a number (signed, with a unit), a dash, 无
_VALUE = re.compile(r"^(?:[+\-]?\d[\d,]*(?:\.\d+)?(?:万元|元|万)?|[/\-—–_]+|无)$")
_UNIT_TOKEN = re.compile(r"^(?:万元|元|万)$")


def _tokens(text: str) -> list[str]:
    """The line's pieces by spaces, a unit kept with its number (``8.0056 万元``)."""
    out: list[str] = []
    for token in text.split():
        if out and _UNIT_TOKEN.match(token) and re.match(r"^[+\-]?\d", out[-1]):
            out[-1] += token
        else:
            out.append(token)
    return out


def _cell_per_line(lines: list[str], doc: Document) -> None:
    table = -1
    cells: list[DocCell] = []
    start = 0
    last_was_row = False

    def end_row() -> None:
        nonlocal cells, last_was_row
        if cells:
            doc.items.append(DocRow(tuple(cells), line_place(start), table))
            cells = []
            last_was_row = True

    for n, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            if not cells:
                start = n
                if not last_was_row:
                    table += 1
            cells.append(DocCell(_clean(line[1:])))
        elif not line.strip():
            end_row()
        elif cells:  # a cell's text broken over lines (商业 / 企业)
            cells[-1] = DocCell(f"{cells[-1].text} {_clean(line)}".strip())
        else:
            end_row()
            last_was_row = False
            doc.items.append(Paragraph(_clean(line)))
    end_row()


def _rows_per_line(lines: list[str], doc: Document, sep: str) -> None:
    table = -1
    last_was_row = False
    for n, line in enumerate(lines, start=1):
        body = line.strip()
        if sep == "|":
            body = body.strip("|")
        if sep in line and body:
            parts = [_clean(p) for p in (line.split(sep) if sep == "\t" else body.split(sep))]
            while parts and not parts[-1]:
                parts.pop()
            if parts:
                if not last_was_row:
                    table += 1
                doc.items.append(DocRow(tuple(DocCell(p) for p in parts), line_place(n), table))
                last_was_row = True
                continue
        if line.strip():
            doc.items.append(Paragraph(_clean(line)))
            last_was_row = False


def _clean(text: str) -> str:
    return text.replace("\u3000", " ").replace("\xa0", " ").replace("[bookmark: _GoBack]", "").strip()
