"""The summary workbook's own words (sheet names, statuses, headings, notes), as catalog ids.

These are the tool's text, not the official labels: every label of the three tables comes
from the spec (workbook_templates/), never from here. Each text is marked with ``N_`` (a
Chinese catalog id, see ``consolidate.i18n``) and translated with ``_`` where it is
written, so ``--lang en`` gives an English workbook.
"""

from __future__ import annotations

from typing import Literal

from ..i18n import N_
from . import rates

Fate = Literal["accepted", "invalid", "missing", "superseded", "unlisted", "unreadable"]

FATE_LABEL: dict[Fate, str] = {
    "accepted": N_("已报送且通过"),
    "invalid": N_("有错误"),
    "missing": N_("未报送"),
    "superseded": N_("重复（被替代）"),
    "unlisted": N_("名单外"),
    "unreadable": N_("无法读取"),
}
UNLISTED_COUNTED = N_("名单外（已计入）")
CONFIRMED_WITH_ERRORS = N_("已确认（带错误）")

SHEET_DETAIL = N_("分单位明细")
SHEET_STATUS = N_("报送情况")
SHEET_FINDINGS = N_("问题清单")
SHEET_YOY = N_("同比")
SHEET_CHARTS = N_("图表")
SHEET_NOTES = N_("说明")

TITLE_SUMMARY = N_("{name}{year}年度政府信息公开工作年度报告统计表（汇总）")

# 表二/表三/表四 of the summary: the line under each table's title, the coverage line, the signatures
UNIT_LINE = N_("汇总单位：{name}　　年度：{year}　　汇总 {units} 个单位的报表")
COVERAGE = N_("应报 {roster} 个单位，计入 {counted} 个，未报送 {missing} 个，有错误 {invalid} 个，截至 {at}。")
COVERAGE_NO_ROSTER = N_("未提供报送名单：收到 {units} 个单位的报表，计入 {counted} 个，有错误 {invalid} 个，截至 {at}。")
COVERAGE_UNREADABLE = N_("另有 {n} 个文件无法读取。")
COVERAGE_PARTIAL = N_("尚有单位未报送或报表有错误，本表不是最终汇总数。")
COVERAGE_FINAL = N_("名单中的单位均已报送且通过审核。")
AMOUNT_NOTE = N_("金额单位：万元。")
SIGNATURES = N_("单位（盖章）：")
SIGNATURE_LINE = N_("制表人：　　　　　　　　审核人：　　　　　　　　填报日期：{date}")
IDENTITY_SUMMARY_NOTE = N_("本工作簿是{name}{year}年度的汇总表，汇总 {units} 个单位的报表，不是单个单位的报表；"
                           "各项信息由汇总程序填写。")

# 分单位明细
DETAIL_COLS = (N_("序号"), N_("单位名称"), N_("单位代码"), N_("单位类型"), N_("报送情况"), N_("汇总单位数"))
DETAIL_TOTAL = N_("合计（计入汇总的单位）")
DETAIL_TITLE = N_("{sheet}（{name}{year}年度）")
DETAIL_NOTE = N_("只列出计入汇总的报表的数字；有错误、未报送的单位数字为空。合计行等于表二、表三、表四。")

# 报送情况
STATUS_COLS = (N_("序号"), N_("单位名称"), N_("报送情况"), N_("说明"), N_("文件名"), N_("填报人"), N_("联系电话"),
               N_("填报日期"), N_("错误数"), N_("警告数"), N_("单位代码"), N_("SHA-256"), N_("路径"))
STATUS_RATE = rates.SUBMISSION_RATE_MEANS
STATUS_PASSED = rates.PASS_RATE_MEANS
STATUS_NO_ROSTER = N_("（未提供报送名单）")
STATUS_UNITS = N_("名单单位：{parts}")
STATUS_UNITS_NO_ROSTER = N_("报送单位：{parts}")
STATUS_UNIT_PART = N_("{label} {n} 个单位")
STATUS_FILES = N_("收到文件 {n} 个：{parts}")
STATUS_FILE_PART = N_("{label} {n} 个")
UNNAMED_UNIT = N_("（未填单位名称）")

NOTE_SUPERSEDED = N_("被 {path} 替代（{why}）")
NOTE_DUPLICATE = N_("与 {path} 内容完全相同")
NOTE_WHY_DATE = N_("填报日期较新")
NOTE_WHY_MTIME = N_("填报日期相同或未填，文件修改时间较新")
NOTE_WHY_ORDER = N_("填报日期和文件时间相同，按输入顺序取后者")
NOTE_UNLISTED_COUNTED = N_("名单外，按 --include-unlisted 计入汇总")
NOTE_UNLISTED = N_("名单外，未计入汇总（如需计入请用 --include-unlisted）")
NOTE_NOT_SENT = N_("未收到报表")
NOTE_INVALID = N_("有错误，未计入汇总；请按“问题清单”退改")
NOTE_CONFIRMED_WITH_ERRORS = N_("有错误，公开办已确认并计入汇总：{reason}")
NOTE_UNREADABLE = N_("文件无法读取，未计入汇总")
NOTE_NO_UNIT = N_("未填单位名称和单位代码，无法对应到单位，未计入汇总")
NOTE_JOIN = N_("；")

# 问题清单
FINDINGS_HEADING = N_("共 {n} 个问题：错误 {error} 个，警告 {warning} 个，提示 {info} 个。"
                      "被替代的文件的问题也列在这里，供核对。")

# 同比
YOY: dict[str, str] = {
    "title": N_("{year}年与{previous}年对比"),
    "district": N_("一、{whole}合计"),
    "district_named": N_("一、{whole}合计（{name}）"),
    "rules": N_("二、跨年度核对（本年“上年结转”与上年“结转下年度”、现行有效件数的接续）"),
    "units": N_("四、分单位对比（本年或上年不为 0 的格子）"),
    "previous_files": N_("三、上年文件"),
    "source_rollup": N_("上年{whole}数字取自上年的汇总表。"),
    "coverage_note": N_("本年计入汇总的单位（{this} 个）与上年（{last} 个）不完全相同，{whole}合计不做跨年度核对"
                        "（上年结转、现行有效件数），只对两年都计入的单位逐一核对。"),
    "source_units": N_("上年{whole}数字为上年各单位计入汇总的报表之和（{n} 份）。"),
    "format_note": N_("上年使用{previous_format}，本年使用{format}：只对比两种格式中含义相同的格子（{common} 个）。"),
    "no_rules": N_("未发现跨年度不一致。"),
    "print_note": N_("打印只含“一”；跨年度核对的提示另见“问题清单”。"),
}
YOY_COLS = (N_("单位名称"), N_("单位代码"), N_("表"), N_("行"), N_("列"), N_("本年"), N_("上年"), N_("增减"),
            N_("增减率"))
YOY_RULE_COLS = (N_("单位名称"), N_("单位代码"), N_("规则"), N_("格子"), N_("说明"), N_("本年"), N_("应为"))
YOY_FILE_COLS = (N_("单位名称"), N_("单位代码"), N_("报送情况"), N_("文件名"), N_("说明"))

# 图表
CHART: dict[str, str] = {
    "received": N_("各单位本年新收申请数量"),
    "received_top": N_("各单位本年新收申请数量（前 {n} 名）"),
    "outcomes": N_("{whole}办理结果构成"),
    "round": N_("报送完成情况（名单单位）"),
    "unit": N_("单位"),
    "outcome": N_("办理结果"),
    "fate": N_("报送情况"),
    "count": N_("件数"),
    "none": N_("全部为 0，不画图。"),
    "share": N_("{n}（{share}）"),
    "title": N_("{sheet}（{name}{year}年度）"),
}

# 说明
NOTES_TITLE = N_("说明")
NOTES_FACTS = (
    (N_("汇总时间"), "ran_at"),
    (N_("工具版本"), "tool_version"),
    (N_("报表格式"), "format"),
    (N_("报告年度"), "year"),
    (N_("汇总单位（本级）"), "district"),
    (N_("名单单位数"), "roster_units"),
    (N_("输入文件数"), "files"),
    (N_("计入汇总的报表数"), "counted"),
    (N_("计入汇总的基层单位数"), "units"),
)
NOTES_NOT_GIVEN = N_("（未指定）")
NOTES_FORMAT = N_("{name}（{notice}）")
NOTES_ROSTER = N_("{n}（{source}）")
NOTES_NO_ROSTER = N_("（未提供名单）")
NOTES_UNITS = N_("各单位报送情况")
NOTES_FILES = N_("各文件处理情况")
NOTES_CHECK_OK = N_("对汇总数重新核对了全部勾稽关系：全部通过。")
NOTES_CHECK_BAD = N_("对汇总数重新核对了全部勾稽关系：发现 {n} 个问题，见“问题清单”中“（汇总数）”的各行。")
NOTES_HOW_HEADING = N_("如何阅读本工作簿")
NOTES_TABLES = N_("表二、表三、表四")
NOTES_META = N_("填报信息、_meta")
NOTES_RULE = N_("计入规则")
NOTES_HOW: tuple[tuple[str, str], ...] = (
    (NOTES_TABLES, N_("三张统计表按国家格式排列（与各单位的模板相同），数字为计入汇总的报表之和；金额单位为万元。"
                      "每张表下方写明报送情况（应报、计入、未报送、有错误的单位数和截至时间）及签章栏，各自打印为一页 A4。")),
    (SHEET_DETAIL, N_("每个单位一行（按名单顺序），每个统计格子一列，表头三行依次为表、行、列；最后一行为合计，等于三张统计表。"
                      "可用筛选按钮筛选；打印时按表分页，每页重复表头和单位名称。")),
    (SHEET_STATUS, N_("名单中的每个单位和收到的每个文件各占一行，说明是否计入汇总以及原因；顶部为报送率。")),
    (SHEET_FINDINGS, N_("每个文件的每个问题（错误、警告、提示），可按单位或级别筛选；“（汇总数）”为对合计数的重新核对。")),
    (SHEET_YOY, N_("与上年的报表或汇总表对比（仅在提供上年文件时生成）。")),
    (SHEET_CHARTS, N_("各单位收到的申请数量、办理结果构成、报送完成情况。")),
    (NOTES_META, N_("本工作簿本身可作为上一级汇总的输入，隐藏的 _meta 表标明它是汇总表及汇总的单位数。")),
    (NOTES_RULE, N_("每个单位只计一份报表（填报日期最新的，其次文件时间最新的）；有错误、无法读取、名单外的报表不计入。")),
)
