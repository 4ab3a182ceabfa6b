"""The corpus of real published reports (tests/corpus/) and their hand transcriptions.

Each report is a file ``<id>.<container>`` (the page or document as its unit published it)
beside ``<id>.yaml``: where it comes from, the unit, year, format and kind, every non-zero
statistical cell as ``[表, row label, column label, value]`` with the official labels of
shared/FORMAT.md (amounts in 万元), the cells it prints blank or as a dash, and the balance
rules its printed numbers break. ``load()`` gives them as ``Truth`` objects keyed by the
spec's cell keys; ``rule_failures()`` recomputes, from the transcribed numbers alone and
without the project's rule engine, which rules of FORMAT.md the printed numbers break, so a
transcription and its list of printed inconsistencies can be checked against each other.
Used by tests/test_corpus.py and benchmarks/corpus.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from consolidate.spec import load_spec

CORPUS = Path(__file__).resolve().parent / "corpus"
CONTAINERS = ("html", "pdf", "docx", "txt")
KINDS = ("town", "street", "department", "summary")
SHEETS = {"t2": "表二", "t3": "表三", "t4": "表四"}


@dataclass(frozen=True)
class Inconsistency:
    """A balance rule the printed numbers break: at ``key``, ``printed`` where the rule gives ``expected``."""

    rule: str
    key: str
    printed: float
    expected: float
    note: str = ""


@dataclass(frozen=True)
class Truth:
    id: str
    path: Path
    container: str
    source: dict[str, str]
    unit: str
    year: int
    format: str
    kind: str
    hard: str
    values: dict[str, float]  # every statistical cell of the format: the printed value, 0 where none
    blank: frozenset[str]  # cells printed blank or as a dash (/ - — 无): no number to read there
    inconsistencies: tuple[Inconsistency, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.values)


@cache
def label_keys(format_id: str) -> dict[tuple[str, str, str], str]:
    """(表, row label, column label) -> the spec's cell key. 表四's row is its block
    (行政复议, 未经复议直接起诉, 复议后起诉), as in shared/reports/truth.yaml."""
    out: dict[tuple[str, str, str], str] = {}
    for cell in load_spec(format_id).cells:
        sheet = SHEETS[cell.table]
        if cell.table == "t4":
            row, column = cell.column_labels[-2], cell.column_labels[-1]
        else:
            row, column = cell.row_labels[-1], cell.column_labels[-1]
        assert (sheet, row, column) not in out, (format_id, sheet, row, column)
        out[sheet, row, column] = cell.key
    return out


def key_of(format_id: str, place: list[Any]) -> str:
    sheet, row, column = place[:3]
    try:
        return label_keys(format_id)[sheet, row, column]
    except KeyError:
        raise ValueError(f"{format_id}: no cell {sheet} / {row} / {column}") from None


def read_truth(path: Path) -> Truth:
    """One ``<id>.yaml`` and the report file beside it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    files = [p for p in path.parent.glob(f"{path.stem}.*") if p.suffix != ".yaml"]
    if len(files) != 1:
        raise ValueError(f"{path.name}: expected one report file beside it, found {[p.name for p in files]}")
    report = files[0]
    fmt = data["format"]
    values = dict.fromkeys((c.key for c in load_spec(fmt).cells), 0.0)
    for place in data.get("cells") or []:
        key = key_of(fmt, place)
        if values[key] != 0:
            raise ValueError(f"{path.name}: {place[:3]} given twice")
        values[key] = float(place[3])
    blank = frozenset(key_of(fmt, place) for place in data.get("blank") or [])
    if any(values[k] != 0 for k in blank):
        raise ValueError(f"{path.name}: a blank cell has a value")
    for k in blank:
        values[k] = math.nan
    found = tuple(Inconsistency(i["rule"], key_of(fmt, i["cell"]), float(i["printed"]), float(i["expected"]),
                                i.get("note", "")) for i in data.get("printed_inconsistencies") or [])
    container = report.suffix.lstrip(".").lower()
    assert container in CONTAINERS, report
    assert data["kind"] in KINDS, (path, data["kind"])
    return Truth(id=path.stem, path=report, container=container, source=dict(data["source"]), unit=data["unit"],
                 year=int(data["year"]), format=fmt, kind=data["kind"], hard=data.get("hard", ""),
                 values=values, blank=blank, inconsistencies=found, notes=tuple(data.get("notes") or ()))


def unprinted(truth: Truth, result: Any) -> set[str]:
    """The cells of the rows a report does not print (表二 without its 规章 row): the reader
    leaves them unread and says so at that row (ROW-MISSING, issue 16 point 1), which is right
    when the transcription has none there (0)."""
    rows = {(f.sheet, f.row_label) for f in result.findings if f.code == "ROW-MISSING"}
    values = result.values or {}
    return {c.key for c in load_spec(truth.format).cells
            if (SHEETS[c.table], c.row_label) in rows and c.key not in values and truth.values[c.key] == 0}


def load() -> list[Truth]:
    """Every report of tests/corpus/, by id."""
    return [read_truth(p) for p in sorted(CORPUS.glob("*.yaml"))]


def _v(values: dict[str, float], key: str) -> float:
    value = values[key]
    return 0.0 if math.isnan(value) else value


def rule_failures(format_id: str, values: dict[str, float]) -> dict[tuple[str, str], tuple[float, float]]:
    """(rule, key) -> (printed, expected) for each rule of FORMAT.md the numbers break, written
    out here from FORMAT.md's rule table (not taken from the project's rules): T3-BALANCE at
    四、结转下年度继续办理, T3-ROWTOTAL at a row's 总计, T3-OUTCOMES at （七）总计, T4-TOTALS at
    a block's 总计, and (v2019) the warning T2-V2019-MISUSE at 处理决定数量. A blank counts as 0."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    applicants = ("natural", "business", "research", "public_interest", "legal", "other")
    outcomes = [k.split(".")[1] for k in values if k.startswith("t3.") and k.endswith(".natural")]
    outcomes = outcomes[outcomes.index("granted"):outcomes.index("total")]
    rows = [k.split(".")[1] for k in values if k.startswith("t3.") and k.endswith(".natural")]

    def expect(rule: str, key: str, wanted: float) -> None:
        if not math.isclose(_v(values, key), wanted, abs_tol=1e-9):
            out[rule, key] = (_v(values, key), wanted)

    for column in (*applicants, "total"):
        def at(row: str, column: str = column) -> float:
            return _v(values, f"t3.{row}.{column}")
        expect("T3-BALANCE", f"t3.carry_over.{column}", at("new") + at("carried") - at("total"))
        expect("T3-OUTCOMES", f"t3.total.{column}", sum(at(r) for r in outcomes))
    for row in rows:
        expect("T3-ROWTOTAL", f"t3.{row}.total", sum(_v(values, f"t3.{row}.{c}") for c in applicants))
    for block in ("rev", "direct", "after"):
        parts = ("upheld", "corrected", "other", "pending")
        expect("T4-TOTALS", f"t4.cases.{block}_total", sum(_v(values, f"t4.cases.{block}_{p}") for p in parts))
    if format_id == "v2019":
        for row in ("permit", "other_services", "penalty", "coercion"):
            decisions = _v(values, f"t2.{row}.decisions")
            if decisions > 0 and decisions == _v(values, f"t2.{row}.prev_count") + _v(values, f"t2.{row}.change"):
                out["T2-V2019-MISUSE", f"t2.{row}.decisions"] = (decisions, decisions)
    return out


def reported(format_id: str, failures: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The failures a checker reports: a total is not reported again when the same rule
    already fails on one of its parts (the clerk fixes the part; see README, 勾稽关系)."""
    spec = load_spec(format_id)
    keep = set()
    for rule, key in failures:
        parts = {p for _, ps in spec.cell(key).sums for p in ps}
        if not any((rule, p) in failures for p in parts):
            keep.add((rule, key))
    return keep
