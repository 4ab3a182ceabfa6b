"""The audit log page: filtered by who acted and by kind of action and by a name, and paged,
so the office's own entries are never lost under thousands of unit downloads. By default it
shows everything but the units' downloads (templates, their own files: folded, counted, one
click away); ``who=office`` shows the office's entries alone (users and the command line),
``who=units`` the units', ``who=all`` everything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from .auditlog import ACTION_LABELS, UNIT_ACTOR, Entry, action_label, entries
from .models import AuditEvent, Round

PER_PAGE = 100
WHO = ("main", "office", "units", "all")
# a unit acting through its link: the catalog text with its fields, or (rows written before
# the catalog) the text as it was written then
UNITS = Q(actor=UNIT_ACTOR) | Q(actor__startswith=UNIT_ACTOR.split("{", 1)[0])


@dataclass(frozen=True)
class AuditPage:
    who: str
    action: str
    name: str
    page: Page[Any]
    events: list[Entry]
    office_total: int
    folded: int  # the units' downloads, left out of the default view
    unit_kinds: list[tuple[str, str, int]]  # (action, label, count) of the units' entries
    actions: list[tuple[str, str]]  # every action word with its label, for the filter

    @property
    def unit_total(self) -> int:
        return sum(n for _, _, n in self.unit_kinds)


def _filtered(round_: Round, who: str, action: str, name: str) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(round=round_)
    if who == "main":
        events = events.exclude(UNITS & Q(action="download"))
    elif who == "office":
        events = events.exclude(UNITS)
    elif who == "units":
        events = events.filter(UNITS)
    if action:
        events = events.filter(action=action)
    if name:
        events = events.filter(Q(actor__icontains=name) | Q(actor_params__name__icontains=name)
                               | Q(actor_params__code__icontains=name))
    return events


def audit_page(round_: Round, query: Mapping[str, str], lang: str) -> AuditPage:
    """The page asked for by ``query`` (``who``, ``action``, ``name``, ``page``), in ``lang``."""
    who = query.get("who", "") if query.get("who", "") in WHO else "main"
    action = query.get("action", "") if query.get("action", "") in ACTION_LABELS else ""
    name = query.get("name", "").strip()[:100]
    paginator = Paginator(_filtered(round_, who, action, name), PER_PAGE)
    page = paginator.get_page(query.get("page"))
    mine = AuditEvent.objects.filter(round=round_)
    kinds = dict(mine.filter(UNITS).values_list("action").annotate(n=Count("id")).order_by("action"))
    return AuditPage(
        who=who, action=action, name=name, page=page, events=entries(page.object_list, lang),
        office_total=mine.exclude(UNITS).count(), folded=kinds.get("download", 0),
        unit_kinds=[(a, action_label(a, lang), n) for a, n in kinds.items()],
        actions=[(a, action_label(a, lang)) for a in ACTION_LABELS],
    )
