"""Checks of what a submission says about itself: unit, code, year, and format for the year.

These are per file and cheap (no frame): the unit name is present, the unit is on the
roster (when one is given) under the same name, an 18-character 统一社会信用代码 has a
valid check character, the year is present and is the year collected, and the format
is the one the notices prescribe for that year (the spec's rule of kind ``version``) and
the one asked for, if any (``--format``).
"""

from __future__ import annotations

from pathlib import Path

from ..findings import Finding, FindingFactory, Place
from ..i18n import Msg
from ..report import FileResult
from ..roster import Roster, normalise_code, normalise_text
from ..spec import FORMATS, a1, identity_cells, load_common, load_spec
from ..uscc import looks_like_uscc, uscc_problem


def identity_place(file: FileResult, field_id: str) -> Place:
    """The 填报信息 cell of a field in our template; in a unit's own workbook, just the file."""
    common = load_common()
    label = common.field(field_id).label
    if file.kind == "foreign":
        return Place(row_label=label, label=label, file=Path(file.path).name)
    row, col = identity_cells(common)[field_id]
    return Place(sheet=common.identity_sheet, cell=a1(row, col), row_label=label, label=label)


def file_place(file: FileResult) -> Place:
    return Place(file=Path(file.path).name)


def _example_year(file: FileResult) -> int:
    """A year to show in “例如 2025”: the one collected, else the last the file's format covers."""
    spec = load_spec(file.format) if file.format else None
    if spec is None:
        return load_spec(FORMATS[0]).first_year
    return spec.last_year or spec.first_year


def check_unit(file: FileResult, roster: Roster | None) -> list[Finding]:
    factory = FindingFactory()
    out: list[Finding] = []
    name = normalise_text(file.unit_name)
    code = normalise_code(file.unit_code)
    if not name:
        out.append(factory.common("UNIT-NAME-MISSING", identity_place(file, "unit_name")))
    if code and looks_like_uscc(code) and (problem := uscc_problem(code)):
        out.append(factory.common("USCC-INVALID", identity_place(file, "unit_code"), found=code, detail=problem))
    if roster is not None and (name or code):
        unit = roster.find(code, name)
        if unit is None:
            out.append(factory.common("UNIT-NOT-IN-ROSTER", identity_place(file, "unit_name"),
                                      found=name or code))
        elif name and unit.code == code and unit.name != name:
            with_code = FindingFactory(extra={"code": code})  # `code` is also common()'s first parameter
            out.append(with_code.common("UNIT-NAME-DIFFERS", identity_place(file, "unit_name"),
                                        found=name, expected=unit.name))
    return out


def check_year(file: FileResult, year: int | None) -> list[Finding]:
    factory = FindingFactory()
    place = identity_place(file, "year")
    if file.year is None:
        return [factory.common("YEAR-MISSING", place, found=file.identity.get("year", ""),
                               expected=year or _example_year(file))]
    if year is not None and file.year != year:
        return [factory.common("YEAR-MISMATCH", place, found=file.year, expected=year)]
    return []


def check_version(file: FileResult, year: int | None) -> list[Finding]:
    """The spec's ``version`` rules: the format a report of its year must use."""
    report_year = file.year or year
    if file.format is None or report_year is None:
        return []
    found = load_spec(file.format)
    if found.covers(report_year):
        return []
    covering = [spec for spec in map(load_spec, FORMATS) if spec.covers(report_year)]
    if not covering:
        return []  # a year no format covers is not this rule's business (YEAR-* is)
    expected = covering[0]
    factory = FindingFactory(found)
    return [
        factory.rule(rule.id, file_place(file), found=Msg(found.name), expected=Msg(expected.name), year=report_year,
                     found_notice=found.notice, expected_notice=expected.notice)
        for rule in found.rules
        if rule.kind == "version"
    ]


def check_format(file: FileResult, format_id: str | None) -> list[Finding]:
    """A file of another format than the one asked for (``--format``)."""
    if format_id is None or file.format is None or file.format == format_id:
        return []
    found, expected = load_spec(file.format), load_spec(format_id)
    return [FindingFactory().common("FORMAT-MISMATCH", file_place(file), found=Msg(found.name), expected=Msg(expected.name),
                                    found_notice=found.notice, expected_notice=expected.notice)]


def check_identity(file: FileResult, *, year: int | None = None, roster: Roster | None = None,
                   format_id: str | None = None) -> list[Finding]:
    """Identity findings of one readable file (none for an unreadable one)."""
    if file.status == "unreadable":
        return []
    return [*check_unit(file, roster), *check_year(file, year), *check_format(file, format_id),
            *check_version(file, year)]
