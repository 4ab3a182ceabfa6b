"""Security headers Django 5.2 does not add itself (a content security policy: our own
scripts and styles only, no frames, forms posting back to us; no caching of pages), and
Django's CSRF check with one exception: a script that carries a bearer token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")


class SecurityHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class CsrfUnlessBearer(CsrfViewMiddleware):
    """Django's CSRF check, except for a request that carries ``Authorization: Bearer``: a
    script with a token, not a browser with a cookie (the token is checked by the view).
    Through the middleware's public ``process_view`` hook."""

    def process_view(self, request: HttpRequest, callback: Callable[..., Any], callback_args: tuple[Any, ...],
                     callback_kwargs: dict[str, Any]) -> HttpResponse | None:
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)
