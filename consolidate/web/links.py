"""A unit's link: a secret of 192 bits, stored only as its SHA-256.

The secret is the unit's credential (no account): whoever has the link can see the unit's
page and upload for it, nothing else. It is derived (HMAC-SHA256) from a random salt kept
on the unit's row and the server's secret key (in the data folder, not in the database), so
the office can export the links again at any time (``secret_of``), while a copy of the
database alone gives no working link. Re-issuing draws a new salt: the old link stops.

The public address in the links is ``--base-url`` or ``CONSOLIDATE_BASE_URL``
(settings.BASE_URL), else the address the office's browser used; an address only this
computer can open (127.0.0.1, localhost) is said to be one (``address_problem``). Lookups go by the hash (an index, so the time does
not depend on how close a guess is) and the stored hash is compared in constant time.
Unknown links are counted per address: past ``settings.LINK_GUESS_LIMIT`` in the window,
that address is refused (429) before any lookup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from ..i18n import N_, Msg
from .models import LinkMiss, RoundUnit

SECRET_BYTES = 24  # 192 bits
LOCAL_BASE = "http://127.0.0.1:8000"
NO_ADDRESS = N_("没有给出本网站对各单位的地址（--base-url 或 CONSOLIDATE_BASE_URL），链接暂用 {url}：这是本机地址，"
                "各单位的电脑打不开。请给出各单位能访问的网址后重新导出链接。")
LOOPBACK = N_("链接地址 {url} 是本机地址，只有这台电脑能打开，各单位的电脑打不开。请用 --base-url 或 "
              "CONSOLIDATE_BASE_URL 给出各单位能访问的网址（例如 http://10.1.2.3:8000 或 https://gkb.example.gov.cn），"
              "再重新导出链接。")


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def derived_secret(salt: str) -> str:
    """The link secret made from ``salt`` with the server's key."""
    from django.utils.crypto import salted_hmac

    mac = salted_hmac("consolidate.web.links", salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac[:SECRET_BYTES]).decode("ascii")


def issue(unit: RoundUnit) -> str:
    """Give ``unit`` a new link (its row is updated, not saved); returns the secret."""
    unit.link_salt = new_secret()
    secret = derived_secret(unit.link_salt)
    unit.link_hash = digest(secret)
    return secret


def secret_of(unit: RoundUnit) -> str | None:
    """The unit's current link secret, or None: issued before links could be exported again,
    or the server's key has changed since (either way: re-issue)."""
    if not unit.link_salt:
        return None
    secret = derived_secret(unit.link_salt)
    return secret if hmac.compare_digest(digest(secret), unit.link_hash) else None


def is_local(url: str) -> bool:
    """An address only this computer can open: loopback, unspecified, or localhost."""
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def public_base(explicit: str | None = None, request: HttpRequest | None = None) -> tuple[str, Msg | None]:
    """The address units reach this site at, and what is wrong with it (None: nothing)."""
    from django.conf import settings

    given = (explicit or "").strip() or str(getattr(settings, "BASE_URL", "") or "").strip()
    if given:
        base = given.rstrip("/")
    elif request is not None:
        base = request.build_absolute_uri("/").rstrip("/")
    else:
        return LOCAL_BASE, Msg(NO_ADDRESS, {"url": LOCAL_BASE})
    return base, (Msg(LOOPBACK, {"url": base}) if is_local(base) else None)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def link_path(secret: str) -> str:
    return f"/u/{secret}"


def link_url(base_url: str, secret: str) -> str:
    return base_url.rstrip("/") + link_path(secret)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def too_many_guesses(request: HttpRequest) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LINK_GUESS_WINDOW)
    misses = LinkMiss.objects.filter(address=client_address(request), at__gte=since).count()
    return misses >= settings.LINK_GUESS_LIMIT


def find_unit(request: HttpRequest, secret: str) -> RoundUnit | None:
    """The unit of this link, or None (and the miss is counted against the address)."""
    wanted = digest(secret)
    unit = None
    if 16 <= len(secret) <= 128:
        unit = RoundUnit.objects.select_related("round").filter(link_hash=wanted).first()
    if unit is None or not hmac.compare_digest(unit.link_hash, wanted):
        now = timezone.now()
        LinkMiss.objects.filter(at__lt=now - timedelta(seconds=settings.LINK_GUESS_WINDOW)).delete()
        LinkMiss.objects.create(address=client_address(request), at=now)
        return None
    return unit
