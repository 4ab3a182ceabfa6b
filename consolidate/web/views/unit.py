"""A unit's link: its page, the upload (HTML form or the JSON contract), its template,
its own files and annotated copies. The link's secret is the credential; a unit sees only
its own round and its own files."""

from __future__ import annotations

import functools
import threading
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ...i18n import N_, Msg
from ...receipt import receipt_pdf
from ...roster import Unit
from ...spec import load_spec
from ...template import build_workbook, template_file_name
from .. import limits, store
from ..auditlog import audit, unit_actor
from ..intake import Refused, receive, refuse_if_closed
from ..links import find_unit, too_many_guesses
from ..models import RoundUnit, Submission
from ..receipts import DECIDED, receipt_of
from ..results import as_unit
from ..rounds import SUBMISSION_LABELS
from ..tables import grouped
from ..texts import rendered
from .common import XLSX, annotated_copy, attachment, checked, error, page_language, wants_json


def unit_of_link(request: HttpRequest, secret: str) -> RoundUnit | HttpResponse:
    """The unit whose link this is, or the page that says why not (unknown link, too many guesses)."""
    if too_many_guesses(request):
        return error(request, 429, _("尝试的无效链接过多，请稍后再试。"))
    unit = find_unit(request, secret)
    if unit is None:
        return error(request, 404, _("链接无效或已停用。请使用公开办最新发来的报送链接；如有疑问请联系公开办。"))
    return unit


def contract(unit: RoundUnit, sub: Submission) -> dict[str, Any]:
    """The JSON answer to an upload (README: 网页 / the contract); the findings' messages in the
    request's language (``Accept-Language: en``: as ``validate --json --lang en`` words them)."""
    report = sub.report
    if report is not None:
        lang = page_language()
        report = {**report, "findings": [rendered(f, lang) for f in report.get("findings") or []]}
    return {"unit": {"code": unit.code, "name": unit.name},
            "submission": {"id": sub.id, "version": sub.version, "sha256": sub.sha256,
                           "received_at": sub.received_at.isoformat(), "state": sub.state},
            "report": report}


MAX_WAIT = 30.0  # seconds ?wait= may ask for
# requests waiting at once: the others are answered at once (202), so waiting clients never
# hold every one of the server's threads
WAITING = threading.BoundedSemaphore(settings.WAIT_SLOTS)


def waited(request: HttpRequest, sub: Submission) -> Submission:
    """``sub`` as it is once decided, or after ``?wait=S`` seconds (at most 30), whichever comes
    first; at once when too many requests are waiting already."""
    try:
        seconds = min(MAX_WAIT, max(0.0, float(request.GET.get("wait", "0"))))
    except ValueError:
        seconds = 0.0
    if sub.state != "checking" or seconds <= 0 or not WAITING.acquire(blocking=False):
        return sub
    try:
        return _waited(sub, seconds)
    finally:
        WAITING.release()


def _waited(sub: Submission, seconds: float) -> Submission:
    end = time.monotonic() + seconds
    pending = Submission.objects.filter(pk=sub.pk, state="checking")
    start = time.monotonic()
    while sub.state == "checking" and time.monotonic() < end:  # often at first, then less (a check takes ~0.1-1 s)
        step = 0.2 if time.monotonic() - start < 2 else 0.5
        time.sleep(min(step, max(0.0, end - time.monotonic())))
        if not pending.exists():
            sub.refresh_from_db()
    return sub


def answer(request: HttpRequest, unit: RoundUnit, sub: Submission, secret: str) -> HttpResponse:
    """The JSON answer for ``sub``: 202 while it is checked, 200 with its verdict; its address in Location."""
    sub = waited(request, sub)
    response = JsonResponse(contract(unit, sub), status=202 if sub.state == "checking" else 200,
                            json_dumps_params={"ensure_ascii": False})
    response["Location"] = f"/u/{secret}/v/{sub.version}.json"
    return response


@csrf_exempt  # the link's secret is the credential; no cookie is involved
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, secret: str) -> HttpResponse:
    found = unit_of_link(request, secret)
    if isinstance(found, HttpResponse):
        return found
    unit = found
    if request.method == "POST":
        return _upload(request, unit, secret)
    return _show(request, unit, secret)


def _upload(request: HttpRequest, unit: RoundUnit, secret: str) -> HttpResponse:
    too_large = _("文件超过 {limit} MB 的上限，未保存。统计表只有几百个格子，请上传填好的模板（通常小于 1 MB）。").format(
        limit=store_limit_mb())
    try:
        refuse_if_closed(unit)
    except Refused as exc:
        return error(request, 409, exc.message)
    limited = limits.upload_refusal(request, unit)
    if limited is not None:
        return limited
    try:
        upload = request.FILES.get("file")
    except store.UploadTooLarge:
        return error(request, 413, too_large)
    if getattr(request, "upload_too_large", False):
        return error(request, 413, too_large)
    if not isinstance(upload, store.StreamedUpload):
        return error(request, 400, _("没有收到文件。请选择要上传的报表文件（表单字段 file）。"))
    full = limits.quota_refusal(request, unit, upload.size)
    if full is not None:
        upload.discard()
        return full
    try:
        received = receive(unit, upload, actor=unit_actor(unit))
    except Refused as exc:
        upload.discard()
        return error(request, 409, exc.message)
    if wants_json(request):
        return answer(request, unit, received.submission, secret)
    return redirect(f"/u/{secret}?v={received.submission.version}#result")


def store_limit_mb() -> str:
    from django.conf import settings

    return f"{settings.UPLOAD_LIMIT / (1024 * 1024):g}"


def _show(request: HttpRequest, unit: RoundUnit, secret: str) -> HttpResponse:
    subs = list(unit.submissions.order_by("-version"))
    shown = subs[0] if subs else None
    wanted = request.GET.get("v", "")
    if wanted.isdigit():
        shown = next((s for s in subs if s.version == int(wanted)), shown)
    round_ = unit.round
    shown_checked = checked(shown, round_.format_id)
    context = {
        "unit": unit, "round": round_, "secret": secret, "link": f"/u/{secret}",
        "submissions": subs, "shown": shown, "labels": SUBMISSION_LABELS,
        **shown_checked,
        "counted": next((s for s in subs if s.id == unit.counted_id), None),
        "closed": round_.closed_at is not None, "refusing": round_.closed_at is not None and round_.late_policy == "refuse",
        "limit_mb": store_limit_mb(), "decided": DECIDED,
        "grouped": grouped({**shown.report, "findings": shown_checked["findings"]}, round_.format_id)
        if shown is not None and shown.report else [],
        "is_counted": shown is not None and shown.id == unit.counted_id,
    }
    if request.headers.get("HX-Request"):  # the verdict awaited (审核中): the result part, and the history below
        return render(request, "web/unit_result.html", {**context, "fragment": True})
    return render(request, "web/unit.html", context)


@require_GET
def version_json(request: HttpRequest, secret: str, version: str) -> HttpResponse:
    """``{link}/v/{version}.json``: the upload's JSON answer (``?wait=S`` to wait for the verdict)."""
    found = unit_of_link(request, secret)
    if isinstance(found, HttpResponse):
        return found
    sub = found.submissions.filter(version=int(version)).first() if version.isdigit() else None
    if sub is None:
        return error(request, 404, _("没有这个版本。"), json=True)
    return answer(request, found, sub, secret)


@functools.lru_cache(maxsize=64)
def template_bytes(format_id: str, year: int, unit: Unit) -> bytes:
    """A unit's template: the same bytes for the same unit, so built once (~30 ms of processor
    time) and not again on each download (a link may be asked for it in a loop)."""
    return build_workbook(load_spec(format_id), year, unit)


@require_GET
def template(request: HttpRequest, secret: str) -> HttpResponse:
    found = unit_of_link(request, secret)
    if isinstance(found, HttpResponse):
        return found
    unit, round_ = found, found.round
    who = as_unit(unit)
    data = template_bytes(round_.format_id, round_.year, who)
    audit(round_, unit_actor(unit), "download", Msg(N_("本单位模板")))
    return attachment(data, template_file_name(round_.year, who), XLSX)


def _version(request: HttpRequest, secret: str, version: str) -> Submission | HttpResponse:
    """One of the unit's own versions (never another unit's), or the refusal to show it."""
    found = unit_of_link(request, secret)
    if isinstance(found, HttpResponse):
        return found
    sub = found.submissions.filter(version=int(version)).first() if version.isdigit() else None
    return sub if sub is not None else error(request, 404, _("没有这个版本。"))


def _own(request: HttpRequest, secret: str, version: str, annotated: bool) -> HttpResponse:
    """One of the unit's own stored files (as sent, or its annotated copy)."""
    sub = _version(request, secret, version)
    if isinstance(sub, HttpResponse):
        return sub
    if not annotated:
        return attachment(store.path_of(sub.sha256), sub.file_name, "application/octet-stream")
    return annotated_copy(request, sub)


@require_GET
def own_file(request: HttpRequest, secret: str, version: str) -> HttpResponse:
    return _own(request, secret, version, annotated=False)


@require_GET
def own_annotated(request: HttpRequest, secret: str, version: str) -> HttpResponse:
    return _own(request, secret, version, annotated=True)


def receipt_answer(request: HttpRequest, sub: Submission, *, pdf: bool, base: str, back: str) -> HttpResponse:
    """A decided version's 回执 (``consolidate.receipt``): the page, or the same on one A4 PDF.
    ``base``: the receipt's own address; ``back``: the page it was opened from."""
    if sub.state not in DECIDED:
        return error(request, 409, _("这个版本还在审核中，审核完成后才有回执。"))
    lang = page_language()
    receipt = receipt_of(sub, lang, request.build_absolute_uri(base))
    if pdf:
        data = receipt_pdf(receipt, lang, printed_at=timezone.localtime().replace(tzinfo=None))
        name = _("回执_{unit}_第{version}版.pdf").format(unit=sub.unit.name, version=sub.version)
        return attachment(data, name, "application/pdf")
    return render(request, "web/receipt.html", {"lines": receipt.lines(lang), "receipt": receipt, "back": back,
                                                "pdf": f"{base}.pdf"})


def _receipt(request: HttpRequest, secret: str, version: str, pdf: bool) -> HttpResponse:
    sub = _version(request, secret, version)
    if isinstance(sub, HttpResponse):
        return sub
    return receipt_answer(request, sub, pdf=pdf, base=f"/u/{secret}/v/{sub.version}/receipt",
                          back=f"/u/{secret}?v={sub.version}#result")


@require_GET
def receipt_page(request: HttpRequest, secret: str, version: str) -> HttpResponse:
    """回执, to print or keep: unit, round, version, time, file and hash, verdict, review."""
    return _receipt(request, secret, version, pdf=False)


@require_GET
def receipt_pdf_view(request: HttpRequest, secret: str, version: str) -> HttpResponse:
    return _receipt(request, secret, version, pdf=True)
