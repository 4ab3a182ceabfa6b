"""The summary a leader reads, on paper (issue 11, items 1 to 4).

Requirements covered:
- P1 the summary carries 表二, 表三, 表四 in the template's layout (read back by the reader
  like any submission), each printed by LibreOffice on ONE A4 page of its own with no text
  smaller than 9 points; the page names the 汇总单位 and the year, says the coverage (应报,
  计入, 未报送, 有错误, 截至) and that a partial summary is not final, has the lines offices sign
  (制表人, 审核人, 填报日期, 单位（盖章）) and “第 1 页 共 1 页”;
- P2 every printed sheet of the summary has its pages numbered and prints at 9 points or more;
  分单位明细 prints landscape, each table's columns a page group of their own, the header rows
  and the 单位名称 column on every page; 报送情况, 问题清单, 审核报告 keep the SHA-256 and the full
  path out of the print area; 图表 starts a page before every chart;
- P3 the level is named from the 汇总单位's name (全县 for a county, never 全区), and the
  summary's own 填报信息 says it is a summary; a county's template says 县政务公开办;
- P4 a roll-up always knows whom it is for: --name, else the roster's 上级单位, else refused
  with a message asking for --name (nothing written).
"""

from __future__ import annotations

import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from rollup_factories import write_district

from consolidate.errors import ConsolidateError
from consolidate.i18n import language
from consolidate.level import level_of, office, whole
from consolidate.read import read_submission
from consolidate.rollup import rollup
from consolidate.rollup import texts as T
from consolidate.rollup.detail_sheet import page_groups
from consolidate.roster import Roster, Unit
from consolidate.spec import load_spec, template_layout

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package, beside tests/

NOW = datetime(2026, 2, 1, 9, 30)
SPEC = load_spec("v2021")
COUNTY = "示例县人民政府"


def _county(tmp_path: Path, n: int = 6) -> tuple[Path, Roster]:
    """A county round of ``n`` roster units, the last one missing; the summary written."""
    roster, paths, _ = write_district(tmp_path / "in", n, seed=7, parent=COUNTY)
    paths[-1].unlink()
    out = tmp_path / "汇总表.xlsx"
    rollup([tmp_path / "in"], out=out, roster=roster, now=NOW)
    return out, roster


# --- P1, P2: the workbook's print settings (fast) -------------------------------------------------------


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        names = re.findall(r'<sheet name="([^"]+)"', book)
        return {name: z.read(f"xl/worksheets/sheet{i + 1}.xml").decode("utf-8") for i, name in enumerate(names)}


def _defined(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/workbook.xml").decode("utf-8")


def test_tables_are_sheets_in_the_template_layout_read_like_a_submission(tmp_path: Path) -> None:  # P1
    out, _ = _county(tmp_path)
    wb = openpyxl.load_workbook(out)
    tables = [t.sheet for t in SPEC.tables]
    assert wb.sheetnames[:3] == tables and "汇总" not in wb.sheetnames
    for layout in template_layout(SPEC).values():
        ws = wb[layout.sheet]
        title = next(b for b in layout.boxes if b.role == "title")
        assert ws[title.address].value == title.text  # the official title where the template has it
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)  # 1 x 1 page
        assert COUNTY in ws.oddHeader.center.text and "2025" in ws.oddHeader.center.text
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        below = " ".join(str(c.value) for row in ws.iter_rows(min_row=layout.bottom + 2) for c in row if c.value)
        assert "应报 6 个单位，计入 5 个，未报送 1 个，有错误 0 个，截至 2026-02-01 09:30" in below
        assert "本表不是最终汇总数" in below
        assert all(w in below for w in ("制表人", "审核人", "填报日期：2026-02-01", "单位（盖章）"))
    assert wb["表三"].page_setup.orientation == "portrait" and wb["表四"].page_setup.orientation == "landscape"
    back = read_submission(out)  # the reader reads the summary by the template's places
    assert (back.kind, back.status, back.units, back.unit_name) == ("rollup", "valid", 5, COUNTY)
    assert back.addresses["t3.new.natural"] == ("表三", "D6")


def test_every_sheet_is_numbered_and_set_for_paper(tmp_path: Path) -> None:  # P2
    out, _ = _county(tmp_path)
    sheets = _sheet_xml(out)
    shown = [n for n in sheets if n != "_meta"]
    assert all("&amp;P" in sheets[n] and "&amp;N" in sheets[n] and 'paperSize="9"' in sheets[n] for n in shown)
    detail = sheets[T.SHEET_DETAIL]
    assert 'orientation="landscape"' in detail and 'scale="85"' in detail
    breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"', detail)]
    assert breaks == page_groups(SPEC, len(T.DETAIL_COLS))
    first_col = {c.table: len(T.DETAIL_COLS) + i for i, c in reversed(list(enumerate(SPEC.cells)))}
    assert {first_col["t3"], first_col["t4"]} <= set(breaks)  # every table starts a page
    book = _defined(out)
    assert f"{T.SHEET_DETAIL}!$A:$B,{T.SHEET_DETAIL}!$4:$6" in book  # the unit names and the header on every page
    status = openpyxl.load_workbook(out)[T.SHEET_STATUS]
    header = [c.value for c in status[7]]
    printed = status.print_area[0] if isinstance(status.print_area, list) else status.print_area
    last = re.search(r":\$([A-Z]+)\$", printed).group(1)  # type: ignore[union-attr]
    assert openpyxl.utils.column_index_from_string(last) < header.index("SHA-256") + 1
    assert header.index("路径") > header.index("SHA-256") > header.index("警告数")
    assert re.search(r'<rowBreaks count="1"', sheets[T.SHEET_CHARTS])  # a page before the 2nd and 3rd chart


def test_report_keeps_the_path_and_hash_off_paper(tmp_path: Path) -> None:  # P2
    from consolidate.output.report_xlsx import write_report

    roster, _, _ = write_district(tmp_path / "in", 3, seed=3, parent=COUNTY)
    result = rollup([tmp_path / "in"], out=tmp_path / "汇总表.xlsx", roster=roster, now=NOW)
    write_report(result.report, tmp_path / "审核报告.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "审核报告.xlsx")
    for ws in (w for w in wb.worksheets if w.sheet_state == "visible"):  # the hidden _meta is never printed
        header_row = next(r for r in ws.iter_rows() if r[0].value in ("单位名称", "序号"))
        header = [c.value for c in header_row]
        area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
        last = openpyxl.utils.column_index_from_string(re.search(r":\$([A-Z]+)\$", area).group(1))  # type: ignore[union-attr]
        hidden = [h for h in header if h in (("sha256", "路径") if ws.title == "文件" else ("文件",))]
        assert hidden and all(header.index(h) + 1 > last for h in hidden), (ws.title, header, area)
        assert "&P" in ws.oddFooter.center.text


def test_a_line_too_long_for_a_narrow_table_breaks_between_its_parts() -> None:  # P1
    from consolidate.rollup.formats import break_at_gaps, lines_needed
    from consolidate.xlsx.styles import text_width

    signed = T.SIGNATURE_LINE.format(date="2026-02-01")
    assert break_at_gaps(signed, text_width(signed) + 2) == signed  # it fits: left alone
    narrow = break_at_gaps(signed, 36.0)
    assert narrow.split("\n")[-1] == "填报日期：2026-02-01" and narrow.startswith("制表人：")
    assert narrow.replace("\n", "") != signed.replace("　", "") and lines_needed(narrow, 36.0) == narrow.count("\n") + 1
    assert [line.strip("　") for line in break_at_gaps(signed, 10.0).split("\n")] == ["制表人：", "审核人：", "填报日期：2026-02-01"]
    with language("en"):
        from consolidate.i18n import _

        english = break_at_gaps(_(T.SIGNATURE_LINE).format(date="2026-02-01"), 30.0)
    assert english.split("\n")[-1] == "Date: 2026-02-01"


def test_the_lines_under_a_narrow_table_wrap_inside_its_width(tmp_path: Path) -> None:  # P1
    out, _ = _county(tmp_path)
    ws = openpyxl.load_workbook(out)["表二"]
    layout = template_layout(SPEC)["t2"]
    under = [c for row in ws.iter_rows(min_row=layout.top + 2) for c in row
             if isinstance(c.value, str) and ("汇总单位" in c.value or "制表人" in c.value)]
    assert len(under) == 2 and all(c.alignment.wrap_text for c in under)
    assert all("\n" in c.value for c in under)  # 表二 is too narrow for either on one line
    assert under[1].value.split("\n")[-1].startswith("填报日期：2026-02-01")


# --- P1, P2: as LibreOffice prints it ------------------------------------------------------------------


@pytest.mark.office
def test_summary_prints_one_page_per_table_at_nine_points_or_more(tmp_path: Path) -> None:  # P1, P2
    from libreoffice import soffice_or_skip

    soffice_or_skip()
    from benchmarks.printing import measure

    out, _ = _county(tmp_path)
    printed = {p.sheet: p for p in measure([out], keep=tmp_path / "pdf")}
    for table in ("表二", "表三", "表四"):
        assert printed[table].pages == 1, printed[table]
    assert all(p.smallest is not None and p.smallest >= 9 for p in printed.values()), printed
    assert printed[T.SHEET_DETAIL].pages == len(page_groups(SPEC, len(T.DETAIL_COLS))) + 1  # one page a group
    assert printed[T.SHEET_CHARTS].pages == 2  # the per-unit chart, then the two small ones

    import pdfplumber

    with pdfplumber.open(tmp_path / "pdf" / "汇总表-表三.pdf") as pdf:
        text = "".join((pdf.pages[0].extract_text() or "").split())
    for words in (f"{COUNTY}2025年度", "三、收到和处理政府信息公开申请情况", "应报6个单位，计入5个，未报送1个",
                  "本表不是最终汇总数", "制表人", "审核人", "单位（盖章）", "第1页共1页"):
        assert words in text, words
    with pdfplumber.open(tmp_path / "pdf" / "汇总表-表二.pdf") as pdf:  # the narrowest table
        page = pdf.pages[0]
        right = max(r["x1"] for r in page.rects + page.lines)  # the table's right border
        lines = [("".join(t["text"].split()), t["x1"]) for t in page.extract_text_lines()]
    for words in ("汇总单位：示例县人民政府", "汇总5个单位的报表", "制表人：", "审核人：", "填报日期：2026-02-01"):
        # whole, on one line, and inside the table's width (the print area cuts what runs past it)
        assert any(words in text and x1 <= right + 2 for text, x1 in lines), (words, right, lines)
    with pdfplumber.open(tmp_path / "pdf" / f"汇总表-{T.SHEET_DETAIL}.pdf") as pdf:
        pages = ["".join((p.extract_text() or "").split()) for p in pdf.pages]
    assert all("序号" in p and "单位名称" in p and "单位00" in p for p in pages)  # header and names on every page


def _demo_summary(tmp_path: Path, lang: str = "zh") -> Path:
    from consolidate.roster import read_roster

    demo = Path(__file__).resolve().parent.parent / "samples" / "demo"
    out = tmp_path / "汇总表.xlsx"
    with language(lang):
        rollup([demo / "submissions"], out=out, roster=read_roster(demo / "roster.csv"), year=2025,
               previous=[demo / "previous"], workers=1, now=NOW)
    return out


def test_charts_are_bars_and_an_all_zero_chart_is_not_drawn(tmp_path: Path) -> None:  # issue 17, item 7
    out = _demo_summary(tmp_path)
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3 and all("<c:barChart>" in c for c in charts)  # no pie: its labels collide
    assert not any("<c:pieChart>" in c or "<c:doughnutChart>" in c for c in charts)
    assert any("66（41%）" in c for c in charts)  # the outcome bars say their share
    # a round where nobody received anything: the per-unit and outcome charts would be empty frames
    from rollup_factories import write_submission

    roster, paths, _ = write_district(tmp_path / "zero", 2, seed=3, parent=COUNTY)
    for unit, path in zip(roster.units, paths, strict=True):
        write_submission(path.parent, SPEC, unit, {c.key: 0.0 for c in SPEC.cells}, name=path.name)
    rollup([tmp_path / "zero"], out=tmp_path / "zero.xlsx", roster=roster, now=NOW)
    with zipfile.ZipFile(tmp_path / "zero.xlsx") as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 1  # only the round's: 2 passed
    words = [c.value for row in openpyxl.load_workbook(tmp_path / "zero.xlsx")[T.SHEET_CHARTS].iter_rows()
             for c in row if c.value]
    assert words.count(T.CHART["none"]) == 2


@pytest.mark.office
def test_the_demo_summary_prints_in_forty_pages_with_headers_on_every_page(tmp_path: Path) -> None:  # issue 17
    from libreoffice import soffice_or_skip

    soffice_or_skip()
    import pdfplumber

    from benchmarks.printing import measure

    out = _demo_summary(tmp_path)
    printed = {p.sheet: p for p in measure([out], keep=tmp_path / "pdf")}
    assert sum(p.pages for p in printed.values()) <= 40, printed
    assert all(p.smallest is not None and p.smallest >= 9 for p in printed.values()), printed
    # 26 units and their total fit a page's height: one page a column group, none split across two
    assert printed[T.SHEET_DETAIL].pages == len(page_groups(SPEC, len(T.DETAIL_COLS))) + 1
    with pdfplumber.open(tmp_path / "pdf" / f"汇总表-{T.SHEET_DETAIL}.pdf") as pdf:
        pages = ["".join((p.extract_text() or "").split()) for p in pdf.pages]
    assert all("序号单位名称" in p and "示例县统计局" in p and "合计（计入汇总的单位）" in p for p in pages)
    assert all("分单位明细（示例县人民政府2025年度）" in p for p in pages)  # the title in the page header
    with pdfplumber.open(tmp_path / "pdf" / f"汇总表-{T.SHEET_YOY}.pdf") as pdf:
        pages = [(p.extract_text() or "").split("\n") for p in pdf.pages]
    assert len(pages) > 1
    for lines in pages:  # 同比's header row on every page, and no heading left at a page's foot
        assert "".join(lines[0].split()).startswith("表行列本年上年增减增减率") or "表行列本年上年增减增减率" in "".join(
            "".join(x.split()) for x in lines[:6]), lines[:6]
        assert any(re.search(r"[\d%]$", x.strip()) for x in lines[-3:-1]), lines[-3:]  # ends on data, not a heading
    assert not any(T.YOY["rules"] in "".join(lines) for lines in pages)  # 二 (in 问题清单) is not printed here


# --- P3: the level ---

# --- P3: the level ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "level"), [
    ("示例县人民政府", "县"), ("示例县", "县"), ("杭州市西湖区人民政府办公室", "区"), ("示例市", "市"),
    ("某某自治县政务公开办", "县"), ("某某旗", "旗"), ("浙江省人民政府办公厅", "省"), ("示例县发展和改革局", ""), ("", ""),
])
def test_level_of_a_name(name: str, level: str) -> None:  # P3
    assert level_of(name) == level


def test_a_county_is_never_called_a_district(tmp_path: Path) -> None:  # P3
    assert (whole(COUNTY), office(COUNTY), whole("某局")) == ("全县", "县政务公开办", "全部单位")
    with language("en"):
        assert whole(COUNTY) == "the county"
    roster, _, _ = write_district(tmp_path / "last", 3, seed=9, parent=COUNTY, year=2024)
    rollup([tmp_path / "last"], out=tmp_path / "2024.xlsx", roster=roster, now=NOW)
    write_district(tmp_path / "in", 3, seed=9, parent=COUNTY)
    out = tmp_path / "汇总表.xlsx"
    rollup([tmp_path / "in"], out=out, roster=roster, previous=[tmp_path / "2024.xlsx"], now=NOW)
    wb = openpyxl.load_workbook(out)
    words = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str))
    assert "全县" in words and "全区" not in words and "区政务公开办" not in words
    identity = wb["填报信息"]
    cells = {str(r[0].value): r[1].value for r in identity.iter_rows(min_row=3, max_col=2) if r[0].value}
    assert cells["单位名称"] == COUNTY and "汇总表" in str(cells["单位类型"])
    assert "汇总表" in str(identity["A2"].value)  # the note says it is a summary, not a unit's submission


def test_a_countys_template_names_the_county_office(tmp_path: Path) -> None:  # P3
    from consolidate.template import build_workbook

    unit = Unit(code="11340000MB0000000X", name="示例县城关镇", type="乡镇", parent=COUNTY, row=2)
    wb = openpyxl.load_workbook(__import__("io").BytesIO(build_workbook(SPEC, 2025, unit)))
    words = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str))
    assert "县政务公开办" in words and "区政务公开办" not in words


# --- P4: whom the roll-up is for ----------------------------------------------------------------------------


def test_name_from_the_option_or_the_roster_else_refused(tmp_path: Path) -> None:  # P4
    roster, paths, _ = write_district(tmp_path / "in", 2, seed=4, parent="")
    out = tmp_path / "汇总表.xlsx"
    with pytest.raises(ConsolidateError, match="--name") as refused:
        rollup([tmp_path / "in"], out=out, roster=roster, now=NOW)
    assert "--name" in refused.value.message("en")
    with pytest.raises(ConsolidateError, match="--name"):
        rollup(paths, out=out, now=NOW)  # no roster either
    assert not out.exists()  # nothing written
    mixed = Roster(tuple(Unit(u.code, u.name, u.type, p, u.row) for u, p in zip(roster.units, ("甲县", "别的县"),
                                                                               strict=True)), "r.csv")
    with pytest.raises(ConsolidateError, match="别的县"):
        rollup([tmp_path / "in"], out=out, roster=mixed, now=NOW)
    named = rollup([tmp_path / "in"], out=out, roster=roster, name=" 示例县 ", now=NOW)
    assert named.data.district_name == "示例县" and read_submission(out).unit_name == "示例县"
    parented = Roster(tuple(Unit(u.code, u.name, u.type, "示例市", u.row) for u in roster.units), "r.csv")
    assert rollup([tmp_path / "in"], out=out, roster=parented, now=NOW).data.district_name == "示例市"


def test_a_roll_up_made_without_a_name_rolls_up_at_the_next_level(tmp_path: Path) -> None:  # P4
    districts = []
    for i, county in enumerate(("甲县人民政府", "乙县人民政府")):
        roster, _, _ = write_district(tmp_path / county, 2, seed=50 + i, parent=county, prefix=f"{county}单位")
        rollup([tmp_path / county], out=tmp_path / "up" / f"{county}.xlsx", roster=roster, now=NOW)
        districts.append(Unit(f"CODE{i}", county, "县", "示例市", i + 2))
    city = rollup([tmp_path / "up"], out=tmp_path / "市.xlsx", roster=Roster(tuple(districts), "c.csv"), now=NOW)
    assert city.complete and city.data.units == 4 and city.data.district_name == "示例市"
    assert not any(f.code == "UNIT-NAME-MISSING" for f in city.report.files[0].findings)


def test_cli_refuses_a_nameless_roll_up(tmp_path: Path) -> None:  # P4
    from typer.testing import CliRunner

    from consolidate.cli import app

    write_district(tmp_path / "in", 2, seed=6, parent="")
    result = CliRunner().invoke(app, ["rollup", str(tmp_path / "in"), "--out", str(tmp_path / "汇总表.xlsx")])
    assert result.exit_code == 2 and "--name" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "汇总表.xlsx").exists()
    run = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "轮次")])
    assert run.exit_code == 2 and "--name" in run.output and not (tmp_path / "轮次").exists()


@pytest.mark.office
def test_a_template_prints_at_nine_points_or_more(tmp_path: Path) -> None:  # P2 (the template the units fill)
    from libreoffice import soffice_or_skip

    from benchmarks.printing import measure
    from consolidate.template import build_workbook

    soffice_or_skip()
    unit = Unit(code="11340000MB0000000X", name="示例县城关镇", type="乡镇", parent=COUNTY, row=2)
    path = tmp_path / "模板.xlsx"
    path.write_bytes(build_workbook(SPEC, 2025, unit))
    printed = {p.sheet: p for p in measure([path])}
    assert all(p.smallest is not None and p.smallest >= 9 for p in printed.values()), printed
    assert printed["表四"].pages == 1


def test_summary_in_english_quotes_only_labels_and_names(tmp_path: Path) -> None:  # the catalog (issue 9, item 2)
    from test_cli_language import CJK, official_texts

    from consolidate.rollup.charts import short_label
    from consolidate.spec import load_common

    demo = Path(__file__).resolve().parent.parent / "samples" / "demo"
    from consolidate.roster import read_roster

    roster = read_roster(demo / "roster.csv")
    with language("en"):
        result = rollup([demo / "submissions"], out=tmp_path / "summary.xlsx", roster=roster, year=2025,
                        previous=[demo / "previous"], workers=1, now=NOW)
    files = [Path(f.path) for f in result.report.files] + list((demo / "previous").iterdir())
    names = {p.name for p in files} | {str(p) for p in files} | {u.name for u in roster.units} | {COUNTY}
    names |= {u.parent for u in roster.units} | {str(f.identity.get(k, "")) for f in result.report.files
                                                  for k in ("filler", "reviewer", "unit_name", "unit_type")}
    names |= {str(x.found) for f in result.report.files for x in f.findings if x.found is not None}
    names |= {b.text for lay in template_layout(SPEC).values() for b in lay.boxes if b.text}
    common = load_common()
    names |= {SPEC.name, load_spec("v2019").name, common.identity_title, *(f.hint for f in common.fields if f.hint)}
    names |= official_texts()
    names |= {short_label(n) for n in list(names)}

    def chinese_left(text: str) -> list[str]:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, " ")
        return CJK.findall(text)

    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert wb.sheetnames[:4] == ["表二", "表三", "表四", "By unit"]
    left = {(ws.title, str(c.value)) for ws in wb.worksheets if ws.title != "_meta" for row in ws.iter_rows()
            for c in row if isinstance(c.value, str) and chinese_left(c.value)}
    assert not left, sorted(left)[:10]
    assert not chinese_left(wb["表三"].oddHeader.center.text or "")
