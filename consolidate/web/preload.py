"""Imported once by the check processes' fork server (``runner``): everything a check needs
loaded, and one blank template of each format checked (the rules' schemas and the readers'
caches are built on first use), before the check processes are forked from it, so that a
fresh process per check starts ready instead of paying ~1 s of first use again."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..read.many import _load_specs
from .checking import warm


def _first_use() -> None:
    from ..roster import Unit
    from ..spec import FORMATS, load_spec
    from ..template import build_workbook
    from ..validate import validate

    folder = Path(tempfile.mkdtemp(prefix="consolidate-warm-"))
    try:
        for format_id in FORMATS:
            path = folder / f"{format_id}.xlsx"
            path.write_bytes(build_workbook(load_spec(format_id), 2025, Unit(code="", name="", type="", parent="")))
            validate([path], format_id=format_id, year=2025, workers=1)
    except Exception:  # only a warm-up: a check does the same work itself
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


warm()
_load_specs()
_first_use()
