"""Reading many files: over processes when there are many, same results and order as serial.

Reading one submission takes a millisecond or two, so processes only pay off in chunks:
each worker reads ``chunksize`` paths at a time. The ``fork`` start method is used where
the platform has it (``spawn`` and ``forkserver`` start a fresh interpreter per worker,
which costs more than it saves on small batches); without it, processes are only used for
large batches.

A worker that dies (the reader's limits should make that impossible, but a native library
can still abort) does not hang or stop the batch: its chunk is read again one file per
process, and a file that kills its process is reported unreadable (FILE-CORRUPT).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path

from ..report import FileResult
from . import reader

MIN_PARALLEL = 48  # fewer files than this are read in this process
MIN_PARALLEL_SPAWN = 400  # the same without fork: starting interpreters costs more
ISOLATED_TIMEOUT = 120.0  # seconds for one file read alone, after a worker died


def _read_chunk(paths: Sequence[Path], format_hint: str | None) -> list[FileResult]:
    return [reader.read_submission(p, format_hint=format_hint) for p in paths]


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
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    threshold = MIN_PARALLEL if method == "fork" else MIN_PARALLEL_SPAWN
    workers = min(workers, max(1, len(items) // 8))
    if workers <= 1 or len(items) < threshold:
        for p in items:
            yield shared_addresses(reader.read_submission(p, format_hint=format_hint))
        return
    size = chunksize or max(8, min(64, len(items) // (workers * 8)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    for result in _over_processes(chunks, format_hint, workers, multiprocessing.get_context(method)):
        yield shared_addresses(result)


def shared_addresses(result: FileResult) -> FileResult:
    """A file whose cells all stand where its layout puts them (nearly every file) shares
    one read-only address map with the others instead of holding its own ~17 KB copy:
    a province's 10,000 results are ~170 MB lighter. Nothing changes for the others."""
    if result.format is not None and result.addresses:
        from ..spec import cell_addresses, load_spec

        spec = load_spec(result.format)
        for known in (cell_addresses(spec), cell_addresses(spec, "summary")):
            if result.addresses == known:
                result.addresses = known
                break
    return result


def _over_processes(chunks: list[list[Path]], format_hint: str | None, workers: int,
                    ctx: BaseContext) -> Iterator[FileResult]:
    pending = chunks
    while pending:
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            futures: list[tuple[list[Path], Future[list[FileResult]]]] = [
                (chunk, pool.submit(_read_chunk, chunk, format_hint)) for chunk in pending]
            pending = []
            for i, (chunk, future) in enumerate(futures):
                try:
                    results = future.result()
                except BrokenProcessPool:  # a worker died: this chunk alone, then a new pool
                    yield from (_isolated(p, format_hint, ctx) for p in chunk)
                    pending = [c for c, _ in futures[i + 1:]]
                    break
                yield from results


def _isolated(path: Path, format_hint: str | None, ctx: BaseContext) -> FileResult:
    """One file read in a process of its own: a file that kills it is unreadable."""
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        try:
            return pool.submit(_read_chunk, [path], format_hint).result(timeout=ISOLATED_TIMEOUT)[0]
        except BrokenProcessPool:
            detail = "the reading process stopped on this file"
        except TimeoutError:
            detail = f"reading took more than {ISOLATED_TIMEOUT:.0f} s"
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
    return reader.unreadable(path, "FILE-CORRUPT", detail)


def read_many(paths: Iterable[Path | str], format_hint: str | None = None, workers: int | None = None,
              chunksize: int | None = None) -> list[FileResult]:
    """Every path read, in order; ``workers=1`` reads in this process."""
    return list(iter_many(paths, format_hint, workers, chunksize))
