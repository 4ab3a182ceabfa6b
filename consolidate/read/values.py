"""What a statistical cell holds, as a number: the reading rules of issue 3, item 3.

``parse_cell(raw, kind)`` takes what the spreadsheet reader gives for one cell (a number,
text, a date, a bool, or "" for an empty cell) and says which number it is and which
finding, if any, the reader must report. It decides nothing about signs or fractions:
a negative count or a decimal in a count is kept as it is, for the rules to judge.

- numbers, and floats that are whole: read as they are, no finding;
- text that is a number once spaces, thousands separators, full-width digits or a leading
  ``+`` are dealt with, or (a signed column: 本年增/减) ``减4``/``增4``: CELL-NORMALISED (info);
- amounts with a unit (``28112200元``, ``8.0056 万元``): converted to 万元; CELL-UNIT-CONVERTED
  (warning) when the unit was not 万元, CELL-NORMALISED when it was;
- blank: CELL-BLANK; ``/ - — 无``: CELL-DASH; any other text (``12件`` too: a count is
  a number only), a date or a bool: CELL-TEXT (errors; the value is NaN); for a count
  written with a word after it (``12件``) the number is ``suggested``, so the message
  says what to type.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NAN = math.nan

# What real reports write for "none" (after NFKC and removing spaces).
_DASH_CHARS = frozenset("/-—–―−_\\")
_NONE_WORDS = frozenset({"无", "空", "没有", "暂无", "N/A", "n/a", "NA"})

# Amount units, as a factor to 万元.
AMOUNT_UNITS = {"万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"),
                 "亿元": Decimal(10000), "百万元": Decimal(100)}

_CHANGE_WORDS = {"增": "+", "减": "-"}  # a change written in words, in a signed column (本年增/减)
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(\D*)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?\D*$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Parsed:
    """One cell read as a number: ``value`` (NaN when it is none) and what to report."""

    value: float
    code: str | None = None  # CELL-NORMALISED, CELL-UNIT-CONVERTED, CELL-BLANK, CELL-DASH, CELL-TEXT
    found: str | float | None = None  # what the cell held, for the message
    unit: str | None = None  # the unit written in the cell, if any
    suggested: float | None = None  # CELL-TEXT: the number the text holds (“3件” -> 3), what to type instead

    @property
    def ok(self) -> bool:
        return not math.isnan(self.value)


def clean_text(text: str) -> str:
    """NFKC (full-width digits and signs to half-width), no spaces of any kind."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def parse_cell(raw: object, kind: str = "count") -> Parsed:
    """Read one cell; ``kind`` is the spec cell's kind (count, signed or amount)."""
    if raw is None or raw == "":
        return Parsed(NAN, "CELL-BLANK", "")
    if isinstance(raw, bool):  # before int: a bool is an int in Python
        return Parsed(NAN, "CELL-TEXT", "TRUE" if raw else "FALSE")
    if isinstance(raw, int | float):
        value = float(raw)
        if math.isnan(value) or math.isinf(value):
            return Parsed(NAN, "CELL-TEXT", str(raw))
        return Parsed(value)
    if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        return Parsed(NAN, "CELL-TEXT", str(raw))
    return _parse_text(str(raw), kind)


def _parse_text(text: str, kind: str) -> Parsed:
    original = text.strip()
    cleaned = clean_text(text)
    if not cleaned:
        return Parsed(NAN, "CELL-BLANK", original)
    if set(cleaned) <= _DASH_CHARS or cleaned in _NONE_WORDS:
        return Parsed(NAN, "CELL-DASH", original)
    body = cleaned.lstrip("¥$")
    if kind == "signed" and body[:1] in _CHANGE_WORDS and _NUMBER.match(body[1:]):  # 本年增/减: “减4” is −4
        body = _CHANGE_WORDS[body[0]] + body[1:]
    if _GROUPED.match(body):
        body = body.replace(",", "")
    match = _NUMBER.match(body)
    if match is None:
        return Parsed(NAN, "CELL-TEXT", original)
    sign, digits, unit = match.groups()
    try:
        number = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return Parsed(NAN, "CELL-TEXT", original)
    if sign == "-":
        number = -number
    if not unit:
        return Parsed(_to_float(number), "CELL-NORMALISED", original)
    if kind == "amount" and unit in AMOUNT_UNITS:
        factor = AMOUNT_UNITS[unit]
        code = "CELL-NORMALISED" if factor == 1 else "CELL-UNIT-CONVERTED"
        return Parsed(_to_float(number * factor), code, original, unit)
    # a count followed by a word (“3件”, “12 项”) holds the number to type; an amount with an
    # unknown unit does not (which unit?)
    return Parsed(NAN, "CELL-TEXT", original, suggested=None if kind == "amount" else _to_float(number))


def _to_float(number: Decimal) -> float:
    return float(round(number, 6))
