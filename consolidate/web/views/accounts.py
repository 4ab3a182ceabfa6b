"""The office's accounts in the browser (``accounts.py`` is the library): everyone changes
their own password; administrators add accounts, disable and enable them, list and revoke
script tokens. Every change is audited (the log's entries with no round, shown here)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...errors import ConsolidateError
from ..accounts import add_user, is_admin, password_changed, revoke_token, set_active
from ..auditlog import entries
from ..models import ApiToken, AuditEvent
from .common import error, office, page_language


@office
def account(request: HttpRequest) -> HttpResponse:
    """Change one's own password (the old one first); the session stays logged in."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        password_changed(user)
        messages.info(request, _("密码已修改。"))
        return redirect("account")
    return render(request, "web/account.html", {"form": form, "admin": is_admin(request.user)},
                  status=400 if request.method == "POST" else 200)


def administrator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An office page for administrators only (403 for the others)."""

    @office
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_admin(request.user):
            return error(request, 403, _("只有管理员可以管理账号和令牌。"))
        return view(request, *args, **kwargs)

    return wrapped


@administrator
def accounts(request: HttpRequest) -> HttpResponse:
    """The accounts and tokens; POST adds an account."""
    if request.method == "POST":
        name = request.POST.get("username", "").strip()
        first, second = request.POST.get("password1", ""), request.POST.get("password2", "")
        if first != second:
            messages.error(request, _("两次输入的密码不一致。"))
        else:
            try:
                add_user(name, lambda: first, admin=request.POST.get("admin") == "yes",
                         actor=request.user.get_username())
            except ConsolidateError as exc:
                messages.error(request, exc.message(page_language()))
            else:
                messages.info(request, _("已创建账号“{name}”。").format(name=name))
                return redirect("accounts")
    users = get_user_model().objects.order_by("username")
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
    log = entries(AuditEvent.objects.filter(round__isnull=True, action="account")[:100], page_language())
    return render(request, "web/accounts.html", {"users": users, "tokens": tokens, "log": log,
                                                 "form": request.POST if request.method == "POST" else {}})


@administrator
@require_POST
def account_active(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    active = request.POST.get("active") == "yes"
    try:
        set_active(user, active, by=request.user)
    except ConsolidateError as exc:
        messages.error(request, exc.message(page_language()))
    else:
        messages.info(request, (_("已启用账号“{name}”。") if active else _("已停用账号“{name}”：它不能再登录，令牌也不能再用。"))
                      .format(name=user.get_username()))
    return redirect("accounts")


@administrator
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_id)
    revoke_token(token, by=request.user)
    messages.info(request, _("已收回令牌：用它的脚本会得到 401。"))
    return redirect("accounts")
