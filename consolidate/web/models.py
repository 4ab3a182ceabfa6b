"""What the web application keeps: rounds, their units and links, every submission, reviews,
the audit log, API tokens, and the record of unknown links (rate limit).

A unit's link secret and an API token are stored only as their SHA-256: both are random
(at least 128 bits), so a fast hash is as good as a slow one and lets the server find the
row by its hash. The files themselves are in the data folder, named by their SHA-256
(``store.py``); a submission points at its file by that hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

FORMATS = (("v2021", _("2021年格式")), ("v2019", _("2019年格式")))
LATE_POLICIES = (("refuse", "refuse"), ("accept", "accept"))
STATES = (("checking", "checking"), ("valid", "valid"), ("invalid", "invalid"), ("unreadable", "unreadable"),
          ("refused", "refused"))
REVIEWS = (("", ""), ("confirmed", "confirmed"), ("returned", "returned"))


class Round(models.Model):
    """One collection: a roster's units report one year's tables to one office."""

    name = models.CharField(max_length=200)  # 汇总单位名称
    code = models.CharField(max_length=64, blank=True)  # 汇总单位代码
    year = models.PositiveSmallIntegerField()
    format_id = models.CharField(max_length=8, choices=FORMATS)
    deadline = models.DateTimeField(null=True, blank=True)
    roster_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    late_policy = models.CharField(max_length=8, choices=LATE_POLICIES, default="refuse")
    # the size of every version kept for the round (the disk quota's count), added to as each
    # is recorded, so that an upload's quota check reads one row, not every submission of the round
    stored_bytes = models.BigIntegerField(default=0)

    class Meta:
        ordering = ("-created_at",)


class RoundUnit(models.Model):
    """A roster unit in a round, with the hash of its link's secret."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=50, blank=True)
    parent = models.CharField(max_length=200, blank=True)
    link_hash = models.CharField(max_length=64, unique=True)
    # the link's secret is derived from this and the server's key (links.secret_of): the office can
    # export the links again, while the database alone (a backup, a leak) gives no link; empty on
    # links issued before (those must be re-issued to be shown again)
    link_salt = models.CharField(max_length=64, blank=True, default="")
    link_issued_at = models.DateTimeField()
    locked = models.BooleanField(default=False)  # the office confirmed the counted version
    # the unit's latest upload (any state) and its counted version: the latest upload that was
    # read and not refused (an unreadable or refused one never replaces it); kept by
    # ``results.store_outcome`` so the board reads a unit in one row, never its history
    latest = models.ForeignKey("Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    counted = models.ForeignKey("Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True, db_index=True)  # the board refreshes what changed
    contact = models.CharField(max_length=100, blank=True, default="")  # the roster's 联系人, 电话, 邮箱
    phone = models.CharField(max_length=100, blank=True, default="")
    email = models.CharField(max_length=500, blank=True, default="")
    # the worker checking one of the unit's files (one at a time), until when (``tasks``)
    check_holder = models.CharField(max_length=80, blank=True, default="")
    check_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("round", "position")
        constraints = (models.UniqueConstraint(fields=("round", "code"), name="unit_code_once_per_round"),)


class Submission(models.Model):
    """One uploaded file, stored before it was checked, and what the check said."""

    unit = models.ForeignKey(RoundUnit, on_delete=models.CASCADE, related_name="submissions")
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    file_name = models.CharField(max_length=255)  # as the client named it: shown, never used as a path
    received_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=STATES)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    # the check's result as data: the file's entry as `consolidate validate --json` writes it, each
    # finding with its ``source`` (code, place, fields: rendered in the reader's language);
    # rows from before sources were kept have the message as written and ``message_en``
    report = models.JSONField(null=True)
    contact = models.CharField(max_length=200, blank=True)  # 填报人 and 电话 from the file, tab-separated (催报名单)
    # why a stored file was refused (another unit's workbook): a catalog text and its fields
    # (``texts``); older rows: the text as written, no fields
    refusal = models.TextField(blank=True)
    refusal_params = models.JSONField(null=True, blank=True)
    # the annotated copy, made on its first download in each language: {lang: {"sha256", "name"}}
    copies = models.JSONField(default=dict, blank=True)
    review = models.CharField(max_length=12, choices=REVIEWS, blank=True, default="")
    review_reason = models.TextField(blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    warnings_note = models.TextField(blank=True)  # the office accepted the warnings, with this note

    class Meta:
        ordering = ("unit", "version")
        constraints = (models.UniqueConstraint(fields=("unit", "version"), name="one_version_number"),)


class AuditEvent(models.Model):
    """Who did what, when: every upload, review, download, re-issue and closing, kept as
    catalog texts with their fields and shown in the reader's language (``auditlog``)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events", null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=200)  # an office user's name, or a catalog text naming a unit
    actor_params = models.JSONField(null=True, blank=True)  # the unit's fields; null for a user
    action = models.CharField(max_length=32)  # a word of auditlog.ACTION_LABELS
    detail = models.TextField(blank=True)  # a catalog text (older rows: the text as written)
    params = models.JSONField(null=True, blank=True)  # the detail's fields; null on older rows

    class Meta:
        ordering = ("-at", "-id")


class ApiToken(models.Model):
    """``consolidate office token NAME``: a bearer token for scripts, stored as its hash."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class LinkMiss(models.Model):
    """An unknown link asked for: the rate limit on guessing counts these per address."""

    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)


class Draft(models.Model):
    """What a unit has typed into the browser form and not yet submitted (one per unit): kept
    at every pause in typing, so a closed tab loses nothing. Strings as typed, never trusted."""

    unit = models.OneToOneField(RoundUnit, on_delete=models.CASCADE, related_name="draft")
    entries = models.JSONField(default=dict)  # cell key -> text typed
    identity = models.JSONField(default=dict)  # 填报人, 联系电话, 填报日期, 审核人
    updated_at = models.DateTimeField()
