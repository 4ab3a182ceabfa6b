"""统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character."""

from __future__ import annotations

from .i18n import N_, Msg

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def looks_like_uscc(code: str) -> bool:
    """An 18-character code is taken to be a 统一社会信用代码 (a local unit code is shorter)."""
    return len(code.strip()) == 18


def uscc_problem(code: str) -> Msg | None:
    """None when ``code`` is a valid 统一社会信用代码, else what is wrong."""
    code = code.strip().upper()
    if len(code) != 18:
        return Msg(N_("有 {n} 位，应为 18 位"), {"n": len(code)})
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        return Msg(N_("含有不允许的字符“{chars}”（不使用 I、O、Z、S、V）"), {"chars": "".join(bad)})
    expected = check_char(code[:17])
    if code[17] != expected:
        return Msg(N_("最后一位校验码应为 {expected}，不是 {found}"), {"expected": expected, "found": code[17]})
    return None


def make_uscc(first17: str) -> str:
    """Complete a 17-character stem with its check character (for samples and tests)."""
    return first17 + check_char(first17)
