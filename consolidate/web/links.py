"""A unit's link: a random secret of 192 bits, stored only as its SHA-256.

The secret is the unit's credential (no account): whoever has the link can see the unit's
page and upload for it, nothing else. Lookups go by the hash (an index, so the time does
not depend on how close a guess is) and the stored hash is compared in constant time.
Unknown links are counted per address: past ``settings.LINK_GUESS_LIMIT`` in the window,
that address is refused (429) before any lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import LinkMiss, RoundUnit

SECRET_BYTES = 24  # 192 bits


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


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
