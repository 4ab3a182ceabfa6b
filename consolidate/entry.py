"""Filling the tables in a browser: the form is made from the template spec, and what is typed
becomes a workbook in our template, read and checked exactly as an uploaded one.

One spec, three renderings: the Excel template (``template.py``), the summary, and this form.
Nothing here repeats a label, an address or a rule:

- :func:`form_of` lays the spec's tables out as groups of inputs: one group per row of a
  table (表二, 表三), or per column group where a table has a single row (表四), each input
  labelled by its column, totals marked with the keys they add up (computed, never typed);
- :func:`entry_workbook` writes what was typed into the unit's template (``build_workbook``):
  numbers as numbers, anything else as the text typed, so the reader reports it as it would
  in a workbook (CELL-TEXT, CELL-BLANK …);
- :func:`check_entries` reads that workbook with the one reader and runs the one set of rules
  (``validate.check_results``): the findings, their messages and the verdict are those of
  ``consolidate validate`` on the same file.

The typed values stay plain strings until here: the browser is not trusted to send numbers.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .read.values import parse_cell
from .report import FileResult
from .roster import Roster, Unit
from .spec import FormatSpec, load_common
from .spec.model import Cell

ENTRY_MAX = 40  # characters kept of one typed value: a number never needs more
IDENTITY_MAX = 100  # characters kept of one typed 填报信息 field


@dataclass(frozen=True)
class FormInput:
    """One statistical cell of the form."""

    key: str  # "t3.new.natural"
    label: str  # the column's label, with its groups where the label alone is ambiguous
    kind: str  # count, signed, amount
    parts: tuple[str, ...] = ()  # a total: the keys it adds up (shown, computed, never typed)
    unit_note: str | None = None

    @property
    def is_total(self) -> bool:
        return bool(self.parts)


@dataclass(frozen=True)
class FormGroup:
    """A labelled group of inputs: a row of 表三, or a column group of 表四's single row."""

    label: str
    headings: tuple[str, ...]  # the groups above it (三、本年度办理结果 › （三）不予公开)
    inputs: tuple[FormInput, ...]


@dataclass(frozen=True)
class FormTable:
    id: str
    sheet: str  # 表三
    title: str  # 三、收到和处理政府信息公开申请情况
    groups: tuple[FormGroup, ...]


def _input(cell: Cell, grouped_by_column: bool) -> FormInput:
    """Inside a column group (表四's 行政复议) the group names the column: its own label is enough."""
    parts = cell.sums[0][1] if cell.sums else ()
    label = cell.column_label if grouped_by_column else cell.column_text
    return FormInput(cell.key, label, cell.kind, parts, cell.unit_note)


def form_of(spec: FormatSpec) -> tuple[FormTable, ...]:
    """The spec's tables as the form shows them, in the template's order."""
    by_block: dict[tuple[str, int], list[Cell]] = {}
    for cell in spec.cells:
        by_block.setdefault((cell.table, cell.block), []).append(cell)
    tables = []
    for table in spec.tables:
        groups: list[FormGroup] = []
        for index, block in enumerate(table.blocks):
            cells = by_block.get((table.id, index), [])
            single_row = len(block.leaf_rows) == 1 and len(block.leaf_columns) > 1
            grouped: dict[tuple[str, ...], list[Cell]] = {}
            for cell in cells:
                path = cell.column_labels[:-1] if single_row else cell.row_labels
                grouped.setdefault(path, []).append(cell)
            for path, members in grouped.items():
                heads = path[:-1] if path else ()
                label = path[-1] if path else (block.caption or table.title)
                if block.caption and not single_row:
                    heads = (block.caption, *heads)
                groups.append(FormGroup(label, heads, tuple(_input(c, single_row) for c in members)))
        tables.append(FormTable(table.id, table.sheet, table.title, tuple(groups)))
    return tuple(tables)


def entry_fields() -> tuple[tuple[str, str, str | None], ...]:
    """The 填报信息 fields a unit types itself (id, label, hint): the others are the office's."""
    return tuple((f.id, f.label, f.hint) for f in load_common().fields if not f.prefill)


def input_keys(spec: FormatSpec) -> tuple[str, ...]:
    return tuple(c.key for c in spec.cells if not c.is_total)


def clean_entries(spec: FormatSpec, typed: Mapping[str, object]) -> dict[str, str]:
    """The typed values of the spec's input cells, as trimmed strings (unknown keys and totals
    dropped, each value cut to ``ENTRY_MAX`` characters)."""
    out: dict[str, str] = {}
    for key in input_keys(spec):
        value = typed.get(key)
        if value is None:
            continue
        out[key] = str(value).strip()[:ENTRY_MAX]
    return out


def clean_identity(typed: Mapping[str, object]) -> dict[str, str]:
    return {fid: str(typed.get(fid) or "").strip()[:IDENTITY_MAX] for fid, _label, _hint in entry_fields()}


def _cell_value(text: str, kind: str) -> float | str:
    """What goes into the workbook's cell: a plain number as a number (what a unit typing it
    into Excel gets), anything else as the text typed, for the reader to judge."""
    parsed = parse_cell(text, kind)
    if parsed.ok and parsed.code in (None, "CELL-NORMALISED") and parsed.unit is None:
        value = parsed.value
        return int(value) if value.is_integer() and not math.isinf(value) else value
    return text


def entry_values(spec: FormatSpec, entries: Mapping[str, str]) -> dict[str, float | str]:
    kinds = {c.key: c.kind for c in spec.cells}
    return {key: _cell_value(text, kinds[key]) for key, text in clean_entries(spec, entries).items()}


def entry_workbook(spec: FormatSpec, year: int, unit: Unit, entries: Mapping[str, str],
                   identity: Mapping[str, str]) -> bytes:
    """The unit's template with what it typed: the file a submission from the form stores.

    An input left out is written blank (the reader then says “此格为空”), exactly as a unit
    that emptied the cell in Excel would see."""
    from .template import build_workbook

    values: dict[str, float | str] = {key: "" for key in input_keys(spec)}
    values.update(entry_values(spec, entries))
    return build_workbook(spec, year, unit, values=values, identity=clean_identity(identity))


def read_entry_workbook(data: bytes, name: str) -> FileResult:
    """Read our own workbook's bytes with the one reader (the reader takes a path)."""
    from .read.reader import read_submission

    with tempfile.TemporaryDirectory(prefix="consolidate-entry-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = read_submission(path)
    result.path = name
    result.mtime = None
    return result


def check_entries(spec: FormatSpec, year: int, unit: Unit, entries: Mapping[str, str],
                  identity: Mapping[str, str], *, roster: Roster | None = None,
                  name: str = "网页填报.xlsx") -> tuple[bytes, FileResult]:
    """The workbook of what was typed and its result, as ``consolidate validate`` gives it."""
    from .validate import check_results

    data = entry_workbook(spec, year, unit, entries, identity)
    result = read_entry_workbook(data, name)
    checked = check_results([result], format_id=spec.id, year=year, roster=roster)[0]
    return data, checked


def prefill(spec: FormatSpec, values: Mapping[str, float] | None) -> dict[str, str]:
    """The form's starting values: a counted version's numbers, or 0 in every input (as the
    template's yellow cells start)."""
    out: dict[str, str] = {}
    for key in input_keys(spec):
        value = (values or {}).get(key, 0.0)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out[key] = ""
        else:
            number = float(value)
            out[key] = str(int(number)) if number.is_integer() else repr(number)
    return out
