"""Which level of government a unit's name names: 县, 区, 市, 省 … (from the name alone).

A summary speaks of “全县”, a template says the grey cells were filled by the “县政务公开办”:
the level comes from the 汇总单位's (or the 上级单位's) own name, never assumed, so a county's
papers never say “区”. ``level_of("示例县人民政府") == "县"``, ``level_of("杭州市西湖区") == "区"``,
``level_of("示例市") == "市"``; a name that does not end in a level (“某某局”) gives "".
"""

from __future__ import annotations

from .i18n import N_, _

# What may follow the place name: the government, its office, the disclosure office (longest first).
SUFFIXES = (
    "人民政府办公室", "人民政府办公厅", "人民政府", "政府办公室", "政府办公厅", "政务公开领导小组办公室",
    "政务公开办公室", "政务公开办", "政务服务中心", "政府", "委员会", "管委会",
)
LEVELS = ("县", "区", "市", "省", "旗", "州", "盟")

WHOLE: dict[str, str] = {
    "县": N_("全县"), "区": N_("全区"), "市": N_("全市"), "省": N_("全省"), "旗": N_("全旗"),
    "州": N_("全州"), "盟": N_("全盟"), "": N_("全部单位"),
}
OFFICE: dict[str, str] = {
    "县": N_("县政务公开办"), "区": N_("区政务公开办"), "市": N_("市政务公开办"), "省": N_("省政务公开办"),
    "旗": N_("旗政务公开办"), "州": N_("州政务公开办"), "盟": N_("盟政务公开办"), "": N_("政务公开办"),
}


def level_of(name: str) -> str:
    """The level ``name`` names (one of :data:`LEVELS`), or "" when it names none."""
    text = "".join(name.split())
    changed = True
    while changed and text:
        changed = False
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text[-1] if text and text[-1] in LEVELS else ""


def whole(name: str) -> str:
    """“全县” for a county's name, “全区” for a district's …, “全部单位” when unknown (translated)."""
    return _(WHOLE[level_of(name)])


def office(name: str) -> str:
    """The disclosure office of ``name``'s level: “县政务公开办” …, “政务公开办” when unknown (translated)."""
    return _(OFFICE[level_of(name)])
