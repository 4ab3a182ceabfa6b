"""The two small sheets around the tables: ``_meta`` (what made the file) and 填报信息 (who sends it).

``read_meta(grid, common)`` returns the ``_meta`` keys as text (key in column A, value in
column B, at the rows ``meta_cells`` gives, or anywhere in those columns). ``check_meta``
says whether they describe a template or summary of ours we can read by position.
``read_identity(grid, common)`` returns 填报信息 as {field id: text}, at the template's
cells or, in a retyped workbook, beside wherever each label stands. ``parse_year`` reads
``2025``, ``2025.0``, ``"2025年"`` or ``"2025年度"``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from ..dates import date_text
from ..spec import FORMATS, Common, identity_cells, meta_cells
from ..spec.derived import LayoutName
from ..spec.labels import normalise
from ..spec.model import Field
from .locate import cell_text
from .sheets import Grid

KINDS = {"template": "template", "rollup": "rollup"}
REPORT_KIND = "check-report"  # _meta kind of our 审核报告 workbook: an output of ours, never a submission
DATE_FIELDS = ("filled_on",)  # 填报信息 fields holding a date
LAYOUTS = ("template", "summary")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?(?:年度?|年)?$")


def value_text(value: object) -> str:
    """A cell value as the text a clerk typed: 2025.0 -> "2025", a date -> "2026-01-20"."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return cell_text(value)


def read_meta(grid: Grid, common: Common) -> dict[str, str]:
    known = set(common.meta_keys)
    out: dict[str, str] = {}
    for key, (row, col) in meta_cells(common).items():
        if value_text(grid.value(row, 0)) == key:
            out[key] = value_text(grid.value(row, col))
    if len(out) < len(known):  # keys moved: take them from wherever they stand in column A
        for r in range(min(grid.height, 200)):
            key = value_text(grid.value(r, 0))
            if key in known and key not in out:
                out[key] = value_text(grid.value(r, 1))
    return out


def check_meta(meta: dict[str, str]) -> str | None:
    """None when ``_meta`` names a kind, format and layout we read; else what is wrong with it."""
    problems = []
    if meta.get("kind") not in KINDS:
        problems.append(f"kind={meta.get('kind', '')}")
    if meta.get("format") not in FORMATS:
        problems.append(f"format={meta.get('format', '')}")
    if meta.get("layout") and meta["layout"] not in LAYOUTS:
        problems.append(f"layout={meta['layout']}")
    return ", ".join(problems) or None


def layout_name(meta: dict[str, str]) -> LayoutName:
    if meta.get("layout") in LAYOUTS:
        return meta["layout"]  # type: ignore[return-value]
    return "summary" if meta.get("kind") == "rollup" else "template"


def parse_year(text: object) -> int | None:
    if isinstance(text, int | float) and not isinstance(text, bool):
        return int(text) if float(text).is_integer() and 1900 <= text <= 2200 else None
    m = _YEAR.match(re.sub(r"\s+", "", str(text or "")))
    return int(m.group(1)) if m else None


def parse_units(text: str) -> int:
    """_meta's ``units``: how many units a roll-up totals (0 when nothing was counted);
    anything that is not a whole number of 0 or more reads as 1 (one submission)."""
    try:
        value = float(text)
    except (ValueError, OverflowError):  # not a number
        return 1
    if not value.is_integer() or value < 0:  # inf, nan, fractions, negatives
        return 1
    return int(value)


def read_identity(grids: Iterable[Grid], common: Common, at_cells: bool = True) -> dict[str, str]:
    """填报信息 as {field id: text} ("" for what cannot be found).

    ``at_cells``: first look at the template's cells (label in column A, value in B);
    a field whose label is not there is searched for on every given sheet: its value is
    the first non-empty cell to the right of the label, or the text after a colon in the
    label's own cell (``单位名称：某某镇``).
    """
    out = _find_identity(list(grids), common, at_cells)
    for field_id in DATE_FIELDS:  # one form wherever it is shown: 2026/1/15, 2026年1月15日, 46037 -> 2026-01-15
        if out.get(field_id):
            out[field_id] = date_text(out[field_id])
    return out


def _is_label(text: str, f: Field) -> bool:
    """The cell holds the field's label (as the template writes it: no need to normalise)."""
    return text == f.label or normalise(text).rstrip(":") == f.form


def _find_identity(grids: list[Grid], common: Common, at_cells: bool) -> dict[str, str]:
    out = {f.id: "" for f in common.fields}
    missing = []
    positions = identity_cells(common)
    for f in common.fields:
        row, col = positions[f.id]
        if at_cells and grids and _is_label(value_text(grids[0].value(row, col - 1)), f):
            out[f.id] = value_text(grids[0].value(row, col))
        else:
            missing.append(f)
    if not missing:
        return out
    wanted = {f.form: f.id for f in missing}
    for grid in grids:
        for line in grid.rows[:500]:
            for c, value in enumerate(line[:50]):
                if not isinstance(value, str) or not value:
                    continue
                text = normalise(value)
                label, _, rest = text.partition(":")
                field_id = wanted.get(label)
                if field_id is None or out[field_id]:
                    continue
                if rest:
                    out[field_id] = value.split("：" if "：" in value else ":", 1)[1].strip()
                    continue
                for right in line[c + 1:c + 4]:
                    found = value_text(right)
                    if found:
                        out[field_id] = found
                        break
    return out
