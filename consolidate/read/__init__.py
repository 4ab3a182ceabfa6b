"""The reader: from a path on disk to a ``FileResult`` with parsed values and reading findings.

``read_submission(path, format_hint=None)`` reads one file and never raises for anything the
file contains; ``read_many(paths, format_hint=None, workers=None)`` reads many, over processes
when there are many, with the same results in the same order as reading them one by one.
``status_of(findings)`` is how a file's status follows from its findings.
"""

from __future__ import annotations

from ..findings import status_of
from .many import read_many
from .reader import read_submission

__all__ = ["read_many", "read_submission", "status_of"]
