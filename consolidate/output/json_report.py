"""The JSON report (``consolidate validate --json FILE|-``): ``Report.to_dict`` as strict JSON.

The schema is documented in the README (审核 / validate). Numbers that could not be read are
NaN in ``FileResult.values``; JSON has no NaN, so they are written as ``null``. Keys keep
the library's order and Chinese stays readable (UTF-8, not ``\\u`` escapes).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_
from ..report import Report
from ..spec.model import Lang
from ..writing import InputFiles, write_chunks_atomically


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
    return "".join(report_json_chunks(report, lang=lang))


def _dumps(value: Any) -> str:
    return json.dumps(json_ready(value), ensure_ascii=False, indent=2, allow_nan=False)


FILES_SLOT = '\n  "files": []'  # where the files go in the report without them (strings hold no raw newline)


def report_json_chunks(report: Report, *, lang: Lang = "zh") -> Iterator[str]:
    """The JSON report piece by piece, one file at a time: the same text as ``json.dumps`` of
    the whole :func:`report_dict`, without ever holding the whole (for 10,000 files the
    whole report as Python objects and text took ~400 MB)."""
    head = report_dict(dataclasses.replace(report, files=[]), lang=lang)
    head["totals"] = report.totals()
    text = _dumps(head)
    before, found, after = text.partition(FILES_SLOT)
    if not found:  # Report.to_dict without its files list: cannot happen, but never a wrong report
        yield json.dumps(report_dict(report, lang=lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        return
    if not report.files:
        yield text + "\n"
        return
    yield before + '\n  "files": ['
    for i, result in enumerate(report.files):
        entry = _dumps(result.to_dict(lang)).replace("\n", "\n    ")  # nested two levels deep
        yield ("\n    " if i == 0 else ",\n    ") + entry
    yield "\n  ]" + after + "\n"


def write_json(report: Report, path: Path, *, lang: Lang = "zh") -> None:
    """Write the JSON report to ``path`` (replaced atomically); never over an input file."""
    path = Path(path)
    if path in InputFiles(f.path for f in report.files):
        raise ConsolidateError(
            N_("JSON 报告 {path} 与一个被审核的文件同名，不能覆盖报送的文件。请换一个文件名。"), path=path,
        )
    try:
        write_chunks_atomically(path, (chunk.encode("utf-8") for chunk in report_json_chunks(report, lang=lang)))
    except OSError as exc:
        raise ConsolidateError(N_("无法写入 JSON 报告 {path}（{reason}）。"), path=path, reason=os_error_msg(exc)) from exc


def stream_json(report: Report, out: IO[str], *, lang: Lang = "zh") -> None:
    """Write the JSON report to ``out`` (standard output) as it is rendered."""
    for chunk in report_json_chunks(report, lang=lang):
        out.write(chunk)
