"""Derive a submission from another of the same structure by rewriting it inside the zip.

``build_workbook`` takes about 0.1 s per workbook: 10,000 of them would take many minutes.
So a few hundred are built with it (the *bases*) and the others are copies of a base with
their own unit and numbers written into the sheet XML: every statistical cell's ``<v>``
(a formula's cached value too, so a values-only reader sees the right total), and the
unit's name and code wherever the base has its own (shared strings, the unit line's
cached text, ``_meta``, 填报说明). The structure (which cells are formulas, text or
constants) is the base's, so the result is as valid an xlsx as the base: same parts,
same order, same styles, deflated again.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from consolidate.spec import FormatSpec, template_layout

from .synth import Plan

_SHEET = re.compile(rb'<sheet name="([^"]+)" sheetId="\d+"[^>]*?r:id="rId(\d+)"')
# a number cell, or a formula cell with its cached value (never a string cell: t="s" / t="str")
_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="\d+")?)>(<f>[^<]*</f>)?<v>[^<]*</v></c>')
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Base:
    """A built workbook taken apart: its zip entries and whose unit it is."""

    entries: tuple[tuple[zipfile.ZipInfo, bytes], ...]
    sheets: dict[str, str]  # sheet name -> part name
    unit_name: str
    unit_code: str

    @classmethod
    def of(cls, data: bytes, unit_name: str, unit_code: str) -> Base:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            entries = tuple((info, zf.read(info)) for info in zf.infolist())
        parts = dict((info.filename, body) for info, body in entries)
        # xlsxwriter numbers the sheet parts in the order of the sheets (rIdN -> sheetN.xml)
        sheets = {name.decode(): f"xl/worksheets/sheet{rid.decode()}.xml"
                  for name, rid in _SHEET.findall(parts["xl/workbook.xml"])}
        for part in sheets.values():
            if part not in parts:
                raise ValueError(f"base workbook: no part {part}")
        return cls(entries, sheets, unit_name, unit_code)


_addresses: dict[str, dict[str, dict[str, str]]] = {}


def addresses(spec: FormatSpec) -> dict[str, dict[str, str]]:
    """Sheet -> {A1 address -> cell key} in our template."""
    out = _addresses.get(spec.hash)
    if out is None:
        out = {}
        for layout in template_layout(spec).values():
            out.setdefault(layout.sheet, {}).update({box.address: key for key, box in layout.cells.items()})
        _addresses[spec.hash] = out
    return out


def number_text(value: float) -> bytes:
    """How a cell's ``<v>`` holds the number: ``12``, ``2811.22``."""
    value = round(float(value), 6) + 0.0
    return (str(int(value)) if value.is_integer() else repr(value)).encode()


def derive(base: Base, spec: FormatSpec, plan: Plan) -> bytes:
    """The base with ``plan``'s unit and numbers (its text cells and constants stay where they are)."""
    places = addresses(spec)
    swaps = [(base.unit_name.encode(), plan.unit.name.encode()), (base.unit_code.encode(), plan.unit.code.encode())]
    by_part = {part: places.get(sheet, {}) for sheet, part in base.sheets.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, body in base.entries:
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                for old, new in swaps:
                    body = body.replace(old, new)
                cells = by_part.get(info.filename)
                if cells:
                    body = _rewrite(body, cells, plan.values)
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, body)
    return out.getvalue()


def _rewrite(xml: bytes, cells: Mapping[str, str], values: Mapping[str, float]) -> bytes:
    def put(m: re.Match[bytes]) -> bytes:
        key = cells.get(m.group(1).decode())
        if key is None:
            return m.group(0)
        value = values.get(key)
        if value is None or value != value:  # no number planned here (an unreadable file; text)
            return m.group(0)
        return b'<c r="%s"%s>%s<v>%s</v></c>' % (m.group(1), m.group(2), m.group(3) or b"", number_text(value))

    return _CELL.sub(put, xml)


# --- files that are not workbooks -------------------------------------------------------------------


def unreadable(kind: str, workbook: bytes) -> bytes:
    """A file a unit might send instead of its workbook (``synth.UNREADABLE_KINDS``)."""
    if kind == "truncated":
        return workbook[: len(workbook) * 3 // 5]
    if kind == "pdf":
        return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    if kind == "docx":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(zipfile.ZipInfo("[Content_Types].xml", FIXED_TIME),
                        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                        'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
            zf.writestr(zipfile.ZipInfo("word/document.xml", FIXED_TIME),
                        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                        'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>年度报告</w:t></w:r></w:p>'
                        '</w:body></w:document>')
        return out.getvalue()
    return b""  # empty
