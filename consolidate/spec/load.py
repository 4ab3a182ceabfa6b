"""Load the spec files of workbook_templates/ into typed objects.

``build.py`` does the work (pydantic validation, inheritance, cross-checks); a malformed
spec is refused there with a SpecError that names the file, the place and the problem.
The result is kept in a small cache keyed by the bytes of the spec files and of the
building code, so a command starts without importing pydantic once the spec has been
built on this machine. The resolved spec is hashed, so a workbook says which spec made it.

This module is the one place a process keeps what it built: each spec, once per folder and
format (``load_spec``), with everything derived from it carried on it (layouts, address maps,
reading plans, the rule program: ``spec.derived``, ``spec.program``). No other module keeps a
cache of spec-derived data.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from ..errors import SpecError
from .model import Common, FormatSpec

FORMATS = ("v2021", "v2019")
DEFAULT_FORMAT = "v2021"
_BUILDERS = ("build.py", "schema.py", "model.py", "expr.py", "program.py", "derived.py", "layout.py", "plan.py",
             "labels.py")
T = TypeVar("T")


def templates_dir() -> Path:
    """The spec folder: ``$CONSOLIDATE_SPEC_DIR`` when set (a copy of workbook_templates/ with
    changed or added rules, for every command), else workbook_templates/ beside the package."""
    return _templates_dir(os.environ.get("CONSOLIDATE_SPEC_DIR", ""))


@cache
def _templates_dir(configured: str) -> Path:
    """Found once per setting: load_spec asks for every file it reads."""
    if configured:
        folder = Path(configured).resolve()
        if not (folder / "common.yaml").is_file():
            raise SpecError(f"CONSOLIDATE_SPEC_DIR={configured}: no common.yaml there (a copy of workbook_templates/)")
        return folder
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "workbook_templates", here.parent / "workbook_templates"):
        if (candidate / "common.yaml").is_file():
            return candidate
    raise SpecError("workbook_templates/: the spec folder was not found beside the package")


def cache_dir() -> Path:
    """Where built specs are kept: $CONSOLIDATE_CACHE, else the user's cache folder."""
    configured = os.environ.get("CONSOLIDATE_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "consolidate"


def _key(name: str, folder: Path) -> str:
    digest = hashlib.sha256(f"{name}|{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    here = Path(__file__).resolve().parent
    for path in [*(here / b for b in _BUILDERS), *sorted(folder.glob("*.yaml"))]:
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            digest.update(path.name.encode() + b"\0missing")
    return digest.hexdigest()[:24]


def _cached(name: str, folder: Path, build: Callable[[], T]) -> T:
    """``build()``, or its result from an earlier run on the same files. A cache that cannot
    be read or written is passed over: it only saves time."""
    path = cache_dir() / f"spec-{name}-{_key(name, folder)}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    value = build()
    from ..writing import write_atomically

    with contextlib.suppress(OSError):
        write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def load_spec(format_id: str = DEFAULT_FORMAT, folder: Path | None = None) -> FormatSpec:
    """The resolved, typed spec of one national format (``v2021`` or ``v2019``) of ``folder``
    (default: :func:`templates_dir`), built once per folder and format in a process."""
    return _load_spec(format_id, folder or templates_dir())


def read_spec(format_id: str, folder: Path) -> FormatSpec:
    """The spec of ``folder`` as its files are now (built, or from the disk cache); ``load_spec``
    keeps it for the rest of the process."""
    if not (folder / f"{format_id}.yaml").is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("v*.yaml")))
        raise SpecError(f"{format_id}.yaml: no such format spec (known: {known})")

    def build() -> FormatSpec:
        from .build import build_spec

        return build_spec(format_id, folder)

    return _cached(format_id, folder, build)


_load_spec = cache(read_spec)


def load_common(folder: Path | None = None) -> Common:
    """The parts every format shares: identity sheet, _meta, instructions, finding texts."""
    return _load_common(folder or templates_dir())


@cache
def _load_common(folder: Path) -> Common:
    def build() -> Common:
        from .build import build_common

        return build_common(folder)

    return _cached("common", folder, build)


def format_for_year(year: int) -> str:
    """The national format a report for ``year`` must use."""
    for fid in FORMATS:
        if load_spec(fid).covers(year):
            return fid
    return DEFAULT_FORMAT
