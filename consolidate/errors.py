"""Exceptions mean “cannot proceed”; data problems are findings, never exceptions."""

from __future__ import annotations


class ConsolidateError(Exception):
    """A problem that stops a command, with a message for the clerk (Chinese first)."""

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en or zh

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def from_catalog(cls, message: str, **params: object) -> ConsolidateError:
        """The error of a catalog text (its Chinese msgid, marked ``N_``) with ``params``, in both languages."""
        from .i18n import in_language

        return cls(*(in_language(lang, message).format(**params) for lang in ("zh", "en")))


class SpecError(Exception):
    """A spec file that cannot be used: names the file, the place and the problem."""
