"""Reading many files: over processes when there are many, same results and order as serial.

Reading one submission takes a millisecond or two, so processes only pay off in chunks:
each worker reads ``chunksize`` paths at a time. The ``fork`` start method is used where
the platform has it (``spawn`` and ``forkserver`` start a fresh interpreter per worker,
which costs more than it saves on small batches); without it, processes are only used for
large batches.

A worker that dies (the reader's limits should make that impossible, but a native library
can still abort) or hangs does not stop the batch: a chunk that has not finished within its
time limit, or whose worker died, is read again one file per task, and a file that kills
its worker is reported unreadable (FILE-CORRUPT), one that is not read within
``FILE_TIMEOUT`` seconds as FILE-TIMEOUT. Leaving the iteration early (Ctrl-C included)
stops every worker at once (``consolidate.parallel``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..compact import compact
from ..i18n import Msg
from ..parallel import Failed, Workers, default_workers, start_method
from ..report import FileResult
from . import reader
from .archive import WORKER_STOPPED

MIN_PARALLEL = 48  # fewer files than this are read in this process
MIN_PARALLEL_SPAWN = 400  # the same without fork: starting interpreters costs more
FILE_TIMEOUT = 60.0  # seconds for one file read alone; a file past it is FILE-TIMEOUT
PER_FILE_IN_CHUNK = 1.0  # seconds a chunk is allowed per file, beyond FILE_TIMEOUT

__all__ = ["FILE_TIMEOUT", "default_workers", "iter_many", "read_many"]


def _read_chunk(paths: Sequence[Path], format_hint: str | None) -> list[FileResult]:
    return [reader.read_submission(p, format_hint=format_hint) for p in paths]


def iter_many(paths: Iterable[Path | str], format_hint: str | None = None, workers: int | None = None,
              chunksize: int | None = None, timeout: float | None = None) -> Iterator[FileResult]:
    """Read every path, yielding results in the order of ``paths`` as they are ready.
    ``timeout``: seconds a worker may spend on one file (default ``FILE_TIMEOUT``)."""
    items = [Path(p) for p in paths]
    workers = default_workers() if workers is None else workers
    method = start_method()
    threshold = MIN_PARALLEL if method == "fork" else MIN_PARALLEL_SPAWN
    workers = min(workers, max(1, len(items) // 8))
    if workers <= 1 or len(items) < threshold:
        for p in items:
            yield shared_addresses(reader.read_submission(p, format_hint=format_hint))
        return
    size = chunksize or max(8, min(64, len(items) // (workers * 8)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    for result in _over_processes(chunks, format_hint, workers, method, timeout or FILE_TIMEOUT):
        yield shared_addresses(result)


def shared_addresses(result: FileResult) -> FileResult:
    """A file whose cells all stand where its layout puts them (nearly every file) shares
    one read-only address map with the others instead of holding its own ~17 KB copy:
    a province's 10,000 results are ~170 MB lighter. Nothing changes for the others.
    Its values are kept compactly too (``consolidate.compact``: ~10 KB -> ~1.7 KB a file)."""
    result.values = compact(result.values)
    if result.format is not None and result.addresses:
        from ..spec import cell_addresses, load_spec

        spec = load_spec(result.format)
        for known in (cell_addresses(spec), cell_addresses(spec, "summary")):
            if result.addresses == known:
                result.addresses = known
                break
    return result


def _load_specs() -> None:
    """The specs every worker reads with, loaded once here before the workers are forked: they
    inherit them instead of each loading them itself (~60 ms a worker, measured 2026-12-02)."""
    from ..spec import FORMATS, load_common, load_spec

    load_common()
    for format_id in FORMATS:
        load_spec(format_id)


def _over_processes(chunks: list[list[Path]], format_hint: str | None, workers: int, method: str,
                    limit: float) -> Iterator[FileResult]:
    if method == "fork":
        _load_specs()
    with Workers(workers, method) as pool:
        futures = [(chunk, pool.submit(_read_chunk, chunk, format_hint, timeout=limit + PER_FILE_IN_CHUNK * len(chunk)))
                   for chunk in chunks]
        for chunk, future in futures:
            results = pool.outcome(future)
            if not isinstance(results, Failed):
                yield from results
                continue
            # this chunk one file per task: only the file that hangs or kills its worker fails
            alone = [(path, pool.submit(_read_chunk, [path], format_hint, timeout=limit)) for path in chunk]
            for path, one in alone:
                result = pool.outcome(one)
                yield _failed(path, result, limit) if isinstance(result, Failed) else result[0]


def _failed(path: Path, failure: Failed, limit: float) -> FileResult:
    if failure.reason == "timeout":
        return reader.unreadable(path, "FILE-TIMEOUT", f"{limit:g}")
    return reader.unreadable(path, "FILE-CORRUPT", Msg(WORKER_STOPPED))  # its cause (failure.detail) is Python's, in English


def read_many(paths: Iterable[Path | str], format_hint: str | None = None, workers: int | None = None,
              chunksize: int | None = None, timeout: float | None = None) -> list[FileResult]:
    """Every path read, in order; ``workers=1`` reads in this process."""
    return list(iter_many(paths, format_hint, workers, chunksize, timeout))
