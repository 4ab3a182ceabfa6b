"""Compile the catalog: every ``consolidate/locale/*/LC_MESSAGES/django.po`` to its ``.mo``.

Run by ``make catalog``; the compiled files are committed (Django and the library read
them at run time, and an office PC installs without build tools). Babel's writer sorts
the messages, so the same ``.po`` gives the same bytes. ``--check`` compiles to memory
and exits 1 when a committed ``.mo`` differs (the test suite does the same).
"""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "consolidate" / "locale"


# Babel stamps the clock as POT-Creation-Date when a .po has none: pin it, or the same .po
# compiles to other bytes a minute later and the freshness test fails at random.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def compiled(po_path: Path) -> bytes:
    data = po_path.read_bytes()
    catalog = read_po(io.BytesIO(data))
    if b"POT-Creation-Date" not in data:
        catalog.creation_date = FIXED_DATE
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if mo.exists() and mo.read_bytes() == data:
            continue
        if check:
            stale.append(mo)
        else:
            mo.write_bytes(data)
            print(f"compiled {mo.relative_to(LOCALE_DIR.parent.parent)}")
    for mo in stale:
        print(f"stale: {mo} (run `make catalog`)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
