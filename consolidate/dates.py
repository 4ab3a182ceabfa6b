"""填报日期 as clerks write it: 2026-01-20, 2026/1/20, 2026.1.20, 2026年1月20日, 20260120,
an Excel serial number (46042), or a date-time string as a reader renders a date cell."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 1900 leap-year bug)
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T\s].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_SERIAL_RANGE = (32874, 73051)  # 1990-01-01 .. 2099-12-31: a bare number outside is not a date


def parse_date(text: object) -> date | None:
    """The date a clerk meant, or None when it is blank or not a date."""
    if isinstance(text, date):
        return text
    if text is None:
        return None
    value = unicodedata.normalize("NFKC", str(text)).strip()
    if not value:
        return None
    for pattern in (_YMD, _COMPACT):
        m = pattern.match(value)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    if _SERIAL.match(value):
        serial = float(value)
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=int(serial))
    return None


def date_text(text: str) -> str:
    """填报日期 as we show it everywhere: ``2026-01-15`` when it is a date, else as it was typed."""
    found = parse_date(text)
    return found.isoformat() if found is not None else text
