"""统一社会信用代码 (GB 32100-2015): the check character.

Covers: published codes of real organisations validate; every single-character change of
a valid code is caught (the check is mod 31 with weights prime to 31); the problems are
named (length, forbidden letters I O Z S V, wrong check character with the right one);
make_uscc completes a stem; looks_like_uscc is by length only.
"""

from __future__ import annotations

import random

import pytest

from consolidate.uscc import CHARSET, check_char, looks_like_uscc, make_uscc, uscc_problem

# codes of real organisations as published (three companies, one government office)
REAL = ["914403001922038216", "91440300708461136T", "91110000802100433B", "11100000000013127D"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code: str) -> None:
    assert uscc_problem(code) is None
    assert uscc_problem(code.lower()) is None
    assert check_char(code[:17]) == code[17]


def test_every_single_change_is_caught() -> None:
    rng = random.Random(7)
    for _ in range(40):
        code = make_uscc("".join(rng.choice(CHARSET) for _ in range(17)))
        assert uscc_problem(code) is None
        pos = rng.randrange(18)
        for ch in CHARSET:
            if ch != code[pos]:
                assert uscc_problem(code[:pos] + ch + code[pos + 1:]) is not None


def test_problems_are_named() -> None:
    assert "17 位" in str(uscc_problem("91440300192203821"))
    assert "“O”" in str(uscc_problem("91440300192203O216"))
    good = REAL[0]
    bad = good[:17] + "7"
    problem = uscc_problem(bad)
    assert problem is not None
    assert problem.render("zh") == f"最后一位校验码应为 {good[17]}，不是 7"
    assert problem.render("en") == f"ends in 7, but its check character should be {good[17]}"


def test_make_and_looks_like() -> None:
    assert make_uscc(REAL[1][:17]) == REAL[1]
    assert looks_like_uscc(" " + REAL[0] + " ")
    assert not looks_like_uscc("001")
