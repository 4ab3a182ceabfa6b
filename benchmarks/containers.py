"""Per-file reading time of each container: .xlsx, .xls, .ods (LibreOffice-made) and a zip member.

Run on demand: ``.venv/bin/python -m benchmarks.containers [--files N]``. Builds one
template-made submission, converts it with LibreOffice to .xls and .ods, puts N copies of
the .xlsx in a zip, and prints the median milliseconds to read one file of each kind
through ``read_submission`` (the reader's whole path: sniff, open, locate, parse).
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from factories import submission

from consolidate.read import read_submission
from consolidate.validate import expand_paths


def _median_ms(paths: list[Path], rounds: int) -> float:
    read_submission(paths[0])  # warm: the spec and the libraries loaded once, as in a run
    times = []
    for _ in range(rounds):
        for p in paths:
            start = time.perf_counter()
            result = read_submission(p)
            times.append((time.perf_counter() - start) * 1000)
            assert result.values, (p, [f.code for f in result.findings])
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20, help="zip members (default 20)")
    parser.add_argument("--rounds", type=int, default=20, help="reads of each file (default 20)")
    args = parser.parse_args(argv)
    soffice = shutil.which("soffice")
    if soffice is None:
        print("LibreOffice (soffice) is needed to make the .xls and .ods: `make office`")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "unit.xlsx"
        source.write_bytes(submission())
        for to in ("xls", "ods"):
            subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'p').as_uri()}",
                            "--convert-to", to, "--outdir", str(folder), str(source)], check=True, capture_output=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for i in range(args.files):
                zf.writestr(f"单位{i}.xlsx", source.read_bytes())
        (folder / "bundle.zip").write_bytes(buf.getvalue())
        members = expand_paths([folder / "bundle.zip"])
        print(f"{'container':<12} {'ms per file (median)':>22}")
        for name, paths in (("xlsx", [source]), ("xls", [folder / "unit.xls"]), ("ods", [folder / "unit.ods"]),
                            ("zip member", members)):
            print(f"{name:<12} {_median_ms(paths, args.rounds):>22.2f}")
        start = time.perf_counter()
        expand_paths([folder / "bundle.zip"])
        print(f"listing the zip of {args.files} members: {(time.perf_counter() - start) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
