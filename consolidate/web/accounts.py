"""The office's accounts and script tokens, for ``consolidate office adduser`` and ``token``:
the command asks for the password and prints; what is checked and stored is here. Django must
be configured first (``web.config.configure``)."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ConsolidateError
from ..i18n import N_

NAME_TAKEN = N_("账号“{name}”已经存在。")
NO_SUCH_USER = N_("没有账号“{name}”。请先用 consolidate office adduser 创建。")
WEAK_PASSWORD = N_("密码不合要求：{why}")


def add_user(name: str, password: Callable[[], str]) -> None:
    """Create the office account ``name``; ``password()`` is asked only once the name is free.
    Django's password validators judge it; a taken name or a weak password is refused."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    users = get_user_model()
    if users.objects.filter(username=name).exists():
        raise ConsolidateError(NAME_TAKEN, name=name)
    secret = password()
    try:
        validate_password(secret, users(username=name))
    except ValidationError as exc:
        raise ConsolidateError(WEAK_PASSWORD, why="；".join(exc.messages)) from None
    users.objects.create_user(username=name, password=secret)


def new_token(name: str) -> str:
    """A new script token for the account ``name`` (only its digest is stored)."""
    from django.contrib.auth import get_user_model

    from .views.common import make_token

    if not get_user_model().objects.filter(username=name).exists():
        raise ConsolidateError(NO_SUCH_USER, name=name)
    return make_token(name)
