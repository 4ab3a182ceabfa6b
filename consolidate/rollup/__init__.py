"""The roll-up: one submission per unit, the district's totals, and the summary workbook.

``rollup(paths, out=...)`` (``run.py``) validates, selects, totals and writes; the pure part
is ``build`` (``data.py``: selection in ``select.py``, totals in ``totals.py``, 同比 in
``yoy.py``) and the workbook is ``summary_bytes`` (``summary.py`` and a module per sheet).
"""

from __future__ import annotations

from .data import RollupData, build
from .run import RollupResult, rollup
from .select import FileFate, Selection, UnitRow, select
from .summary import summary_bytes

__all__ = ["FileFate", "RollupData", "RollupResult", "Selection", "UnitRow", "build", "rollup", "select",
           "summary_bytes"]
