"""Two submissions of one unit and year, cell by cell: the library behind ``consolidate compare``.

Typically the workbook a unit submitted and the annual report it published: the report
must carry the same numbers. ``compare(a, b)`` reads and checks both as ``validate`` does
and returns every statistical cell whose values differ, with both values (amounts equal
within half a yuan, as the rules compare them). ``cell_differences`` is the comparison
alone, for two results already read (``rollup --reports`` uses it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import ConsolidateError
from .findings import fmt_number
from .i18n import N_
from .report import FileResult
from .spec import FormatSpec, load_spec

AMOUNT_TOLERANCE = 0.00005  # 万元: half a yuan


@dataclass(frozen=True)
class CellDifference:
    key: str
    table: str  # 表二 / 表三 / 表四
    label: str  # “一、本年新收政府信息公开申请数量 / 自然人”
    a: float | None  # None: no number
    b: float | None

    @staticmethod
    def shown(value: float | None, blank: str = "") -> str:
        return blank if value is None else fmt_number(value)


@dataclass(frozen=True)
class Comparison:
    a: FileResult
    b: FileResult
    differences: tuple[CellDifference, ...]
    notes: tuple[str, ...]  # catalog texts already filled: other unit, other year

    @property
    def equal(self) -> bool:
        return not self.differences


def _number(values: Mapping[str, float] | None, key: str) -> float | None:
    value = (values or {}).get(key)
    return None if value is None or value != value else float(value)


def cell_differences(spec: FormatSpec, a: FileResult, b: FileResult) -> tuple[CellDifference, ...]:
    out = []
    for cell in spec.cells:
        x, y = _number(a.values, cell.key), _number(b.values, cell.key)
        if x is None and y is None:
            continue
        if x is not None and y is not None:
            tolerance = AMOUNT_TOLERANCE if cell.kind == "amount" else 0.0
            if abs(x - y) <= tolerance:
                continue
        table = spec.table(cell.table).short_name
        out.append(CellDifference(cell.key, table, cell.label(), x, y))
    return tuple(out)


def compare(a: Path | str, b: Path | str, *, format_id: str | None = None) -> Comparison:
    from .i18n import _
    from .publish import checked_file

    first, second = checked_file(a, format_id), checked_file(b, format_id)
    if first.format != second.format:
        raise ConsolidateError(N_("{a} 是{fa}，{b} 是{fb}，两种格式的表格不能逐格比较。"),
                               a=a, b=b, fa=load_spec(first.format or "").name, fb=load_spec(second.format or "").name)
    notes = []
    if (first.unit_code and second.unit_code and first.unit_code != second.unit_code) or (
            first.unit_name and second.unit_name and first.unit_name != second.unit_name):
        notes.append(_("注意：两个文件的单位不同（{x} / {y}）。").format(
            x=first.unit_name or first.unit_code, y=second.unit_name or second.unit_code))
    if first.year and second.year and first.year != second.year:
        notes.append(_("注意：两个文件的年度不同（{x} / {y}）。").format(x=first.year, y=second.year))
    spec = load_spec(first.format or "")
    return Comparison(first, second, cell_differences(spec, first, second), tuple(notes))
