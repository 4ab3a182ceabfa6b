"""The straightforward way to validate, for the tests that the stacked way is exact.

Each file read in this process, then validated on its own: one pandera validation per
file (``check_results([file])``), where ``consolidate.validate.validate`` stacks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from consolidate import __version__
from consolidate.findings import Finding
from consolidate.read.many import iter_many
from consolidate.report import FileResult, Report
from consolidate.roster import Roster
from consolidate.rules import check_batch
from consolidate.validate import check_results, expand_paths


def check_each(files: Sequence[FileResult]) -> list[list[Finding]]:
    """The rule findings of each file, ``check_batch`` called once per file."""
    return [check_batch([file])[0] for file in files]


def validate_each(paths: Sequence[Path | str], *, year: int | None = None, roster: Roster | None = None,
                  format_id: str | None = None) -> Report:
    """``validate(paths, workers=1, ...)``, one file at a time."""
    results = list(iter_many(expand_paths(paths), format_hint=format_id, workers=1))
    checked = [c for r in results for c in check_results([r], format_id=format_id, year=year, roster=roster)]
    return Report(checked, tool_version=__version__, format=format_id, year=year)
