"""The one registry of finding codes (consolidate/codes.py).

Covers: the registry and common.yaml list the same codes (a code cannot be added to one
alone); each has a category, and its severity is the YAML's; a rule's category follows
from the rule (同比 when it refers to last year); a file's status follows from the categories of its error findings, not from
how its codes are spelt; an unregistered code cannot be made into a finding.
"""

from __future__ import annotations

import pytest

from consolidate.codes import CATEGORY, Category, Code, rule_category
from consolidate.findings import FindingFactory, Place, status_of
from consolidate.spec import FORMATS, load_common, load_spec


def test_registry_and_common_yaml_list_the_same_codes() -> None:
    registered, in_yaml = {c.value for c in Code}, set(load_common().findings)
    assert registered == in_yaml, f"add to consolidate/codes.py (Code and CATEGORY): {sorted(in_yaml - registered)}; " \
                                  f"or to common.yaml: {sorted(registered - in_yaml)}"
    assert set(CATEGORY) == set(Code)
    for code in Code:
        assert code.severity == load_common().findings[code.value].severity


def test_categories() -> None:
    assert Code.FILE_UNSAFE_XML.category is Category.FILE
    assert Code.LABEL_MISMATCH.category is Category.STRUCTURE
    assert Code.CELL_BLANK.category is Category.CELL
    assert Code.YEAR_MISMATCH.category is Category.IDENTITY
    assert Code.PREVIOUS_NO_UNITS.category is Category.YOY
    rules = {r.id: rule_category(r) for fid in FORMATS for r in load_spec(fid).rules}
    assert rules["T3-BALANCE"] is Category.RULE and rules["VERSION"] is Category.IDENTITY
    assert rules["YOY-CARRY"] is Category.YOY and rules["YOY-STOCK"] is Category.YOY


def test_status_follows_the_category_of_the_errors() -> None:
    factory = FindingFactory(load_spec("v2021"))
    place = Place(file="x.xlsx")
    macros = factory.common(Code.FILE_MACROS, place)  # a FILE code, but a warning
    corrupt = factory.common("FILE-CORRUPT", place, detail="truncated")
    blank = factory.common(Code.CELL_BLANK, place)
    balance = factory.rule("T3-BALANCE", place, found=1, expected=2, column="自然人", lhs=1, rhs=2, diff=1)
    assert (corrupt.category, balance.category) == (Category.FILE, Category.RULE)
    assert status_of([macros]) == "valid"
    assert status_of([macros, blank]) == "invalid"
    assert status_of([blank, corrupt]) == "unreadable"
    assert status_of([balance]) == "invalid"


def test_an_unregistered_code_is_refused() -> None:
    with pytest.raises(ValueError):
        FindingFactory().common("FILE-MADE-UP", Place(file="x.xlsx"))
