"""Helpers the sample scripts share: parsing printed numbers, editing a built workbook the
way a clerk would (a constant typed over a formula, text in a number cell), and writing
files byte for byte the same on every run."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from consolidate.spec import FormatSpec, template_layout

# Every entry of every zip we write carries this time, so a rerun gives the same bytes.
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = datetime(2026, 1, 1, 0, 0, 0)

_AMOUNT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(万元|元)?\s*$")


def parse_signed(text: str | int) -> int:
    """“+373” -> 373, “-2” -> -2, “0” -> 0."""
    return int(str(text).strip())


def parse_amount(text: str | int | float) -> float:
    """An amount as printed, in 万元: “28112200元” -> 2811.22, “8.0056 万元” -> 8.0056.

    A bare non-zero number is refused: its unit is ambiguous and a transcription must say it.
    """
    match = _AMOUNT.match(str(text))
    if not match:
        raise ValueError(f"not an amount: {text!r}")
    number, unit = float(match.group(1)), match.group(2)
    if unit == "元":
        return round(number / 10000, 6)
    if unit is None and number != 0:
        raise ValueError(f"amount without a unit: {text!r}")
    return number


def cell_addresses(spec: FormatSpec) -> dict[str, tuple[str, int, int]]:
    """Spec cell key -> (sheet, row, col) (0-based) in our template."""
    out: dict[str, tuple[str, int, int]] = {}
    for layout in template_layout(spec).values():
        for key, box in layout.cells.items():
            out[key] = (layout.sheet, box.row, box.col)
    return out


def edit_cells(data: bytes, spec: FormatSpec, edits: Mapping[str, object],
               identity: Mapping[tuple[int, int], object] | None = None, identity_sheet: str = "") -> bytes:
    """Open a built workbook with openpyxl, put ``edits`` (spec key -> value) into their cells,
    as a person typing over them would (a formula is replaced), and save it again.

    openpyxl keeps formulas but drops their cached values: exactly what a file saved by a
    program looks like. ``identity`` edits cells of the 填报信息 sheet by (row, col).
    """
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    where = cell_addresses(spec)
    for key, value in edits.items():
        sheet, row, col = where[key]
        book[sheet].cell(row=row + 1, column=col + 1).value = value
    for (row, col), value in (identity or {}).items():
        book[identity_sheet].cell(row=row + 1, column=col + 1).value = value
    out = io.BytesIO()
    book.save(out)  # openpyxl stamps the time of saving as the modified date: pinned below
    return stable_zip(out.getvalue(), modified_as_created=True)


_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]*)</dcterms:created>")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def stable_zip(data: bytes, *, modified_as_created: bool = False) -> bytes:
    """The same zip with every entry's time fixed: the same content gives the same bytes.
    ``modified_as_created``: the document's modified date becomes its created date."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if modified_as_created and info.filename == "docProps/core.xml":
                created = _CREATED.search(content)
                stamp = created.group(1) if created else FIXED_DOC_TIME.isoformat().encode() + b"Z"
                content = _MODIFIED.sub(rb"\g<1>" + stamp.replace(b"\\", b"\\\\") + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds exactly it; True when written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True
