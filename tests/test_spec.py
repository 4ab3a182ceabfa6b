"""The template spec (workbook_templates/) is the single source of truth.

Covers: both formats load; the cell counts of FORMAT.md; the official labels in order;
totals and rules resolved from the spec; the layout derived from it; a malformed spec is
refused with a message naming the file, the place and the problem.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from consolidate.spec import FORMATS, SpecError, format_for_year, load_common, load_spec, template_layout, templates_dir
from consolidate.spec.layout import a1, summary_layout
from consolidate.spec.load import read_spec

T3_ROWS_V2019 = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
    "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息", "（六）其他处理", "（七）总计", "四、结转下年度继续办理",
]
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


@pytest.mark.parametrize(("fid", "t2", "t3", "t4"), [("v2021", 10, 175, 15), ("v2019", 22, 161, 15)])
def test_cell_counts_match_format_md(fid: str, t2: int, t3: int, t4: int) -> None:
    spec = load_spec(fid)
    counts = {t.id: sum(1 for c in spec.cells if c.table == t.id) for t in spec.tables}
    assert counts == {"t2": t2, "t3": t3, "t4": t4}
    assert len(set(spec.keys)) == len(spec.keys)


def test_t3_labels_in_official_order() -> None:
    v2019 = load_spec("v2019").table("t3").blocks[0]
    assert [r.label for r in v2019.leaf_rows] == T3_ROWS_V2019
    assert [c.label for c in v2019.leaf_columns] == T3_COLUMNS
    v2021 = load_spec("v2021").table("t3").blocks[0]
    other = [r.label for r in v2021.leaf_rows][20:23]
    assert other == [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ]


def test_totals_resolved_from_siblings() -> None:
    spec = load_spec("v2021")
    row_total = spec.cell("t3.new.total")
    assert row_total.sums == (("T3-ROWTOTAL", tuple(f"t3.new.{c}" for c in
                               ("natural", "business", "research", "public_interest", "legal", "other"))),)
    grand = spec.cell("t3.total.total")
    assert [rule for rule, _ in grand.sums] == ["T3-ROWTOTAL", "T3-OUTCOMES"]
    assert len(spec.cell("t3.total.natural").sum_of) == 21  # v2021 outcome rows
    assert len(load_spec("v2019").cell("t3.total.natural").sum_of) == 19
    assert spec.cell("t4.cases.after_total").sum_of == tuple(
        f"t4.cases.after_{c}" for c in ("upheld", "corrected", "other", "pending"))
    assert not spec.cell("t3.new.natural").is_total


def test_rules_and_kinds() -> None:
    v2021, v2019 = load_spec("v2021"), load_spec("v2019")
    assert {r.id for r in v2021.rules} == {"T3-BALANCE", "T3-ROWTOTAL", "T3-OUTCOMES", "T4-TOTALS", "TYPES",
                                          "YOY-CARRY", "YOY-STOCK", "VERSION"}
    assert {r.id for r in v2019.rules} == {r.id for r in v2021.rules} - {"YOY-STOCK"} | {"T2-V2019-MISUSE"}
    assert v2019.cell("t2.fee.change").kind == "signed"
    assert v2019.cell("t2.procurement.purchase_amount").kind == "amount"
    assert v2021.cell("t2.fee.fee_amount").kind == "amount"
    balance = v2021.rule("T3-BALANCE")
    assert (balance.kind, balance.for_each, balance.target) == ("expression", "column", "carry_over")
    assert balance.sides() == (("new", "carried"), ("total", "carry_over"))
    assert [v2021.rule(r).kind for r in ("T3-ROWTOTAL", "TYPES", "VERSION")] == ["totals", "types", "version"]
    assert v2021.rule("YOY-CARRY").year_over_year and not balance.year_over_year
    assert v2019.rule("T2-V2019-MISUSE").flag


def test_years() -> None:
    assert format_for_year(2020) == "v2019"
    assert format_for_year(2019) == "v2019"
    assert format_for_year(2021) == "v2021"
    assert format_for_year(2030) == "v2021"


def test_layout_places_labels_and_cells() -> None:
    lay = template_layout(load_spec("v2021"))
    t3 = lay["t3"]
    assert t3.cells["t3.new.natural"].address == "D6"
    labels = {b.text: b.range for b in t3.labels()}
    assert labels["申请人情况"] == "D3:J3"
    assert labels["自然人"] == "D4:D5"
    assert labels["一、本年新收政府信息公开申请数量"] == "A6:C6"
    assert labels["（七）总计"] == "B29:C29"
    t2 = lay["t2"]
    assert t2.cells["t2.permit.decisions"].range == "B9:D9"  # one column stretched to the table's width
    t4 = lay["t4"]
    assert t4.label_cols == 0 and t4.cells["t4.cases.rev_upheld"].address == "A6"
    summary = summary_layout(load_spec("v2021"))
    assert {t.sheet for t in summary.values()} == {"汇总"}
    assert summary["t3"].top > summary["t2"].bottom and summary["t4"].top > summary["t3"].bottom


def test_a1() -> None:
    assert [a1(0, 0), a1(11, 3), a1(0, 25), a1(0, 26), a1(9, 701)] == ["A1", "D12", "Z1", "AA1", "ZZ10"]


def test_common() -> None:
    common = load_common()
    assert [f.label for f in common.fields] == ["单位名称", "单位代码", "单位类型", "所属上级", "年度", "填报人",
                                              "联系电话", "填报日期", "审核人"]
    assert common.findings["CELL-BLANK"].severity == "error"


def _copy_specs(tmp_path: Path) -> Path:
    for f in templates_dir().glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("{id: regulation, label: 规章}", "{id: Regulation, label: 规章}", "v2021.yaml: tables.0.blocks.0.rows.0.id"),
    ("rule: T3-ROWTOTAL}", "rule: T3-NOPE}", "names rule T3-NOPE, not defined"),
    ("new + carried ==", "new + carryd ==", "rules.T3-BALANCE: 'carryd': table t3 has no row 'carryd'"),
    ("new + carried ==", "new + carried =", "rules.T3-BALANCE: 'new + carried = total + carry_over': not an"),
    ("new + carried ==", "new * carried ==", "'new * carried': only a number may multiply a cell"),
    ("new + carried ==", "max(new, carried) ==", "'max(new, carried)' is not allowed"),
    ("new + carried ==", "__import__.os ==", "'__import__.os' is not a cell"),
    ("    target: carry_over", "    target: carryover", "no cell 't3.carryover.natural'"),
    ("format: v2021", "format: [v2021", "v2021.yaml: line"),
    ("    severity: error\n    table: t3\n    for_each", "    severity: fatal\n    table: t3\n    for_each",
     "rules.0.severity"),
])
def test_malformed_spec_is_refused_with_place(tmp_path: Path, old: str, new: str, message: str) -> None:
    folder = _copy_specs(tmp_path)
    path = folder / "v2021.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError, match=None) as info:
        read_spec("v2021", folder)
    assert message in str(info.value)


def test_edit_must_match_one_label(tmp_path: Path) -> None:
    folder = _copy_specs(tmp_path)
    path = folder / "v2019.yaml"
    text = path.read_text(encoding="utf-8").replace("label: （六）其他处理, set", "label: （六）其它处理, set")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=r"v2019\.yaml: edits\.0: the label '（六）其它处理' matches 0"):
        read_spec("v2019", folder)


def test_specs_hash_differs_and_is_stable() -> None:
    hashes = {load_spec(f).hash for f in FORMATS}
    assert len(hashes) == 2
    assert read_spec("v2021", templates_dir()).hash == load_spec("v2021").hash


def test_built_spec_is_cached_and_a_changed_file_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from consolidate.spec import load as loader

    monkeypatch.setenv("CONSOLIDATE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "specs").mkdir()
    folder = _copy_specs(tmp_path / "specs")
    fresh = loader.read_spec("v2021", folder)
    assert len(list((tmp_path / "cache").glob("spec-v2021-*.pickle"))) == 1
    again = loader.read_spec("v2021", folder)  # from the cache this time
    assert again == fresh and again is not fresh
    path = folder / "v2021.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 二、主动公开政府信息情况", "title: 二、改了"),
                    encoding="utf-8")
    changed = loader.read_spec("v2021", folder)
    assert changed.table("t2").title == "二、改了" and changed.hash != fresh.hash
    assert len(list((tmp_path / "cache").glob("spec-v2021-*.pickle"))) == 2
