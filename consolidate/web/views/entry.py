"""Filling the tables in the browser (``{link}/form``): the form made from the spec, its live
check, the draft kept on the server, and 提交, which makes a new version exactly as an upload
of the same numbers would.

The page is a plain HTML form that works without a script (提交 posts every input); the
script (``static/web/form.js``) adds the computed totals, one table at a time on a phone,
and the live check: every pause in typing posts the values to ``{link}/form/check``, which
keeps them as the unit's draft and answers with the findings of ``consolidate validate`` on
the workbook those values make (``consolidate.entry``): no rule is written for the browser.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ...entry import check_entries, clean_entries, clean_identity, entry_fields, entry_workbook, form_of, prefill
from ...i18n import N_, Msg
from ...spec import load_spec
from .. import limits, store
from ..auditlog import audit, unit_actor
from ..intake import Refused, receive, refuse_if_closed
from ..models import Draft, RoundUnit, Submission
from ..results import as_unit, counted_version
from ..texts import placed_findings
from .common import error, page_language
from .unit import unit_of_link

CHECK_BODY_MAX = 64 * 1024  # a form's values as JSON: a few KB
# The stored file's name, as a unit's own file name is kept (it names the download and the entry
# in files.zip, beside 第2版 and 未命名文件): Chinese whatever the page's language.
FORM_FILE = "网页填报_{stamp}.xlsx"


def _start(unit: RoundUnit) -> tuple[dict[str, str], dict[str, str], Submission | None]:
    """What the form starts from: the draft when it is newer than the last version, else the
    unit's counted version's numbers and contact, else zeros (as the template starts)."""
    spec = load_spec(unit.round.format_id)
    counted = counted_version(unit)
    draft = Draft.objects.filter(unit=unit).first()
    if draft is not None and (counted is None or draft.updated_at >= counted.received_at):
        return clean_entries(spec, draft.entries or {}), clean_identity(draft.identity or {}), counted
    report = (counted.report or {}) if counted is not None else {}
    identity = clean_identity(report.get("unit") or {})
    return prefill(spec, report.get("values")), identity, counted


@require_GET
def form_page(request: HttpRequest, secret: str) -> HttpResponse:
    found = unit_of_link(request, secret)
    if isinstance(found, HttpResponse):
        return found
    unit = found
    round_ = unit.round
    spec = load_spec(round_.format_id)
    entries, identity, counted = _start(unit)
    try:
        refuse_if_closed(unit)
        closed = ""
    except Refused as exc:
        closed = exc.message
    fields = [{"id": fid, "label": label, "hint": hint, "value": identity.get(fid, "")}
              for fid, label, hint in entry_fields()]
    tables = [{"table": t, "groups": [{"group": g, "inputs": [{"input": i, "value": entries.get(i.key, "")}
                                                             for i in g.inputs]} for g in t.groups]}
              for t in form_of(spec)]
    return render(request, "web/form.html", {
        "unit": unit, "round": round_, "link": f"/u/{secret}", "spec": spec,
        "tables": tables, "fields": fields, "counted": counted, "closed": closed,
    })


def _typed(request: HttpRequest) -> tuple[dict[str, str], dict[str, str]] | None:
    if request.content_type == "application/json":
        if len(request.body) > CHECK_BODY_MAX:
            return None
        try:
            body = json.loads(request.body)
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        entries, identity = body.get("entries") or {}, body.get("identity") or {}
        if not isinstance(entries, dict) or not isinstance(identity, dict):
            return None
        return entries, identity
    return dict(request.POST.items()), dict(request.POST.items())


def _keep_draft(unit: RoundUnit, entries: dict[str, str], identity: dict[str, str]) -> None:
    Draft.objects.update_or_create(unit=unit, defaults={"entries": entries, "identity": identity,
                                                        "updated_at": timezone.now()})


@csrf_exempt  # the link's secret is the credential; no cookie is involved
@require_POST
def form_check(request: HttpRequest, secret: str) -> HttpResponse:
    """Keep the draft and check it: the findings as the verdict page would show them."""
    found = unit_of_link(request, secret)
    if isinstance(found, HttpResponse):
        return found
    unit = found
    typed = _typed(request)
    if typed is None:
        return error(request, 400, _("表单内容无法识别，请刷新页面后重试。"), json=True)
    with limits.live_check(request, unit) as refused:
        if refused is not None:
            return refused
        spec = load_spec(unit.round.format_id)
        entries, identity = clean_entries(spec, typed[0]), clean_identity(typed[1])
        _keep_draft(unit, entries, identity)
        _data, result = check_entries(spec, unit.round.year, as_unit(unit), entries, identity)
    lang = page_language()
    findings = placed_findings(result.findings, lang)
    return JsonResponse({
        "status": result.status, "counts": result.counts,
        "values": {k: v for k, v in (result.values or {}).items() if v == v},  # NaN left out
        "findings": [{"key": f.get("key"), "severity": f["severity"], "code": f["code"], "place": f["place"],
                      "message": f["message"], "after_place": f["after_place"]} for f in findings],
    }, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # the link's secret is the credential; no cookie is involved
@require_POST
def form_submit(request: HttpRequest, secret: str) -> HttpResponse:
    """提交: the typed values as a workbook in the unit's template, taken as an upload."""
    found = unit_of_link(request, secret)
    if isinstance(found, HttpResponse):
        return found
    unit = found
    try:
        refuse_if_closed(unit)
    except Refused as exc:
        return error(request, 409, exc.message)
    spec = load_spec(unit.round.format_id)
    entries, identity = clean_entries(spec, request.POST), clean_identity(request.POST)
    _keep_draft(unit, entries, identity)  # first: a refused 提交 loses nothing typed
    limited = limits.upload_refusal(request, unit, form=True)
    if limited is not None:
        return limited
    data = entry_workbook(spec, unit.round.year, as_unit(unit), entries, identity)
    full = limits.quota_refusal(request, unit, len(data))
    if full is not None:
        return full
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    upload = store.upload_of_bytes(data, FORM_FILE.format(stamp=stamp))
    try:
        received = receive(unit, upload, actor=unit_actor(unit))
    except Refused as exc:
        upload.discard()
        return error(request, 409, exc.message)
    audit(unit.round, unit_actor(unit), "upload", Msg(N_("{unit} 在网页上填报并提交，第 {version} 版"),
                                                     {"unit": unit.name, "version": received.submission.version}))
    return redirect(f"/u/{secret}?v={received.submission.version}#result")
