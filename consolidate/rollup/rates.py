"""报送率 and 通过率: one definition, used by the roll-up's 报送情况 sheet, the command line and
the web board alike.

报送率 = units of the roster with a counted submission (one that could be read and speaks for
the unit, with or without errors) ÷ units on the roster; 通过率 = units whose counted
submission passed the check ÷ units on the roster. Both are None without a roster.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_

SUBMISSION_RATE = N_("报送率")
PASS_RATE = N_("通过率")
SUBMISSION_RATE_MEANS = N_("报送率（有计入版本的单位 / 名单单位数）")
PASS_RATE_MEANS = N_("通过率（报表通过审核的单位 / 名单单位数）")


@dataclass(frozen=True)
class Rates:
    roster: int | None  # units on the roster (None: no roster)
    reported: int  # roster units with a counted submission
    passed: int  # of those, the ones whose submission passed

    @property
    def submission_rate(self) -> float | None:
        return self.reported / self.roster if self.roster else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.roster if self.roster else None

    def to_dict(self) -> dict[str, float | int | None]:
        return {"roster": self.roster, "reported": self.reported, "passed": self.passed,
                "submission_rate": _rounded(self.submission_rate), "pass_rate": _rounded(self.pass_rate)}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
