"""Rounds: opening one from a roster, links, each unit's state, the board's numbers,
review, closing and re-issuing, and the audit log. Views and commands call these.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    """The round's roster as the library's (plain rows: 5,000 units in one light query)."""
    rows = round_.units.order_by("position").values_list("code", "name", "type", "parent", "position", "contact",
                                                         "phone", "email")
    return Roster(tuple(Unit(code, name, type_, parent, position + 2, contact, phone, email)
                        for code, name, type_, parent, position, contact, phone, email in rows), round_.roster_name)


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


@dataclass(frozen=True)
class UnitStatus:
    unit: RoundUnit
    state: str  # missing | valid | invalid | unreadable
    latest: Submission | None  # the latest upload, whatever became of it
    counted: Submission | None  # the counted version: the latest upload read and not refused
    overdue: bool  # missing after the deadline, or its counted version came late

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def submissions(self) -> int:
        """Every stored file (refused and unreadable ones included): versions count from 1."""
        return self.latest.version if self.latest is not None else 0

    @property
    def review(self) -> str:
        """confirmed | confirmed-with-errors | returned | "" (of the counted version)."""
        return review_state(self.counted)

    @property
    def latest_not_counted(self) -> bool:
        """A newer upload than the counted version was unreadable or refused (it shows in the history)."""
        return self.latest is not None and self.latest.state in ("unreadable", "refused") and (
            self.counted is None or self.latest.version > self.counted.version)


def review_state(sub: Submission | None) -> str:
    """confirmed | confirmed-with-errors | returned | "" (not reviewed)."""
    return review_word(sub.review, sub.state) if sub is not None else ""


def review_word(review: str | None, state: str | None) -> str:
    if not review:
        return ""
    return "confirmed-with-errors" if review == "confirmed" and state == INVALID else review


def state_of(counted: Submission | None, latest: Submission | None) -> str:
    return state_word(counted.state if counted else None, latest.state if latest else None)


def state_word(counted_state: str | None, latest_state: str | None) -> str:
    """The unit's state on the board: its counted version's, else 无法读取 when its latest
    upload could not be read, else 未报送."""
    return counted_state or (UNREADABLE if latest_state == "unreadable" else MISSING)


SUBMISSION_FIELDS = ("id", "unit_id", "version", "sha256", "received_at", "late", "state", "errors", "warnings",
                     "review", "review_reason", "reviewed_at", "contact", "file_name")


def unit_rows(round_: Round) -> Any:
    """The round's units with their latest and counted versions, in one query (no results)."""
    only = [f"{rel}__{f}" for rel in ("latest", "counted") for f in SUBMISSION_FIELDS]
    return (RoundUnit.objects.filter(round=round_).select_related("latest", "counted")
            .only("id", "round_id", "position", "code", "name", "locked", "changed_at", *only).order_by("position"))


def unit_statuses(round_: Round, units: Iterable[RoundUnit] | None = None) -> list[UnitStatus]:
    now = timezone.now()
    past_deadline = bool(round_.deadline and now > round_.deadline)
    out = []
    for u in (units if units is not None else unit_rows(round_)):
        counted, latest = u.counted, u.latest
        overdue = (counted is None and past_deadline) or bool(counted is not None and counted.late)
        out.append(UnitStatus(u, state_of(counted, latest), latest, counted, overdue))
    return out


def counts(round_: Round) -> dict[str, Any]:
    """The board's numbers over the whole round, from one light query; 报送率 and 通过率 by
    the one definition (``rollup.rates``)."""
    from ..rollup.rates import Rates

    rows = RoundUnit.objects.filter(round=round_).values_list("counted__state", "counted__late", "latest__state")
    past_deadline = bool(round_.deadline and timezone.now() > round_.deadline)
    out: dict[str, Any] = {"units": 0, MISSING: 0, VALID: 0, INVALID: 0, UNREADABLE: 0, "overdue": 0}
    for counted_state, late, latest_state in rows:
        out["units"] += 1
        out[state_word(counted_state, latest_state)] += 1
        out["overdue"] += bool(late) if counted_state else past_deadline
    rates = Rates(out["units"], out[VALID] + out[INVALID], out[VALID])
    out["reported"] = rates.reported
    out["passed"] = rates.passed
    out["submission_rate"] = rates.to_dict()["submission_rate"] or 0.0
    out["pass_rate"] = rates.to_dict()["pass_rate"] or 0.0
    return out


def round_dict(round_: Round) -> dict[str, Any]:
    return {"id": round_.id, "name": round_.name, "code": round_.code, "year": round_.year,
            "format": round_.format_id, "deadline": round_.deadline.isoformat() if round_.deadline else None,
            "closed": round_.closed_at is not None, "late_policy": round_.late_policy}


STATUS_COLUMNS = ("code", "name", "counted__version", "counted__state", "counted__late", "counted__review",
                  "latest__id", "latest__version", "latest__state", "latest__sha256", "latest__received_at",
                  "latest__errors", "latest__warnings")


def status_dict(round_: Round) -> dict[str, Any]:
    """status.json: the round, its numbers and every unit as ``UnitStatus.to_dict`` gives it,
    read as plain rows (one query, no model objects: 5,000 units in a fraction of a second)."""
    past_deadline = bool(round_.deadline and timezone.now() > round_.deadline)
    units = []
    for (code, name, c_version, c_state, c_late, c_review, l_id, l_version, l_state, l_sha, l_at, l_errors,
         l_warnings) in RoundUnit.objects.filter(round=round_).order_by("position").values_list(*STATUS_COLUMNS):
        latest = None if l_id is None else {
            "id": l_id, "version": l_version, "state": l_state, "sha256": l_sha, "received_at": l_at.isoformat(),
            "errors": l_errors, "warnings": l_warnings}
        units.append({"code": code, "name": name, "state": state_word(c_state, l_state), "submissions": l_version or 0, "latest": latest,
                      "counted": c_version, "overdue": bool(c_late) if c_state else past_deadline,
                      "review": review_word(c_review, c_state)})
    return {"round": round_dict(round_), "counts": counts(round_), "units": units}


def close_round(round_: Round, *, accept_late: bool, actor: str) -> None:
    round_.closed_at = timezone.now()
    round_.late_policy = "accept" if accept_late else "refuse"
    round_.save(update_fields=["closed_at", "late_policy"])
    audit(round_, actor, "close", Msg(N_("逾期报送照收并标为逾期") if accept_late else N_("不再接收报送")))


def reopen_round(round_: Round, actor: str) -> None:
    round_.closed_at = None
    round_.save(update_fields=["closed_at"])
    audit(round_, actor, "reopen")


class ReviewRefused(ConsolidateError):
    """The review cannot be done as asked: ``status`` 409 (not the counted version, a refused
    file) or 422 (a reason is missing)."""

    def __init__(self, status: int, text: str, /, **params: Any) -> None:
        super().__init__(text, **params)
        self.status = status


NOT_COUNTED = N_("第 {version} 版不是本单位现在计入的版本（计入的是{counted}），未作改动。请刷新页面，审核计入的版本。")
NO_COUNTED = N_("本单位还没有计入的版本")
COUNTED_IS = N_("第 {version} 版")
REFUSED_FILE = N_("这份文件已被拒收（不是本单位的报表），不能确认。")
REASON_FOR_ERRORS = N_("第 {version} 版有 {errors} 个错误。确认有错误的版本必须写明理由（会记入操作记录并在汇总表中注明）。")
REASON_FOR_RETURN = N_("退回时请写明原因，单位会在报送页面看到。")


def review(submission: Submission, decision: str, *, actor: str, reason: str = "") -> Submission:
    """``confirmed`` (locks the unit: a later upload needs the office to unlock it) or
    ``returned`` with a reason the unit sees on its page, on the unit's counted version only.

    Confirming a version with errors needs a reason (it is then counted in the roll-up, with
    a red note); a refused file cannot be confirmed; a version that is not (or no longer) the
    counted one is refused with 409 and nothing changes: the unit's row is locked while it is
    decided, so an upload finishing meanwhile cannot slip under the confirmation."""
    if decision not in ("confirmed", "returned"):
        raise ValueError(decision)
    reason = reason.strip()
    with transaction.atomic():
        unit = RoundUnit.objects.select_for_update(of=("self",)).select_related("round").get(pk=submission.unit_id)
        sub = Submission.objects.get(pk=submission.pk)
        if sub.state == "refused":
            raise ReviewRefused(409, REFUSED_FILE)
        if unit.counted_id != sub.id:
            counted = unit.counted_id and Submission.objects.filter(pk=unit.counted_id).values_list("version", flat=True).first()
            raise ReviewRefused(409, NOT_COUNTED, version=sub.version,
                                counted=Msg(COUNTED_IS, {"version": counted}) if counted else Msg(NO_COUNTED))
        if decision == "returned" and not reason:
            raise ReviewRefused(422, REASON_FOR_RETURN)
        if decision == "confirmed" and sub.errors and not reason:
            raise ReviewRefused(422, REASON_FOR_ERRORS, version=sub.version, errors=sub.errors)
        sub.review, sub.review_reason, sub.reviewed_by, sub.reviewed_at = decision, reason, actor, timezone.now()
        sub.save(update_fields=["review", "review_reason", "reviewed_by", "reviewed_at"])
        unit.locked = decision == "confirmed"
        unit.changed_at = timezone.now()
        unit.save(update_fields=["locked", "changed_at"])
        fields = {"unit": unit.name, "version": sub.version}
        if decision == "returned":
            detail = Msg(N_("{unit} 第 {version} 版 退回：{reason}"), {**fields, "reason": reason})
        elif sub.errors:
            detail = Msg(N_("{unit} 第 {version} 版 已确认（带 {errors} 个错误）：{reason}"),
                         {**fields, "errors": sub.errors, "reason": reason})
        else:
            detail = Msg(N_("{unit} 第 {version} 版 已确认"), fields)
        audit(unit.round, actor, "review", detail)
    from .tasks import prepare_soon

    prepare_soon([unit.round_id])  # the downloads name the review: built again ahead
    sub.unit = unit
    return sub


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
