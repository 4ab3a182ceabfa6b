"""The one order findings are listed in: by sheet, row, column, then code.

Whole-file findings come first, then the 填报信息 sheet, the tables in spec order, then
any other sheet by name. Ties (two findings in one cell) fall back on the code and the
message, so the order never depends on how the findings were found.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding
from ..spec import DEFAULT_FORMAT, load_spec
from ..spec.layout import position


def cell_position(address: str | None) -> tuple[int, int]:
    """"D12" -> (12, 4), 1-based; no address -> (0, 0)."""
    row, col = position(address)
    return (row + 1, col + 1)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    ranks = load_spec(DEFAULT_FORMAT).derived.sheet_ranks  # every format has the same sheets

    def key(finding: Finding) -> tuple[int, str, int, int, str, str, str]:
        rank = 0 if finding.sheet is None else ranks.get(finding.sheet, 500)
        row, col = cell_position(finding.cell)
        return (rank, finding.sheet or "", row, col, finding.code, finding.key or "", finding.message_zh)

    return sorted(findings, key=key)
