"""Texts the database keeps for a person to read later (an audit entry, why a file was
refused, a finding's message): kept as the catalog id with its fields and shown in the
reader's language, never frozen in the language of whoever caused them.

A catalog text's fields are stored as JSON: text and numbers as they are, a field that is
itself a catalog text as ``{"msg": id, "params": {...}}``. A row written before the catalog
(its text, no fields) shows its text as it is, translated when the catalog knows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..findings import Finding, where_text
from ..i18n import Lang, Msg, from_data, in_language, to_data


def to_json(msg: Msg) -> dict[str, Any]:
    """``msg``'s fields as JSON can hold them (``i18n.to_data``, as a finding's are kept)."""
    return {k: to_data(v) for k, v in msg.params.items()}


def from_json(text: str, params: Mapping[str, Any]) -> Msg:
    return Msg(text, {k: from_data(v) for k, v in params.items()})


def stored_shown(text: str, params: Mapping[str, Any] | None, lang: str) -> str:
    """A text the database keeps, in ``lang`` (``i18n.shown`` does the same for a value in
    memory): a catalog text filled with its fields, or (an older row, no fields) the text as
    stored, translated when the catalog knows it."""
    if not text:
        return ""  # gettext's empty id is the catalog's header
    if params is None:
        return in_language(lang, text)
    try:
        return from_json(text, params).render(lang)
    except (KeyError, IndexError, ValueError):  # a translation naming a field this row lacks
        return from_json(text, params).render("zh")


def findings_in(findings: Sequence[Mapping[str, Any]], lang: Lang) -> list[Mapping[str, Any]]:
    """A check's findings as kept (``Finding.to_dict``: code, place, fields) as ``validate --json
    --lang`` writes them in ``lang``, each with its place to show in bold."""
    return [_placed(rendered(f, lang), lang) for f in findings]


def rendered(finding: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """One kept finding in ``lang``: rendered again from its source (an older row, kept without
    one, gives the message it was written with, in English when that was kept too)."""
    return Finding.from_dict(finding).to_dict(lang)


def _placed(finding: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """The finding with its place (表三 D30, as the message's own lead is made) to show in bold,
    and the words after it: a message that already leads with it is not preceded by it twice."""
    place = where_text(lang, finding.get("sheet"), finding.get("cell"))
    message = str(finding.get("message") or "")
    led = bool(place) and message.startswith(place)
    return {**finding, "place": place, "after_place": message[len(place):] if led else f" {message}"}
