"""The template's own wording (not official labels: those come from the spec only), as catalog ids.

Input and error messages of the data validation, the check area, the unit line under a
table's title and the 填报说明 headings. Excel limits an input or error title to 32
characters and a message to 255.
"""

from __future__ import annotations

from ..i18n import N_
from ..spec.model import CellKind, Severity

# data validation: (input hint, error message) per cell kind
INPUT_HINT: dict[CellKind, str] = {
    "count": N_("请填写不小于 0 的整数；没有发生的事项填 0，不要留空。"),
    "signed": N_("请填写整数：增加填正数，减少填负数（例如 -3），没有变化填 0。"),
    "amount": N_("请按万元填写不小于 0 的金额，可以有小数（例如 28112200 元填 2811.22）。"),
}
ERROR_TITLE = N_("填写有误")
ERROR_MESSAGE: dict[CellKind, str] = {
    "count": N_("这里只能填写不小于 0 的整数。没有发生的事项请填 0。"),
    "signed": N_("这里只能填写整数（可以为负数）。没有变化请填 0。"),
    "amount": N_("这里只能填写不小于 0 的数（单位：万元，可以有小数）。"),
}
INPUT_TITLE_DEFAULT = N_("填写说明")

# the line under each table's title
UNIT_PREFIX, YEAR_PREFIX = N_("填报单位："), N_("　　　年度：")
UNIT_BLANK = N_("（请在“填报信息”表中填写）")

# the live check area beside a table
CHECK_HEADING = N_("自动检查")
CHECK_COLUMNS = (N_("检查项"), N_("结果"), N_("差额"))
PASSED, FAILED = N_("通过"), N_("不通过")
CHECK_NOTE = N_("结果随填写即时更新；全部“通过”后再报送。差额为等式左边减右边，为 0 时不显示。")
TYPES_LINE = N_("各格均为数字，且{what}")
TYPES_WHAT_COUNT = N_("数量为不小于 0 的整数")
TYPES_WHAT_AMOUNT = N_("金额不小于 0")
ALL_ROWS = N_("各行")
ALL_COLUMNS = N_("各列")

# 填报信息
IDENTITY_NOTE = N_("浅黄色格子请填写；灰色格子已由{office}预先填好，不能修改。")  # office: level.office(上级单位)
USCC_OK = N_("统一社会信用代码校验通过")
USCC_BAD_CHAR = N_("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V），请核对")
USCC_BAD_CHECK = N_("统一社会信用代码最后一位校验码不对，请核对")

# 填报说明
DEADLINE_HEADING = N_("报送时限")
SEVERITY_LABEL: dict[Severity, str] = {
    "error": N_("错误，必须改正"),
    "warning": N_("提示，请核对"),
    "info": N_("说明"),
}
UNIT_SCOPE = N_("本模板专供 {unit}（单位代码 {code}）填报。")
LINE_NUMBER = "{n}. {text}"
RULE_LINE = N_("· {title}（{severity}）")

# file names of the templates
FILE_STEM = N_("{year}年度政府信息公开统计表")
BLANK_NAME = N_("空白模板")

# every printed sheet's footer (Excel's header/footer codes: &P this page, &N the page count)
PAGE_FOOTER = N_("第 &P 页 共 &N 页")
