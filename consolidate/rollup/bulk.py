"""Many number cells at once: appended to a worksheet's XML after xlsxwriter has written it.

分单位明细 holds one number per unit and statistical cell: 2,000,000 cells for a province
of 10,000 units. Through ``write_number`` each costs about 15 µs (30 s in all); written
here as XML text, about 1 µs. xlsxwriter writes everything else of the sheet (labels,
merged header, the row's text cells, the total row's formulas, one row of numbers so that
each number format has its style index), then ``fill`` appends the remaining rows' numbers
to their ``<row>`` elements, after the text cells of columns A.. (cells stay in column
order), and drops those rows' optional ``spans`` hint. The package is rewritten entry by
entry with the same names, dates and compression, so the bytes stay reproducible.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

_SPANS = re.compile(rb' spans="[^"]*"')
_NOT_FINITE = frozenset({"NAN", "INF", "-INF"})
FILLED_LEVEL = 1  # zlib level for the filled sheet: level 6 takes 4x longer for 10% less


@dataclass
class PendingCells:
    """Numbers to add to one worksheet: per row (0-based), values from ``first_col`` on."""

    sheet_index: int  # the worksheet's position in the workbook (xlsxwriter's ``index``)
    first_col: int
    formats: Sequence[Format]  # one per column; each must have been used by a written cell
    rows: list[tuple[int, Sequence[float]]] = field(default_factory=list)

    def add(self, row: int, values: Sequence[float]) -> None:
        self.rows.append((row, values))


class _Shown(dict[float, str]):
    """A number as the sheet shows it, formatted on first sight."""

    def __missing__(self, value: float) -> str:
        shown = self[value] = f"{value:.16G}"
        return shown


def _row_xml(pending: PendingCells) -> Callable[[int], bytes | None]:
    """The XML of one pending row's numbers, by its row number (1-based), made when asked: a
    province's 2,000,000 cells are never held as text all at once."""
    # The style index xlsxwriter gave each format when a written cell used it (a format equal
    # to another shares that one's index, which only the private ``_get_xf_index`` knows). Kept
    # for a measured gain: the whole summary is written 4.3x faster at 1,000 units and 6.4x at
    # 5,000 than with ``write_number`` for every number (benchmarks/bulk_detail.py, 2026-12-02).
    styles = [f._get_xf_index() for f in pending.formats]
    heads = [f'<c r="{xl_col_to_name(pending.first_col + j)}' for j in range(len(styles))]
    tails = [f'" s="{s}"><v>' for s in styles]
    # a row's text is these pieces interleaved: head, number, tail, value, then the next cell's
    # "</v></c>" + head (joined in C: no Python per cell when every value is finite)
    closes = [*("</v></c>" + h for h in heads[1:]), "</v></c>"]
    text = _Shown()  # numbers repeat (small counts, zeros): format each once
    rows = {row + 1: values for row, values in pending.rows}

    def render(number: int) -> bytes | None:
        values = rows.pop(number, None)
        if values is None:
            return None
        shown = list(map(text.__getitem__, values))
        if heads and _NOT_FINITE.isdisjoint(shown):
            label = str(number)
            return "".join((heads[0], *chain.from_iterable(zip(repeat(label), tails, shown, closes)))).encode("utf-8")
        parts = [f"{h}{number}{t}{v}</v></c>" for h, t, v in zip(heads, tails, shown, strict=True)
                 if v not in _NOT_FINITE]
        return "".join(parts).encode("utf-8")

    render.left = rows  # type: ignore[attr-defined]
    return render


def _fill_sheet(xml: bytes, cells: Callable[[int], bytes | None]) -> Iterator[bytes]:
    """``xml`` with ``cells(n)`` appended to the content of each ``<row r="n">`` (before its
    ``</row>``), piece by piece."""
    left: dict[int, object] = cells.left  # type: ignore[attr-defined]
    emitted = cursor = 0
    while left:
        start = xml.find(b"<row ", cursor)
        if start < 0:
            break
        tag_end = xml.index(b">", start)
        tag = xml[start:tag_end + 1]
        cursor = tag_end + 1
        if tag.endswith(b"/>"):
            continue
        found = re.search(rb' r="(\d+)"', tag)
        number = int(found.group(1)) if found else -1
        end = xml.index(b"</row>", tag_end)
        cursor = end
        row = cells(number)
        if row is not None:
            yield b"".join((xml[emitted:start], _SPANS.sub(b"", tag), xml[tag_end + 1:end], row))
            emitted = end
    if left:
        raise ValueError(f"rows not found in the sheet: {sorted(left)[:5]}")
    yield xml[emitted:]


def fill(package: bytes, pending: PendingCells) -> bytes:
    """``package`` (xlsx bytes from xlsxwriter) with the pending numbers written in. The filled
    sheet is deflated as it is made (the same bytes as deflating it whole: zlib's output does
    not depend on how its input is cut), so only the compressed sheet is ever held whole."""
    if not pending.rows:
        return package
    part = f"xl/worksheets/sheet{pending.sheet_index + 1}.xml"
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                info._compresslevel = FILLED_LEVEL  # type: ignore[attr-defined]  # as writestr(compresslevel=) sets it
                with target.open(info, "w") as sheet:
                    for piece in _fill_sheet(data, _row_xml(pending)):
                        sheet.write(piece)
            else:
                target.writestr(info, data)
    return buffer.getvalue()
