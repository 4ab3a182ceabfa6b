"""Filling the tables in a browser: consolidate.entry.

Requirements covered (both formats):
- R1 the form holds every statistical cell of the spec exactly once, in the template's order,
  labelled with the spec's own labels; totals are marked with the keys they add up, inputs not;
- R2 what is typed becomes the unit's template with those numbers: the reader reads back the
  same values and the unit's identity, and the file is our template (kind template, meta);
- R3 the check of what was typed gives exactly the findings ``consolidate validate`` gives on
  the same workbook: a balanced fill passes, a broken balance is T3-BALANCE at its cell, text
  typed into a number is CELL-TEXT with the same message, an emptied input is CELL-BLANK;
- R4 only the spec's inputs are taken from the browser (totals and unknown keys are dropped,
  long values cut), and the form starts from a counted version's numbers or from 0.
"""

from __future__ import annotations

import pytest
from factories import balanced_values

from consolidate.entry import (
    ENTRY_MAX,
    check_entries,
    clean_entries,
    entry_fields,
    entry_workbook,
    form_of,
    input_keys,
    prefill,
    read_entry_workbook,
)
from consolidate.roster import Unit
from consolidate.spec import load_spec
from consolidate.validate import validate

UNIT = Unit(code="11340000MB0000001Q", name="示例县花园镇人民政府", type="乡镇", parent="示例县人民政府")
IDENTITY = {"filler": "张三", "phone": "0551-1234567", "filled_on": "2026-01-20", "reviewer": "李四"}
YEAR = {"v2021": 2025, "v2019": 2020}


def typed(fmt: str, seed: int = 3) -> dict[str, str]:
    spec = load_spec(fmt)
    values = balanced_values(spec, seed)
    return {k: str(int(v)) if float(v).is_integer() else str(v) for k, v in values.items() if not spec.cell(k).is_total}


@pytest.mark.parametrize("fmt", ["v2021", "v2019"])
def test_form_holds_every_cell_once_in_order_with_spec_labels(fmt: str) -> None:  # R1
    spec = load_spec(fmt)
    inputs = [i for t in form_of(spec) for g in t.groups for i in g.inputs]
    assert [i.key for i in inputs] == [c.key for c in spec.cells]
    assert [t.sheet for t in form_of(spec)] == [t.sheet for t in spec.tables]
    for item in inputs:
        cell = spec.cell(item.key)
        assert item.label in (cell.column_text, cell.column_label)
        assert item.is_total == cell.is_total
        assert item.parts == (cell.sums[0][1] if cell.sums else ())
    t3 = next(t for t in form_of(spec) if t.id == "t3")
    labels = [g.label for g in t3.groups]
    assert labels[0] == spec.cell(t3.groups[0].inputs[0].key).row_label
    assert len(labels) == len({c.row for c in spec.cells if c.table == "t3"})


def test_single_row_table_is_grouped_by_its_column_groups() -> None:  # R1: 表四 on a phone
    t4 = next(t for t in form_of(load_spec("v2021")) if t.id == "t4")
    assert [g.label for g in t4.groups] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert t4.groups[1].headings == ("行政诉讼",)
    assert [i.label for i in t4.groups[0].inputs] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_entry_fields_are_the_ones_the_unit_fills() -> None:
    assert [f[0] for f in entry_fields()] == ["filler", "phone", "filled_on", "reviewer"]


@pytest.mark.parametrize("fmt", ["v2021", "v2019"])
def test_typed_numbers_become_our_template_read_back_the_same(fmt: str) -> None:  # R2
    spec = load_spec(fmt)
    entries = typed(fmt)
    data = entry_workbook(spec, YEAR[fmt], UNIT, entries, IDENTITY)
    result = read_entry_workbook(data, "网页填报.xlsx")
    assert result.kind == "template" and result.format == fmt
    assert result.meta["unit_code"] == UNIT.code
    for key, text in entries.items():
        assert result.values is not None and result.values[key] == float(text), key
    assert result.identity["unit_name"] == UNIT.name and result.identity["filler"] == "张三"
    assert result.identity["filled_on"] == "2026-01-20"


@pytest.mark.parametrize("fmt", ["v2021", "v2019"])
def test_balanced_fill_passes(fmt: str) -> None:  # R3
    _, result = check_entries(load_spec(fmt), YEAR[fmt], UNIT, typed(fmt), IDENTITY)
    assert result.status == "valid", [f.code for f in result.findings]
    assert not [f for f in result.findings if f.severity == "error"]


def test_findings_are_those_validate_gives_on_the_same_file(tmp_path) -> None:  # R3
    spec = load_spec("v2021")
    entries = typed("v2021")
    entries["t3.carry_over.natural"] = str(int(entries["t3.carry_over.natural"]) + 2)  # unbalanced
    entries["t2.permit.decisions"] = "12件"  # text in a count
    entries["t3.new.business"] = ""  # emptied
    data, result = check_entries(spec, 2025, UNIT, entries, IDENTITY, name="网页填报.xlsx")
    codes = {(f.code, f.cell) for f in result.findings}
    assert any(c == "T3-BALANCE" for c, _ in codes)
    assert any(c == "CELL-TEXT" for c, _ in codes) and any(c == "CELL-BLANK" for c, _ in codes)
    assert result.status == "invalid"
    path = tmp_path / "网页填报.xlsx"
    path.write_bytes(data)
    report = validate([path], year=2025)
    same = report.files[0]
    assert [(f.code, f.cell, f.message()) for f in same.findings] == \
        [(f.code, f.cell, f.message()) for f in result.findings]


def test_only_inputs_are_taken_from_the_browser() -> None:  # R4
    spec = load_spec("v2021")
    raw = {"t3.total.total": "999", "t9.nothing": "1", "t3.new.natural": " 7 ", "t3.new.business": "1" * 500}
    clean = clean_entries(spec, raw)
    assert clean == {"t3.new.natural": "7", "t3.new.business": "1" * ENTRY_MAX}


def test_prefill_from_counted_values_or_zero() -> None:  # R4
    spec = load_spec("v2021")
    assert set(prefill(spec, None).values()) == {"0"}
    assert set(prefill(spec, None)) == set(input_keys(spec))
    start = prefill(spec, {"t2.fee.fee_amount": 12.5, "t3.new.natural": 3.0, "t3.new.business": float("nan")})
    assert start["t2.fee.fee_amount"] == "12.5" and start["t3.new.natural"] == "3" and start["t3.new.business"] == ""
