"""The office's pages: rounds, opening one, the board (htmx refreshes it), a unit's
versions with findings, diff and review, downloads, closing, re-issuing, the audit log.
Every page needs a logged-in office user or a bearer token (``common.office``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ...errors import ConsolidateError
from ...findings import fmt_number
from ...i18n import N_, Msg
from ...read.meta import parse_year
from ...roster import read_roster
from ...spec import cell_addresses, load_spec
from .. import copies, store
from ..auditlog import audit
from ..auditpage import audit_page
from ..downloads import round_outputs, stream_zip
from ..links import link_url, public_base
from ..mail import mail_configured
from ..models import Round, RoundUnit, Submission
from ..rounds import (
    STATE_LABELS,
    SUBMISSION_LABELS,
    ReviewRefused,
    accept_warnings,
    close_round,
    counts,
    exported_links,
    open_round,
    opening_warnings,
    parse_deadline,
    reissue_link,
    reopen_round,
    review,
    review_state,
    state_word,
    status_dict,
    unit_rows,
    unit_statuses,
    unlock,
)
from .common import XLSX, actor, annotated_copy, attachment, checked, error, office, page_language, wants_json


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
    """The address in the units' links; a problem with it (a loopback address) is shown once."""
    base, problem = public_base(None, request)
    if problem is not None:
        messages.warning(request, problem.render(page_language()))
    return base


def _round_items() -> list[tuple[Round, dict[str, Any]]]:
    return [(r, counts(r)) for r in Round.objects.all()]


@office
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    return render(request, "web/rounds.html", {"items": _round_items(), "this_year": timezone.localdate().year - 1,
                                               "form": {}})


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
        deadline = parse_deadline(request.POST.get("deadline", ""))
        warnings = opening_warnings(roster, year, deadline, request.POST.get("format") or None)
        if warnings and request.POST.get("confirm") != "yes":  # asked again, with the form as it was filled
            return render(request, "web/rounds.html", {
                "items": _round_items(), "this_year": year, "warnings": [w.render(page_language()) for w in warnings],
                "form": request.POST}, status=409)
        round_, issued = open_round(
            roster, year=year, format_id=request.POST.get("format") or None,
            name=request.POST.get("name", ""), code=request.POST.get("code", ""),
            deadline=deadline, actor=actor(request))
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
PAGE_SIZE = 100


def _shown_units(round_: Round, wanted: str) -> Any:
    """The board's rows for a filter, as a query (paged by the caller)."""
    units = unit_rows(round_)
    if wanted == "valid" or wanted == "invalid":
        return units.filter(counted__state=wanted)
    if wanted == "unreadable":
        return units.filter(counted__isnull=True, latest__state="unreadable")
    if wanted == "missing":
        return units.filter(counted__isnull=True).exclude(latest__state="unreadable")
    if wanted == "overdue":
        late = Q(counted__late=True)
        if round_.deadline and timezone.now() > round_.deadline:
            late |= Q(counted__isnull=True)
        return units.filter(late)
    return units


def _chase(round_: Round) -> str:
    """催报名单: every unit not yet passed, with the contact its counted version gives (one query)."""
    rows = (RoundUnit.objects.filter(round=round_).exclude(counted__state="valid").order_by("position")
            .values_list("name", "code", "counted__state", "counted__contact", "latest__state", "contact", "phone"))
    lines = []
    for name, code, state, contact, latest_state, roster_contact, roster_phone in rows:
        label = _(STATE_LABELS[state_word(state, latest_state)])
        line = _("{unit}（{code}）：{state}").format(unit=name, code=code, state=label)
        # the roster's contact first (a unit that never reported has no file to take one from)
        given = [p for p in (roster_contact, roster_phone) if p] or (contact or "").split("\t")
        contact = _("，").join(p for p in given if p)
        lines.append(_("{line}；联系人：{contact}").format(line=line, contact=contact) if contact else line)
    return "\n".join(lines)


def _board_context(request: HttpRequest, round_: Round, *, rows_only: bool = False) -> dict[str, Any]:
    """The board: the round's numbers (one query), one page of units (one query) and, for the
    whole page, the 催报名单 (one query). A refresh with ``since`` sends only the rows changed
    since then (htmx swaps them in place) and the numbers."""
    wanted = request.GET.get("state", "")
    wanted = wanted if wanted in FILTERS else ""
    units = _shown_units(round_, wanted)
    since = parse_datetime(request.GET.get("since", "") or "")
    page = max(1, int(request.GET["page"])) if request.GET.get("page", "").isdigit() else 1
    now = timezone.now()
    if rows_only and since is not None:
        shown = unit_statuses(round_, units.filter(changed_at__gte=since)[:PAGE_SIZE * 5])
        pages = None
    else:
        total = units.count()
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(page, pages)
        shown = unit_statuses(round_, units[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
    context = {"round": round_, "statuses": shown, "counts": counts(round_), "state": wanted, "now": now,
               "since": now.isoformat(), "page": page, "pages": pages, "page_numbers": range(1, (pages or 1) + 1), "changed_only": rows_only and since is not None,
               "filters": [(f, _(STATE_LABELS[f]) if f in STATE_LABELS else _("逾期")) for f in FILTERS]}
    if not context["changed_only"]:
        context["chase"] = _chase(round_)
        context["chase_rows"] = context["chase"].count("\n") + 2  # every line shown, none hidden
        context["mail"] = mail_configured()
    return context


@office
@require_GET
def board(request: HttpRequest, round_id: int) -> HttpResponse:
    return render(request, "web/board.html", _board_context(request, _round(round_id)))


@office
@require_GET
def board_fragment(request: HttpRequest, round_id: int) -> HttpResponse:
    """The 5-second refresh: with ``since``, the numbers and the rows changed since then only."""
    context = _board_context(request, _round(round_id), rows_only=True)
    return render(request, "web/board_changes.html" if context["changed_only"] else "web/board_table.html", context)


@office
@require_GET
def status_json(request: HttpRequest, round_id: int) -> HttpResponse:
    return JsonResponse(status_dict(_round(round_id)), json_dumps_params={"ensure_ascii": False})


def _outputs_or_error(request: HttpRequest, round_: Round, which: str) -> HttpResponse:
    try:
        outputs = round_outputs(round_, page_language(), which)
    except ConsolidateError as exc:
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
    counted = by_version.get(next((s.version for s in subs if s.id == unit.counted_id), -1))
    shown = counted or (subs[0] if subs else None)
    if request.GET.get("v", "").isdigit():
        shown = by_version.get(int(request.GET["v"]), shown)
    changes = None
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if a.isdigit() and b.isdigit() and int(a) in by_version and int(b) in by_version:
        changes = diff(by_version[int(a)], by_version[int(b)])
    context = {"round": unit.round, "unit": unit, "submissions": subs, "shown": shown, "labels": SUBMISSION_LABELS,
               **checked(shown, unit.round.format_id), "changes": changes, "a": a, "b": b, "counted": counted,
               "shown_review": review_state(shown),
               "can_review": shown is not None and counted is not None and shown.id == counted.id,
               "identity": ((shown.report or {}).get("unit") or {}) if shown else {}, "mail": mail_configured()}
    return render(request, "web/unit_detail.html", context)


@office
@require_POST
def reissue(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    unit = _unit(round_id, unit_id)
    secret = reissue_link(unit, actor(request))
    return render(request, "web/links.html", {"round": unit.round, "links": [(unit, link_url(base_url(request), secret))],
                                              "new": False})


@office
@require_GET
def links(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every unit's link again (derived from the server's key, see ``links.py``), audited."""
    round_ = _round(round_id)
    return render(request, "web/links.html", {"round": round_, "links": exported_links(round_, base_url(request),
                                                                                     actor(request)),
                                              "export": True})


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
    """Confirm (lock) or return the unit's counted version. JSON for ``Accept: application/json``:
    200 with the submission's review, 409 when it is not the counted version or a refused file,
    422 when a reason is needed (returning; confirming a version with errors)."""
    sub = _submission(sub_id)
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    back = redirect("unit-detail", round_id=sub.unit.round_id, unit_id=sub.unit_id)
    if decision not in ("confirmed", "returned"):
        if wants_json(request):
            return error(request, 422, _("decision 应为 confirmed 或 returned。"))
        return back
    try:
        done = review(sub, decision, actor=actor(request), reason=reason)
    except ReviewRefused as exc:
        if wants_json(request):
            return error(request, exc.status, exc.message(page_language()))
        messages.error(request, exc.message(page_language()))
        return back
    if wants_json(request):
        return JsonResponse({"submission": {"id": done.id, "version": done.version, "state": done.state,
                                            "review": review_state(done), "reason": done.review_reason,
                                            "reviewed_by": done.reviewed_by,
                                            "reviewed_at": done.reviewed_at.isoformat() if done.reviewed_at else None},
                             "unit": {"code": done.unit.code, "locked": done.unit.locked}},
                            json_dumps_params={"ensure_ascii": False})
    messages.info(request, _("已确认并锁定。") if decision == "confirmed" else _("已退回，单位会看到退回原因。"))
    return back


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
    if copies.possible(sub):
        audit(sub.unit.round, actor(request), "download",
              Msg(N_("{unit} 第 {version} 版问题标注副本"), {"unit": sub.unit.name, "version": sub.version}))
    return annotated_copy(request, sub)


def _mail_page(request: HttpRequest, round_: Round, letters: list[Any], title: str, action: str,
               back: str) -> HttpResponse:
    return render(request, "web/mail.html", {"round": round_, "letters": letters, "title": title, "action": action,
                                             "back": back, "sendable": sum(1 for x in letters if x.to)})


@office
def remind(request: HttpRequest, round_id: int) -> HttpResponse:
    """催报邮件: GET shows every message and its recipients; POST sends them (the same ones)."""
    from .. import mail

    round_ = _round(round_id)
    if not mail.mail_configured():
        return error(request, 409, _("没有配置发信服务器（CONSOLIDATE_SMTP_HOST），不能发送邮件。"))
    letters = mail.reminders(round_)
    if request.method == "POST":
        try:
            sent = mail.send(round_, letters, actor(request), mail.REMINDER)
        except ConsolidateError as exc:
            return error(request, 502, exc.message(page_language()))
        messages.info(request, _("已发送 {n} 封催报邮件。").format(n=sent))
        return redirect("board", round_id=round_.id)
    return _mail_page(request, round_, letters, _("催报邮件"), f"/office/rounds/{round_.id}/remind",
                      f"/office/rounds/{round_.id}/")


@office
def return_notice(request: HttpRequest, sub_id: int) -> HttpResponse:
    """The notice of a returned version, by e-mail: shown first, sent on POST."""
    from .. import mail

    sub = _submission(sub_id)
    back = f"/office/rounds/{sub.unit.round_id}/units/{sub.unit_id}/"
    if not mail.mail_configured():
        return error(request, 409, _("没有配置发信服务器（CONSOLIDATE_SMTP_HOST），不能发送邮件。"))
    if sub.review != "returned":
        return error(request, 409, _("这个版本没有被退回。"))
    letters = [mail.return_notice(sub)]
    if request.method == "POST":
        try:
            sent = mail.send(sub.unit.round, letters, actor(request), mail.RETURN_NOTICE)
        except ConsolidateError as exc:
            return error(request, 502, exc.message(page_language()))
        messages.info(request, _("已发送 {n} 封退回通知邮件。").format(n=sent))
        return redirect(back)
    return _mail_page(request, sub.unit.round, letters, _("退回通知邮件"), f"/office/submissions/{sub.id}/notice", back)


@office
@require_GET
def submission_receipt(request: HttpRequest, sub_id: int, pdf: bool = False) -> HttpResponse:
    from .unit import receipt_answer

    sub = _submission(sub_id)
    return receipt_answer(request, sub, pdf=pdf, base=f"/office/submissions/{sub.id}/receipt",
                          back=f"/office/rounds/{sub.unit.round_id}/units/{sub.unit_id}/?v={sub.version}")
