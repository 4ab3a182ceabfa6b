"""The one catalog of every text a person reads, through gettext.

Chinese is the source language: a message id is the Chinese text itself, exactly as the
clerk reads it (official wording included), and ``locale/en/LC_MESSAGES/django.po`` gives
its English. ``locale/zh_Hans/LC_MESSAGES/django.po`` holds the other direction, for the
texts of third-party code whose source language is English (click's usage errors, typer's
help panels): their English message ids translated into Chinese.

The domain is ``django`` so that the web application's ``{% translate %}`` and
``gettext`` read the very same compiled catalogs (``LOCALE_PATHS``); the library reads
them with the standard library's :mod:`gettext`. The spec's own messages (rule and
finding texts) stay in the YAML, in both languages.

Usage::

    from consolidate.i18n import _, N_, language

    TITLE = N_("审核报告")           # marked where it is defined, translated where it is shown
    with language("en"):
        _(TITLE)                       # "Check report"
        _("共 {n} 个文件").format(n=3)  # placeholders are str.format fields

The language is a context variable (``zh`` by default), so a web request or a command sets
it for its own work without touching anyone else's. Compile the ``.po`` files with
``make catalog`` (``scripts/compile_catalog.py``); a test fails when a compiled catalog is
stale or a marked text has no English.
"""

from __future__ import annotations

import functools
import gettext as _gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DOMAIN = "django"
LOCALE_DIR = Path(__file__).parent / "locale"
# gettext's directory name for each of our languages (Django's `zh-hans` is `zh_Hans`).
LOCALE_NAMES: dict[Lang, str] = {"zh": "zh_Hans", "en": "en"}

_active: ContextVar[tuple[Lang, _gettext.NullTranslations] | None] = ContextVar("consolidate_language",
                                                                                 default=None)


@functools.cache
def translations(lang: Lang) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang``, found once: the standard library keeps each file parsed
    once but looks for it again (a dozen stat calls and a copy) on every call."""
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[LOCALE_NAMES[lang]], fallback=True)


def current() -> Lang:
    """The language texts are shown in now."""
    active = _active.get()
    return active[0] if active else "zh"


def _catalog() -> _gettext.NullTranslations:
    active = _active.get()
    if active is not None:
        return active[1]
    catalog = translations("zh")
    _active.set(("zh", catalog))
    return catalog


def _(message: str) -> str:
    """``message`` (a Chinese source text) in the current language."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A text that depends on a count: the Chinese source has one form, English two."""
    return _catalog().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a text for the catalog where it is defined; translate it with ``_`` where it is shown."""
    return message


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def activate(lang: str) -> None:
    """Show texts in ``lang`` from now on, in this context (a command's whole run)."""
    checked = check_lang(lang)
    _active.set((checked, translations(checked)))


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Show texts in ``lang`` inside the block."""
    checked = check_lang(lang)
    token = _active.set((checked, translations(checked)))
    try:
        yield
    finally:
        _active.reset(token)


def in_language(lang: str, message: str) -> str:
    """``message`` in ``lang`` whatever the current language (a report written in both)."""
    return translations(check_lang(lang)).gettext(message)


def translated(message: str, lang: str | None = None) -> str:
    """``message`` in ``lang``, or in the current language when ``lang`` is None."""
    return _(message) if lang is None else in_language(lang, message)


@dataclass(frozen=True)
class Msg:
    """A catalog text with its fields, rendered in whichever language it is shown in
    (a finding's detail, an error raised deep in the library)."""

    text: str  # the catalog id (the Chinese text)
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        template = translated(self.text, lang)
        return template.format(**{k: shown(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.render()


LIST_SEPARATOR = N_("、")
LIST_OR = N_(" 或 ")
LIST_MORE = N_("{items}等 {n} 项")


@dataclass(frozen=True)
class Items:
    """Names listed in a message, in its language: “甲、乙、丙等 5 项” / “A, B, C … (5 in all)”.
    At most ``limit`` are named (all when None); ``sep`` is a catalog text (``LIST_OR``: “甲 或 乙”)."""

    items: tuple[str, ...]
    limit: int | None = None
    sep: str = LIST_SEPARATOR

    def render(self, lang: str | None = None) -> str:
        named = self.items[: self.limit] if self.limit is not None else self.items
        text = translated(self.sep, lang).join(named)
        return translated(LIST_MORE, lang).format(items=text, n=len(self.items)) if len(named) < len(self.items) else text


class Text(str):
    """A catalog text with its fields that is, as a ``str``, its Chinese (what is stored,
    compared and written to JSON) and can still be shown in another language: a row's place
    in a published report (“表格 6 第 7 行”), which stands where a workbook's cell address stands.
    It survives pickling (a worker's result)."""

    msg: Msg

    def __new__(cls, text: str, /, **params: Any) -> Text:
        msg = Msg(text, params)
        self = super().__new__(cls, msg.render("zh"))
        self.msg = msg
        return self

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:  # type: ignore[override]
        return (self.msg.text,), dict(self.msg.params)

    def render(self, lang: str | None = None) -> str:
        return self.msg.render(lang)


def shown(value: Any, lang: str | None = None) -> Any:
    """``value`` as shown in ``lang`` (default: the current language): a catalog value (``Msg``,
    ``Text``, ``Items``) rendered in it, anything else as it is (a cell address, a sheet's
    official name, a number)."""
    return value.render(lang) if isinstance(value, Msg | Text | Items) else value


def to_data(value: Any) -> Any:
    """A message's field as JSON can hold it, to be shown later in any language (``from_data``):
    a catalog text as ``{"msg": id, "params": {...}}``, a ``Text`` as ``{"text": id, "params": {...}}``,
    a list of names as ``{"items": [...], "limit": n, "sep": id}``; text and numbers as they are."""
    if isinstance(value, Text):
        return {"text": value.msg.text, "params": {k: to_data(v) for k, v in value.msg.params.items()}}
    if isinstance(value, Msg):
        return {"msg": value.text, "params": {k: to_data(v) for k, v in value.params.items()}}
    if isinstance(value, Items):
        return {"items": list(value.items), "limit": value.limit, "sep": value.sep}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a path, a date: as its text


def from_data(value: Any) -> Any:
    """The value ``to_data`` stored, a catalog value again where it was one."""
    if isinstance(value, dict):
        params = {k: from_data(v) for k, v in (value.get("params") or {}).items()}
        if "msg" in value:
            return Msg(value["msg"], params)
        if "text" in value:
            return Text(value["text"], **params)
        if "items" in value:
            return Items(tuple(value["items"]), value.get("limit"), value.get("sep") or LIST_SEPARATOR)
    return value
