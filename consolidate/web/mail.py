"""E-mail to units, through Django's mail backend: reminders to the units that still owe a
passing file (催报), and the notice of a returned version. Sent only when a mail server is
configured (``CONSOLIDATE_SMTP_HOST``, or another backend such as the tests' ``locmem``),
and only after the office has seen every message and its recipients (``preview`` then
``send``: the same messages, built twice from the same rows). Each sending is audited.

Recipients are the roster's 邮箱 of each unit (``RoundUnit.email``); a unit without one is
listed as not reachable by mail, so the office can phone it instead. The letters are in
Chinese whatever the office's page language: they go to the units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_, Msg, in_language
from ..roster import split_emails
from .auditlog import audit
from .links import link_url, public_base, secret_of
from .models import Round, RoundUnit, Submission
from .rounds import STATE_LABELS, UnitStatus, unit_statuses

REMIND_SUBJECT = N_("请报送{name}{year}年度政府信息公开工作年度报告统计表")
REMIND_BODY = N_("{unit}：\n\n贵单位的{year}年度政府信息公开工作年度报告统计表目前的状态是：{state}。"
                 "{deadline}请打开贵单位的报送链接，下载模板填写后上传，或上传修改后的文件；上传后页面会立即给出审核结果。\n\n"
                 "报送链接：{link}\n\n{office}")
RETURN_SUBJECT = N_("退回通知：{name}{year}年度统计表（第 {version} 版）")
RETURN_BODY = N_("{unit}：\n\n贵单位上传的第 {version} 版统计表（{file}）已被退回，原因：\n{reason}\n\n"
                 "请修改后通过报送链接重新上传。\n\n报送链接：{link}\n\n{office}")
SEND_FAILED = N_("邮件没有发出：发信服务器 {server} 不能用（{reason}）。请检查 CONSOLIDATE_SMTP_* 的设置后再试。")
DEADLINE = N_("截止时间为 {deadline}。")
NO_LINK = N_("（请使用公开办发给贵单位的链接）")


def zh(text: str) -> str:
    return in_language("zh", text)


def mail_configured() -> bool:
    return bool(getattr(settings, "MAIL_ENABLED", False))


@dataclass(frozen=True)
class Letter:
    unit: RoundUnit
    to: tuple[str, ...]  # empty: the roster gives no 邮箱 for this unit
    subject: str
    body: str


def _link(unit: RoundUnit) -> str:
    secret = secret_of(unit)
    return link_url(public_base()[0], secret) if secret else zh(NO_LINK)


def _office_name(round_: Round) -> str:
    return round_.name


def reminders(round_: Round) -> list[Letter]:
    """A reminder for every unit that has no passing file (missing, with errors, unreadable)."""
    out = []
    deadline = (zh(DEADLINE).format(deadline=timezone.localtime(round_.deadline).strftime("%Y-%m-%d %H:%M"))
                if round_.deadline else "")
    statuses: Sequence[UnitStatus] = unit_statuses(round_)
    for s in statuses:
        if s.state == "valid":
            continue
        subject = zh(REMIND_SUBJECT).format(name=round_.name, year=round_.year)
        body = zh(REMIND_BODY).format(unit=s.unit.name, year=round_.year, state=zh(STATE_LABELS[s.state]),
                                              deadline=deadline, link=_link(s.unit), office=_office_name(round_))
        out.append(Letter(s.unit, split_emails(s.unit.email), subject, body))
    return out


def return_notice(sub: Submission) -> Letter:
    unit = sub.unit
    round_ = unit.round
    subject = zh(RETURN_SUBJECT).format(name=round_.name, year=round_.year, version=sub.version)
    body = zh(RETURN_BODY).format(unit=unit.name, version=sub.version, file=sub.file_name,
                                          reason=sub.review_reason, link=_link(unit), office=_office_name(round_))
    return Letter(unit, split_emails(unit.email), subject, body)


def send(round_: Round, letters: Sequence[Letter], actor: str, what: str) -> int:
    """Send the letters that have recipients; returns how many were sent. Audited."""
    sendable = [x for x in letters if x.to]
    if not sendable:
        return 0
    try:
        with get_connection() as connection:
            messages = [EmailMessage(x.subject, x.body, settings.DEFAULT_FROM_EMAIL, list(x.to), connection=connection)
                        for x in sendable]
            sent = connection.send_messages(messages) or 0
    except OSError as exc:  # unreachable, or refused (smtplib's errors are OSErrors)
        raise ConsolidateError(SEND_FAILED, server=f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}",
                               reason=os_error_msg(exc)) from exc
    audit(round_, actor, "mail", Msg(N_("{what}：发给 {n} 个单位（{units}）"),
                                     {"what": Msg(what), "n": sent, "units": "、".join(x.unit.name for x in sendable)}))
    return sent


REMINDER = N_("催报邮件")
RETURN_NOTICE = N_("退回通知邮件")
