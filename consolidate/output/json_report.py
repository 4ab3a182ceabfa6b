"""The JSON report (``consolidate validate --json FILE|-``): ``Report.to_dict`` as strict JSON.

The schema is documented in the README (审核 / validate). Numbers that could not be read are
NaN in ``FileResult.values``; JSON has no NaN, so they are written as ``null``. Keys keep
the library's order and Chinese stays readable (UTF-8, not ``\\u`` escapes).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_
from ..report import Report
from ..spec.model import Lang
from ..writing import same_file, write_atomically


def json_ready(value: Any) -> Any:
    """NaN and infinities -> None, tuples -> lists, recursively: what strict JSON can hold."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def report_dict(report: Report, *, lang: Lang = "zh") -> dict[str, Any]:
    """The report as the JSON file holds it (after ``json.loads``)."""
    return json_ready(report.to_dict(lang))  # type: ignore[no-any-return]


def report_json(report: Report, *, lang: Lang = "zh") -> str:
    return json.dumps(report_dict(report, lang=lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(report: Report, path: Path, *, lang: Lang = "zh") -> None:
    """Write the JSON report to ``path`` (replaced atomically); never over an input file."""
    path = Path(path)
    if any(same_file(path, Path(f.path)) for f in report.files):
        raise ConsolidateError(
            N_("JSON 报告 {path} 与一个被审核的文件同名，不能覆盖报送的文件。请换一个文件名。"), path=path,
        )
    try:
        write_atomically(path, report_json(report, lang=lang).encode("utf-8"))
    except OSError as exc:
        raise ConsolidateError(N_("无法写入 JSON 报告 {path}（{reason}）。"), path=path, reason=os_error_msg(exc)) from exc
