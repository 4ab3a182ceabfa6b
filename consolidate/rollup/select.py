"""One submission per unit, and what happened to every file.

Every input file gets a fate: it counts (已报送且通过), it has errors (有错误), it was replaced
by a newer or identical file (重复（被替代）), its unit is not on the roster (名单外), or it could
not be read (无法读取). Every roster unit gets a row: the fate of its submission, or 未报送.

A unit is matched by its code, then by its name (``Roster.find``, the one matcher: ``roster.UnitIndex``). When it sent several
files, the newest by 填报日期 counts, then the newest by file time, then the last given.
A byte-identical copy of a file already seen is noted as such and never counts twice.
A roll-up of other units (kind ``rollup``) is one submitting unit, standing for its
``units``: the city's roster lists the districts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from ..dates import parse_date
from ..i18n import _
from ..report import ROLLUP_KIND, FileResult
from ..roster import Roster, Unit, normalise_code, normalise_text
from . import texts
from .texts import Fate


@dataclass(frozen=True)
class FileFate:
    """What the roll-up did with one input file."""

    file: FileResult
    fate: Fate
    counted: bool
    unit: Unit | None = None  # the roster unit it belongs to
    note: str = ""
    filled_on: date | None = None
    replaced_by: str | None = None  # the file that counts instead of this one
    identical_to: str | None = None  # a byte-identical file seen before

    @property
    def label(self) -> str:
        """The fate's words as a catalog id (Chinese): translate with ``_`` where shown."""
        return texts.FATE_LABEL[self.fate]


@dataclass(frozen=True)
class UnitRow:
    """One unit of the round: a roster unit (in roster order), or a submitting unit."""

    name: str
    code: str
    type: str
    fate: Fate  # accepted | invalid | missing | unlisted
    listed: bool  # on the roster (always True without a roster)
    counted: bool
    file: FileResult | None = None
    unit: Unit | None = None

    @property
    def label(self) -> str:
        if self.fate == "unlisted" and self.counted:
            return texts.UNLISTED_COUNTED
        if self.fate == "invalid" and self.counted:
            return texts.CONFIRMED_WITH_ERRORS
        return texts.FATE_LABEL[self.fate]

    @property
    def units(self) -> int:
        """How many reporting units this row stands for (a district summary stands for many)."""
        return self.file.units if self.file is not None and self.counted else 0


@dataclass(frozen=True)
class Selection:
    files: tuple[FileFate, ...]  # in input order
    units: tuple[UnitRow, ...]
    roster_size: int | None  # None without a roster

    @property
    def counted(self) -> tuple[FileResult, ...]:
        return tuple(f.file for f in self.files if f.counted)

    def unit_counts(self) -> dict[str, int]:
        out = dict.fromkeys(("accepted", "invalid", "missing", "unlisted"), 0)
        for row in self.units:
            out[row.fate] += 1
        return out

    def file_counts(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(texts.FATE_LABEL, 0)
        for f in self.files:
            out[f.fate] += 1
        out.pop("missing")
        return out

    def chosen_paths(self) -> set[str]:
        """The files that speak for a unit row (the other files are listed on their own)."""
        return {row.file.path for row in self.units if row.file is not None}


def _newest_key(item: tuple[int, FileResult]) -> tuple[date, float, int]:
    index, f = item
    return (parse_date(f.identity.get("filled_on")) or date.min, f.mtime or 0.0, index)


def _why(winner: FileResult, loser: FileResult) -> str:
    wd, ld = parse_date(winner.identity.get("filled_on")), parse_date(loser.identity.get("filled_on"))
    if (wd or date.min) > (ld or date.min):
        return _(texts.NOTE_WHY_DATE)
    if (winner.mtime or 0.0) > (loser.mtime or 0.0):
        return _(texts.NOTE_WHY_MTIME)
    return _(texts.NOTE_WHY_ORDER)


def _name(path: str) -> str:
    return Path(path).name


Finder = Callable[[str, str], "Unit | None"]


def _group_key(f: FileResult, find: Finder | None, name_to_code: dict[str, str]) -> tuple[str, str]:
    code, name = normalise_code(f.unit_code), normalise_text(f.unit_name)
    if find is not None:
        unit = find(code, name)
        if unit is not None:
            return ("roster", unit.code)
        return ("unlisted", code or name)
    if code:
        return ("code", code)
    if name in name_to_code:
        return ("code", name_to_code[name])
    return ("name", name)


def select(files: Sequence[FileResult], roster: Roster | None = None, *, include_unlisted: bool = False,
           confirmed: Mapping[str, str] = MappingProxyType({})) -> Selection:
    """Decide which file speaks for which unit, and what happens to every file.

    ``confirmed``: files (by path) with errors that the office reviewed and confirmed, with
    its reason: such a file, when it speaks for its unit, counts (its fate stays 有错误, its
    row says 已确认（带错误） and the note gives the reason)."""
    fates: dict[int, FileFate] = {}
    first_of_sha: dict[str, int] = {}
    candidates: list[int] = []
    for i, f in enumerate(files):
        if f.status == "unreadable":
            fates[i] = FileFate(f, "unreadable", False, note=_(texts.NOTE_UNREADABLE))
            continue
        if f.sha256 and f.sha256 in first_of_sha:
            first = files[first_of_sha[f.sha256]]
            fates[i] = FileFate(f, "superseded", False, note=_(texts.NOTE_DUPLICATE).format(path=_name(first.path)),
                                filled_on=parse_date(f.identity.get("filled_on")),
                                replaced_by=first.path, identical_to=first.path)
            continue
        if f.sha256:
            first_of_sha[f.sha256] = i
        if not normalise_code(f.unit_code) and not normalise_text(f.unit_name):
            fates[i] = FileFate(f, "invalid", False, note=_(texts.NOTE_NO_UNIT),
                                filled_on=parse_date(f.identity.get("filled_on")))
            continue
        candidates.append(i)

    name_to_code: dict[str, str] = {}
    for i in candidates:
        code, name = normalise_code(files[i].unit_code), normalise_text(files[i].unit_name)
        if code and name:
            name_to_code.setdefault(name, code)
    find: Finder | None = roster.find if roster is not None else None  # the roster's matcher
    groups: dict[tuple[str, str], list[int]] = {}
    for i in candidates:
        groups.setdefault(_group_key(files[i], find, name_to_code), []).append(i)

    chosen: dict[tuple[str, str], int] = {}
    for key, members in groups.items():
        ordered = sorted(((i, files[i]) for i in members), key=_newest_key)
        win_index, winner = ordered[-1]
        chosen[key] = win_index
        unit = find(winner.unit_code, winner.unit_name) if find is not None else None
        for i, loser in ordered[:-1]:
            fates[i] = FileFate(loser, "superseded", False, unit=unit,
                                note=_(texts.NOTE_SUPERSEDED).format(path=_name(winner.path), why=_why(winner, loser)),
                                filled_on=parse_date(loser.identity.get("filled_on")), replaced_by=winner.path)
        fates[win_index] = _fate_of_chosen(winner, key[0] == "unlisted", unit, include_unlisted)
        if winner.path in confirmed and fates[win_index].fate == "invalid" and unit is not None:
            fates[win_index] = dataclasses.replace(
                fates[win_index], counted=True,
                note=_(texts.NOTE_CONFIRMED_WITH_ERRORS).format(reason=confirmed[winner.path]))

    # identical copies belong to the unit of the file they copy
    for i, fate in list(fates.items()):
        if fate.identical_to is not None:
            original = fates[first_of_sha[files[i].sha256 or ""]]
            fates[i] = dataclasses.replace(fate, unit=original.unit)

    return Selection(
        files=tuple(fates[i] for i in range(len(files))),
        units=_unit_rows(files, fates, groups, chosen, roster, include_unlisted),
        roster_size=len(roster.units) if roster is not None else None,
    )


def _fate_of_chosen(f: FileResult, unlisted: bool, unit: Unit | None, include_unlisted: bool) -> FileFate:
    filled_on = parse_date(f.identity.get("filled_on"))
    valid = f.status == "valid"
    rollup_note = _(ROLLUP_KIND).format(units=f.units) if f.kind == "rollup" else ""
    if unlisted:
        counted = include_unlisted and valid
        note = _(texts.NOTE_UNLISTED_COUNTED) if counted else _(texts.NOTE_UNLISTED)
        if not valid:
            note = _(texts.NOTE_JOIN).join((_(texts.NOTE_UNLISTED), _(texts.NOTE_INVALID)))
        return FileFate(f, "unlisted", counted, None, _(texts.NOTE_JOIN).join(p for p in (note, rollup_note) if p),
                        filled_on)
    if valid:
        return FileFate(f, "accepted", True, unit, rollup_note, filled_on)
    return FileFate(f, "invalid", False, unit, _(texts.NOTE_INVALID), filled_on)


def _row_for(f: FileResult, fate: FileFate, listed: bool, unit: Unit | None, code: str = "") -> UnitRow:
    return UnitRow(
        name=unit.name if unit else (normalise_text(f.unit_name) or _(texts.UNNAMED_UNIT)),
        code=unit.code if unit else (normalise_code(f.unit_code) or code),
        type=unit.type if unit else normalise_text(f.identity.get("unit_type", "")),
        fate=fate.fate,
        listed=listed,
        counted=fate.counted,
        file=f,
        unit=unit,
    )


def _unit_rows(files: Sequence[FileResult], fates: dict[int, FileFate], groups: dict[tuple[str, str], list[int]],
               chosen: dict[tuple[str, str], int], roster: Roster | None, include_unlisted: bool) -> tuple[UnitRow, ...]:
    rows: list[UnitRow] = []
    if roster is None:
        for key in groups:  # in order of first appearance
            i = chosen[key]
            rows.append(_row_for(files[i], fates[i], True, None, key[1] if key[0] == "code" else ""))
        return tuple(rows)
    for unit in roster.units:
        i_or_none = chosen.get(("roster", unit.code))
        if i_or_none is None:
            rows.append(UnitRow(unit.name, unit.code, unit.type, "missing", True, False, None, unit))
        else:
            rows.append(_row_for(files[i_or_none], fates[i_or_none], True, unit))
    if include_unlisted:
        for key in groups:
            if key[0] == "unlisted":
                i = chosen[key]
                rows.append(_row_for(files[i], fates[i], False, None))
    return tuple(rows)
