"""Compile the catalog: every ``consolidate/locale/*/LC_MESSAGES/django.po`` to its ``.mo``.

Run by ``make catalog``; the compiled files are committed (Django and the library read
them at run time, and an office PC installs without build tools). Babel's writer sorts
the messages, so the same ``.po`` gives the same bytes. ``--check`` compiles to memory
and exits 1 when a committed ``.mo`` differs (the test suite does the same).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "consolidate" / "locale"


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
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
