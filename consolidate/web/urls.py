"""Addresses. A unit's link is ``/u/<secret>``; the office is under ``/office/``. Django's
admin site is off unless ``CONSOLIDATE_ADMIN=1`` (settings.ADMIN_ENABLED): the office's own
pages are how accounts and rounds are managed; when on, its styles are served too."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from django.views.generic.base import RedirectView
from django.views.static import serve

from .views import accounts, entry, office, unit

STATIC = Path(__file__).resolve().parent / "static"

urlpatterns = [
    path("u/<str:secret>", unit.page, name="unit"),
    path("u/<str:secret>/", unit.page),
    path("u/<str:secret>/template.xlsx", unit.template, name="unit-template"),
    path("u/<str:secret>/v/<str:version>/receipt", unit.receipt_page, name="unit-receipt"),
    path("u/<str:secret>/v/<str:version>/receipt.pdf", unit.receipt_pdf_view, name="unit-receipt-pdf"),
    path("u/<str:secret>/form", entry.form_page, name="unit-form"),
    path("u/<str:secret>/form/check", entry.form_check, name="unit-form-check"),
    path("u/<str:secret>/form/submit", entry.form_submit, name="unit-form-submit"),
    path("u/<str:secret>/v/<str:version>.json", unit.version_json, name="unit-version"),
    path("u/<str:secret>/v/<str:version>/file", unit.own_file, name="unit-file"),
    path("u/<str:secret>/v/<str:version>/annotated.xlsx", unit.own_annotated, name="unit-annotated"),
    path("", office.home, name="home"),
    path("login/", office.Login.as_view(), name="login"),
    path("logout/", office.logout_view, name="logout"),
    path("office/", office.rounds, name="office"),
    path("office/rounds/new", office.new_round, name="new-round"),
    path("office/account/", accounts.account, name="account"),
    path("office/accounts/", accounts.accounts, name="accounts"),
    path("office/accounts/<int:user_id>/active", accounts.account_active, name="account-active"),
    path("office/tokens/<int:token_id>/revoke", accounts.token_revoke, name="token-revoke"),
    path("office/rounds/<int:round_id>/", office.board, name="board"),
    path("office/rounds/<int:round_id>/board", office.board_fragment, name="board-fragment"),
    path("office/rounds/<int:round_id>/status.json", office.status_json, name="status"),
    path("office/rounds/<int:round_id>/rollup.xlsx", office.rollup_xlsx, name="rollup"),
    path("office/rounds/<int:round_id>/report.xlsx", office.report_xlsx, name="report"),
    path("office/rounds/<int:round_id>/files.zip", office.files_zip, name="files"),
    path("office/rounds/<int:round_id>/audit", office.audit_log, name="audit"),
    path("office/rounds/<int:round_id>/links", office.links, name="links"),
    path("office/rounds/<int:round_id>/remind", office.remind, name="remind"),
    path("office/rounds/<int:round_id>/close", office.close, name="close"),
    path("office/rounds/<int:round_id>/reopen", office.reopen, name="reopen"),
    path("office/rounds/<int:round_id>/units/<int:unit_id>/", office.unit_detail, name="unit-detail"),
    path("office/rounds/<int:round_id>/units/<int:unit_id>/reissue", office.reissue, name="reissue"),
    path("office/rounds/<int:round_id>/units/<int:unit_id>/unlock", office.unlock_unit, name="unlock"),
    path("office/submissions/<int:sub_id>/review", office.review_submission, name="review"),
    path("office/submissions/<int:sub_id>/accept-warnings", office.accept_warnings_view, name="accept-warnings"),
    path("office/submissions/<int:sub_id>/notice", office.return_notice, name="return-notice"),
    path("office/submissions/<int:sub_id>/receipt", office.submission_receipt, name="submission-receipt"),
    path("office/submissions/<int:sub_id>/receipt.pdf", office.submission_receipt, {"pdf": True},
         name="submission-receipt-pdf"),
    path("office/submissions/<int:sub_id>/file", office.submission_file, name="submission-file"),
    path("office/submissions/<int:sub_id>/annotated.xlsx", office.submission_annotated, name="submission-annotated"),
    re_path(r"^static/(?P<path>web/[\w.-]+)$", serve, {"document_root": str(STATIC)}),
    path("favicon.ico", RedirectView.as_view(url="/static/web/favicon.svg", permanent=True)),
]
if settings.ADMIN_ENABLED:
    ADMIN_STATIC = Path(admin.__file__).resolve().parent / "static"
    urlpatterns += [
        path("admin/", admin.site.urls),
        re_path(r"^static/(?P<path>admin/[\w./-]+)$", serve, {"document_root": str(ADMIN_STATIC)}),
    ]
