"""What validating a batch of files produces: one FileResult per input file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .compact import as_dict, from_json
from .findings import Finding, Status, count_by_severity
from .i18n import N_
from .spec.model import Lang

Kind = Literal["template", "rollup", "foreign", "report"]  # ours, a summary of ours, retyped by a unit, or its published report
# what a roll-up is, wherever one is described: its own 单位类型, the 报送情况 note, the report's 格式 column
ROLLUP_KIND = N_("汇总表（{units} 个单位）")


@dataclass
class FileResult:
    """One input file: where it came from, what it says, and what is wrong with it."""

    path: str  # as given (or found under a given folder)
    sha256: str | None
    size: int | None
    mtime: float | None  # the file's modification time (supersession falls back on it)
    status: Status
    format: str | None = None  # "v2021" / "v2019"
    kind: Kind | None = None
    units: int = 1  # a roll-up counts for the units it totals
    identity: dict[str, str] = field(default_factory=dict)  # field id of common.yaml -> text
    year: int | None = None
    # spec cell key -> value (amounts in 万元); read-only once read (``consolidate.compact``)
    values: Mapping[str, float] | None = None
    findings: list[Finding] = field(default_factory=list)
    # spec cell key -> (sheet, "D12") where the reader found it: the template's address,
    # or where a shifted or retyped table really has it. Findings point there.
    addresses: dict[str, tuple[str, str]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)  # the _meta sheet as read (empty when absent)

    @property
    def counts(self) -> dict[str, int]:
        return count_by_severity(self.findings)

    @property
    def unit_name(self) -> str:
        return self.identity.get("unit_name", "")

    @property
    def unit_code(self) -> str:
        return self.identity.get("unit_code", "")

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "status": self.status,
            "format": self.format,
            "kind": self.kind,
            "units": self.units,
            "unit": {"name": self.unit_name, "code": self.unit_code, **self.identity},
            "year": self.year,
            "values": None if self.values is None else as_dict(self.values),
            "counts": self.counts,
            "findings": [f.to_dict(lang) for f in self.findings],
        }

    @classmethod
    def from_dict(cls, entry: Mapping[str, Any], *, path: str | None = None) -> FileResult:
        """A file's result kept as data (``to_dict``, a JSON report's entry): values, findings
        (rendered again in any language, ``Finding.from_dict``) and identity, as the roll-up,
        the report workbook and the annotated copy take it. Numbers that could not be read
        (``null`` in JSON) are NaN again. ``path``: the name to give it instead of its own."""
        unit = dict(entry.get("unit") or {})
        identity = {k: str(v) for k, v in unit.items() if k not in ("name", "code") and v is not None}
        values = entry.get("values")
        return cls(
            path=path if path is not None else str(entry.get("path") or ""),
            sha256=entry.get("sha256"), size=entry.get("size"), mtime=None, status=entry["status"],
            format=entry.get("format"), kind=entry.get("kind"), units=int(entry.get("units") or 1),
            identity=identity, year=entry.get("year"),
            values=None if values is None else from_json(values),
            findings=[Finding.from_dict(f) for f in entry.get("findings") or []],
        )


@dataclass
class Report:
    files: list[FileResult]
    tool_version: str
    format: str | None = None  # asked for with --format, else detected per file
    year: int | None = None  # asked for with --year
    # files of ours found among the inputs and left out: report workbooks, this level's own summary
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No file has an error and every file could be read: the exit code is ``int(not ok)``."""
        return all(f.status == "valid" for f in self.files)

    def totals(self) -> dict[str, int]:
        out = {"files": len(self.files), "valid": 0, "invalid": 0, "unreadable": 0, "error": 0, "warning": 0, "info": 0}
        for f in self.files:
            out[f.status] += 1
            for sev, n in f.counts.items():
                out[sev] += n
        return out

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        return {
            "tool": "consolidate",
            "tool_version": self.tool_version,
            "format": self.format,
            "year": self.year,
            "totals": self.totals(),
            "files": [f.to_dict(lang) for f in self.files],
            "skipped": list(self.skipped),
        }
