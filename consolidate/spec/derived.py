"""Everything derived from a format spec, computed once when the spec is built.

Layouts (where each label and cell stands, in the template and in the summary), the
address maps, the reading plans, and the sets of cells the reader treats specially (the
order totals are recomputed in is the rules' program's, ``FormatSpec.program``). ``build.py`` makes them and the spec carries them
(``FormatSpec.derived``), so they are kept in the spec cache of ``load.py`` with the rest,
and no module keeps a cache of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .layout import TableLayout, build_summary_layout, build_template_layout
from .model import Cell, Common, FormatSpec
from .plan import TablePlan, plan_of

LayoutName = Literal["template", "summary"]


@dataclass(frozen=True)
class Derived:
    cells: Mapping[str, Cell]  # key -> cell
    layouts: Mapping[LayoutName, Mapping[str, TableLayout]]  # -> table id -> layout
    addresses: Mapping[LayoutName, dict[str, tuple[str, str]]]  # -> cell key -> (sheet, "D12")
    plans: Mapping[LayoutName, Mapping[str, TablePlan]]  # -> table id -> reading plan
    totals: frozenset[str]  # keys of the totals
    ambiguous: frozenset[str]  # amounts whose official header states a unit (a bare number may be in 元)
    sheet_ranks: Mapping[str, int]  # the order findings are listed in, by sheet


def derive(spec: FormatSpec, common: Common) -> Derived:
    cells = {c.key: c for c in spec.cells}
    layouts: dict[LayoutName, Mapping[str, TableLayout]] = {
        "template": build_template_layout(spec), "summary": build_summary_layout(spec)}
    addresses = {name: {k: (lay.sheet, box.address) for lay in tables.values() for k, box in lay.cells.items()}
                 for name, tables in layouts.items()}
    plans = {name: {tid: plan_of(lay) for tid, lay in tables.items()} for name, tables in layouts.items()}
    ranks = {common.instructions_sheet: 1, common.identity_sheet: 2}
    for table in spec.tables:
        ranks.setdefault(table.sheet, 3 + len(ranks))
    ranks[common.meta_sheet] = 1000
    return Derived(
        cells=cells,
        layouts=layouts,
        addresses=addresses,  # type: ignore[arg-type]
        plans=plans,  # type: ignore[arg-type]
        totals=frozenset(c.key for c in spec.cells if c.is_total),
        ambiguous=frozenset(c.key for c in spec.cells if c.kind == "amount" and c.unit_note),
        sheet_ranks=ranks,
    )
