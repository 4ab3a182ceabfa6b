"""Fixtures shared by several test modules (add yours below, one section per owner)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

# Built specs are cached (consolidate/spec/load.py); the tests keep theirs apart from the user's.
os.environ.setdefault("CONSOLIDATE_CACHE", tempfile.mkdtemp(prefix="consolidate-cache-"))

from consolidate.uscc import make_uscc

# --- rosters (test_roster, test_template, test_template_cli) ---------------------------

ROSTER_HEADER = ("单位代码", "单位名称", "单位类型", "上级单位")


def roster_rows(n: int = 3) -> list[tuple[str, ...]]:
    """``n`` roster rows (no header) with valid 统一社会信用代码."""
    kinds = ("乡镇", "街道", "部门")
    return [(make_uscc(f"1134000000{i:07d}"), f"示例县第{i + 1}单位", kinds[i % 3], "示例县") for i in range(n)]


RosterWriter = Callable[..., Path]


@pytest.fixture
def write_roster(tmp_path: Path) -> RosterWriter:
    """``write_roster(rows, header=..., name="roster.csv", encoding="utf-8")`` -> path.
    A name ending in .xlsx writes a workbook (first sheet), else a CSV in ``encoding``."""

    def write(rows: Sequence[Sequence[object]] | None = None, *, header: Sequence[str] | None = ROSTER_HEADER,
              name: str = "roster.csv", encoding: str = "utf-8") -> Path:
        body = [list(r) for r in (roster_rows() if rows is None else rows)]
        table = ([list(header)] if header is not None else []) + body
        path = tmp_path / name
        if name.endswith(".xlsx"):
            import xlsxwriter

            wb = xlsxwriter.Workbook(str(path))
            ws = wb.add_worksheet("名单")
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    ws.write(r, c, value)
            wb.close()
        else:
            text = "".join(",".join(str(v) for v in row) + "\r\n" for row in table)
            path.write_bytes(text.encode(encoding))
        return path

    return write


# --- web (test_web_*: Django on a temporary data folder, one per session) -------------

@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    import threading

    from web_support import start_django

    folder = tmp_path_factory.mktemp("web-data")
    start_django(folder)
    from consolidate.web.workers import run

    stop = threading.Event()  # the check workers, in threads of this process (settings overridable)
    thread = threading.Thread(target=run, args=(2, stop), daemon=True)
    thread.start()
    yield folder
    stop.set()
    thread.join(30)
    from consolidate.web.runner import close_shared

    close_shared()
