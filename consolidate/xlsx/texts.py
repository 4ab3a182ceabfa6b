"""The template's own wording (not official labels: those come from the spec only).

Input and error messages of the data validation, the check area, the unit line under a
table's title and the 填报说明 headings. Excel limits an input or error title to 32
characters and a message to 255.
"""

from __future__ import annotations

from ..spec.model import CellKind, Severity

# data validation: (input hint, error message) per cell kind
INPUT_HINT: dict[CellKind, str] = {
    "count": "请填写不小于 0 的整数；没有发生的事项填 0，不要留空。",
    "signed": "请填写整数：增加填正数，减少填负数（例如 -3），没有变化填 0。",
    "amount": "请按万元填写不小于 0 的金额，可以有小数（例如 28112200 元填 2811.22）。",
}
ERROR_TITLE = "填写有误"
ERROR_MESSAGE: dict[CellKind, str] = {
    "count": "这里只能填写不小于 0 的整数。没有发生的事项请填 0。",
    "signed": "这里只能填写整数（可以为负数）。没有变化请填 0。",
    "amount": "这里只能填写不小于 0 的数（单位：万元，可以有小数）。",
}
INPUT_TITLE_DEFAULT = "填写说明"

# the line under each table's title
UNIT_PREFIX, YEAR_PREFIX = "填报单位：", "　　　年度："
UNIT_BLANK = "（请在“填报信息”表中填写）"

# the live check area beside a table
CHECK_HEADING = "自动检查"
CHECK_COLUMNS = ("检查项", "结果", "差额")
PASSED, FAILED = "通过", "不通过"
CHECK_NOTE = "结果随填写即时更新；全部“通过”后再报送。差额为等式左边减右边，为 0 时不显示。"
TYPES_LINE = "各格均为数字，且{what}"
TYPES_WHAT_COUNT = "数量为不小于 0 的整数"
TYPES_WHAT_AMOUNT = "金额不小于 0"
ALL_ROWS = "各行"
ALL_COLUMNS = "各列"

# 填报信息
IDENTITY_NOTE = "浅黄色格子请填写；灰色格子已由{office}预先填好，不能修改。"  # office: level.office(上级单位)
USCC_OK = "统一社会信用代码校验通过"
USCC_BAD_CHAR = "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V），请核对"
USCC_BAD_CHECK = "统一社会信用代码最后一位校验码不对，请核对"

# 填报说明
DEADLINE_HEADING = "报送时限"
SEVERITY_LABEL: dict[Severity, str] = {
    "error": "错误，必须改正",
    "warning": "提示，请核对",
    "info": "说明",
}
UNIT_SCOPE = "本模板专供 {unit}（单位代码 {code}）填报。"
LINE_NUMBER = "{n}. {text}"
RULE_LINE = "· {title}（{severity}）"

# file names of the templates
FILE_STEM = "{year}年度政府信息公开统计表"
BLANK_NAME = "空白模板"
