"""What one client or one link may cost the others, and the clear answer when it is over.

- **Login throttling** (django-axes, settings ``AXES_*``): after ``AXES_FAILURE_LIMIT`` wrong
  passwords for one account from one client address, that account is refused from that
  address for ``AXES_COOLOFF_TIME`` (429, ``login_locked``); a right password resets the count.
  ``consolidate office unlock-login NAME`` lifts it at once (``unlock_login``).
- **Per-link upload rate** (``upload_refusal``): at most ``UPLOAD_RATE_COUNT`` uploads (the
  browser form's 提交 included) and
  ``UPLOAD_RATE_BYTES`` bytes from one link in ``UPLOAD_RATE_WINDOW`` seconds (429 with
  ``Retry-After``), counted from the stored submissions (so it holds across server processes).
- **Per-round disk quota** (``quota_refusal``): the files kept for a round (the size of every
  stored version) stay under ``ROUND_QUOTA`` bytes; past it an upload is not kept (413).
- **The form's live check** (``live_check``): it runs in the request, so a server process runs
  at most ``LIVE_CHECKS_AT_ONCE`` at once (503 past it), a link one at a time and at most
  ``LIVE_CHECK_RATE`` a minute (429), each with ``Retry-After``; the form asks again by itself.
  Counted in the process (what it protects is the process's threads and processor).

The client address is ``REMOTE_ADDR``: the peer, or behind ``serve --behind-proxy`` the
address the trusted proxy forwarded (``server.ProxyHeaders``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..i18n import N_
from .models import Round, RoundUnit, Submission

LOGIN_LOCKED = N_("登录失败次数过多：账号“{user}”从本机连续 {limit} 次密码错误，已暂停登录 {minutes} 分钟。"
                  "请在 {minutes} 分钟后再试；忘记密码或急需登录时，请服务器管理员运行 consolidate office unlock-login {user} 解除。")
UPLOAD_TOO_OFTEN = N_("本链接上传过于频繁：{minutes} 分钟内最多上传 {count} 次、共 {mb} MB，此文件未保存。"
                      "请在 {wait} 分钟后再上传；修改前请先看清本页列出的全部问题，一次改好再上传。")
LIVE_BUSY = N_("同时检查的单位较多，稍后会自动重新检查。")
LIVE_TOO_OFTEN = N_("本链接检查过于频繁，稍后会自动重新检查。")
SUBMIT_TOO_OFTEN = N_("本链接提交过于频繁：{minutes} 分钟内最多提交或上传 {count} 次，这次没有提交；填写的内容已保存为草稿。"
                      "请在 {wait} 分钟后再提交；提交前请先看清页面上列出的全部问题，一次改好再提交。")
ROUND_FULL = N_("本轮已保存的文件达到 {quota} MB 的上限，此文件（{size} MB）未保存。请联系公开办处理。")


def client_ip(request: HttpRequest) -> str:
    """The client's address as the limits count it (axes' ``AXES_CLIENT_IP_CALLABLE`` too)."""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def mb(size: float) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def refusal(request: HttpRequest, status: int, message: str, retry_after: int | None = None) -> HttpResponse:
    from .views.common import error

    response = error(request, status, message)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


# --- logins ------------------------------------------------------------------------------

def login_locked(request: HttpRequest, original_response: HttpResponse | None = None,
                 credentials: dict[str, Any] | None = None) -> HttpResponse:
    """axes' answer once an account is locked for this client: 429, the page or JSON, in the
    reader's language, saying for how long and how the office lifts it."""
    user = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = math.ceil(cooloff.total_seconds() / 60)
    message = _(LOGIN_LOCKED).format(user=user, limit=settings.AXES_FAILURE_LIMIT, minutes=minutes)
    return refusal(request, 429, message, retry_after=int(cooloff.total_seconds()))


def unlock_login(username: str) -> int:
    """Lift the login lockout of ``username`` from every address; how many records were removed."""
    from axes.utils import reset

    return int(reset(username=username))


# --- uploads -----------------------------------------------------------------------------

def upload_refusal(request: HttpRequest, unit: RoundUnit, *, form: bool = False) -> HttpResponse | None:
    """A 429 when this link has uploaded too often or too much in the window, else None.
    Asked before the upload is read, so a refused one costs no disk of the round. ``form``:
    the browser form's 提交 (its typed values are kept as the draft), said so."""
    window = settings.UPLOAD_RATE_WINDOW
    since = timezone.now() - timedelta(seconds=window)
    recent = Submission.objects.filter(unit=unit, received_at__gte=since)
    done = recent.aggregate(n=Count("id"), size=Sum("size"))
    count, size = done["n"] or 0, done["size"] or 0
    incoming = int(request.META.get("CONTENT_LENGTH") or 0)
    if count < settings.UPLOAD_RATE_COUNT and size + incoming <= settings.UPLOAD_RATE_BYTES:
        return None
    oldest = recent.order_by("received_at").values_list("received_at", flat=True).first()
    wait = window if oldest is None else max(1, int((oldest - since).total_seconds()) + 1)
    message = _(SUBMIT_TOO_OFTEN if form else UPLOAD_TOO_OFTEN).format(
        minutes=f"{window / 60:g}", count=settings.UPLOAD_RATE_COUNT, mb=mb(settings.UPLOAD_RATE_BYTES),
        wait=math.ceil(wait / 60))
    return refusal(request, 429, message, retry_after=wait)


def round_bytes(unit: RoundUnit) -> int:
    """The bytes kept for the unit's round: the size of every stored version of every unit
    (counted as each is recorded: ``results.received``)."""
    return int(Round.objects.filter(pk=unit.round_id).values_list("stored_bytes", flat=True).first() or 0)


def quota_refusal(request: HttpRequest, unit: RoundUnit, size: int) -> HttpResponse | None:
    """A 413 when keeping ``size`` more bytes would take the round past its quota, else None."""
    quota = settings.ROUND_QUOTA
    if round_bytes(unit) + size <= quota:
        return None
    return refusal(request, 413, _(ROUND_FULL).format(quota=mb(quota), size=mb(size)))


# --- the form's live check ---------------------------------------------------------------

class LiveChecks:
    """The live checks running in this process: how many at once, which links, and each
    link's last minute (``enter`` is None when one may start, else why not and for how long)."""

    WINDOW = 60.0  # seconds the rate is counted over

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[int] = set()
        self._recent: dict[int, deque[float]] = {}

    def enter(self, link: int, at_once: int, rate: int) -> tuple[int, str, int] | None:
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault(link, deque())
            while recent and now - recent[0] >= self.WINDOW:
                recent.popleft()
            if link in self._running:
                return 429, LIVE_TOO_OFTEN, 1
            if len(recent) >= rate:
                return 429, LIVE_TOO_OFTEN, max(1, math.ceil(self.WINDOW - (now - recent[0])))
            if len(self._running) >= at_once:
                return 503, LIVE_BUSY, 1
            self._running.add(link)
            recent.append(now)
            if len(self._recent) > 10_000:  # links idle for a minute are forgotten
                self._recent = {k: v for k, v in self._recent.items() if v and now - v[-1] < self.WINDOW}
            return None

    def leave(self, link: int) -> None:
        with self._lock:
            self._running.discard(link)


LIVE = LiveChecks()


@contextmanager
def live_check(request: HttpRequest, unit: RoundUnit) -> Iterator[HttpResponse | None]:
    """Around one live check: yields None when it may run (and counts it), else the refusal."""
    refused = LIVE.enter(unit.pk, settings.LIVE_CHECKS_AT_ONCE, settings.LIVE_CHECK_RATE)
    if refused is not None:
        status, message, wait = refused
        from .views.common import error

        response = error(request, status, _(message), json=True)
        response["Retry-After"] = str(wait)
        yield response
        return
    try:
        yield None
    finally:
        LIVE.leave(unit.pk)
