"""The pure part of a roll-up: from validated files to everything the summary shows.

No file is read or written here: ``build`` takes the FileResults of this year's files
(and of last year's, for 同比), and returns a RollupData that the workbook writer and
the command line render.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..errors import ConsolidateError
from ..findings import Finding, Place, status_of
from ..i18n import N_, Items
from ..report import FileResult
from ..roster import Roster
from ..spec import FormatSpec, cell_addresses, format_for_year, load_spec
from .rates import Rates
from .select import Selection, select
from .totals import total_values
from .yoy import Yoy, compare

TOTALS_PATH = N_("（汇总数）")  # the place of the findings on the totals (shown translated)

# Runs the balance rules on one FileResult's values (the rules engine of validate).
TotalsCheck = Callable[[FormatSpec, FileResult], list[Finding]]


def engine_check(spec: FormatSpec, totals: FileResult) -> list[Finding]:
    """The rules engine of ``validate`` on the totals, as one more file (imports pandera)."""
    from ..rules import check_batch

    return check_batch([totals])[0]


@dataclass(frozen=True)
class RollupData:
    spec: FormatSpec
    year: int
    district_name: str
    district_code: str
    selection: Selection
    totals: dict[str, float]
    totals_findings: tuple[Finding, ...]  # the rules re-run on the totals
    yoy: Yoy | None = None
    roster_source: str = ""

    @property
    def units(self) -> int:
        """Reporting units the totals cover (a district summary counts for its units)."""
        return sum(f.units for f in self.selection.counted)

    @property
    def counted(self) -> int:
        return len(self.selection.counted)

    @property
    def rates(self) -> Rates:
        """报送率 and 通过率 (``rates.py``: the one definition)."""
        listed = [r for r in self.selection.units if r.listed]
        return Rates(self.selection.roster_size, sum(1 for r in listed if r.fate in ("accepted", "invalid")),
                     sum(1 for r in listed if r.fate == "accepted"))

    @property
    def submission_rate(self) -> float | None:
        """报送率: units with a counted submission / 名单单位数 (None without a roster)."""
        return self.rates.submission_rate

    def counts(self) -> dict[str, int | None]:
        units = self.selection.unit_counts()
        files = self.selection.file_counts()
        return {
            "roster_units": self.selection.roster_size,
            "units_accepted": units["accepted"],
            "units_invalid": units["invalid"],
            "units_missing": units["missing"],
            "files": len(self.selection.files),
            **{f"files_{k}": v for k, v in files.items()},
            "counted": self.counted,
            "units": self.units,
        }

    def totals_file(self) -> FileResult:
        return totals_as_file(self.spec, self.year, self.totals, self.district_name, self.district_code, self.units)


def totals_as_file(spec: FormatSpec, year: int, totals: dict[str, float], name: str, code: str,
                   units: int) -> FileResult:
    """The totals as one more "file", so the rules engine can check them at the summary's
    addresses (表二/表三/表四, in the template's layout)."""
    addresses = cell_addresses(spec, "template")
    return FileResult(path=TOTALS_PATH, sha256=None, size=None, mtime=None, status="valid", format=spec.id,
                      kind="rollup", units=units, identity={"unit_name": name, "unit_code": code, "year": str(year)},
                      year=year, values=dict(totals), addresses=addresses)


def round_year(files: Sequence[FileResult], year: int | None) -> int:
    """The year asked for, else the year most readable files state (the later one on a tie)."""
    if year is not None:
        return year
    years = Counter(f.year for f in files if f.status != "unreadable" and f.year is not None)
    if not years:
        raise ConsolidateError(
            N_("无法确定报告年度：没有一个文件写明了年度。请用 --year 指定，例如 --year 2025。"),
        )
    return max(years, key=lambda y: (years[y], y))


def conform(files: Sequence[FileResult], spec: FormatSpec, year: int) -> list[FileResult]:
    """A readable file of another year or format cannot be totalled: it gets the identity
    finding that says so (``rules.identity``, as ``validate`` gives it, unless it already
    has it) and becomes invalid. The input is not changed."""
    from ..rules.identity import check_format, check_version, check_year  # the package imports pandera

    out: list[FileResult] = []
    for f in files:
        extra: list[Finding] = []
        codes = {x.code for x in f.findings}
        if f.status != "unreadable":
            extra += [x for x in check_year(f, year) if x.code == "YEAR-MISMATCH" and x.code not in codes]
            if f.format and f.format != spec.id and not codes & {"VERSION", "YEAR-MISMATCH"}:
                extra += [x for x in check_version(f, year) or check_format(f, spec.id) if x.code not in codes]
        if extra:
            findings = [*f.findings, *extra]
            f = dataclasses.replace(f, findings=findings, status=status_of(findings))
        out.append(f)
    return out


def default_district_name(roster: Roster | None) -> str:
    """The roster's 上级单位 when every unit names the same one."""
    if roster is None:
        return ""
    parents = {u.parent for u in roster.units}
    return parents.pop() if len(parents) == 1 else ""


def district_name(name: str | None, roster: Roster | None) -> str:
    """Whom the summary is for: ``name`` (``--name``), else the roster's common 上级单位.

    Raises ConsolidateError when neither says it: a summary without a name cannot be
    rolled up at the next level (its 单位名称 would be empty: UNIT-NAME-MISSING).
    """
    given = " ".join((name or "").split())
    if given:
        return given
    found = default_district_name(roster)
    if found:
        return found
    parents = sorted({u.parent for u in roster.units if u.parent}) if roster is not None else []
    if len(parents) > 1:
        raise _refusal(NAME_AMBIGUOUS, parents=Items(tuple(parents), limit=3))
    raise _refusal(NAME_MISSING)


NAME_AMBIGUOUS = N_("名单中的上级单位不止一个（{parents}），无法确定汇总单位的名称。请用 --name 写明本级汇总单位，"
                    "例如 --name 示例县人民政府。")
NAME_MISSING = N_("不知道这份汇总表是哪个单位的：没有给出 --name，名单中也没有“上级单位”。请用 --name 写明本级汇总单位，"
                  "例如 --name 示例县人民政府；否则汇总表的单位名称为空，上一级无法汇总它。")


def _refusal(text: str, **params: Any) -> ConsolidateError:
    return ConsolidateError(text, **params)


def build(
    files: Sequence[FileResult],
    *,
    roster: Roster | None = None,
    year: int | None = None,
    format_id: str | None = None,
    previous: Sequence[FileResult] = (),
    include_unlisted: bool = False,
    name: str | None = None,
    code: str | None = None,
    check: TotalsCheck | None = engine_check,
    confirmed: Mapping[str, str] = MappingProxyType({}),
) -> RollupData:
    """Select one submission per unit, total the accepted ones, check the totals, compare with last year.

    ``confirmed``: files (by path) with errors that the office confirmed, with its reason: they
    count, marked as such (``select``)."""
    the_year = round_year(files, year)
    spec = load_spec(format_id or format_for_year(the_year))
    conformed = conform(files, spec, the_year)
    selection = select(conformed, roster, include_unlisted=include_unlisted, confirmed=confirmed)
    totals = total_values(spec, selection.counted)
    district_name = name if name is not None else default_district_name(roster)
    district_code = code or ""
    units = sum(f.units for f in selection.counted)
    findings: tuple[Finding, ...] = ()
    if check is not None:
        findings = tuple(check(spec, totals_as_file(spec, the_year, totals, district_name, district_code, units)))
    yoy = None
    if previous:
        last_year = the_year - 1
        last_spec = load_spec(format_for_year(last_year))
        last = select(conform(previous, last_spec, last_year), roster, include_unlisted=True)
        where = cell_addresses(spec, "template")

        def district_place(key: str) -> Place:
            return Place.of_cell(spec.cell(key), *where[key])

        yoy = compare(spec, last_spec, last_year, selection.units, totals, last, district_place,
                      district_name=district_name, district_code=district_code)
    return RollupData(
        spec=spec,
        year=the_year,
        district_name=district_name,
        district_code=district_code,
        selection=selection,
        totals=totals,
        totals_findings=findings,
        yoy=yoy,
        roster_source=roster.source if roster is not None else "",
    )
