"""Check functions that misbehave, run in the check processes by the tests
(settings.CHECK_FUNCTION, given a list of CheckJob): the rest must survive and the file be kept."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

SLOW = b"SLOW-CHECK"  # a file holding this hangs ``slow_or_check``


def crash(jobs: Any) -> Any:
    os._exit(3)  # as a native library aborting would


def hang(jobs: Any) -> Any:
    time.sleep(3600)


def hog(jobs: Any) -> Any:
    """Allocates far more than the memory limit, as a hostile file can make a reader do."""
    chunks = []
    for _ in range(64):
        chunks.append(bytearray(256 * 1024 * 1024))
    return chunks


def slow_or_check(jobs: Any) -> Any:
    """Hangs on a file holding ``SLOW``; checks the others as usual."""
    from consolidate.web.checking import check_files

    if any(SLOW in Path(job.blob).read_bytes() for job in jobs):
        time.sleep(3600)
    return check_files(jobs)


def crash_once(jobs: Any) -> Any:
    """Dies on a file's first check (as a native library aborting would), checks it the second time."""
    from consolidate.web.checking import check_files

    for job in jobs:
        mark = Path(f"{job.blob}.crashed-once")
        if not mark.exists():
            mark.touch()
            os._exit(3)
    return check_files(jobs)
