"""The one order findings are listed in: by sheet, row, column, then code.

Whole-file findings come first, then the 填报信息 sheet, the tables in spec order, then
any other sheet by name. Ties (two findings in one cell) fall back on the code and the
message, so the order never depends on how the findings were found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ..findings import Finding
from ..spec import DEFAULT_FORMAT, load_common, load_spec

_ADDRESS = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)")


@cache
def _sheet_ranks() -> dict[str, int]:
    common = load_common()
    ranks = {common.instructions_sheet: 1, common.identity_sheet: 2}
    for table in load_spec(DEFAULT_FORMAT).tables:  # every format has the same sheets
        ranks.setdefault(table.sheet, 3 + len(ranks))
    ranks[common.meta_sheet] = 1000
    return ranks


def cell_position(address: str | None) -> tuple[int, int]:
    """"D12" -> (12, 4); no address -> (0, 0)."""
    match = _ADDRESS.match(address or "")
    if not match:
        return (0, 0)
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return (int(match.group(2)), col)


def sort_key(finding: Finding) -> tuple[int, str, int, int, str, str, str]:
    rank = 0 if finding.sheet is None else _sheet_ranks().get(finding.sheet, 500)
    row, col = cell_position(finding.cell)
    return (rank, finding.sheet or "", row, col, finding.code, finding.key or "", finding.message_zh)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=sort_key)
