"""A unit's three tables drawn as HTML: the template's own layout (from the spec), the
numbers the reader found, and the cells with findings marked. Nothing is typed here: the
grid, the labels and where each number stands come from ``spec.template_layout``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..findings import fmt_number
from ..spec import FORMATS, cell_addresses, load_spec, template_layout

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass
class CellView:
    text: str
    role: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None
    address: str = ""
    severity: str | None = None  # the worst finding on the cell
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TableView:
    sheet: str
    title: str
    rows: list[list[CellView]]
    marked: int


def _marks(findings: Sequence[Mapping[str, Any]]) -> tuple[dict[str, list[Mapping[str, Any]]], dict[tuple[str, str], list[Mapping[str, Any]]]]:
    by_key: dict[str, list[Mapping[str, Any]]] = {}
    by_place: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for f in findings:
        if f.get("key"):
            by_key.setdefault(str(f["key"]), []).append(f)
        elif f.get("sheet") and f.get("cell"):
            by_place.setdefault((str(f["sheet"]), str(f["cell"])), []).append(f)
    return by_key, by_place


def tables(entry: Mapping[str, Any] | None, format_id: str) -> list[TableView]:
    """The tables of the file's format (the round's when the file has none) with its values."""
    entry = entry or {}
    fmt = entry.get("format") if entry.get("format") in FORMATS else format_id
    spec = load_spec(str(fmt))
    values: Mapping[str, Any] = entry.get("values") or {}
    same_layout = entry.get("kind") in ("template", "rollup")
    by_key, by_place = _marks(entry.get("findings") or [])
    out = []
    for layout in template_layout(spec).values():
        grid: dict[tuple[int, int], CellView] = {}
        covered: set[tuple[int, int]] = set()
        marked = 0
        for box in layout.boxes:
            if box.role == "title":
                continue
            view = CellView(text=box.text, role=box.role, rowspan=box.last_row - box.row + 1,
                            colspan=box.last_col - box.col + 1, key=box.key, address=box.address)
            found = list(by_key.get(box.key or "", []))
            if same_layout:
                found += by_place.get((layout.sheet, box.address), [])
            if box.key is not None:
                value = values.get(box.key)
                view.text = fmt_number(value) if isinstance(value, int | float) else ("" if value is None else str(value))
            if found:
                worst = min(found, key=lambda f: SEVERITY_RANK.get(str(f.get("severity")), 9))
                view.severity = str(worst.get("severity"))
                view.messages = [str(f.get("message", "")) for f in found]
                marked += 1
            grid[(box.row, box.col)] = view
            for r in range(box.row, box.last_row + 1):
                for c in range(box.col, box.last_col + 1):
                    if (r, c) != (box.row, box.col):
                        covered.add((r, c))
        rows: list[list[CellView]] = []
        for r in range(layout.body_top, layout.bottom + 1):
            row = [grid[(r, c)] for c in range(layout.width) if (r, c) in grid and (r, c) not in covered]
            if row:
                rows.append(row)
        out.append(TableView(layout.sheet, layout.table.title, rows, marked))
    return out


# --- the same tables on a phone: each row a labelled group, as the form lays them out -------

@dataclass(frozen=True)
class ItemView:
    key: str
    label: str
    text: str
    severity: str | None
    notes: list[tuple[str, str]]  # (severity, the message without its place)


@dataclass(frozen=True)
class GroupView:
    label: str
    headings: tuple[str, ...]
    items: list[ItemView]  # the cells that are not 0, and every marked cell


@dataclass(frozen=True)
class GroupedTable:
    sheet: str
    title: str
    groups: list[GroupView]  # the groups with something to show
    marked: int
    quiet: int  # groups left out: every cell 0 and nothing marked


def _note(finding: Mapping[str, Any]) -> str:
    """A message under its own cell: without “（row / column）：”, which the cell shows."""
    text = str(finding.get("after_place") or finding.get("message") or "").strip()
    for mark in ("）：", "): "):
        cut = text.find(mark)
        if cut >= 0 and text[:1] in "（(":
            return text[cut + len(mark):].strip()
    return text


def grouped(entry: Mapping[str, Any] | None, format_id: str) -> list[GroupedTable]:
    """The file's tables for a narrow screen: the form's groups (``entry.form_of``), the cells
    that are not 0 or are marked, each marked cell with its messages as text under it."""
    from ..entry import form_of

    entry = entry or {}
    fmt = entry.get("format") if entry.get("format") in FORMATS else format_id
    spec = load_spec(str(fmt))
    values: Mapping[str, Any] = entry.get("values") or {}
    by_key, by_place = _marks(entry.get("findings") or [])
    if entry.get("kind") in ("template", "rollup"):  # a finding placed by sheet and cell: its cell's key
        at = {place: key for key, place in cell_addresses(spec).items()}
        for place, found in by_place.items():
            if place in at:
                by_key.setdefault(at[place], []).extend(found)
    out = []
    for table in form_of(spec):
        groups, marked, quiet = [], 0, 0
        for group in table.groups:
            items = []
            for item in group.inputs:
                found = [f for f in by_key.get(item.key, []) if f.get("severity") != "info"]
                value = values.get(item.key)
                text = fmt_number(value) if isinstance(value, int | float) else ("" if value is None else str(value))
                if not found and text == "0":
                    continue
                worst = min(found, key=lambda f: SEVERITY_RANK.get(str(f.get("severity")), 9)) if found else None
                marked += bool(found)
                items.append(ItemView(item.key, item.label, text, str(worst["severity"]) if worst else None,
                                      [(str(f.get("severity")), _note(f)) for f in found]))
            if items:
                groups.append(GroupView(group.label, group.headings, items))
            else:
                quiet += 1
        out.append(GroupedTable(table.sheet, table.title, groups, marked, quiet))
    return out
