"""This year against last year: the values side by side, and the year-over-year rules.

Last year may have used the other national format (2020 reports are v2019, 2021 ones
v2021). By the spec's convention the same cell key means the same quantity in both, so
only the keys the two formats share are compared. The rules are the spec's expressions
that name last year's values (``carried == prev.carry_over``), compiled with the spec and
evaluated here on a unit's (or the district's) two years; a place whose cells last year's
format lacks (v2019 has no 现行有效件数) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..codes import Category
from ..findings import Finding, FindingFactory, Place
from ..report import FileResult
from ..roster import UnitIndex, normalise_code, normalise_text
from ..spec import FormatSpec, cell_addresses
from ..spec.program import evaluate, message_values
from .select import FileFate, Selection, UnitRow
from .totals import AMOUNT_PLACES, total_values


@dataclass(frozen=True)
class YoyLine:
    key: str
    this: float | None
    last: float | None

    @property
    def change(self) -> float | None:
        if self.this is None or self.last is None:
            return None
        return round(self.this - self.last, AMOUNT_PLACES)


@dataclass(frozen=True)
class UnitYoy:
    name: str
    code: str
    lines: tuple[YoyLine, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Yoy:
    previous_year: int
    previous_format: str
    keys: tuple[str, ...]  # the comparable keys, in this year's order
    district: tuple[YoyLine, ...]
    district_findings: tuple[Finding, ...]
    district_source: str  # "rollup": last year's summary; "units": the sum of last year's submissions
    units: tuple[UnitYoy, ...]
    previous: Selection  # last year's files and what happened to them
    # (units counted this year, last year): the year-over-year rules are run on the district's
    # totals only when both years count the same units; otherwise a missing or extra unit
    # would show as a break in the district's carry-over that no unit can fix.
    coverage: tuple[int, int] = (0, 0)
    district_checked: bool = True

    def previous_problems(self) -> list[tuple[FileFate, Finding]]:
        """What is wrong with last year's files as sources of 同比: a file that could not be
        read, a summary whose units could not be had (their findings of those categories)."""
        return [(fate, f) for fate in self.previous.files for f in fate.file.findings
                if f.category in (Category.FILE, Category.YOY)]


def common_keys(spec: FormatSpec, previous: FormatSpec) -> tuple[str, ...]:
    theirs = set(previous.keys)
    return tuple(k for k in spec.keys if k in theirs)


def yoy_findings(spec: FormatSpec, this: Mapping[str, float], last: Mapping[str, float],
                 place_of: Callable[[str], Place]) -> list[Finding]:
    """The spec's year-over-year rules (those naming ``prev.``) for one unit (or the district).

    A place whose cells either year lacks is skipped (last year's format may not have them)."""
    factory = FindingFactory(spec)
    out: list[Finding] = []
    for rule in spec.rules:
        if not rule.year_over_year:
            continue
        for check in spec.program.of_rule(rule.id):
            if not all(k in this for k in check.keys) or not all(k in last for k in check.last_year_keys):
                continue
            outcome = evaluate(check, this, last)
            if outcome.failed:
                said = message_values(check, outcome, this, last)
                out.append(factory.rule(rule.id, place_of(check.target), **said))  # type: ignore[arg-type]
    return out


def _lines(keys: Sequence[str], this: Mapping[str, float] | None, last: Mapping[str, float] | None
           ) -> tuple[YoyLine, ...]:
    return tuple(YoyLine(k, this.get(k) if this else None, last.get(k) if last else None) for k in keys)


def _match_key(code: str, name: str) -> tuple[str, str]:
    return (normalise_code(code), normalise_text(name))


def _file_place(spec: FormatSpec, layout: Mapping[str, tuple[str, str]], f: FileResult | None
                ) -> Callable[[str], Place]:
    def place(key: str) -> Place:
        sheet, address = (f.addresses.get(key) if f is not None else None) or layout[key]
        return Place.of_cell(spec.cell(key), sheet, address)

    return place


def compare(spec: FormatSpec, previous_spec: FormatSpec, previous_year: int, units: Sequence[UnitRow],
            totals: Mapping[str, float], previous: Selection, district_place: Callable[[str], Place], *,
            district_name: str = "", district_code: str = "") -> Yoy:
    """Side by side for the district and for every unit counted in both years.

    Last year's district figures are last year's summary when one was given (a roll-up
    that is not one of this year's units), else the sum of last year's counted files.
    """
    keys = common_keys(spec, previous_spec)
    layout = cell_addresses(spec)
    last_files: UnitIndex[FileResult] = UnitIndex()
    summaries: list[tuple[bool, FileResult]] = []  # (names this level, file)
    unit_files: list[FileResult] = []
    this_codes = {normalise_code(r.code) for r in units if r.code}
    this_names = {normalise_text(r.name) for r in units}
    district = _match_key(district_code, district_name)
    for row in previous.units:
        f = row.file
        if f is None or not row.counted:
            continue
        code, name = _match_key(row.code, row.name)
        is_unit = bool(code and code in this_codes) or name in this_names
        if f.kind == "rollup" and not is_unit:  # last year's summary of this level, not one of its units
            summaries.append((bool(district[0] and code == district[0]) or bool(district[1] and name == district[1]),
                              f))
            continue
        unit_files.append(f)
        last_files.add(code, name, f)

    named = [f for ours, f in summaries if ours]
    own = named[0] if named else (summaries[0][1] if summaries else None)
    unit_out: list[UnitYoy] = []
    for row in units:
        if not row.counted or row.file is None or row.file.values is None:
            continue
        last_file = last_files.find(row.code, row.name)
        if last_file is None:
            continue
        last_values = last_file.values or {}
        unit_out.append(UnitYoy(
            name=row.name, code=row.code, lines=_lines(keys, row.file.values, last_values),
            findings=tuple(yoy_findings(spec, row.file.values, last_values, _file_place(spec, layout, row.file))),
        ))
    if own is not None:
        last_district: Mapping[str, float] = own.values or {}
        source = "rollup"
    else:
        last_district = total_values(previous_spec, unit_files)
        source = "units"
    this_units = {_unit_id(r.code, r.name) for r in units if r.counted and r.file is not None}
    last_units = {_unit_id(f.unit_code, f.unit_name) for f in unit_files}
    if last_units:
        same = this_units == last_units
        last_count = len(last_units)
    else:  # last year's summary alone, without its units: compare the counts
        last_count = own.units if own is not None else 0
        same = last_count == len(this_units)
    district_findings = tuple(yoy_findings(spec, totals, last_district, district_place)) if same else ()
    return Yoy(
        previous_year=previous_year,
        previous_format=previous_spec.id,
        keys=keys,
        district=_lines(keys, totals, last_district),
        district_findings=district_findings,
        district_source=source,
        units=tuple(unit_out),
        previous=previous,
        coverage=(len(this_units), last_count),
        district_checked=same,
    )


def _unit_id(code: str, name: str) -> str:
    code, name = _match_key(code, name)
    return code or name
