"""What the views share: JSON or HTML answers, downloads, the office's access rule."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ...i18n import Lang
from .. import store
from ..models import ApiToken, Submission
from ..tables import table_lists, tables
from ..texts import findings_in, stored_shown


def page_language() -> Lang:
    """The language this request is answered in (Django's ``zh-hans``/``en``), as the library names it."""
    return "en" if (get_language() or "").startswith("en") else "zh"


def checked(sub: Submission | None, format_id: str) -> dict[str, Any]:
    """What a page shows of a checked file, in the page's language: its findings, its tables
    with those findings marked, and why it was refused."""
    if sub is None:
        return {"findings": [], "tables": [], "lists": [], "refusal": ""}
    lang = page_language()
    report = sub.report or {}
    findings = findings_in(report.get("findings") or [], sub.finding_messages, lang)
    entry = {**report, "findings": findings}
    return {"findings": findings, "tables": tables(entry, format_id) if sub.report else [],
            "lists": table_lists(entry, format_id) if sub.report else [],
            "refusal": stored_shown(sub.refusal, sub.refusal_params, lang)}


def annotated_copy(request: HttpRequest, sub: Submission) -> HttpResponse:
    """The file's annotated copy in the page's language (the Chinese one where no other was made)."""
    if not sub.annotated:
        return error(request, 404, _("这个版本没有问题标注副本。"))
    sha, name = ((sub.annotated_en, sub.annotated_en_name) if page_language() == "en" and sub.annotated_en
                 else (sub.annotated, sub.annotated_name))
    return attachment(store.path_of(sha), name or _("问题标注.xlsx"), XLSX)


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def error(request: HttpRequest, status: int, message: str, *, json: bool | None = None) -> HttpResponse:
    """A refusal: ``{"error": message}`` for scripts, the error page for people."""
    if json if json is not None else wants_json(request):
        return JsonResponse({"error": message, "status": status}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "web/error.html", {"message": message, "status": status}, status=status)


def attachment(data: bytes | Path, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 5987), never shown inline."""
    if isinstance(data, Path):
        response: HttpResponse = FileResponse(data.open("rb"), content_type=content_type)
    else:
        response = HttpResponse(data, content_type=content_type)
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer_user(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    wanted = token_digest(header[7:].strip())
    found = ApiToken.objects.select_related("user").filter(key_hash=wanted).first()
    if found is None or not hmac.compare_digest(found.key_hash, wanted) or not found.user.is_active:
        return None
    return found.user


def actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def office(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The office's pages: a logged-in session or ``Authorization: Bearer TOKEN``; else 401
    (JSON, for scripts and .json/.xlsx/.zip addresses) or the login page (HTML)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "Authorization" in request.headers:
            user = bearer_user(request)
            if user is None:
                return error(request, 401, _("令牌无效或已停用。"), json=True)
            request.user = user
        elif not request.user.is_authenticated:
            machine = wants_json(request) or request.path.endswith((".json", ".xlsx", ".zip"))
            if machine:
                return error(request, 401, _("需要登录或令牌（Authorization: Bearer …）。"), json=True)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def make_token(username: str) -> str:
    """A new API token for the user (``consolidate office token NAME``); only its hash is kept."""
    import secrets

    user = get_user_model().objects.get(username=username)
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=token_digest(token))
    return token
