"""The floor: unzip each workbook and parse its sheet XML, no validation at all.

Any reader of the values has to inflate the sheet parts and go through their XML, so the
project's speed is reported as a ratio to this. ``parse_file`` inflates every worksheet
and the shared strings and picks out every cell (reference and content) with one
compiled pattern: the cheapest pass in Python that still sees every cell (python-calamine
reading the same sheets, in Rust, costs about the same). ``run`` is the floor in one
process (as the baseline runs); ``run_parallel`` the same over processes (as the project
reads large batches). For reference: ``run_etree`` parses the same parts into an
ElementTree (4x slower than the pattern on our templates, whose sheets carry large
data-validation sections), ``unzip_only`` inflates them and looks at nothing.
"""

from __future__ import annotations

import multiprocessing
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path

CELL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"
CELL_PATTERN = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _parts(zf: zipfile.ZipFile) -> list[str]:
    return [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet") or n == "xl/sharedStrings.xml"]


def parse_file(path: Path) -> int:
    """Every cell of every worksheet (and the shared strings) of one file; the cells seen."""
    cells = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for name in _parts(zf):
                cells += len(CELL_PATTERN.findall(zf.read(name)))
    except (zipfile.BadZipFile, OSError):
        return 0
    return cells


def parse_file_etree(path: Path) -> int:
    """The same parts parsed into an ElementTree; the cells seen."""
    cells = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for name in _parts(zf):
                cells += sum(1 for _ in ET.fromstring(zf.read(name)).iter(CELL))
    except (zipfile.BadZipFile, ET.ParseError, OSError):
        return 0
    return cells


def run(paths: Sequence[Path]) -> int:
    return sum(parse_file(p) for p in paths)


def run_etree(paths: Sequence[Path]) -> int:
    return sum(parse_file_etree(p) for p in paths)


def run_parallel(paths: Sequence[Path], workers: int = 2) -> int:
    """The floor over ``workers`` processes (fork, chunks), as the project reads large batches."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        return sum(pool.imap(parse_file, paths, chunksize=max(8, min(64, len(paths) // (workers * 8) or 1))))


def unzip_file(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(len(zf.read(name)) for name in _parts(zf))
    except (zipfile.BadZipFile, OSError):
        return 0


def unzip_only(paths: Sequence[Path]) -> int:
    return sum(unzip_file(p) for p in paths)
