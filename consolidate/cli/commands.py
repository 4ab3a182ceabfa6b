"""Registers every command module on the app (one module per command)."""

from __future__ import annotations

import importlib

for _name in ("template_cmd", "validate_cmd", "rollup_cmd", "run_cmd", "publish_cmd", "compare_cmd", "serve_cmd", "worker_cmd",
              "office_cmd"):
    try:
        importlib.import_module(f"{__package__}.{_name}")
    except ModuleNotFoundError as exc:  # a command not written yet
        if exc.name != f"{__package__}.{_name}":
            raise
