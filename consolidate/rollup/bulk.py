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
from collections.abc import Sequence
from dataclasses import dataclass, field

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


def _row_xml(pending: PendingCells) -> dict[int, bytes]:
    # The style index xlsxwriter gave each format when a written cell used it (a format equal
    # to another shares that one's index, which only the private ``_get_xf_index`` knows). Kept
    # for a measured gain: the whole summary is written 4.3x faster at 1,000 units and 6.4x at
    # 5,000 than with ``write_number`` for every number (benchmarks/bulk_detail.py, 2026-12-02).
    styles = [f._get_xf_index() for f in pending.formats]
    heads = [f'<c r="{xl_col_to_name(pending.first_col + j)}' for j in range(len(styles))]
    tails = [f'" s="{s}"><v>' for s in styles]
    text: dict[float, str] = {}  # numbers repeat (small counts, zeros): format each once
    out: dict[int, bytes] = {}
    for row, values in pending.rows:
        number = row + 1
        shown = [text.get(v) or text.setdefault(v, f"{v:.16G}") for v in values]
        parts = [f"{h}{number}{t}{v}</v></c>" for h, t, v in zip(heads, tails, shown, strict=True)
                 if v not in _NOT_FINITE]
        out[number] = "".join(parts).encode("utf-8")
    return out


def _fill_sheet(xml: bytes, cells: dict[int, bytes]) -> bytes:
    """Append ``cells[n]`` to the content of ``<row r="n">`` (before its ``</row>``)."""
    chunks: list[bytes] = []
    emitted = cursor = 0
    while cells:
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
        if number in cells:
            chunks += [xml[emitted:start], _SPANS.sub(b"", tag), xml[tag_end + 1:end], cells.pop(number)]
            emitted = end
    if cells:
        raise ValueError(f"rows not found in the sheet: {sorted(cells)[:5]}")
    chunks.append(xml[emitted:])
    return b"".join(chunks)


def fill(package: bytes, pending: PendingCells) -> bytes:
    """``package`` (xlsx bytes from xlsxwriter) with the pending numbers written in."""
    if not pending.rows:
        return package
    part = f"xl/worksheets/sheet{pending.sheet_index + 1}.xml"
    cells = _row_xml(pending)
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = _fill_sheet(data, cells)
                target.writestr(info, data, compresslevel=FILLED_LEVEL)
            else:
                target.writestr(info, data)
    return buffer.getvalue()
