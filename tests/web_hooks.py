"""Check functions that misbehave, run in the checker's worker processes by the tests
(settings.CHECK_FUNCTION): the server must survive both and still keep the file."""

from __future__ import annotations

import os
import time
from typing import Any


def crash(job: Any) -> Any:
    os._exit(3)  # as a native library aborting would


def hang(job: Any) -> Any:
    time.sleep(3600)
