"""Reading one statistical cell as a number (issue 3, item 3).

Covers: numbers and whole floats as they are; text numbers with spaces, thousands
separators, full-width digits and a leading + (CELL-NORMALISED); amounts with units
converted to 万元 (CELL-UNIT-CONVERTED unless the unit was 万元); blank (CELL-BLANK);
/ - — 无 (CELL-DASH); other text, counter words, dates and bools (CELL-TEXT); negative and
fractional counts kept as numbers (the rules judge them, not the reader).
"""

from __future__ import annotations

import datetime
import math

import pytest

from consolidate.read.values import parse_cell


@pytest.mark.parametrize(("raw", "value"), [(12, 12.0), (3.0, 3.0), (0.0, 0.0), (190.457379, 190.457379)])
def test_numbers_are_read_as_they_are(raw: object, value: float) -> None:
    parsed = parse_cell(raw)
    assert parsed.value == value and parsed.code is None


@pytest.mark.parametrize(("raw", "value"), [(-3.0, -3.0), (2.5, 2.5)])
def test_negative_and_fractional_counts_are_kept_for_the_rules(raw: float, value: float) -> None:
    assert parse_cell(raw, "count") == parse_cell(raw, "count").__class__(value)


@pytest.mark.parametrize(("raw", "value"), [
    ("12", 12.0),
    (" 1 2 ", 12.0),
    ("１２", 12.0),
    ("1,234", 1234.0),
    ("1，234", 1234.0),
    ("+373", 373.0),
    ("＋373", 373.0),
    ("3.50", 3.5),
    ("-2", -2.0),
    ("12\u3000", 12.0),
])
def test_text_numbers_are_normalised(raw: str, value: float) -> None:
    parsed = parse_cell(raw, "signed")
    assert parsed.value == value
    assert parsed.code == "CELL-NORMALISED"
    assert parsed.found == raw.strip()


@pytest.mark.parametrize(("raw", "value", "code"), [
    ("28112200元", 2811.22, "CELL-UNIT-CONVERTED"),
    ("8.0056 万元", 8.0056, "CELL-NORMALISED"),
    ("1090.98万元", 1090.98, "CELL-NORMALISED"),
    ("12,000 元", 1.2, "CELL-UNIT-CONVERTED"),
    ("3亿元", 30000.0, "CELL-UNIT-CONVERTED"),
])
def test_amounts_with_units_are_converted_to_wan_yuan(raw: str, value: float, code: str) -> None:
    parsed = parse_cell(raw, "amount")
    assert parsed.value == value
    assert parsed.code == code


def test_a_unit_in_a_count_cell_is_text() -> None:
    assert parse_cell("28112200元", "count").code == "CELL-TEXT"
    assert parse_cell("12件", "count").code == "CELL-TEXT"  # a count is a number only


@pytest.mark.parametrize("raw", ["", None, "   ", "\u3000"])
def test_blank(raw: object) -> None:
    parsed = parse_cell(raw)
    assert parsed.code == "CELL-BLANK" and math.isnan(parsed.value)


@pytest.mark.parametrize("raw", ["/", "-", "—", "——", "无", "／", "－", " - ", "–"])
def test_dashes_and_none(raw: str) -> None:
    parsed = parse_cell(raw)
    assert parsed.code == "CELL-DASH" and math.isnan(parsed.value)
    assert parsed.found == raw.strip()


@pytest.mark.parametrize("raw", ["十二", "见附件", "1.2.3", "5%", "1,2", "12件", "约10", True,
                                 datetime.datetime(2025, 2, 5), datetime.date(2025, 2, 5)])
def test_anything_else_is_text(raw: object) -> None:
    parsed = parse_cell(raw)
    assert parsed.code == "CELL-TEXT" and math.isnan(parsed.value)


@pytest.mark.parametrize(("text", "units"), [("26", 26), ("0", 0), ("3.0", 3), ("", 1), ("x", 1), ("-2", 1),
                                             ("2.5", 1), ("inf", 1), ("nan", 1)])
def test_meta_units(text: str, units: int) -> None:
    from consolidate.read.meta import parse_units

    assert parse_units(text) == units


@pytest.mark.parametrize(("raw", "value"), [("减4", -4.0), ("增 12", 12.0), ("减12", -12.0)])
def test_a_change_in_words_is_a_signed_number(raw: str, value: float) -> None:
    """本年增/减 printed “减12” (issue 16's corpus: pt_nongye2019): −12, only in a signed column."""
    assert (parse_cell(raw, "signed").value, parse_cell(raw, "signed").code) == (value, "CELL-NORMALISED")
    assert parse_cell(raw, "count").code == "CELL-TEXT"
