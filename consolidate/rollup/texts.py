"""The summary workbook's own words (sheet names, statuses, headings, notes).

These are the tool's text, not the official labels: every label of the three tables comes
from the spec (workbook_templates/), never from here.
"""

from __future__ import annotations

from typing import Literal

Fate = Literal["accepted", "invalid", "missing", "superseded", "unlisted", "unreadable"]

FATE_LABEL: dict[Fate, str] = {
    "accepted": "已报送且通过",
    "invalid": "有错误",
    "missing": "未报送",
    "superseded": "重复（被替代）",
    "unlisted": "名单外",
    "unreadable": "无法读取",
}
FATE_EN: dict[Fate, str] = {
    "accepted": "passed",
    "invalid": "has errors",
    "missing": "missing",
    "superseded": "superseded",
    "unlisted": "not on the roster",
    "unreadable": "unreadable",
}

SHEET_DETAIL = "分单位明细"
SHEET_STATUS = "报送情况"
SHEET_FINDINGS = "问题清单"
SHEET_YOY = "同比"
SHEET_CHARTS = "图表"
SHEET_NOTES = "说明"

TITLE_SUMMARY = "{name}{year}年度政府信息公开工作年度报告统计表（汇总）"
SUBTITLE_SUMMARY = "{format_name}（{notice}）；汇总 {units} 个单位的报表；金额单位：万元。"

# 分单位明细
DETAIL_COLS = ("序号", "单位名称", "单位代码", "单位类型", "报送情况", "汇总单位数")
DETAIL_TOTAL = "合计（计入汇总的单位）"
DETAIL_HEAD = ("表", "行", "列")
DETAIL_NOTE = "只列出计入汇总的报表的数字；有错误、未报送的单位数字为空。合计行等于“汇总”表。"

# 报送情况
STATUS_COLS = ("序号", "单位名称", "单位代码", "报送情况", "说明", "文件名", "SHA-256", "填报人", "联系电话",
               "填报日期", "错误数", "警告数")
STATUS_RATE = "报送率（已报送且通过的单位 / 名单单位数）"
STATUS_SUBMITTED = "已报送（含有错误）的单位 / 名单单位数"
STATUS_FILES = "其他文件（重复、名单外、无法读取、无法对应到单位的）"
UNNAMED_UNIT = "（未填单位名称）"

NOTE_SUPERSEDED = "被 {path} 替代（{why}）"
NOTE_DUPLICATE = "与 {path} 内容完全相同"
NOTE_WHY_DATE = "填报日期较新"
NOTE_WHY_MTIME = "填报日期相同或未填，文件修改时间较新"
NOTE_WHY_ORDER = "填报日期和文件时间相同，按输入顺序取后者"
NOTE_UNLISTED_COUNTED = "名单外，按 --include-unlisted 计入汇总"
NOTE_UNLISTED = "名单外，未计入汇总（如需计入请用 --include-unlisted）"
NOTE_ROLLUP = "汇总表（{units} 个单位）"
NOTE_NOT_SENT = "未收到报表"
NOTE_INVALID = "有错误，未计入汇总；请按“问题清单”退改"
NOTE_UNREADABLE = "文件无法读取，未计入汇总"
NOTE_NO_UNIT = "未填单位名称和单位代码，无法对应到单位，未计入汇总"

# 问题清单 (used only when the shared findings-sheet writer is absent)
FINDINGS_COLS = ("序号", "单位名称", "文件名", "级别", "规则", "工作表", "格子", "行", "列", "填写值", "应为", "说明")
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
TOTALS_SOURCE = "（汇总数）"

# 同比
YOY_TITLE = "{year}年与{previous}年对比"
YOY_DISTRICT = "一、全区（县）合计"
YOY_RULES = "二、跨年度核对（本年“上年结转”与上年“结转下年度”、现行有效件数的接续）"
YOY_UNITS = "四、分单位对比（本年或上年不为 0 的格子）"
YOY_COLS = ("单位名称", "单位代码", "表", "行", "列", "本年", "上年", "增减", "增减率")
YOY_RULE_COLS = ("单位名称", "单位代码", "规则", "格子", "说明", "本年", "应为")
YOY_FILE_COLS = ("单位名称", "单位代码", "报送情况", "文件名", "说明")
YOY_PREVIOUS_FILES = "三、上年文件"
YOY_SOURCE_ROLLUP = "上年全区数字取自上年的汇总表。"
YOY_COVERAGE_NOTE = ("本年计入汇总的单位（{this} 个）与上年（{last} 个）不完全相同，全区合计不做跨年度核对"
                     "（上年结转、现行有效件数），只对两年都计入的单位逐一核对。")
YOY_SOURCE_UNITS = "上年全区数字为上年各单位计入汇总的报表之和（{n} 份）。"
YOY_FORMAT_NOTE = "上年使用{previous_format}，本年使用{format}：只对比两种格式中含义相同的格子（{common} 个）。"
YOY_NO_RULES = "未发现跨年度不一致。"

# 图表
CHART_RECEIVED = "各单位本年新收申请数量"
CHART_RECEIVED_TOP = "各单位本年新收申请数量（前 {n} 名）"
CHART_OUTCOMES = "全区办理结果构成"
CHART_ROUND = "报送完成情况（名单单位）"
CHART_UNIT = "单位"
CHART_OUTCOME = "办理结果"
CHART_FATE = "报送情况"
CHART_COUNT = "件数"

# 说明
NOTES_TITLE = "说明"
NOTES_FACTS = (
    ("汇总时间", "ran_at"),
    ("工具版本", "tool_version"),
    ("报表格式", "format"),
    ("报告年度", "year"),
    ("汇总单位（本级）", "district"),
    ("名单单位数", "roster_units"),
    ("输入文件数", "files"),
    ("计入汇总的报表数", "counted"),
    ("计入汇总的基层单位数", "units"),
)
NOTES_CHECK_OK = "对汇总数重新核对了全部勾稽关系：全部通过。"
NOTES_CHECK_BAD = "对汇总数重新核对了全部勾稽关系：发现 {n} 个问题，见“问题清单”中“（汇总数）”的各行。"
NOTES_HOW: tuple[tuple[str, str], ...] = (
    ("汇总", "三张统计表按国家格式排列，数字为计入汇总的报表之和；金额单位为万元。"),
    (SHEET_DETAIL, "每个单位一行（按名单顺序），每个统计格子一列，表头三行依次为表、行、列；最后一行为合计，等于“汇总”表。可用筛选按钮筛选。"),
    (SHEET_STATUS, "名单中的每个单位和收到的每个文件各占一行，说明是否计入汇总以及原因；顶部为报送率。"),
    (SHEET_FINDINGS, "每个文件的每个问题（错误、警告、提示），可按单位或级别筛选；“（汇总数）”为对合计数的重新核对。"),
    (SHEET_YOY, "与上年的报表或汇总表对比（仅在提供上年文件时生成）。"),
    (SHEET_CHARTS, "各单位收到的申请数量、全区办理结果构成、报送完成情况。"),
    ("填报信息、_meta", "本工作簿本身可作为下一级（市、省）汇总的输入，隐藏的 _meta 表标明它是汇总表及汇总的单位数。"),
    ("计入规则", "每个单位只计一份报表（填报日期最新的，其次文件时间最新的）；有错误、无法读取、名单外的报表不计入。"),
)
