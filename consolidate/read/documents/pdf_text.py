"""A PDF page whose tables draw no ruling lines (Word and WPS exports often draw none, or
pdfplumber finds none): its tables read from where its words stand.

A table is column-aligned text under the tables' headings, not any line that ends with a
number: a report's narrative (“…公开政府常务会议 7”) and its page numbers (“- 2 -”) are not
rows. So:

- the page's furniture is left out first: a page number or a running line in the top or
  bottom margin (“- 2 -”, “第 2 页 共 5 页”);
- the tables are looked for only between the heading of 表二 (二、主动公开政府信息情况) and the
  next section (五、…); a document without those headings is searched whole;
- words on one line join into a segment when they nearly touch (a label with its spaces, a
  sentence), a segment standing apart from the next by a column's gap is a cell; a stack of
  single characters (a vertical 三、本年度办理结果) is one label;
- a row is a line whose last cells are numbers standing apart (column-aligned): its label is
  the text left of its numbers on that line and on the lines around it nearest to it (a label
  wrapped over two lines, a group label centred on its rows), each label column a cell;
- the lines just above a table's first row whose words stand over its number columns are its
  header: each heading goes to the column it stands over (stacked pieces ``商业``/``企业`` joined),
  a heading with others under it is a group (one header row per level of groups), the
  label-side text there is the corner;
- a table split over pages goes on on the next page (its rows stand under one another in the
  laid-out sheet, ``grid.lay_out``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .model import DocCell, DocRow, Paragraph, line_place, on_page

MARGIN = 0.08  # of the page's height: where page numbers and running lines stand
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?[-—–－\s]*$")
_VALUE = re.compile(r"^(?:[+\-]?\d[\d,]*(?:\.\d+)?(?:万元|元|万)?|[/\-—–_]+|无)$")
_SECTION = re.compile(r"^[一二三四五六七八九十]{1,2}、")
_CAPTION = re.compile(r"^第.{1,5}条")
_TABLES_START = "主动公开政府信息情况"  # 表二's heading (both formats): the tables begin
_TABLES_END = re.compile(r"^[五六七八九]、")  # the next section after 表四: they have ended
# the three tables' titles (二、三、四、 before them): a heading, not a group label (三、本年度办理结果)
_TITLES = ("主动公开政府信息", "收到和处理政府信息公开申请", "行政复议")
JOIN = 0.45  # of a character's height: words closer than this on a line are one segment
MAX_SEGMENTS = 3000  # pieces of text on one page read for tables (a report's page has some 300)
STACK_SCAN = 200  # segments after a piece looked at for the next piece of its stack (a hostile page: bounded)
NEAR = 2.2  # of a character's height: how far from its row's numbers a label line may stand


@dataclass
class Seg:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    margin: bool = False  # a line in the page's top or bottom margin (a running header or footer?)

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def page_segments(page: Any) -> list[Seg]:
    """The page's words joined into segments, the margins' page numbers left out."""
    words = [Seg(w["x0"], w["x1"], w["top"], w["bottom"], w["text"]) for w in page.extract_words()]
    height = float(page.height)
    lines = _lines(words)
    kept: list[Seg] = []
    for line in lines:
        text = "".join(w.text for w in line)
        in_margin = line[0].bottom < height * MARGIN or line[0].top > height * (1 - MARGIN)
        if in_margin and (_PAGE_NUMBER.match(text) or len(_fold(text)) <= 2):
            continue  # “- 2 -”, “第 2 页”: the page's furniture
        for seg in _join(line):
            seg.margin = in_margin
            kept.append(seg)
    return _stacks(kept)


def drop_running_lines(pages: list[list[Seg]]) -> list[list[Seg]]:
    """The pages without their running headers and footers: a margin's text that stands in the
    margin of two pages or more (the unit's name, the report's title over every page)."""
    seen: dict[str, int] = {}
    for segs in pages:
        for text in {_fold(s.text) for s in segs if s.margin}:
            seen[text] = seen.get(text, 0) + 1
    running = {text for text, n in seen.items() if n >= 2}
    return [[s for s in segs if not (s.margin and _fold(s.text) in running)] for segs in pages]


def _lines(words: list[Seg]) -> list[list[Seg]]:
    """Words on one line (their middles within a third of their height), left to right."""
    out: list[list[Seg]] = []
    for w in sorted(words, key=lambda w: (w.mid, w.x0)):  # a tall stack (a vertical label) stands alone
        if out and abs(out[-1][0].mid - w.mid) <= min(out[-1][0].height, w.height) / 3:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in out]


def _join(line: list[Seg]) -> list[Seg]:
    out: list[Seg] = []
    for w in line:
        last = out[-1] if out else None
        if last is not None and w.x0 - last.x1 < JOIN * min(last.height, w.height) and not (
                _VALUE.match(w.text) and _VALUE.match(last.text)):
            joint = "" if _cjk(last.text[-1]) or _cjk(w.text[0]) else " "
            out[-1] = Seg(last.x0, w.x1, min(last.top, w.top), max(last.bottom, w.bottom), last.text + joint + w.text)
        else:
            out.append(Seg(w.x0, w.x1, w.top, w.bottom, w.text))
    return out


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _stacks(segs: list[Seg]) -> list[Seg]:
    """Short pieces standing one under the other in one column (a vertical label one character
    a line, a heading ``商业``/``企业`` broken in its cell): one segment, read top to bottom."""
    segs = sorted(segs, key=lambda s: (s.top, s.x0))
    used = [False] * len(segs)
    out: list[Seg] = []
    for i, s in enumerate(segs):
        if used[i]:
            continue
        used[i] = True
        if len(_fold(s.text)) > 4 or _VALUE.match(s.text):
            out.append(s)
            continue
        merged = s
        for j in range(i + 1, min(len(segs), i + STACK_SCAN)):
            t = segs[j]
            if used[j] or t.top - merged.bottom > JOIN * t.height:
                if not used[j] and t.top - merged.bottom > JOIN * t.height and t.top > merged.bottom + 2 * t.height:
                    break
                continue
            overlap = min(merged.x1, t.x1) - max(merged.x0, t.x0)
            if overlap >= 0.5 * min(merged.x1 - merged.x0, t.x1 - t.x0) and len(_fold(t.text)) <= 4 \
                    and not _VALUE.match(t.text) and t.top >= merged.bottom - 1:
                merged = Seg(min(merged.x0, t.x0), max(merged.x1, t.x1), merged.top, t.bottom, merged.text + t.text)
                used[j] = True
        out.append(merged)
    return out


class Region:
    """Whether the reading is between 表二's heading and the section after 表四 (page to page)."""

    def __init__(self, whole: bool) -> None:
        self.whole = whole  # no such headings in the document: every page is searched
        self.inside = whole

    def see(self, text: str) -> None:
        folded = _fold(text)
        if _TABLES_START in folded[:20] and _SECTION.match(folded):
            self.inside = True
        elif _TABLES_END.match(folded) and not self.whole:
            self.inside = False


def has_headings(texts: list[str]) -> bool:
    return any(_TABLES_START in _fold(t)[:20] and _SECTION.match(_fold(t)) for t in texts)


@dataclass
class Line:
    number: int  # on the page, 1-based: where findings point
    cells: list[Seg]

    @property
    def top(self) -> float:
        return min(c.top for c in self.cells)

    @property
    def mid(self) -> float:
        return (self.top + max(c.bottom for c in self.cells)) / 2

    @property
    def height(self) -> float:
        return max(c.height for c in self.cells)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


def page_items(segs: list[Seg], number: int, table: int, region: Region) -> tuple[list[DocRow | Paragraph], int]:
    """The page's paragraphs and table rows in reading order; the next table number."""
    items: list[DocRow | Paragraph] = []
    pending: list[Line] = []  # lines inside the tables' part, read together

    def flush() -> None:
        nonlocal table
        if pending:
            rows, table = _table_items(pending, number, table, region.whole)
            items.extend(rows)
            pending.clear()

    crowded = len(segs) > MAX_SEGMENTS  # not a report's page (some 300 pieces): its words, no table
    for k, cells in enumerate(_lines(segs), start=1):
        line = Line(k, [c for c in cells if c.text.strip()])
        if not line.cells:
            continue
        if crowded:
            items.append(Paragraph(line.text))
            continue
        before = region.inside
        region.see(line.text)
        if not region.inside or not before:
            flush()
            items.append(Paragraph(line.text))
            continue
        pending.append(line)
    flush()
    return items, table


def _is_row(cells: list[Seg], strict: bool) -> bool:
    """Numbers standing apart at the end of the line (a sentence's last number joins its words,
    ``_join``); one number after a label must stand a column's gap apart where the tables'
    part is not known by its headings (``strict``)."""
    values = 0
    for s in reversed(cells):
        if not _VALUE.match(s.text):
            break
        values += 1
    return values >= 1 and (values >= 2 or values == len(cells) or not strict or _apart(cells, len(cells) - values))


def _apart(cells: list[Seg], first_value: int) -> bool:
    before, value = cells[first_value - 1], cells[first_value]
    return value.x0 - before.x1 >= 2 * value.height


def _heading(seg: Seg) -> bool:
    """A section's heading (三、收到和处理…) or a sub-table's caption (第二十条第（五）项), written
    across the page: not a group label standing one character a line."""
    if seg.x1 - seg.x0 < seg.height:
        return False
    folded = _fold(seg.text)
    return bool((_SECTION.match(folded) and any(t in folded for t in _TITLES)) or _CAPTION.match(folded))


def _table_items(lines: list[Line], number: int, table: int, strict: bool) -> tuple[list[DocRow | Paragraph], int]:
    rows = [i for i, line in enumerate(lines) if _is_row(line.cells, strict)]
    if not rows:
        return [_text_item(line.cells, number, line.number, table) for line in lines], table
    starts: dict[int, float] = {}  # a row -> where its numbers begin
    for i in rows:
        cells = lines[i].cells
        first = next(j for j in range(len(cells)) if all(_VALUE.match(s.text) for s in cells[j:]))
        starts[i] = cells[first].x0
    labels: dict[int, list[Seg]] = {i: [s for s in lines[i].cells if s.x1 <= starts[i]] for i in rows}
    headers: dict[int, list[Seg]] = {}  # the first row of a table -> the header over it
    loose: list[tuple[int, Seg]] = []
    placed: list[tuple[int, int, DocRow | Paragraph]] = []  # (line number, order, item)
    for i, line in enumerate(lines):
        if i in starts:
            continue
        if any(_heading(s) for s in line.cells):
            placed.append((line.number, 0, _text_item(line.cells, number, line.number, table)))
            continue
        below = next((r for r in rows if r > i), None)
        if below is not None and not any(any(_heading(s) for s in lines[k].cells) for k in range(i + 1, below)) \
                and (_over_numbers(line.cells, starts[below]) or below in headers):
            headers.setdefault(below, []).extend(line.cells)
            continue
        loose.extend((i, s) for s in line.cells)
    for r, segs in headers.items():  # label-side text among a header's lines: its corner
        top = min(s.top for s in segs)
        corner = [(i, s) for i, s in loose if top <= s.mid < lines[r].top - lines[r].height / 2 and s.x1 <= starts[r]]
        headers[r] = segs + [s for _, s in corner]
        loose = [item for item in loose if item not in corner]
    for i, s in loose:
        near = _nearest_row(s, rows, lines, headers)
        if near is None:
            placed.append((lines[i].number, 0, _text_item([s], number, lines[i].number, table)))
        else:
            labels[near].append(s)
    for r in rows:
        if r in headers:
            table += 1
            for k, row in enumerate(_header_rows(headers[r], lines, r, rows, starts, headers, number, table)):
                placed.append((lines[r].number, k - 100, row))
        values = [DocCell(s.text) for s in lines[r].cells if s.x0 >= starts[r]]
        where = on_page(number, line_place(lines[r].number))
        placed.append((lines[r].number, 0, DocRow(tuple(_label_cells(labels[r]) + values), where, table)))
    placed.sort(key=lambda t: (t[0], t[1]))
    return [item for _, _, item in placed], table + 1


def _text_item(cells: list[Seg], number: int, line: int, table: int) -> DocRow | Paragraph:
    text = " ".join(s.text for s in cells)
    if _CAPTION.match(_fold(text)):  # 第二十条第（五）项: the caption over a sub-table
        return DocRow((DocCell(text),), on_page(number, line_place(line)), table)
    return Paragraph(text)


def _over_numbers(cells: list[Seg], start: float) -> bool:
    return any(s.x1 > start + 1 and not _VALUE.match(s.text) for s in cells)


def _nearest_row(s: Seg, rows: list[int], lines: list[Line], headers: dict[int, list[Seg]]) -> int | None:
    """The row whose numbers stand nearest the label piece, within ``NEAR`` of its height, not
    across a table's header."""
    best, distance = None, NEAR * s.height
    for r in rows:
        d = abs(lines[r].mid - s.mid)
        if d < distance and not (r in headers and lines[r].mid > s.mid):
            best, distance = r, d
    return best


def _label_cells(segs: list[Seg]) -> list[DocCell]:
    """A row's label pieces as cells: pieces one over the other (a wrapped label) are one cell,
    read top to bottom; cells left to right."""
    columns: list[list[Seg]] = []
    for s in sorted(segs, key=lambda s: s.x0):
        for col in columns:  # over one another, or run on within a character's width (反复 申请)
            if any(min(s.x1, c.x1) - max(s.x0, c.x0) > -c.height for c in col if abs(c.mid - s.mid) < c.height
                   ) or any(min(s.x1, c.x1) - max(s.x0, c.x0) > 0 for c in col):
                col.append(s)
                break
        else:
            columns.append([s])
    return [DocCell("".join(c.text for c in sorted(col, key=lambda c: c.top))) for col in columns]


def _header_rows(segs: list[Seg], lines: list[Line], first: int, rows: list[int], starts: dict[int, float],
                 headers: dict[int, list[Seg]], number: int, table: int) -> list[DocRow]:
    """A table's header from the headings standing over its number columns: one row per level
    of groups (a heading with others under it), then the leaves; each heading at the column it
    stands over, the label-side text as the corner."""
    after = [r for r in rows if r > first]
    end = next((r for r in after if r in headers), None)
    own = [first] + [r for r in after if end is None or r < end]
    widest = max(own, key=lambda r: sum(1 for s in lines[r].cells if s.x0 >= starts[r]))
    centers = [(s.x0 + s.x1) / 2 for s in lines[widest].cells if s.x0 >= starts[widest]]
    start = starts[widest]
    labelled = any(s.x1 <= starts[r] for r in own for s in lines[r].cells)
    corner = sorted((s for s in segs if s.x1 <= start + 1), key=lambda s: s.top)
    heads = [s for s in segs if s.x1 > start + 1]
    groups = [h for h in heads if any(o is not h and o.top >= h.bottom - 1
                                      and min(o.x1, h.x1) - max(o.x0, h.x0) > 0 for o in heads)]
    leaves = [h for h in heads if h not in groups]
    levels: list[list[Seg]] = []
    for g in sorted(groups, key=lambda g: g.top):
        if levels and abs(levels[-1][0].top - g.top) <= g.height / 2:
            levels[-1].append(g)
        else:
            levels.append([g])
    where = on_page(number, line_place(lines[first].number))
    out: list[DocRow] = []
    for k, level in enumerate([*levels, leaves]):
        texts = [""] * len(centers)
        for h in sorted(level, key=lambda h: (h.top, h.x0)):
            col = min(range(len(centers)), key=lambda c: abs(centers[c] - (h.x0 + h.x1) / 2))
            texts[col] += h.text
        cells = _spanned(texts)
        if labelled:
            cells.insert(0, DocCell("".join(c.text for c in corner) if k == 0 else ""))
        out.append(DocRow(tuple(cells), where, table))
    return out


def _spanned(texts: list[str]) -> list[DocCell]:
    """A header row's headings, each spanning the empty columns after it (and an empty cell
    before the first): a row of labels only, laid out by its spans (``grid._place_header``)."""
    cells: list[DocCell] = []
    for text in texts:
        if text or not cells:
            cells.append(DocCell(text))
        else:
            cells[-1] = DocCell(cells[-1].text, cells[-1].span + 1)
    return cells
