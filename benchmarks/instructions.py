"""Instructions per file read, this checkout against another tree: a figure the machine's noise cannot move.

    .venv/bin/python -m benchmarks.instructions --other /tmp/main-tree --files 300

This VM's wall and CPU times drift by a third from minute to minute (benchmarks/README.md),
so a 10% budget cannot be checked with them alone. Here each tree reads the same files of the
benchmark's round (``--size``) under valgrind's callgrind, twice: once reading only a warm-up
(the first 20 files and the round's first unreadable one, so that the spec is loaded and the lazy
imports are done), once reading ``--files`` more after it. The difference over ``--files`` is the
instructions one ``read_submission`` costs, steady state; the ratio of the two trees is printed.
It needs ``valgrind`` (Debian's package); each tree takes about a minute for 300 files.

``--other`` is a copy of another version's tree (``git archive REV | tar -x -C DIR``), run with
this checkout's virtualenv and its own ``consolidate`` first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import data

ROOT = Path(__file__).resolve().parent.parent

READ = """
import sys
from pathlib import Path
from consolidate.read import reader
paths = sorted(Path(sys.argv[1]).iterdir())
warm = paths[:20] + [paths[int(sys.argv[3])]]
for p in warm:
    reader.read_submission(p)
for p in paths[20:20 + int(sys.argv[2])]:
    reader.read_submission(p)
"""


def _instructions(tree: Path, folder: Path, files: int, unreadable: int) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "PYTHONPATH": str(tree)}
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                               "-c", READ, str(folder), str(files), str(unreadable)],
                              cwd=tree, env=env, capture_output=True, text=True, check=False)
        found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
        if done.returncode != 0 or found is None:
            raise RuntimeError(f"{tree}: valgrind failed:\n{done.stderr[-2000:]}")
        return int(found.group(1).replace(",", ""))


def _first_unreadable(folder: Path) -> int:
    """The position of the round's first file that is not a workbook (a .docx or a PDF renamed)."""
    for i, path in enumerate(sorted(folder.iterdir())):
        head = path.read_bytes()[:4096]
        if head.startswith(b"%PDF") or b"word/" in head:
            return i
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("--other", type=Path, required=True, help="another version's tree")
    parser.add_argument("--size", type=int, default=1000, help="the benchmark round to read from")
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    folder = data.round_of(args.size).folder
    unreadable = _first_unreadable(folder)
    per_file: dict[str, float] = {}
    for name, tree in (("this", ROOT), ("other", args.other.resolve())):
        warm = _instructions(tree, folder, 0, unreadable)
        read = _instructions(tree, folder, args.files, unreadable)
        per_file[name] = (read - warm) / args.files
        print(f"  {name:<5} {per_file[name] / 1e6:6.2f} M instructions a file  ({tree})")
    print(f"{args.files} files, steady state: this/other {per_file['this'] / per_file['other']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
