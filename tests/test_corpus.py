"""The corpus of real published reports (tests/corpus/, issue 16): every report read with the
public entry point (``consolidate.validate``), every statistical cell equal to the hand
transcription, and the findings exactly the expected ones: each balance rule the printed
numbers break gives its rule's finding at its cell (a total is not reported again when the
same rule fails on one of its parts), each cell printed blank or as a dash gives a finding at
that cell, and there is no other error.

The reports the readers cannot read yet are listed in ``NOT_YET`` with the reason, as strict
expected failures: when a reader change makes one read exactly, its test fails as XPASS until
its line here is removed. The transcriptions themselves are checked without the reader: the
printed inconsistencies each YAML lists are exactly those FORMAT.md's rules find in its numbers.
"""

from __future__ import annotations

import math

import pytest
from corpus_truth import CORPUS, Truth, load, reported, rule_failures, unprinted

from consolidate.spec import load_spec
from consolidate.validate import validate

REPORTS = load()

# id -> why the readers do not read it exactly yet (issue 16, points 1 and 2). Remove a line
# when its report reads exactly; never loosen the assertions below instead.
NOT_YET: dict[str, str] = {}


def needs_a_blank(truth: Truth, rule: str, key: str) -> bool:
    """A rule is not run where a cell it needs was printed blank (README: a rule is skipped for a
    file when a cell it needs could not be read): that printed inconsistency is reported as the
    blank cells themselves (CELL-BLANK at each), which the last assertion below asks for."""
    for check in load_spec(truth.format).program.of_rule(rule):
        if check.target == key:
            return any(ref.key in truth.blank for c in check.conditions for ref in c.refs)
    return False


def params() -> list:
    out = []
    for truth in REPORTS:
        marks = [pytest.mark.xfail(reason=NOT_YET[truth.id], strict=True)] if truth.id in NOT_YET else []
        out.append(pytest.param(truth, id=truth.id, marks=marks))
    return out


def test_every_file_has_its_transcription() -> None:
    ids = {t.id for t in REPORTS}
    files = {p.stem for p in CORPUS.iterdir() if not p.name.startswith("README") and p.suffix != ".yaml"}
    assert files == ids
    assert set(NOT_YET) <= ids


def test_the_readme_lists_every_report() -> None:
    lines = [line for readme in sorted(CORPUS.glob("README*.md"))  # README-b.md: the second collector's
             for line in readme.read_text(encoding="utf-8").splitlines()]
    listed = {line.split("|")[1].strip() for line in lines if line.startswith("| ") and not line.startswith(("| id ", "|---"))}
    assert listed == {t.id for t in REPORTS}


def test_each_report_uses_the_format_of_its_year() -> None:
    assert {t.format for t in REPORTS} == {"v2019", "v2021"}
    assert all((t.year >= 2021) == (t.format == "v2021") for t in REPORTS)


@pytest.mark.xfail(strict=True, reason="no 街道 report yet: the 平潭 archive has none, and the stored "
                   "pages of other places are cut before 表三 (issue 16, point 4 is partly done)")
def test_the_corpus_covers_every_kind_and_every_year() -> None:
    assert {t.kind for t in REPORTS} == {"town", "street", "department", "summary"}
    assert {t.year for t in REPORTS} >= set(range(2019, 2026))


@pytest.mark.parametrize("truth", REPORTS, ids=[t.id for t in REPORTS])
def test_the_listed_inconsistencies_are_what_the_printed_numbers_break(truth: Truth) -> None:
    failures = rule_failures(truth.format, truth.values)
    listed = {(i.rule, i.key): (i.printed, i.expected) for i in truth.inconsistencies}
    assert listed == failures


@pytest.mark.parametrize("truth", params())
def test_a_published_report_reads_exactly(truth: Truth) -> None:
    result = validate([truth.path], workers=1).files[0]
    assert (result.kind, result.format, result.year) == ("report", truth.format, truth.year)
    assert result.values is not None
    absent = unprinted(truth, result)  # a row the report does not print: not read, and said at that row
    wrong = {k: (result.values.get(k), v) for k, v in truth.values.items()
             if not _same(result.values.get(k), v) and k not in absent}
    assert wrong == {}
    rule_ids = {r.id for r in load_spec(truth.format).rules}
    expected = reported(truth.format, {(i.rule, i.key) for i in truth.inconsistencies
                                       if not needs_a_blank(truth, i.rule, i.key)})
    assert {(f.code, f.key) for f in result.findings if f.code in rule_ids} == expected
    others = [f for f in result.findings if f.severity == "error" and f.code not in rule_ids]
    assert {(f.code in {"CELL-BLANK", "CELL-DASH"}, f.key) for f in others} == {(True, k) for k in truth.blank}


def _same(read: float | None, truth: float) -> bool:
    if read is None:
        return False
    if math.isnan(truth):
        return math.isnan(read)
    return not math.isnan(read) and math.isclose(read, truth, rel_tol=1e-12, abs_tol=1e-9)

