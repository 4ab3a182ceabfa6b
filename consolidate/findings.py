"""Findings: data problems are values, never exceptions.

A finding is made once, with its message rendered in both languages, so that a report
can be written in Chinese for the clerk or in English without going back to the spec.
It also keeps what its message is made of (``Source``: the text's code and variant, the
place, the fields), so a finding kept as data (the JSON report's ``source``, a web
submission's stored result) is rendered again in whichever language reads it
(``Finding.from_dict``), never frozen in the languages of the day it was made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .codes import Category, Code, rule_category
from .i18n import N_, Msg, _, from_data, in_language, shown, to_data
from .spec import Cell, FormatSpec, load_common
from .spec.model import Lang, Severity

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
# The one table of severity words (catalog ids): 错误 must be fixed, 警告 checked, 提示 is a note.
SEVERITY_LABEL: dict[Severity, str] = {"error": N_("错误"), "warning": N_("警告"), "info": N_("提示")}


def severity_label(severity: Severity, lang: Lang | None = None) -> str:
    """“错误” / “error”: in ``lang``, or in the current language."""
    text = SEVERITY_LABEL[severity]
    return _(text) if lang is None else in_language(lang, text)
Value = str | int | float | None
Param = Value | Msg  # a catalog text (a format's name) is shown in the message's language


@dataclass(frozen=True)
class Source:
    """What a finding's message is made of: the text (a rule of ``spec`` with its
    ``variant``, or a code of common.yaml when ``spec`` is None), its place and its fields."""

    spec: str | None
    variant: str
    place: Place
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def template(self, code: str, lang: Lang) -> str:
        if self.spec is not None:
            from .spec import load_spec

            return load_spec(self.spec).rule(code).template(lang, self.variant)
        text = load_common().findings[code]
        return text.zh if lang == "zh" else text.en

    def render(self, code: str, lang: Lang) -> str:
        return _render(self.template(code, lang), self.place, lang, self.params)

    def to_dict(self) -> dict[str, Any]:
        place = {f.name: to_data(getattr(self.place, f.name)) for f in dataclasses.fields(self.place)
                 if getattr(self.place, f.name) is not None}
        return {"spec": self.spec, "variant": self.variant, "place": place,
                "params": {k: to_data(v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Source:
        place = Place(**{k: from_data(v) for k, v in (data.get("place") or {}).items()
                         if k in Place.__dataclass_fields__})
        return cls(data.get("spec"), str(data.get("variant") or ""), place,
                   {k: from_data(v) for k, v in (data.get("params") or {}).items()})


@dataclass(frozen=True)
class Finding:
    code: str  # a rule id of the spec (T3-BALANCE) or a ``Code`` of common.yaml (CELL-BLANK)
    severity: Severity
    message_zh: str
    message_en: str
    sheet: str | None = None
    cell: str | None = None  # "D12"
    key: str | None = None  # the spec's cell key, "t3.new.natural"
    row_label: str | None = None
    column_label: str | None = None
    found: Value = None
    expected: Value = None
    category: Category = Category.RULE  # from the registry of codes (codes.py)
    source: Source | None = field(default=None, compare=False, repr=False)  # None: made before sources were kept

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The finding as the JSON report holds it: its message in ``lang`` and, under
        ``source``, what the message is made of (``from_dict`` renders it in any language)."""
        out = {
            "code": str(self.code),
            "category": str(self.category),
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": shown(self.cell, lang) if self.cell else self.cell,
            "key": self.key,
            "row_label": self.row_label,
            "column_label": self.column_label,
            "found": self.found,
            "expected": self.expected,
            "message": self.message(lang),
        }
        if self.source is not None:
            out["source"] = self.source.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """A finding kept as data (``to_dict``), its messages rendered again from its source.
        One kept without a source (older data) has only its message as written, and its
        English when it was kept under ``message_en``."""
        code = str(data["code"])
        category = Category(data.get("category") or Category.RULE)
        source_data = data.get("source")
        source = Source.from_dict(source_data) if isinstance(source_data, Mapping) else None
        message = str(data.get("message") or "")
        zh, en = message, str(data.get("message_en") or message)
        sheet, cell = data.get("sheet"), data.get("cell")
        if source is not None:
            try:
                zh, en = source.render(code, "zh"), source.render(code, "en")
                if source.place.cell is not None and str(source.place.cell) == cell:
                    cell = source.place.cell  # a published report's place (a Text) shown in any language
            except (KeyError, IndexError, ValueError, LookupError):  # a text changed since: keep what was written
                pass
        return cls(code=code, severity=data["severity"], message_zh=zh, message_en=en, sheet=sheet, cell=cell,
                   key=data.get("key"), row_label=data.get("row_label"), column_label=data.get("column_label"),
                   found=data.get("found"), expected=data.get("expected"), category=category, source=source)


def fmt_number(value: Value) -> str:
    """12.0 -> "12", 2811.22 -> "2811.22": numbers as a clerk writes them."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def where_text(lang: Lang, sheet: str | None = None, cell: str | None = None, label: str | None = None,
               file: str | None = None) -> str:
    """“表三 D12（一、本年新收政府信息公开申请数量 / 自然人）”: the place a message leads with."""
    head = " ".join(p for p in (sheet, shown(cell, lang) if cell else cell) if p) or (file or "")
    if not label:
        return head
    return f"{head}（{label}）" if lang == "zh" else f"{head} ({label})"


@dataclass(frozen=True)
class Place:
    """Where a finding points: a statistical cell, a label, a sheet, or the whole file."""

    sheet: str | None = None
    cell: str | None = None
    key: str | None = None
    row_label: str | None = None
    column_label: str | None = None
    label: str | None = None  # the text in brackets after the address
    file: str | None = None

    @classmethod
    def of_cell(cls, spec_cell: Cell, sheet: str, address: str) -> Place:
        return cls(sheet, address, spec_cell.key, spec_cell.row_label, spec_cell.column_text, spec_cell.label())


def _param(value: Any, lang: Lang) -> Any:
    """A number as a clerk writes it; a catalog text (a format's name, a detail) in the message's language."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_number(value)
    return shown(value, lang)


def _render(template: str, place: Place, lang: Lang, params: Mapping[str, Any]) -> str:
    values = {k: _param(v, lang) for k, v in params.items()}
    return template.format(where=where_text(lang, place.sheet, place.cell, place.label, place.file), **values)


@dataclass(frozen=True)
class FindingFactory:
    """Makes findings for one format: rule findings from the spec, the others from common.yaml."""

    spec: FormatSpec | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def rule(self, rule_id: str, place: Place, variant: str = "", found: Param = None, expected: Param = None,
             **params: Any) -> Finding:
        assert self.spec is not None, "rule findings need a format spec"
        rule = self.spec.rule(rule_id)
        return self._make(rule_id, rule_category(rule), rule.severity, rule.template("zh", variant),
                          rule.template("en", variant), place, found, expected, params, (self.spec.id, variant))

    def common(self, code: Code | str, place: Place, found: Param = None, expected: Param = None,
               severity: Severity | None = None, **params: Any) -> Finding:
        """A finding of common.yaml; ``code`` must be in the registry (``Code``)."""
        typed = Code(code)
        text = load_common().findings[typed.value]
        return self._make(typed, typed.category, severity or text.severity, text.zh, text.en, place, found,
                          expected, params, (None, ""))

    def _make(self, code: str, category: Category, severity: Severity, zh: str, en: str, place: Place,
              found: Param, expected: Param, params: Mapping[str, Any], text: tuple[str | None, str]) -> Finding:
        merged = {"found": found, "expected": expected, **self.extra, **params}
        return Finding(
            code=code,
            severity=severity,
            message_zh=_render(zh, place, "zh", merged),
            message_en=_render(en, place, "en", merged),
            sheet=place.sheet,
            cell=place.cell,
            key=place.key,
            row_label=place.row_label,
            column_label=place.column_label,
            found=found.render("zh") if isinstance(found, Msg) else found,
            expected=expected.render("zh") if isinstance(expected, Msg) else expected,
            category=category,
            source=Source(text[0], text[1], place, merged),
        )


def count_by_severity(findings: list[Finding] | tuple[Finding, ...]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


Status = Literal["valid", "invalid", "unreadable"]


def status_of(findings: Iterable[Finding]) -> Status:
    """The one place a file's status follows from its findings: unreadable (an error of the
    ``file`` category), invalid (any other error) or valid."""
    status: Status = "valid"
    for f in findings:
        if f.severity == "error":
            if f.category is Category.FILE:
                return "unreadable"
            status = "invalid"
    return status
