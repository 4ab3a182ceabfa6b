"""The audit log: who did what, when, kept as catalog texts with their fields and shown in
the reader's language.

An entry's ``detail`` is the catalog id (the Chinese text, marked with ``N_``) and
``params`` its fields (names, versions, reasons: quoted as they were written; ``texts``);
a unit's actor is a catalog text too (``actor_params``), an office user's is the user
name. Rows written before this (no ``params``) show their stored text as it is,
translated when the catalog knows it. The action is a short word (``upload``) shown with its label from
``ACTION_LABELS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..i18n import N_, Msg, in_language
from .models import AuditEvent, Round, RoundUnit
from .texts import stored_shown, to_json

ACTION_LABELS = {
    "open": N_("开启报送"),
    "reissue": N_("重新发放链接"),
    "upload": N_("上传"),
    "download": N_("下载"),
    "close": N_("结束报送"),
    "reopen": N_("重新开始报送"),
    "review": N_("审核"),
    "unlock": N_("解锁"),
    "accept-warnings": N_("接受警告"),
    "links": N_("导出链接"),
    "mail": N_("发送邮件"),
    "account": N_("账号"),
}

UNIT_ACTOR = N_("单位：{name}（{code}）")
# Actors that are not a person's name (``consolidate office open-round`` and ``import`` record
# what they do under these): shown translated, where a user's name is shown as it is.
COMMAND_LINE = N_("命令行")
COMMAND_LINE_IMPORT = N_("命令行导入")
SYSTEM_ACTORS = frozenset({COMMAND_LINE, COMMAND_LINE_IMPORT})


def unit_actor(unit: RoundUnit) -> Msg:
    """A unit acting through its link, named as the log shows it."""
    return Msg(UNIT_ACTOR, {"name": unit.name, "code": unit.code})


def audit(round_: Round | None, actor: str | Msg, action: str, detail: Msg | None = None) -> None:
    """Record one entry: ``actor`` an office user's name or a unit (``unit_actor``), ``detail``
    a catalog text with its fields (values JSON can hold: text and numbers)."""
    who, who_params = (actor.text, to_json(actor)) if isinstance(actor, Msg) else (actor[:200], None)
    AuditEvent.objects.create(round=round_, actor=who, actor_params=who_params, action=action,
                              detail=detail.text if detail else "", params=to_json(detail) if detail else None)


def actor_shown(actor: str, params: Mapping[str, Any] | None, lang: str) -> str:
    if params is not None or actor in SYSTEM_ACTORS:
        return stored_shown(actor, params, lang)
    return actor


def action_label(action: str, lang: str) -> str:
    return in_language(lang, ACTION_LABELS[action]) if action in ACTION_LABELS else action


@dataclass(frozen=True)
class Entry:
    """One row of the log as a person reads it."""

    at: datetime
    actor: str
    action: str  # the stored word
    action_label: str
    detail: str


def entries(events: Iterable[AuditEvent], lang: str) -> list[Entry]:
    return [Entry(at=e.at, actor=actor_shown(e.actor, e.actor_params, lang),
                  action=e.action, action_label=action_label(e.action, lang), detail=stored_shown(e.detail, e.params, lang))
            for e in events]
