"""A decided check kept as data, and the unit's counted version.

``store_outcome(submission, outcome)`` is the one place a check's outcome is written: the
file's result as ``consolidate validate --json`` holds it (values, identity, and each finding
as code, place and fields: ``Finding.to_dict``'s ``source``, rendered in the reader's language
when shown), the counts, the refusal when the file is another unit's, and the unit's
``latest`` and ``counted`` pointers. It touches this unit only: the roster part of the check
(is the file's unit on the roster, under which name) asks the database for the units with the
file's code or name, never loads the roster.

A unit's counted version is its latest upload that was read and not refused: an unreadable
or refused upload never replaces it (it stays in the history).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..findings import FindingFactory, Place, status_of
from ..i18n import N_, Msg
from ..output.json_report import json_ready
from ..report import FileResult
from ..roster import Roster, Unit, normalise_code, normalise_text
from .models import Round, RoundUnit, Submission
from .texts import to_json

COUNTED_STATES = ("valid", "invalid")  # read and not refused
ROSTER_CODES = frozenset({"UNIT-NOT-IN-ROSTER", "UNIT-NAME-DIFFERS"})  # what the roster adds to a check


def failed_result(name: str, sub: Submission, reason: Msg | str, code: str = "FILE-CORRUPT") -> FileResult:
    """A file whose check could not finish: unreadable, saying why (FILE-CORRUPT; FILE-TIMEOUT
    for a hang, its detail the seconds, as on the command line)."""
    finding = FindingFactory().common(code, Place(file=name), detail=reason)
    return FileResult(path=name, sha256=sub.sha256, size=sub.size, mtime=None, status="unreadable",
                      findings=[finding])


def as_unit(u: RoundUnit) -> Unit:
    """The round's unit as the library knows a roster unit (templates, roster checks)."""
    return Unit(code=u.code, name=u.name, type=u.type, parent=u.parent, row=u.position + 2)


def roster_around(unit: RoundUnit, result: FileResult) -> Roster:
    """The part of the round's roster the file's identity can match: this unit and the units
    whose code or name the file gives (one indexed query), in roster order. ``Roster.find`` on
    it answers as it would on the whole roster."""
    return rosters_around([(unit, result)])[0]


def _wanted(unit: RoundUnit, result: FileResult) -> tuple[set[str], set[str]]:
    code, name = normalise_code(result.unit_code), normalise_text(result.unit_name)
    return ({code, result.unit_code} if code else set()), ({name, result.unit_name} if name else set())


def rosters_around(items: list[tuple[RoundUnit, FileResult]]) -> list[Roster]:
    """``roster_around`` of each (unit, result), from one query for them all."""
    wanted = Q(pk__in=[unit.pk for unit, _ in items])
    codes: set[str] = set()
    names: set[str] = set()
    for unit, result in items:
        more_codes, more_names = _wanted(unit, result)
        codes |= more_codes
        names |= more_names
    if codes:
        wanted |= Q(code__in=codes)
    if names:
        wanted |= Q(name__in=names)
    rows = list(RoundUnit.objects.filter(wanted, round_id__in={unit.round_id for unit, _ in items})
                .order_by("position"))
    out = []
    for unit, result in items:
        its_codes, its_names = _wanted(unit, result)
        out.append(Roster(tuple(as_unit(u) for u in rows if u.round_id == unit.round_id and (
            u.pk == unit.pk or u.code in its_codes or u.name in its_names))))
    return out


def with_roster_check(result: FileResult, roster: Roster) -> FileResult:
    """The check's result with the roster's findings (``rules.identity.check_unit``), made
    here when the worker checked the file without the roster."""
    from ..rules.identity import check_unit

    if result.status == "unreadable" or any(f.code in ROSTER_CODES for f in result.findings):
        return result
    extra = [f for f in check_unit(result, roster) if f.code in ROSTER_CODES]
    if not extra:
        return result
    findings = [*result.findings, *extra]
    return dataclasses.replace(result, findings=findings, status=status_of(findings))


def refusal_of(result: FileResult, unit: RoundUnit, roster: Roster) -> Msg | None:
    """Why the file is refused when it names another unit (None when it is this unit's).

    A workbook names its unit in 填报信息 (or ``_meta``); a published report only in its title,
    where a unit often writes its full name (“北京市朝阳区教育局” for the roster's “区教育局”):
    a report is refused only when its title names another unit of the roster."""
    code, name = normalise_code(result.unit_code), normalise_text(result.unit_name)
    if result.status == "unreadable" or (not code and not name):
        return None
    if code:
        if code == normalise_code(unit.code):
            return None
    elif name == normalise_text(unit.name):
        return None
    owner = roster.find(code, name)
    own = owner is not None and normalise_code(owner.code) == normalise_code(unit.code)
    report = result.kind == "report"
    if report and (owner is None or own):  # a title's name on no other unit of the roster
        return None
    if own:  # this unit's name, another code
        return Msg(N_("这份报表“填报信息”中的单位名称是本单位，但单位代码 {code} 不是本单位的（应为 {own}）。"
                      "文件已保存，但不予接收。请改正“填报信息”中的单位代码后重新上传。"),
                   {"code": result.unit_code, "own": unit.code})
    whose: Msg
    if owner is not None:
        whose = Msg(N_("{name}（单位代码 {code}）"), {"name": owner.name, "code": owner.code})
    else:
        named: str | Msg = result.unit_name or Msg(N_("未填名称"))
        whose = (Msg(N_("“{name}”（单位代码 {code}）"), {"name": named, "code": result.unit_code}) if code
                 else Msg(N_("“{name}”"), {"name": named}))
    if report:
        return Msg(N_("这份报告标题中的单位是 {whose}，不是本单位（{unit}）的报告。文件已保存，但不予接收。"
                      "请上传本单位的报告；如果确是本单位的，请联系政务公开办。"), {"whose": whose, "unit": unit.name})
    return Msg(N_("这份报表“填报信息”中的单位是 {whose}，不是本单位（{unit}）的报表。文件已保存，但不予接收。"
                  "请上传本单位的报表；如果确是本单位的，请改正“填报信息”中的单位名称和代码后重新上传。"),
               {"whose": whose, "unit": unit.name})


def contact_of(result: FileResult) -> str:
    return "\t".join(p for p in (result.identity.get("filler", ""), result.identity.get("phone", "")) if p)[:200]


def store_outcome(submission: Submission, outcome: Any) -> Submission:
    """Write a decided check: ``outcome`` is the check's FileResult (or an object with it as
    ``result``, as ``checking.CheckOutcome``). Adds the roster's findings, decides the state
    (valid, invalid, unreadable, refused), keeps the result as data and moves the unit's
    ``latest`` and ``counted`` pointers. Returns the submission, saved."""
    keep(decide_all([submission], [outcome]))
    return submission


def decide_all(submissions: list[Submission], outcomes: list[Any]) -> list[Submission]:
    """``store_outcome``'s first half, for several: each submission's verdict set from its
    outcome (the units' parts of the roster read in one query), not yet saved (:func:`keep`)."""
    results: list[FileResult] = [getattr(outcome, "result", outcome) for outcome in outcomes]
    rosters = rosters_around([(sub.unit, result) for sub, result in zip(submissions, results, strict=True)])
    for submission, result, roster in zip(submissions, results, rosters, strict=True):
        unit = submission.unit
        result = with_roster_check(result, roster)
        refusal = refusal_of(result, unit, roster)
        counts = result.counts
        submission.state = "refused" if refusal else result.status
        submission.refusal, submission.refusal_params = (refusal.text, to_json(refusal)) if refusal else ("", None)
        submission.errors, submission.warnings, submission.infos = counts["error"], counts["warning"], counts["info"]
        submission.report = json_ready(result.to_dict("zh"))
        submission.contact = contact_of(result)
        submission.copies = {}
    return submissions


KEPT_FIELDS = ("state", "refusal", "refusal_params", "errors", "warnings", "infos", "report", "contact", "copies")


def keep(submissions: list[Submission]) -> None:
    """``store_outcome``'s second half: the decided submissions saved and their units' pointers
    moved (:func:`advance_all`), in one transaction (inside the caller's, when there is one)."""
    if not submissions:
        return
    with transaction.atomic():
        kept = [s for s in submissions if Submission.objects.filter(pk=s.pk).update(
            **{name: getattr(s, name) for name in KEPT_FIELDS})]  # (not one removed meanwhile)
        advance_all(kept)


def advance(unit: RoundUnit, submission: Submission) -> None:
    """Point the unit at ``submission`` when it is newer than what it has: as its latest
    upload, and as its counted version when it was read and not refused. A conditional
    update, so a concurrent review or an older check finishing late never goes backwards."""
    now = timezone.now()
    RoundUnit.objects.filter(pk=unit.pk).filter(Q(latest__isnull=True) | Q(latest__version__lte=submission.version)
                                                ).update(latest=submission, changed_at=now)
    if submission.state in COUNTED_STATES:
        # a unit the office confirmed (locked) keeps the version it confirmed: an upload that was
        # already on its way is kept in the history, never counted under the confirmation
        RoundUnit.objects.filter(pk=unit.pk, locked=False).filter(
            Q(counted__isnull=True) | Q(counted__version__lt=submission.version)).update(counted=submission,
                                                                                         changed_at=now)
    else:
        RoundUnit.objects.filter(pk=unit.pk).update(changed_at=now)


def advance_all(submissions: list[Submission]) -> None:
    """``advance`` for several submissions of different units, in a few statements: the units'
    pointers read at once, each one that moves set only if it is still what was read (else,
    a review or an upload meanwhile: ``advance`` decides that one)."""
    if not submissions:
        return
    now = timezone.now()
    units = {pk: (latest, latest_v, counted, counted_v, locked) for pk, latest, latest_v, counted, counted_v, locked in
             RoundUnit.objects.filter(pk__in=[s.unit_id for s in submissions]).values_list(
                 "pk", "latest_id", "latest__version", "counted_id", "counted__version", "locked")}
    RoundUnit.objects.filter(pk__in=list(units)).update(changed_at=now)
    for sub in submissions:
        if sub.unit_id not in units:
            continue
        latest, latest_v, counted, counted_v, locked = units[sub.unit_id]
        moved = True
        if latest is None or (latest_v <= sub.version and latest != sub.pk):
            moved = RoundUnit.objects.filter(pk=sub.unit_id, latest_id=latest).update(latest=sub) == 1
        if moved and sub.state in COUNTED_STATES and not locked and (counted is None or counted_v < sub.version):
            moved = RoundUnit.objects.filter(pk=sub.unit_id, locked=False, counted_id=counted).update(counted=sub) == 1
        if not moved:
            advance(sub.unit, sub)


def received(unit: RoundUnit, submission: Submission) -> None:
    """A new upload was recorded (before its check): it is the unit's latest (one statement:
    not yet checked, it moves no counted version), and its bytes count against the round's quota."""
    RoundUnit.objects.filter(pk=unit.pk).filter(Q(latest__isnull=True) | Q(latest__version__lte=submission.version)
                                                ).update(latest=submission, changed_at=timezone.now())
    Round.objects.filter(pk=unit.round_id).update(stored_bytes=F("stored_bytes") + submission.size)


def counted_version(unit: RoundUnit) -> Submission | None:
    """The unit's counted version, from its history (what ``counted`` points at)."""
    return unit.submissions.filter(state__in=COUNTED_STATES).order_by("-version").first()
