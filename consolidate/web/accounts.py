"""The office's accounts and script tokens: what is checked and stored, for the commands
(``consolidate office adduser``, ``token``) and the office's pages (change one's own password;
an administrator adds, disables and enables accounts, lists and revokes tokens). Django must
be configured first (``web.config.configure``). Every change is written to the audit log
(with no round: ``auditlog.account_entries``).

An administrator is an account with Django's ``is_staff`` (``adduser --admin``, or made so by
another administrator on the page). Accounts made before administrators existed were all
equal; migration 0006 makes them administrators, so no deployment is left without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ConsolidateError
from ..i18n import N_, Msg

NAME_TAKEN = N_("账号“{name}”已经存在。")
NO_SUCH_USER = N_("没有账号“{name}”。请先用 consolidate office adduser 创建。")
WEAK_PASSWORD = N_("密码不合要求：{why}")
BAD_NAME = N_("账号名只能用字母、数字和 @ . + - _，最长 150 个字符：“{name}”不行。")
NOT_YOURSELF = N_("不能停用自己正在使用的账号。")
LAST_ADMIN = N_("这是最后一个可用的管理员账号，不能停用。")


def is_admin(user: Any) -> bool:
    return bool(user.is_active and (user.is_staff or user.is_superuser))


def add_user(name: str, password: Callable[[], str], *, admin: bool = False, actor: str = "") -> None:
    """Create the office account ``name``; ``password()`` is asked only once the name is free.
    Django's password validators judge it; a taken name or a weak password is refused."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from .auditlog import audit

    users = get_user_model()
    name = name.strip()
    try:
        users.username_validator(name)
    except ValidationError:
        raise ConsolidateError(BAD_NAME, name=name) from None
    if not name or users.objects.filter(username=name).exists():
        raise ConsolidateError(NAME_TAKEN, name=name)
    secret = password()
    try:
        validate_password(secret, users(username=name))
    except ValidationError as exc:
        raise ConsolidateError(WEAK_PASSWORD, why="；".join(exc.messages)) from None
    users.objects.create_user(username=name, password=secret, is_staff=admin)
    if actor:
        audit(None, actor, "account", Msg(N_("创建管理员账号 {name}") if admin else N_("创建账号 {name}"), {"name": name}))


def set_active(user: Any, active: bool, *, by: Any) -> None:
    """Disable (or enable again) an office account: a disabled one can neither log in nor use
    its tokens. One cannot disable oneself, nor the last active administrator."""
    from django.contrib.auth import get_user_model

    from .auditlog import audit

    if not active and user.pk == by.pk:
        raise ConsolidateError(NOT_YOURSELF)
    if not active and is_admin(user):
        admins = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(pk=user.pk)
        if not admins.exists():
            raise ConsolidateError(LAST_ADMIN)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:  # its sessions end at once
        from django.contrib.sessions.models import Session

        for session in Session.objects.all():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
    audit(None, by.get_username(), "account",
          Msg(N_("启用账号 {name}") if active else N_("停用账号 {name}"), {"name": user.get_username()}))


def password_changed(user: Any) -> None:
    from .auditlog import audit

    audit(None, user.get_username(), "account", Msg(N_("修改了自己的密码")))


def new_token(name: str, *, actor: str = "") -> str:
    """A new script token for the account ``name`` (only its digest is stored)."""
    from django.contrib.auth import get_user_model

    from .auditlog import audit
    from .views.common import make_token

    if not get_user_model().objects.filter(username=name).exists():
        raise ConsolidateError(NO_SUCH_USER, name=name)
    token = make_token(name)
    audit(None, actor or name, "account", Msg(N_("为账号 {name} 生成令牌"), {"name": name}))
    return token


def revoke_token(token: Any, *, by: Any) -> None:
    """A token stops working at once (its row is deleted)."""
    from .auditlog import audit

    owner = token.user.get_username()
    label = token.key_hash[:8]
    token.delete()
    audit(None, by.get_username(), "account", Msg(N_("收回账号 {name} 的令牌 {token}…"), {"name": owner, "token": label}))
