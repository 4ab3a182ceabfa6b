"""The command line: each command parses, calls one library function, renders, exits.

Exit codes: 0 success, 1 the data has errors (or a file could not be read), 2 usage.
Commands import the library inside their function, so ``--help`` and ``template`` stay
quick (pandas and pandera are not imported for them). Every text, click's usage errors
and the help included, is in the language of ``--lang`` (Chinese by default): see
``app.py`` and ``usage.py``.
"""

from __future__ import annotations

import sys

from .app import app


def main() -> None:
    # pandera imports hypothesis (its data-synthesis extra) whenever it is installed: about
    # 0.2 s of start-up for something no command uses. Hide it from this process only.
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
    app()


__all__ = ["app", "main"]
