"""Rounds: opening one from a roster, links, each unit's state, the board's numbers,
review, closing and re-issuing, and the audit log. Views and commands call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..errors import ConsolidateError
from ..i18n import N_, Msg
from ..roster import Roster, Unit
from .auditlog import audit
from .links import issue
from .models import Round, RoundUnit, Submission

# Unit states on the board and in status.json
MISSING, VALID, INVALID, UNREADABLE = "missing", "valid", "invalid", "unreadable"
STATE_LABELS = {MISSING: N_("未报送"), VALID: N_("已报送且通过"), INVALID: N_("有错误"), UNREADABLE: N_("无法读取")}
UNIT_NAMED = N_("{unit}（{code}）")
SUBMISSION_LABELS = {"checking": N_("审核中"), "valid": N_("通过"), "invalid": N_("有错误"), "unreadable": N_("无法读取"), "refused": N_("已拒收")}


def parse_deadline(text: str | None) -> datetime | None:
    """“2026-01-31”, “2026-01-31 17:00” or the browser's “2026-01-31T17:00”, in the server's
    time zone; a date alone means the end of that day."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            value = value.replace(hour=23, minute=59)
        return timezone.make_aware(value)
    raise ConsolidateError(N_("截止时间应写作 2026-01-31 或 2026-01-31 17:00，不是“{text}”。"), text=text)


@dataclass(frozen=True)
class IssuedLink:
    unit: RoundUnit
    secret: str


def open_round(roster: Roster, *, year: int, format_id: str | None = None, name: str | None = None,
               code: str = "", deadline: datetime | None = None, actor: str = "") -> tuple[Round, list[IssuedLink]]:
    """Create a round for the roster's units; return it and each unit's new link secret.

    The format must fit the year (the template's own check); the 汇总单位's name defaults to
    the roster's common 上级单位, and is required when the roster has none.
    """
    from ..rollup.data import default_district_name
    from ..spec import format_for_year
    from ..template import check_format_year

    fmt = format_id or format_for_year(year)
    check_format_year(fmt, year)
    the_name = (name or "").strip() or default_district_name(roster)
    if not the_name:
        raise ConsolidateError(N_("名单中的单位没有共同的上级单位，请填写汇总单位名称（--name）。"))
    now = timezone.now()
    issued: list[IssuedLink] = []
    with transaction.atomic():
        round_ = Round.objects.create(name=the_name, code=code.strip(), year=year, format_id=fmt, deadline=deadline,
                                      roster_name=roster.source.rsplit("/", 1)[-1], created_by=actor)
        for i, unit in enumerate(roster.units):
            row = RoundUnit(round=round_, position=i, code=unit.code, name=unit.name, type=unit.type,
                            parent=unit.parent, link_issued_at=now, contact=unit.contact, phone=unit.phone,
                            email=unit.email)
            secret = issue(row)
            row.save()
            issued.append(IssuedLink(row, secret))
        audit(round_, actor, "open", Msg(N_("{year} 年度，{units} 个单位，名单 {roster}"),
                                         {"year": round_.year, "units": len(issued), "roster": round_.roster_name}))
    return round_, issued


DUPLICATE = N_("{year} 年度已经有一轮用同一份名单（{units} 个单位）的报送：编号 {id}，{name}，{at} 开启。"
               "再开一轮，各轮报送中会出现两行相同的报送，各单位也会收到两套链接。")
PAST_DEADLINE = N_("截止时间 {deadline} 已经过去：各单位一打开链接就会被标为逾期。请核对截止时间。")


def opening_warnings(roster: Roster, year: int, deadline: datetime | None, format_id: str | None = None) -> list[Msg]:
    """What the office should confirm before opening a round: another round of the same year
    and the same roster (the same set of unit codes), a deadline already past. A format that
    does not fit the year is refused first (as ``open_round`` would)."""
    from ..spec import format_for_year
    from ..template import check_format_year

    check_format_year(format_id or format_for_year(year), year)
    out: list[Msg] = []
    codes = {u.code for u in roster.units}
    for other in Round.objects.filter(year=year).order_by("created_at"):
        if set(other.units.values_list("code", flat=True)) == codes:
            at = timezone.localtime(other.created_at).strftime("%Y-%m-%d %H:%M")
            out.append(Msg(DUPLICATE, {"year": year, "units": len(codes), "id": other.id, "name": other.name, "at": at}))
            break
    if deadline is not None and deadline < timezone.now():
        out.append(Msg(PAST_DEADLINE, {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")}))
    return out


def reissue_link(unit: RoundUnit, actor: str) -> str:
    """A new secret for the unit; the old link stops working at once."""
    secret = issue(unit)
    unit.link_issued_at = timezone.now()
    unit.save(update_fields=["link_hash", "link_salt", "link_issued_at"])
    audit(unit.round, actor, "reissue", Msg(UNIT_NAMED, {"unit": unit.name, "code": unit.code}))
    return secret


def roster_of(round_: Round) -> Roster:
    return Roster(tuple(Unit(code=u.code, name=u.name, type=u.type, parent=u.parent, row=u.position + 2,
                             contact=u.contact, phone=u.phone, email=u.email)
                        for u in round_.units.all()), round_.roster_name)


def exported_links(round_: Round, base: str, actor: str) -> list[tuple[RoundUnit, str | None]]:
    """Every unit of the round with its link as it stands (None: issued before links could be
    exported again; re-issue it); the export is audited."""
    from .links import link_url, secret_of

    out = []
    for unit in round_.units.all():
        secret = secret_of(unit)
        out.append((unit, link_url(base, secret) if secret else None))
    audit(round_, actor, "links", Msg(N_("导出各单位链接（{n} 个）"), {"n": sum(1 for _u, url in out if url)}))
    return out


def is_late(round_: Round, at: datetime) -> bool:
    return bool(round_.closed_at or (round_.deadline and at > round_.deadline))


def counted(submissions: Iterable[Submission]) -> list[Submission]:
    """The submissions that speak for the unit (a refused file, another unit's, does not; nor
    one still being checked)."""
    return [s for s in submissions if s.state not in ("refused", "checking")]


@dataclass(frozen=True)
class UnitStatus:
    unit: RoundUnit
    state: str  # missing | valid | invalid | unreadable
    latest: Submission | None  # the latest counted submission
    submissions: int  # every stored file, refused ones included
    overdue: bool  # missing after the deadline, or its latest file came late

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    def to_dict(self) -> dict[str, Any]:
        latest = None
        if self.latest is not None:
            latest = {"sha256": self.latest.sha256, "received_at": self.latest.received_at.isoformat(),
                      "errors": self.latest.errors, "warnings": self.latest.warnings}
        return {"code": self.unit.code, "name": self.unit.name, "state": self.state,
                "submissions": self.submissions, "latest": latest, "overdue": self.overdue,
                "review": self.latest.review if self.latest else ""}


def unit_statuses(round_: Round) -> list[UnitStatus]:
    units = list(round_.units.all())
    by_unit: dict[int, list[Submission]] = {u.id: [] for u in units}
    for s in Submission.objects.filter(unit__round=round_).defer("report").order_by("unit_id", "version"):
        by_unit[s.unit_id].append(s)
    now = timezone.now()
    past_deadline = bool(round_.deadline and now > round_.deadline)
    out = []
    for u in units:
        subs = by_unit[u.id]
        kept = counted(subs)
        latest = kept[-1] if kept else None
        state = MISSING if latest is None else latest.state
        overdue = (latest is None and past_deadline) or bool(latest is not None and latest.late)
        out.append(UnitStatus(u, state, latest, len(subs), overdue))
    return out


def counts(statuses: Sequence[UnitStatus]) -> dict[str, Any]:
    total = len(statuses)
    out: dict[str, Any] = {"units": total, MISSING: 0, VALID: 0, INVALID: 0, UNREADABLE: 0}
    for s in statuses:
        out[s.state] += 1
    out["overdue"] = sum(1 for s in statuses if s.overdue)
    reported = total - out[MISSING]
    out["reported"] = reported
    out["submission_rate"] = round(reported / total, 4) if total else 0.0
    return out


def round_dict(round_: Round) -> dict[str, Any]:
    return {"id": round_.id, "name": round_.name, "code": round_.code, "year": round_.year,
            "format": round_.format_id, "deadline": round_.deadline.isoformat() if round_.deadline else None,
            "closed": round_.closed_at is not None, "late_policy": round_.late_policy}


def status_dict(round_: Round) -> dict[str, Any]:
    statuses = unit_statuses(round_)
    return {"round": round_dict(round_), "counts": counts(statuses), "units": [s.to_dict() for s in statuses]}


def close_round(round_: Round, *, accept_late: bool, actor: str) -> None:
    round_.closed_at = timezone.now()
    round_.late_policy = "accept" if accept_late else "refuse"
    round_.save(update_fields=["closed_at", "late_policy"])
    audit(round_, actor, "close", Msg(N_("逾期报送照收并标为逾期") if accept_late else N_("不再接收报送")))


def reopen_round(round_: Round, actor: str) -> None:
    round_.closed_at = None
    round_.save(update_fields=["closed_at"])
    audit(round_, actor, "reopen")


def review(submission: Submission, decision: str, *, actor: str, reason: str = "") -> None:
    """``confirmed`` (locks the unit: a later upload needs the office to unlock it) or
    ``returned`` with a reason the unit sees on its page."""
    if decision not in ("confirmed", "returned"):
        raise ValueError(decision)
    with transaction.atomic():
        submission.review = decision
        submission.review_reason = reason.strip()
        submission.reviewed_by = actor
        submission.reviewed_at = timezone.now()
        submission.save(update_fields=["review", "review_reason", "reviewed_by", "reviewed_at"])
        unit = submission.unit
        unit.locked = decision == "confirmed"
        unit.save(update_fields=["locked"])
        fields = {"unit": unit.name, "version": submission.version}
        audit(unit.round, actor, "review",
              Msg(N_("{unit} 第 {version} 版 已确认"), fields) if decision == "confirmed"
              else Msg(N_("{unit} 第 {version} 版 退回：{reason}"), {**fields, "reason": reason.strip()}))


def unlock(unit: RoundUnit, actor: str) -> None:
    unit.locked = False
    unit.save(update_fields=["locked"])
    audit(unit.round, actor, "unlock", Msg(UNIT_NAMED, {"unit": unit.name, "code": unit.code}))


def accept_warnings(submission: Submission, note: str, actor: str) -> None:
    submission.warnings_note = note.strip()
    submission.save(update_fields=["warnings_note"])
    audit(submission.unit.round, actor, "accept-warnings",
          Msg(N_("{unit} 第 {version} 版：{note}"),
              {"unit": submission.unit.name, "version": submission.version, "note": note.strip()}))
