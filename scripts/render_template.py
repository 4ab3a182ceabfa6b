"""Render templates to PDF and PNG with LibreOffice and pdftoppm, to look at them as a clerk would.

    .venv/bin/python scripts/render_template.py [OUT_DIR] [--dpi 80]

Writes, for each format, a template for a sample unit filled with a balanced fill
(``*-filled``) and the blank one (``*-blank``), their PDFs and one PNG per page; and
``v2021-wrong-screen``: a fill that breaks 表三's balance in one column, printed with
the check area (the print area of a template is the table alone), to see 不通过 in red.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import openpyxl
from libreoffice import convert
from template_helpers import balanced_inputs

from consolidate.roster import Unit
from consolidate.spec import load_spec
from consolidate.template import build_workbook
from consolidate.uscc import make_uscc

YEARS = {"v2021": 2025, "v2019": 2020}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="out/render", type=Path)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    unit = Unit(make_uscc("11340000MB0000001"), "示例县花园镇人民政府", "乡镇", "示例县")
    with tempfile.TemporaryDirectory() as tmp:
        books = []
        for fmt, year in YEARS.items():
            spec = load_spec(fmt)
            for name, data in ((f"{fmt}-filled", build_workbook(spec, year, unit, values=balanced_inputs(spec, 1))),
                               (f"{fmt}-blank", build_workbook(spec, year))):
                path = Path(tmp) / f"{name}.xlsx"
                path.write_bytes(data)
                shutil.copy(path, out / path.name)
                books.append(path)
        spec = load_spec("v2021")
        wrong = balanced_inputs(spec, 2)
        wrong["t3.carry_over.natural"] += 1
        wb = openpyxl.load_workbook(io.BytesIO(build_workbook(spec, 2025, unit, values=wrong)))
        for ws in wb.worksheets:
            if ws.print_area:
                ws.print_area = ws.dimensions
        path = Path(tmp) / "v2021-wrong-screen.xlsx"
        wb.save(path)
        books.append(path)
        pdfs = convert(books, "pdf", out)
    for pdf in pdfs:
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf), str(out / pdf.stem)], check=True)
    print("\n".join(sorted(str(p) for p in out.glob("*.png"))))


if __name__ == "__main__":
    main()
