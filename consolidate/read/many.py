"""Reading many files: over processes when there are many, same results and order as serial.

Reading one submission takes well under a millisecond of work in C/Rust plus Python
around it, so processes only pay off in chunks: each worker takes ``chunksize`` paths at
a time. The ``fork`` start method is used where the platform has it (``spawn`` and
``forkserver`` start a fresh interpreter per worker, which costs more than it saves on
small batches); without it, processes are only used for large batches.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from ..report import FileResult
from .reader import read_submission

MIN_PARALLEL = 48  # fewer files than this are read in this process
MIN_PARALLEL_SPAWN = 400  # the same without fork: starting interpreters costs more


def _read_one(path: Path, format_hint: str | None) -> FileResult:
    return read_submission(path, format_hint=format_hint)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def iter_many(paths: Iterable[Path | str], format_hint: str | None = None, workers: int | None = None,
              chunksize: int | None = None) -> Iterator[FileResult]:
    """Read every path, yielding results in the order of ``paths`` as they are ready."""
    items = [Path(p) for p in paths]
    workers = default_workers() if workers is None else workers
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if "fork" in methods else "spawn"
    threshold = MIN_PARALLEL if method == "fork" else MIN_PARALLEL_SPAWN
    workers = min(workers, max(1, len(items) // 8))
    if workers <= 1 or len(items) < threshold:
        for p in items:
            yield read_submission(p, format_hint=format_hint)
        return
    chunk = chunksize or max(8, min(64, len(items) // (workers * 8)))
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(workers) as pool:
        yield from pool.imap(partial(_read_one, format_hint=format_hint), items, chunksize=chunk)


def read_many(paths: Iterable[Path | str], format_hint: str | None = None, workers: int | None = None,
              chunksize: int | None = None) -> list[FileResult]:
    """Every path read, in order; ``workers=1`` reads in this process."""
    return list(iter_many(paths, format_hint, workers, chunksize))
