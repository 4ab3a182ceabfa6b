"""The district's totals and the pure roll-up (no files).

Covers:
- the totals equal an independent (decimal) sum of the accepted submissions' cells, on
  generated districts with random values including amounts with decimals, both formats;
- files with errors, superseded, unlisted and unreadable ones do not count;
- the balance rules are re-run on the totals at the 汇总 sheet's addresses;
- the round's year is the one asked for, else the one most files state; a file of another
  year becomes invalid with a YEAR-MISMATCH finding, and the input object is not changed;
- the charts' figures are found through the spec (一、本年新收 总计, the outcome groups).
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rollup_factories import district, roster_of, submission, unreadable

from consolidate.findings import Finding
from consolidate.report import FileResult
from consolidate.rollup.data import TOTALS_PATH, build, round_year
from consolidate.rollup.totals import headline
from consolidate.spec import FormatSpec, load_spec


def _decimal_sum(files: list[FileResult], key: str) -> Decimal:
    return sum((Decimal(repr((f.values or {})[key])) for f in files), Decimal(0))


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 25), fmt=st.sampled_from(["v2021", "v2019"]))
def test_totals_equal_an_independent_sum(seed: int, n: int, fmt: str) -> None:
    roster, files = district(n, seed=seed, fmt=fmt, year=2025 if fmt == "v2021" else 2020)
    rng = random.Random(seed)
    bad = [i for i in range(n) if rng.random() < 0.25]
    for i in bad:
        files[i].status = "invalid"
    data = build(files, roster=roster, check=None)
    accepted = [f for i, f in enumerate(files) if i not in bad]
    assert data.counted == len(accepted) and data.spec.id == fmt
    for cell in data.spec.cells:
        expected = _decimal_sum(accepted, cell.key)
        got = Decimal(repr(data.totals[cell.key]))
        if cell.kind == "amount":
            assert abs(got - expected) <= Decimal("0.0000005"), cell.key
        else:
            assert got == expected, cell.key


def test_only_accepted_submissions_count() -> None:
    spec = load_spec("v2021")
    rng = random.Random(7)
    roster = roster_of(["甲", "乙", "丙"])
    ok = submission(spec, rng, name="甲", path="ok.xlsx")
    older = submission(spec, rng, name="甲", path="older.xlsx", filled_on="2026-01-01")
    bad = submission(spec, rng, name="乙", path="bad.xlsx", status="invalid")
    stranger = submission(spec, rng, name="外单位", path="stranger.xlsx")
    data = build([ok, older, bad, stranger, unreadable("x.xlsx")], roster=roster, check=None)
    assert data.totals == {k: float(v) for k, v in (ok.values or {}).items()}
    # 报送率: units with a counted (read) submission, errors or not; 通过率: the ones that passed
    assert data.units == 1 and data.submission_rate == 2 / 3 and data.rates.pass_rate == 1 / 3
    counts = data.counts()
    assert counts["units_missing"] == 1 and counts["files_superseded"] == 1 and counts["files_unreadable"] == 1


def test_a_confirmed_submission_with_errors_counts_marked_as_such() -> None:
    """The office's confirmation (web review, with a reason) makes a file with errors count:
    its values are in the totals, its row says 已确认（带错误） and the note gives the reason."""
    spec = load_spec("v2021")
    rng = random.Random(8)
    roster = roster_of(["甲", "乙"])
    ok = submission(spec, rng, name="甲", path="ok.xlsx")
    bad = submission(spec, rng, name="乙", path="bad.xlsx", status="invalid")
    plain = build([ok, bad], roster=roster, check=None)
    assert plain.totals == {k: float(v) for k, v in (ok.values or {}).items()}
    data = build([ok, bad], roster=roster, check=None, confirmed={"bad.xlsx": "县局口径如此，已电话核实"})
    assert data.totals == pytest.approx({k: float((ok.values or {})[k] + (bad.values or {})[k]) for k in spec.keys})
    row = next(r for r in data.selection.units if r.name == "乙")
    assert row.counted and row.fate == "invalid" and row.label == "已确认（带错误）"
    fate = next(f for f in data.selection.files if f.file.path == "bad.xlsx")
    assert fate.counted and "县局口径如此，已电话核实" in fate.note
    assert data.rates.submission_rate == 1 and data.rates.pass_rate == 1 / 2  # confirmed is not passed
    # a confirmation of a file that does not speak for a unit changes nothing
    assert build([ok, bad], roster=roster_of(["甲"]), check=None, confirmed={"bad.xlsx": "x"}).totals == plain.totals


def test_rules_rerun_on_the_totals_at_summary_addresses() -> None:
    seen: list[FileResult] = []

    def check(spec: FormatSpec, totals: FileResult) -> list[Finding]:
        seen.append(totals)
        return []

    roster, files = district(4, seed=3)
    data = build(files, roster=roster, check=check, name="示例区")
    (totals,) = seen
    assert totals.path == TOTALS_PATH and totals.values == data.totals and totals.units == 4
    assert totals.addresses["t3.new.natural"] == ("表三", "D6")  # the summary's 表三, laid out as the template
    assert totals.unit_name == "示例区"


def test_engine_finds_nothing_wrong_with_balanced_totals_and_flags_a_broken_one() -> None:
    roster, files = district(5, seed=11)
    data = build(files, roster=roster)
    assert data.totals_findings == ()
    spec = data.spec
    broken = dict(files[0].values or {})
    broken["t3.new.natural"] += 1  # the unit's 表三 no longer balances, and its 总计 no longer adds up
    files[0].values = broken
    data = build(files, roster=roster)
    codes = {f.code for f in data.totals_findings}
    assert {"T3-BALANCE", "T3-ROWTOTAL"} <= codes
    assert {f.sheet for f in data.totals_findings} == {"表三"}
    assert spec.id == "v2021"


def test_year_of_the_round_and_files_of_another_year() -> None:
    spec = load_spec("v2021")
    rng = random.Random(5)
    this = [submission(spec, rng, name=n, year=2025) for n in ("甲", "乙")]
    old = submission(spec, rng, name="丙", year=2024, path="old.xlsx")
    assert round_year([*this, old], None) == 2025
    assert round_year([*this, old], 2024) == 2024
    data = build([*this, old], check=None)
    fate = {f.file.path: f for f in data.selection.files}
    assert fate["old.xlsx"].fate == "invalid"
    assert [f.code for f in fate["old.xlsx"].file.findings] == ["YEAR-MISMATCH"]
    assert old.status == "valid" and old.findings == []  # the caller's object is not changed


def test_headline_found_through_the_spec() -> None:
    for fmt, groups in (("v2021", 6), ("v2019", 6)):
        h = headline(load_spec(fmt))
        assert h.received == "t3.new.total"
        assert len(h.outcomes) == groups
        assert h.outcomes[0][0] == "（一）予以公开"
        assert all(k.endswith(".total") for _, keys in h.outcomes for k in keys)
