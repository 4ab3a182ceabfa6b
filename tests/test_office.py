"""The template in a real office suite: LibreOffice (headless) recalculates a filled template.

Covers: a template filled with openpyxl (which saves formulas without cached values) and
recalculated by LibreOffice has the right totals, unit line and USCC check, and its live
checks say 通过 for a balanced fill and 不通过 exactly where an unbalanced fill is wrong
(表三 column balance, a negative count in 表四, a bad check character); the formulas,
validations and sheet protection survive the round trip. Both formats.

Skipped with a reason when LibreOffice is missing; under CI=true it must run.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from libreoffice import convert, soffice_or_skip
from template_helpers import balanced_inputs, check_values, expected_total

from consolidate.spec import identity_cells, load_common, load_spec, template_layout
from consolidate.template import build_workbook
from consolidate.uscc import make_uscc

pytestmark = pytest.mark.office

YEARS = {"v2021": 2025, "v2019": 2020}
CODE = make_uscc("91340000MA0000001")


def fill(template: bytes, fmt: str, values: dict[str, float], identity: dict[str, str], path: Path) -> None:
    """What a clerk does: type numbers into the input cells and the identity, then save."""
    spec = load_spec(fmt)
    wb = openpyxl.load_workbook(io.BytesIO(template))
    for layout in template_layout(spec).values():
        ws = wb[layout.sheet]
        for key, box in layout.cells.items():
            if key in values:
                ws.cell(box.row + 1, box.col + 1).value = values[key]
    common = load_common()
    for field, value in identity.items():
        row, col = identity_cells(common)[field]
        wb[common.identity_sheet].cell(row + 1, col + 1).value = value
    wb.save(path)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, float]]]:
    """name -> (the file LibreOffice saved, the values typed in)."""
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("office")
    cases: dict[str, tuple[str, dict[str, float], dict[str, str]]] = {}
    for fmt in YEARS:
        cases[f"{fmt}-balanced"] = (fmt, balanced_inputs(load_spec(fmt), 11), {"unit_name": "示例县甲镇", "unit_code": CODE})
    wrong = balanced_inputs(load_spec("v2021"), 12)
    wrong["t3.carry_over.legal"] += 2
    wrong["t4.cases.after_pending"] = -1
    bad_code = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    cases["v2021-wrong"] = ("v2021", wrong, {"unit_name": "示例县乙镇", "unit_code": bad_code})
    inputs = []
    for name, (fmt, values, identity) in cases.items():
        path = folder / "in" / f"{name}.xlsx"
        path.parent.mkdir(exist_ok=True)
        fill(build_workbook(load_spec(fmt), YEARS[fmt]), fmt, values, identity, path)
        inputs.append(path)
    outputs = convert(inputs, "xlsx", folder / "out")
    return {name: (out, cases[name][1]) for name, out in zip(cases, outputs, strict=True)}


@pytest.mark.parametrize("fmt", list(YEARS))
def test_totals_and_checks_computed_by_libreoffice(recalculated: dict[str, tuple[Path, dict[str, float]]],
                                                   fmt: str) -> None:
    path, values = recalculated[f"{fmt}-balanced"]
    spec = load_spec(fmt)
    wb = openpyxl.load_workbook(path, data_only=True)
    for layout in template_layout(spec).values():
        ws = wb[layout.sheet]
        for key, box in layout.cells.items():
            got = ws.cell(box.row + 1, box.col + 1).value
            assert got == pytest.approx(expected_total(spec, key, values)), key
        assert ws.cell(layout.top + 2, 1).value == f"填报单位：示例县甲镇　　　年度：{YEARS[fmt]}"
        assert set(check_values(ws, spec, layout.table.id).values()) == {"通过"}, layout.sheet
    common = load_common()
    row, col = identity_cells(common)["unit_code"]
    assert wb[common.identity_sheet].cell(row + 1, col + 2).value == "统一社会信用代码校验通过"


def test_checks_fail_where_the_fill_is_wrong(recalculated: dict[str, tuple[Path, dict[str, float]]]) -> None:
    path, _ = recalculated["v2021-wrong"]
    spec = load_spec("v2021")
    wb = openpyxl.load_workbook(path, data_only=True)
    t3 = check_values(wb["表三"], spec, "t3")
    assert {label for label, v in t3.items() if v != "通过"} == {"法律服务机构：一+二=（七）+四", "总计：一+二=（七）+四"}
    assert set(t3.values()) == {"通过", "不通过"}
    ws = wb["表三"]
    differences = {c.value: ws.cell(c.row, c.column + 2).value for row in ws.iter_rows() for c in row if c.value in t3}
    assert differences["法律服务机构：一+二=（七）+四"] == -2 and differences["自然人：一+二=（七）+四"] == 0
    t4 = check_values(wb["表四"], spec, "t4")
    assert {label for label, v in t4.items() if v != "通过"} == {spec.rule("TYPES").title}
    common = load_common()
    row, col = identity_cells(common)["unit_code"]
    assert "校验码不对" in wb[common.identity_sheet].cell(row + 1, col + 2).value


def test_formulas_validation_and_protection_survive(recalculated: dict[str, tuple[Path, dict[str, float]]]) -> None:
    path, _ = recalculated["v2021-balanced"]
    spec = load_spec("v2021")
    wb = openpyxl.load_workbook(path)
    layout = template_layout(spec)["t3"]
    ws = wb[layout.sheet]
    total = layout.cells["t3.total.natural"]
    assert str(ws.cell(total.row + 1, total.col + 1).value).upper().startswith("=SUM(")
    assert ws.protection.sheet
    assert len(ws.data_validations.dataValidation) >= 1
    assert wb[load_common().meta_sheet].sheet_state == "hidden"
