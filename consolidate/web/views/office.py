"""The office's pages: rounds, opening one, the board (htmx refreshes it), a unit's
versions with findings, diff and review, downloads, closing, re-issuing, the audit log.
Every page needs a logged-in office user or a bearer token (``common.office``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ...errors import ConsolidateError
from ...findings import fmt_number
from ...i18n import N_, Msg
from ...read.meta import parse_year
from ...roster import read_roster
from ...spec import cell_addresses, load_spec
from .. import store
from ..auditlog import audit
from ..auditpage import audit_page
from ..downloads import round_outputs, stream_zip
from ..links import link_url
from ..models import Round, RoundUnit, Submission
from ..rounds import (
    STATE_LABELS,
    SUBMISSION_LABELS,
    accept_warnings,
    close_round,
    counts,
    open_round,
    parse_deadline,
    reissue_link,
    reopen_round,
    review,
    status_dict,
    unit_statuses,
    unlock,
)
from .common import XLSX, actor, annotated_copy, attachment, checked, error, office, page_language


class Login(LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def home(request: HttpRequest) -> HttpResponse:
    return redirect("office" if request.user.is_authenticated else "login")


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@office
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    items = []
    for r in Round.objects.all():
        items.append((r, counts(unit_statuses(r))))
    return render(request, "web/rounds.html", {"items": items, "this_year": timezone.localdate().year - 1})


@office
@require_POST
def new_round(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("roster")
    if not isinstance(upload, store.StreamedUpload):
        messages.error(request, _("请选择单位名单文件（CSV 或 XLSX）。"))
        return redirect("office")
    roster_path = Path(upload.temp.parent) / f"roster-{upload.sha256}{Path(upload.name or '').suffix.lower()[:6]}"
    upload.file.close()
    upload.temp.replace(roster_path)
    try:
        year = parse_year(request.POST.get("year", ""))  # "2025", "2025年", "2025 年度", as in a workbook
        if year is None:
            raise ConsolidateError(N_("年度应为四位年份，例如 2025。"))
        roster = read_roster(roster_path)
        roster = type(roster)(roster.units, upload.name or "")
        round_, issued = open_round(
            roster, year=year, format_id=request.POST.get("format") or None,
            name=request.POST.get("name", ""), code=request.POST.get("code", ""),
            deadline=parse_deadline(request.POST.get("deadline", "")), actor=actor(request))
    except ConsolidateError as exc:
        messages.error(request, exc.message(page_language()))
        return redirect("office")
    finally:
        roster_path.unlink(missing_ok=True)
    base = base_url(request)
    links = [(i.unit, link_url(base, i.secret)) for i in issued]
    return render(request, "web/links.html", {"round": round_, "links": links, "new": True})


def _round(round_id: int) -> Round:
    return get_object_or_404(Round, pk=round_id)


FILTERS = ("missing", "valid", "invalid", "unreadable", "overdue")


def _board_context(request: HttpRequest, round_: Round) -> dict[str, Any]:
    statuses = unit_statuses(round_)
    wanted = request.GET.get("state", "")
    shown = [s for s in statuses if not wanted or (s.overdue if wanted == "overdue" else s.state == wanted)]
    chase = [s for s in statuses if s.state != "valid"]
    lines = []
    for s in chase:
        ident = (s.latest.report or {}).get("unit", {}) if s.latest else {}
        contact = _("，").join(p for p in (ident.get("filler", ""), ident.get("phone", "")) if p)
        line = _("{unit}（{code}）：{state}").format(unit=s.unit.name, code=s.unit.code, state=_(STATE_LABELS[s.state]))
        lines.append(_("{line}；联系人：{contact}").format(line=line, contact=contact) if contact else line)
    return {"round": round_, "statuses": shown, "counts": counts(statuses), "state": wanted,
            "filters": [(f, _(STATE_LABELS[f]) if f in STATE_LABELS else _("逾期")) for f in FILTERS],
            "chase": "\n".join(lines), "now": timezone.now()}


@office
@require_GET
def board(request: HttpRequest, round_id: int) -> HttpResponse:
    return render(request, "web/board.html", _board_context(request, _round(round_id)))


@office
@require_GET
def board_fragment(request: HttpRequest, round_id: int) -> HttpResponse:
    return render(request, "web/board_table.html", _board_context(request, _round(round_id)))


@office
@require_GET
def status_json(request: HttpRequest, round_id: int) -> HttpResponse:
    return JsonResponse(status_dict(_round(round_id)), json_dumps_params={"ensure_ascii": False})


def _outputs_or_error(request: HttpRequest, round_: Round, which: str) -> HttpResponse:
    try:
        outputs = round_outputs(round_, page_language())
    except ConsolidateError as exc:  # a CheckFailed too
        return error(request, 500, _("生成失败：{reason}").format(reason=exc.message(page_language())))
    data = outputs.rollup if which == "rollup" else outputs.report
    if data is None:
        return error(request, 409, _("还没有单位报送，无法汇总。"))
    audit(round_, actor(request), "download", Msg(N_("汇总表（xlsx）") if which == "rollup" else N_("审核报告（xlsx）")))
    name = (_("{name}{year}年度汇总表.xlsx") if which == "rollup" else _("{name}{year}年度审核报告.xlsx"))
    return attachment(data, name.format(name=round_.name, year=round_.year), XLSX)


@office
@require_GET
def rollup_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    return _outputs_or_error(request, _round(round_id), "rollup")


@office
@require_GET
def report_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    return _outputs_or_error(request, _round(round_id), "report")


@office
@require_GET
def files_zip(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    audit(round_, actor(request), "download", Msg(N_("全部原文件（zip）")))
    response = StreamingHttpResponse(stream_zip(round_), content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename=\"round-{round_.id}-files.zip\""
    return response


@office
@require_GET
def audit_log(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    return render(request, "web/audit.html", {"round": round_, "log": audit_page(round_, request.GET, page_language())})


@office
@require_POST
def close(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    close_round(round_, accept_late=request.POST.get("late") == "accept", actor=actor(request))
    messages.info(request, _("本轮已结束报送。"))
    return redirect("board", round_id=round_.id)


@office
@require_POST
def reopen(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    reopen_round(round_, actor(request))
    messages.info(request, _("本轮重新开始接收报送。"))
    return redirect("board", round_id=round_.id)


def _unit(round_id: int, unit_id: int) -> RoundUnit:
    return get_object_or_404(RoundUnit.objects.select_related("round"), pk=unit_id, round_id=round_id)


def diff(a: Submission, b: Submission) -> list[dict[str, Any]]:
    """Every statistical cell whose value differs between two versions, in the spec's order."""
    va = (a.report or {}).get("values") or {}
    vb = (b.report or {}).get("values") or {}
    fmt = (b.report or {}).get("format") or (a.report or {}).get("format") or a.unit.round.format_id
    spec = load_spec(fmt)
    where = cell_addresses(spec)
    out = []
    for key in spec.keys:
        x, y = va.get(key), vb.get(key)
        if x != y and key in where:
            sheet, cell = where[key]
            out.append({"sheet": sheet, "cell": cell, "label": spec.cell(key).label(),
                        "a": fmt_number(x), "b": fmt_number(y)})
    return out


@office
@require_GET
def unit_detail(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    unit = _unit(round_id, unit_id)
    subs = list(unit.submissions.order_by("-version"))
    by_version = {s.version: s for s in subs}
    shown = subs[0] if subs else None
    if request.GET.get("v", "").isdigit():
        shown = by_version.get(int(request.GET["v"]), shown)
    changes = None
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if a.isdigit() and b.isdigit() and int(a) in by_version and int(b) in by_version:
        changes = diff(by_version[int(a)], by_version[int(b)])
    context = {"round": unit.round, "unit": unit, "submissions": subs, "shown": shown, "labels": SUBMISSION_LABELS,
               **checked(shown, unit.round.format_id), "changes": changes, "a": a, "b": b}
    return render(request, "web/unit_detail.html", context)


@office
@require_POST
def reissue(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    unit = _unit(round_id, unit_id)
    secret = reissue_link(unit, actor(request))
    return render(request, "web/links.html", {"round": unit.round, "links": [(unit, link_url(base_url(request), secret))],
                                              "new": False})


@office
@require_POST
def unlock_unit(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    unit = _unit(round_id, unit_id)
    unlock(unit, actor(request))
    messages.info(request, _("已解锁，单位可以重新上传。"))
    return redirect("unit-detail", round_id=round_id, unit_id=unit_id)


def _submission(sub_id: int) -> Submission:
    return get_object_or_404(Submission.objects.select_related("unit", "unit__round"), pk=sub_id)


@office
@require_POST
def review_submission(request: HttpRequest, sub_id: int) -> HttpResponse:
    sub = _submission(sub_id)
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    if decision == "returned" and not reason.strip():
        messages.error(request, _("退回时请写明原因，单位会在报送页面看到。"))
    elif decision in ("confirmed", "returned"):
        review(sub, decision, actor=actor(request), reason=reason)
        messages.info(request, _("已确认并锁定。") if decision == "confirmed" else _("已退回，单位会看到退回原因。"))
    return redirect("unit-detail", round_id=sub.unit.round_id, unit_id=sub.unit_id)


@office
@require_POST
def accept_warnings_view(request: HttpRequest, sub_id: int) -> HttpResponse:
    sub = _submission(sub_id)
    note = request.POST.get("note", "").strip()
    if not note:
        messages.error(request, _("请写明接受警告的理由。"))
    else:
        accept_warnings(sub, note, actor(request))
        messages.info(request, _("已记录：警告已核对并接受。"))
    return redirect("unit-detail", round_id=sub.unit.round_id, unit_id=sub.unit_id)


@office
@require_GET
def submission_file(request: HttpRequest, sub_id: int) -> HttpResponse:
    sub = _submission(sub_id)
    audit(sub.unit.round, actor(request), "download",
          Msg(N_("{unit} 第 {version} 版原文件"), {"unit": sub.unit.name, "version": sub.version}))
    return attachment(store.path_of(sub.sha256), sub.file_name, "application/octet-stream")


@office
@require_GET
def submission_annotated(request: HttpRequest, sub_id: int) -> HttpResponse:
    sub = _submission(sub_id)
    if sub.annotated:
        audit(sub.unit.round, actor(request), "download",
              Msg(N_("{unit} 第 {version} 版问题标注副本"), {"unit": sub.unit.name, "version": sub.version}))
    return annotated_copy(request, sub)
