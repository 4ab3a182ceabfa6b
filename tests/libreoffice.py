"""LibreOffice (headless) for the tests that need a real office suite to recalculate.

``soffice_or_skip()`` skips the test with a clear reason when LibreOffice is missing,
except when ``CI`` is set (``.ci/run`` sets it), where the office tests must run and a
missing ``soffice`` fails. ``convert(files, to, outdir)`` runs one ``soffice --convert-to`` in a
throwaway profile that recalculates every formula on load (by default LibreOffice keeps
the cached values it finds: see shared/NOTES.md), and checks that every output exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
BATCH = 200  # one call with more files can stop silently (NOTES.md)


def soffice_or_skip() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("CI is set but LibreOffice (soffice) is not installed: run `make office` (apt libreoffice-calc-nogui)")
    pytest.skip("LibreOffice (soffice) is not installed; `make office` installs it (needs root)")


def convert(files: Sequence[Path], to: str, outdir: Path, *, timeout: float = 180) -> list[Path]:
    """Convert ``files`` with LibreOffice to ``to`` ("xlsx", "pdf") in ``outdir``, formulas
    recalculated; returns the output paths in the order of ``files``."""
    soffice = soffice_or_skip()
    outdir.mkdir(parents=True, exist_ok=True)
    outputs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(RECALC_ON_LOAD, encoding="utf-8")
        for start in range(0, len(files), BATCH):
            batch = list(files[start:start + BATCH])
            done = subprocess.run(
                [soffice, "--headless", "--norestore", "--nolockcheck",
                 f"-env:UserInstallation={Path(profile).as_uri()}",
                 "--convert-to", to, "--outdir", str(outdir), *map(str, batch)],
                capture_output=True, text=True, timeout=timeout, check=False,
            )
            for f in batch:
                out = outdir / f"{f.stem}.{to.split(':')[0]}"
                if not out.is_file():
                    raise AssertionError(f"LibreOffice did not write {out.name} (exit {done.returncode}):\n"
                                         f"{done.stdout}\n{done.stderr}")
                outputs.append(out)
    return outputs
