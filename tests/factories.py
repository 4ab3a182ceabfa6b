"""Workbook factories for the tests: every file a test reads is made here, in code.

Shared by the reader, rules, annotation and roll-up tests. Everything is derived from
the spec (labels, positions, totals), so a factory never types a label or an address.

Workbooks (bytes; write them with ``path.write_bytes``):

- ``submission(fmt, ...)``: a filled-in template of ours (``kind="template"``), a roll-up
  summary of ours (``kind="rollup"``: all tables on one sheet, plain numbers) or a unit's
  own retyped workbook (``kind="foreign"``: no ``_meta``). Options move or rename tables,
  change labels, put raw text in cells, overwrite totals, drop sheets, add macros.
- ``balanced_values(fmt, seed)``: values that pass every rule of the format (totals
  included), the default content of ``submission``; ``complete_values(fmt, values)`` fills
  in what a partial mapping leaves out (inputs 0, totals summed).
- ``resave_with_openpyxl(data)``: the same workbook as saved by openpyxl, i.e. with its
  formulas but no cached values (what a values-only reader sees as empty).

Files that are not workbooks, or broken ones:

- ``zip_of(parts)``, ``parts_of(data)``, ``with_parts(data, replace=..., add=..., drop=...)``,
  ``sheet_part(data, "表三")`` (the zip part of a sheet);
- ``ole2(streams)``: an OLE2 compound file (old .xls, or an encrypted OOXML package
  when the streams are ``EncryptionInfo`` and ``EncryptedPackage``);
- ``zip_bomb()``, ``lying_zip()``, ``huge_sheet()``, ``far_cell_sheet()``, ``xml_with_dtd()``.
"""

from __future__ import annotations

import datetime
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol

from consolidate.spec import FormatSpec, identity_cells, load_common, load_spec, meta_cells
from consolidate.spec.layout import Box, TableLayout, a1, summary_layout, template_layout

UNIT: dict[str, object] = {
    "unit_name": "示例县花园镇人民政府",
    "unit_code": "11340000MB0000000X",
    "unit_type": "乡镇",
    "parent": "示例县",
    "filler": "张三",
    "phone": "0551-1234567",
    "filled_on": "2026-01-20",
    "reviewer": "李四",
}

_DEFAULT = object()


def spec_of(fmt: str | FormatSpec) -> FormatSpec:
    return fmt if isinstance(fmt, FormatSpec) else load_spec(fmt)


# --- values -------------------------------------------------------------------------------


def balanced_values(fmt: str | FormatSpec = "v2021", seed: int = 0, high: int = 5) -> dict[str, float]:
    """Every statistical cell with a value that passes the format's rules (totals included).

    表三: each column's outcomes are random, 二、上年结转 and 四、结转下年度 too, and
    一、本年新收 is set so that 一 + 二 = （七）总计 + 四. Amounts have two decimals.
    """
    spec = spec_of(fmt)
    rnd = random.Random(seed)
    values: dict[str, float] = {}
    for cell in spec.cells:
        if cell.is_total:
            continue
        if cell.kind == "amount":
            values[cell.key] = round(rnd.randint(0, 100000) / 100, 2)
        elif cell.kind == "signed":
            values[cell.key] = float(rnd.randint(-high, high))
        else:
            values[cell.key] = float(rnd.randint(0, high))
    # v2019 表二: never let 处理决定数量 equal 上一年项目数量 + 本年增/减 (a misuse warning)
    for rule in spec.rules:
        if rule.id == "T2-V2019-MISUSE":
            (result,), (base, change) = rule.sides()  # decisions == prev_count + change
            for cell in spec.cells:
                if cell.table == rule.table and cell.column == result:
                    b = values.get(f"{cell.table}.{cell.row}.{base}", 0.0)
                    c = values.get(f"{cell.table}.{cell.row}.{change}", 0.0)
                    if values[cell.key] == b + c:
                        values[cell.key] = b + c + 1
    for rule in spec.rules:
        if rule.id == "T3-BALANCE":
            _balance(spec, rule.sides(), str(rule.table), values, rnd)
    _fill_totals(spec, values)
    return values


def _balance(spec: FormatSpec, sides: tuple[tuple[str, ...], tuple[str, ...]], table: str,
             values: dict[str, float], rnd: random.Random) -> None:
    lhs, rhs = sides  # (new, carried), (total, carry_over)
    columns = sorted({c.column for c in spec.cells if c.table == table and not c.is_total})
    for col in columns:
        outcomes = _total_of(spec, f"{table}.{rhs[0]}.{col}", values)
        carry_over = values[f"{table}.{rhs[1]}.{col}"]
        carried = float(rnd.randint(0, int(outcomes + carry_over)))
        values[f"{table}.{lhs[1]}.{col}"] = carried
        values[f"{table}.{lhs[0]}.{col}"] = outcomes + carry_over - carried


def complete_values(fmt: str | FormatSpec, values: Mapping[str, float]) -> dict[str, float]:
    """``values`` with every missing input set to 0 and every missing total computed."""
    spec = spec_of(fmt)
    out = {c.key: float(values.get(c.key, 0.0)) for c in spec.cells if not c.is_total}
    for cell in spec.cells:
        if cell.is_total:
            out[cell.key] = float(values[cell.key]) if cell.key in values else _total_of(spec, cell.key, out)
    return out


def _total_of(spec: FormatSpec, key: str, values: Mapping[str, float]) -> float:
    cell = spec.cell(key)
    if not cell.is_total:
        return values[key]
    return sum(_total_of(spec, part, values) for part in cell.sum_of)


def _fill_totals(spec: FormatSpec, values: dict[str, float]) -> None:
    for cell in spec.cells:
        if cell.is_total:
            values[cell.key] = _total_of(spec, cell.key, values)


# --- workbooks ------------------------------------------------------------------------------


def submission(
    fmt: str | FormatSpec = "v2021",
    *,
    kind: str = "template",
    values: Mapping[str, float] | None = None,
    seed: int = 0,
    year: object = 2025,
    unit: Mapping[str, object] | None = None,
    identity: Mapping[str, object] | None = None,
    raw: Mapping[str, object] | None = None,
    overwrite: Mapping[str, float] | None = None,
    formulas: bool | None = None,
    cached: bool = True,
    shift: Mapping[str, tuple[int, int]] | None = None,
    sheets: Mapping[str, str] | None = None,
    relabel: Mapping[str, str] | None = None,
    drop_sheets: Iterable[str] = (),
    meta: Mapping[str, object] | object | None = _DEFAULT,
    units: int = 1,
    identity_sheet: bool = True,
    macros: bool = False,
    cells: Mapping[str, Mapping[str, object]] | None = None,
) -> bytes:
    """A workbook laid out from the spec, as bytes.

    kind: ``template`` (our template, totals as formulas, ``_meta``), ``rollup`` (our summary:
        all tables on the sheet 汇总, plain numbers, ``_meta`` with kind rollup and ``units``),
        ``foreign`` (the same tables retyped by a unit: plain numbers, no ``_meta``).
    values: spec key -> number (default ``balanced_values(fmt, seed)``; missing inputs are 0,
        missing totals summed).
    raw: spec key -> what to put in the cell instead (text such as ``"１２"`` or ``"/"``;
        ``None`` leaves it blank).
    overwrite: total keys whose formula is replaced by this constant.
    formulas: totals as formulas (default: for templates only); ``cached=False`` writes them
        with cached value 0 as xlsxwriter does by default (use ``resave_with_openpyxl`` for none).
    shift: table id -> (rows, columns) to move the whole table by.
    sheets: table id -> the sheet to put it on (instead of its own or 汇总).
    relabel: official label text -> the text to write instead (every box with that text).
    drop_sheets: sheet names not to write at all (e.g. "表三", "_meta", "填报信息").
    meta: ``_meta`` key -> value overrides; ``None`` for no ``_meta`` sheet.
    identity: 填报信息 field id -> value overrides (``year`` defaults to ``year``).
    macros: add an (inert) ``xl/vbaProject.bin`` part, as an .xlsm has.
    cells: sheet name -> {"F1": value}: anything else to write (a note, a unit name beside
        the table); the sheet is created if need be.
    """
    spec = spec_of(fmt)
    common = load_common()
    vals = balanced_values(spec, seed) if values is None else complete_values(spec, values)
    raw = dict(raw or {})
    overwrite = dict(overwrite or {})
    shift = dict(shift or {})
    relabel = dict(relabel or {})
    drop = set(drop_sheets)
    if formulas is None:
        formulas = kind == "template"
    layouts = summary_layout(spec) if kind == "rollup" else template_layout(spec)
    placement = {tid: (sheets or {}).get(tid, lay.sheet) for tid, lay in layouts.items()}

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"created": _EPOCH})
    sheet_objs: dict[str, Any] = {}

    def sheet(name: str) -> Any:
        if name not in sheet_objs:
            sheet_objs[name] = wb.add_worksheet(name)
        return sheet_objs[name]

    # identity first, as the template has it
    if identity_sheet and common.identity_sheet not in drop:
        ws = sheet(common.identity_sheet)
        ws.write_string(0, 0, common.identity_title)
        fields = {**{k: v for k, v in UNIT.items()}, **(unit or {}), "year": year, **(identity or {})}
        for f in common.fields:
            row, col = identity_cells(common)[f.id]
            ws.write_string(row, col - 1, f.label)
            _write_any(ws, row, col, fields.get(f.id))
    for tid, lay in layouts.items():
        name = placement[tid]
        if name in drop:
            continue
        dr, dc = shift.get(tid, (0, 0))
        _write_table(sheet(name), lay, spec, vals, raw, overwrite, formulas, cached, dr, dc, relabel)
    for name, extra in (cells or {}).items():
        ws = sheet(name)
        for ref, value in extra.items():
            row, col = xl_cell_to_rowcol(ref)
            _write_any(ws, row, col, value)
    if meta is not None and common.meta_sheet not in drop and kind != "foreign":
        ws = sheet(common.meta_sheet)
        content: dict[str, object] = {
            "kind": "rollup" if kind == "rollup" else "template",
            "format": spec.id,
            "spec_version": spec.spec_version,
            "spec_hash": spec.hash,
            "layout": "summary" if kind == "rollup" else "template",
            "unit_code": (unit or UNIT).get("unit_code", ""),
            "unit_name": (unit or UNIT).get("unit_name", ""),
            "year": year,
            "units": units,
            "tool_version": "0.1.0",
        }
        content.update(meta if isinstance(meta, Mapping) else {})
        for key, (row, col) in meta_cells(common).items():
            ws.write_string(row, 0, key)
            _write_any(ws, row, col, content.get(key))
        ws.hide()
    wb.close()
    data = buf.getvalue()
    if macros:
        data = with_parts(data, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504})
    return data


_EPOCH = datetime.datetime(2026, 1, 1)


def _write_any(ws: Any, row: int, col: int, value: object) -> None:
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(row, col, value)
    else:
        ws.write(row, col, value)


def _write_table(ws: Any, lay: TableLayout, spec: FormatSpec, vals: Mapping[str, float], raw: Mapping[str, object],
                 overwrite: Mapping[str, float], formulas: bool, cached: bool, dr: int, dc: int,
                 relabel: Mapping[str, str]) -> None:
    addresses = {b.key: a1(b.row + dr, b.col + dc) for b in lay.boxes if b.key}
    for box in lay.boxes:
        r, c, lr, lc = box.row + dr, box.col + dc, box.last_row + dr, box.last_col + dc
        if box.key is None:
            text = relabel.get(box.text, box.text)
            if box.merged:
                ws.merge_range(r, c, lr, lc, text)
            elif text:
                ws.write_string(r, c, text)
            continue
        if box.merged:
            ws.merge_range(r, c, lr, lc, "")
        _write_cell(ws, r, c, box, spec, vals, raw, overwrite, formulas, cached, addresses)


def _write_cell(ws: Any, r: int, c: int, box: Box, spec: FormatSpec, vals: Mapping[str, float],
                raw: Mapping[str, object], overwrite: Mapping[str, float], formulas: bool, cached: bool,
                addresses: Mapping[str | None, str]) -> None:
    key = box.key
    assert key is not None
    cell = spec.cell(key)
    if key in raw:
        value = raw[key]
        if value is None:
            ws.write_blank(r, c, None)
        else:
            _write_any(ws, r, c, value)
    elif key in overwrite:
        ws.write_number(r, c, overwrite[key])
    elif cell.is_total and formulas:
        formula = "=SUM(" + ",".join(addresses[p] for p in cell.sum_of) + ")"
        ws.write_formula(r, c, formula, None, vals[key] if cached else 0)
    else:
        ws.write_number(r, c, vals[key])


def resave_with_openpyxl(data: bytes) -> bytes:
    """The workbook as openpyxl saves it: formulas kept, cached values gone."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- zip surgery ------------------------------------------------------------------------------


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def zip_of(parts: Mapping[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of these parts, in this order; the same parts give the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, content in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content, compress_type=compression)
    return buf.getvalue()


def with_parts(data: bytes, *, replace: Mapping[str, bytes] | None = None, add: Mapping[str, bytes] | None = None,
               drop: Iterable[str] = ()) -> bytes:
    parts = parts_of(data)
    for name in drop:
        parts.pop(name, None)
    parts.update(replace or {})
    parts.update(add or {})
    return zip_of(parts)


def sheet_part(data: bytes, sheet_name: str) -> str:
    """The zip part name of a sheet (xlsxwriter numbers them in order of creation)."""
    import re

    parts = parts_of(data)
    names = re.findall(rb'<sheet name="([^"]*)"', parts["xl/workbook.xml"])
    index = [n.decode() for n in names].index(sheet_name)
    return f"xl/worksheets/sheet{index + 1}.xml"


def _minimal_sheet(rows: str, dimension: str = "A1") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def far_cell_sheet(data: bytes | None = None, sheet_name: str = "表三", row: int = 1_048_576) -> bytes:
    """A workbook whose sheet holds a value in A1 and another a million rows down."""
    data = data or submission()
    body = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{row}"><c r="A{row}"><v>1</v></c></row>'
    return with_parts(data, replace={sheet_part(data, sheet_name): _minimal_sheet(body, f"A1:A{row}")})


def huge_sheet(data: bytes | None = None, sheet_name: str = "表三", megabytes: int = 40) -> bytes:
    """A workbook whose sheet XML is ``megabytes`` long (compresses to a little)."""
    data = data or submission()
    row = '<row r="1"><c r="A1"><v>1</v></c></row>'
    filler = "<!-- " + "x" * (megabytes * 1024 * 1024) + " -->"
    return with_parts(data, replace={sheet_part(data, sheet_name): _minimal_sheet(row + filler)})


def zip_bomb(data: bytes | None = None, megabytes: int = 64) -> bytes:
    """A workbook with an extra part of ``megabytes`` of zeros (a compression ratio of ~1000)."""
    data = data or submission()
    return with_parts(data, add={"xl/media/padding.bin": b"\0" * (megabytes * 1024 * 1024)})


def lying_zip(data: bytes | None = None, sheet_name: str = "表三", megabytes: int = 64) -> bytes:
    """A zip whose directory says a sheet is small while its data inflates to ``megabytes``."""
    data = data or submission()
    target = sheet_part(data, sheet_name)
    parts = parts_of(data)
    small = parts[target]
    big = small[:-len(b"</worksheet>")] + b"<!--" + b" " * (megabytes * 1024 * 1024) + b"--></worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zf.writestr(info, big if name == target else content, compress_type=zipfile.ZIP_DEFLATED)
    out = bytearray(buf.getvalue())
    # patch the declared uncompressed size (and CRC) of the part to the small one's, in both headers
    encoded = target.encode()
    crc, size = zlib.crc32(small), len(small)
    pos = 0
    while (pos := out.find(encoded, pos)) >= 0:
        if out[pos - 30:pos - 26] == b"PK\x03\x04":
            struct.pack_into("<I", out, pos - 30 + 14, crc)
            struct.pack_into("<I", out, pos - 30 + 22, size)
        elif out[pos - 46:pos - 42] == b"PK\x01\x02":
            struct.pack_into("<I", out, pos - 46 + 16, crc)
            struct.pack_into("<I", out, pos - 46 + 24, size)
        pos += 1
    return bytes(out)


def xml_with_dtd(data: bytes | None = None, part: str = "xl/sharedStrings.xml") -> bytes:
    """The workbook with an entity declaration (a "billion laughs" prologue) in one part."""
    data = data or submission()
    parts = parts_of(data)
    body = parts[part]
    decl, rest = body.split(b"?>", 1)
    dtd = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    return with_parts(data, replace={part: decl + b"?>" + dtd + rest})


# --- OLE2 (compound file binary) ------------------------------------------------------------------


def ole2(streams: Iterable[str] = ("Workbook",), payload: bytes = b"") -> bytes:
    """A small, well-formed OLE2 compound file holding the named streams (each empty).

    ``ole2(["Workbook"])`` stands for an old .xls; ``ole2(["EncryptionInfo",
    "EncryptedPackage"])`` for a password-protected .xlsx (how Office stores one).
    """
    names = ["Root Entry", *streams]
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # the directory starts at sector 1
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)  # no mini FAT
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)  # no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)
    dir_sectors = (len(names) * 128 + sector - 1) // sector
    fat = [0xFFFFFFFD] + [i + 2 for i in range(1, dir_sectors)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    directory = bytearray(dir_sectors * sector)
    for i, name in enumerate(names):
        entry = 128 * i
        encoded = (name + "\0").encode("utf-16-le")
        directory[entry:entry + len(encoded)] = encoded
        struct.pack_into("<H", directory, entry + 64, len(encoded))
        directory[entry + 66] = 5 if i == 0 else 2  # root storage / stream
        right = i + 1 if 0 < i < len(names) - 1 else 0xFFFFFFFF
        child = 1 if i == 0 and len(names) > 1 else 0xFFFFFFFF
        struct.pack_into("<III", directory, entry + 68, 0xFFFFFFFF, right, child)
        struct.pack_into("<I", directory, entry + 116, 0xFFFFFFFE)
    return bytes(header) + fat_bytes + bytes(directory) + payload
