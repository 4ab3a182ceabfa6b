"""Who a published report is from, and for which year: from its title, else its own words.

Titles seen: ``2023年XX局政府信息公开工作年度报告``, ``XX镇人民政府 2020年政府信息公开工作年度报告``,
``2020年XX镇人民政府`` / ``信息公开年度报告`` on two lines, ``XX局2022年度政府信息公开工作报告``.
A report without such a title names its period (``统计期限为 2020 年 1 月 1 日至 …``) and its
unit in its text (``XX县XX镇人民政府信息公开网``).
"""

from __future__ import annotations

import re
import unicodedata

_TITLE = re.compile(
    r"^(?:关于)?(?P<before>.*?)(?P<year>(?:19|20)\d{2})\s*年\s*(?:度)?\s*(?:的)?(?P<after>.*?)"
    r"(?<!人民)(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?(?:报告|年报)")
_PERIOD = re.compile(r"(?:19|20)\d{2}(?=\s*年\s*1\s*月\s*1\s*日)")
_UNIT = re.compile(r"[\u4e00-\u9fff]{2,24}?(?:人民政府|街道办事处|办事处|管理委员会|委员会|局|办公室)")
_GOVERNMENT = re.compile(r"[\u4e00-\u9fff]{2,24}?(?:人民政府|街道办事处)")
_LEAD = re.compile(r"通过|根据|按照|关于|本年度|我镇|我局|我区|我县|我街|我办|我委|现将|现公布|公布|特编制|编制")
_PLACE = re.compile(r"[省市县区州旗]")
_REPORT = ("年度报告", "工作报告", "年报")
_NOT_UNIT = ("中华人民共和国", "国务院", "国办")


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def from_title(lines: list[str]) -> tuple[str, int | None]:
    """(unit name, year) from the report's title (its first lines), ("", None) when none fits."""
    head = [_fold(line) for line in lines[:12] if line.strip()]
    for i, line in enumerate(head):
        for title in (line, "".join(head[max(0, i - 1):i + 1])):  # a title broken over two lines
            if not any(word in title for word in _REPORT) or len(title) > 80:
                continue
            m = _TITLE.search(title)
            if m is None:
                continue
            unit = (m.group("before") or m.group("after")).strip("《》“”\"·-—_ ").removesuffix("关于")
            unit = _LEAD.split(re.split(r"[,，。:：;；《》、]", unit)[-1])[-1]  # "…规定,现公布XX局": the name
            if unit.startswith(_NOT_UNIT):
                unit = ""
            return unit, int(m.group("year"))
    return "", None


def from_text(lines: list[str]) -> tuple[str, int | None]:
    """(unit name, year) from the report's own words, when its title does not say."""
    text = "\n".join(lines)
    folded = _fold(text)
    year = None
    period = _PERIOD.search(folded)
    if period is not None:
        year = int(period.group(0))
    unquoted = re.sub(r"《[^》]{0,80}》", "，", folded)  # the titles of documents cited
    for pattern in (_GOVERNMENT, _UNIT):
        names = [_LEAD.split(m.group(0))[-1] for m in pattern.finditer(unquoted)]  # "…通过XX镇人民政府": after the word
        names = [n for n in names if len(n) >= 4 and not n.startswith(_NOT_UNIT)]
        if names:  # a name with its county or city (霍邱县花园镇人民政府) before a bare one (an address)
            return next((n for n in names if _PLACE.search(n[:-4])), names[0]), year
    return "", year


def unit_and_year(lines: list[str]) -> tuple[str, int | None]:
    unit, year = from_title(lines)
    if unit and year:
        return unit, year
    t_unit, t_year = from_text(lines)
    return unit or t_unit, year or t_year
