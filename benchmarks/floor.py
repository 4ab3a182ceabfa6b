"""The floor: unzip each workbook and parse its sheet XML, no validation at all.

Any reader of the values has to inflate the parts and go through the sheet XML, so the
project's speed is reported as a ratio to this. ``run`` is the floor (one process, as
the straightforward baseline runs); ``run_parallel`` the same over processes (what the
project may use); ``unzip_only`` inflates every part and parses nothing (below any reader).
"""

from __future__ import annotations

import multiprocessing
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path

CELL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"


def parse_file(path: Path) -> int:
    """Parse every worksheet and the shared strings of one file; returns the cells seen."""
    cells = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
                    root = ET.fromstring(zf.read(name))
                    cells += sum(1 for _ in root.iter(CELL))
    except (zipfile.BadZipFile, ET.ParseError, OSError):
        return 0
    return cells


def run(paths: Sequence[Path]) -> int:
    return sum(parse_file(p) for p in paths)


def run_parallel(paths: Sequence[Path], workers: int = 2) -> int:
    """The floor over ``workers`` processes (fork, chunks), as the project reads large batches."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        return sum(pool.imap(parse_file, paths, chunksize=max(8, min(64, len(paths) // (workers * 8) or 1))))


def unzip_file(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(len(zf.read(name)) for name in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return 0


def unzip_only(paths: Sequence[Path]) -> int:
    return sum(unzip_file(p) for p in paths)
