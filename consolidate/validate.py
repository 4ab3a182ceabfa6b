"""Validate returned workbooks: the library behind ``consolidate validate``.

``validate(paths, ...)`` expands folders, reads every file (``consolidate.read``), runs the
rules of the spec over all of them at once (``consolidate.rules``: one pandera validation
per format for the whole batch) plus the identity checks, and returns a ``Report`` with
one ``FileResult`` per file, its findings in a fixed order and its final status. It never
prints and never exits; data problems are findings, and a ``ConsolidateError`` means the
run cannot start (a path that does not exist, nothing to check, an unknown format).

Folders are searched recursively and every file in them counts, whatever its extension
(a ``.docx`` renamed ``.xlsx``, a ``.csv`` or a ``.pdf`` sent by mistake is reported as
unreadable with its reason), except hidden files and folders (``.*``), Office lock files
(``~$*``) and the folder files Windows and macOS make (``Thumbs.db``, ``desktop.ini``).
A file named on the command line always counts. A bundle (.zip, .rar, .7z) counts as its
members, each checked as ``包.zip/成员.xlsx`` (``consolidate.read.bundles``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import __version__
from .errors import ConsolidateError
from .i18n import LIST_OR, N_, Items
from .report import FileResult, Report
from .roster import Roster
from .spec import FORMATS

SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})

Progress = Callable[[int, int], None]


def skipped(name: str) -> bool:
    """A file or folder inside a given folder that is not a submission."""
    return name.startswith((".", "~$")) or name.lower() in SKIPPED_NAMES


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []

    def unlistable(exc: OSError) -> None:  # a folder that cannot be listed is reported, not skipped
        found.append(Path(exc.filename or folder))

    for root, dirs, files in os.walk(folder, onerror=unlistable, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not skipped(d))
        found += [Path(root, name) for name in sorted(files) if not skipped(name)]
    return found


def _is_member(path: Path) -> bool:
    from .read.bundles import split

    return split(path) is not None


def _opened(files: list[Path]) -> list[Path]:
    """Each bundle (.zip/.rar/.7z) replaced by its members (``包.zip/成员.xlsx``)."""
    from .read.bundles import members

    out: list[Path] = []
    for f in files:
        out += members(f) or [f]
    return out


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files and folders -> the files to check, in a stable order, each once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = _walk(path)
        elif path.exists() or path.is_symlink() or _is_member(path):
            candidates = [path]
        else:
            raise ConsolidateError(N_("找不到文件或文件夹：{path}。请检查路径。"), path=path)
        for candidate in _opened(candidates):
            try:
                identity = candidate.resolve()
            except OSError:
                identity = candidate.absolute()
            if identity not in seen:
                seen.add(identity)
                out.append(candidate)
    return out


def check_results(results: Sequence[FileResult], *, format_id: str | None = None, year: int | None = None,
                  roster: Roster | None = None) -> list[FileResult]:
    """The read ``results`` with the rule and identity findings added, sorted, and their status.

    The rules run once over all of them, stacked. The inputs are not changed: new
    ``FileResult`` objects are returned.
    """
    from .findings import status_of
    from .rules import check_batch, check_identity
    from .rules.order import sort_findings

    rule_findings = check_batch(results)
    out = []
    for result, found in zip(results, rule_findings, strict=True):
        identity = check_identity(result, year=year, roster=roster, format_id=format_id)
        findings = sort_findings([*result.findings, *identity, *found])
        out.append(dataclasses.replace(result, findings=findings, status=status_of(findings)))
    return out


def validate(paths: Sequence[Path | str], *, format_id: str | None = None, year: int | None = None,
             roster: Roster | None = None, workers: int | None = None, on_progress: Progress | None = None
             ) -> Report:
    """Check every file under ``paths`` and return the report.

    ``format_id`` (v2021/v2019): read workbooks without our template marker as this format,
    and flag files of the other one; ``year``: the report year being collected; ``roster``:
    the units expected; ``workers``: processes for reading (default: the cores; 1 = none);
    ``on_progress(done, total)`` is called as files are read.
    """
    from .read.many import iter_many

    if format_id is not None and format_id not in FORMATS:
        raise ConsolidateError(N_("未知的格式“{format_id}”，应为 {value}。"), format_id=format_id, value=Items(FORMATS, sep=LIST_OR))
    files = expand_paths(paths)
    if not files:
        raise ConsolidateError(N_("在 {where} 中没有找到要审核的文件。"), where=Items(tuple(str(p) for p in paths)))
    results: list[FileResult] = []
    for result in iter_many(files, format_hint=format_id, workers=workers):
        results.append(result)
        if on_progress is not None:
            on_progress(len(results), len(files))
    from .read.meta import REPORT_KIND

    ours = tuple(r.path for r in results if r.meta.get("kind") == REPORT_KIND)  # a report workbook of ours
    results = [r for r in results if r.path not in ours]
    checked = check_results(results, format_id=format_id, year=year, roster=roster)
    return Report(checked, tool_version=__version__, format=format_id, year=year, skipped=ours)
