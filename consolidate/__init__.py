"""consolidate: collect, check and total the statistical tables of the annual
government-information-disclosure report (政府信息公开工作年度报告).

The library never prints and never exits; the CLI (``consolidate.cli``) does both.
Heavy imports (pandas, pandera) live in the modules that need them, not here.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
