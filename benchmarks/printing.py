"""How the outputs print: pages and smallest printed font per sheet (issue 11, item 2).

Not part of the test suite. Each workbook is printed through LibreOffice (``soffice
--convert-to pdf``) once per visible sheet (a copy of the workbook with every other sheet
hidden, since LibreOffice prints only visible sheets), and pdfplumber reads the PDF: the
number of pages and the smallest character size on them (the printed size after the
sheet's scaling, in points).

    .venv/bin/python -m benchmarks.printing out/demo/汇总表.xlsx out/demo/审核报告.xlsx ...
    .venv/bin/python -m benchmarks.printing --demo out/demo     # every kind of output of a round

Needs LibreOffice and pdfplumber (``pip install pdfplumber``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

_SHEET = re.compile(rb"<sheet [^>]*?/>")
_NAME = re.compile(rb' name="([^"]*)"')


@dataclass(frozen=True)
class Printed:
    workbook: str
    sheet: str
    pages: int
    smallest: float | None  # points; None when nothing printed


def visible_sheets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml")
    names = []
    for tag in _SHEET.findall(xml):
        if b'state="hidden"' in tag or b'state="veryHidden"' in tag:
            continue
        found = _NAME.search(tag)
        if found:
            names.append(found.group(1).decode("utf-8"))
    return names


def only_sheet(path: Path, sheet: str, target: Path) -> None:
    """A copy of ``path`` in which every sheet but ``sheet`` is hidden (and ``sheet`` is active)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts["xl/workbook.xml"]
    tags = _SHEET.findall(xml)
    index = 0
    for i, tag in enumerate(tags):
        found = _NAME.search(tag)
        name = found.group(1).decode("utf-8") if found else ""
        new = re.sub(rb' state="[^"]*"', b"", tag)
        if name == sheet:
            index = i
        else:
            new = new.replace(b"<sheet ", b'<sheet state="hidden" ', 1)
        xml = xml.replace(tag, new, 1)
    # LibreOffice prints a hidden sheet that has a print area: keep only the shown sheet's
    xml = re.sub(rb'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)">[^<]*</definedName>',
                 lambda m: m.group(0) if int(m.group(1)) == index else b"", xml)
    xml = re.sub(rb' (activeTab|firstSheet)="\d+"', b"", xml)
    xml = xml.replace(b"<workbookView ", f'<workbookView activeTab="{index}" firstSheet="{index}" '.encode(), 1)
    parts["xl/workbook.xml"] = xml
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def to_pdf(files: list[Path], outdir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is not installed: make office")
    with tempfile.TemporaryDirectory(prefix="lo-print-") as profile:
        subprocess.run([soffice, "--headless", "--norestore", "--nolockcheck",
                        f"-env:UserInstallation={Path(profile).as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
                       capture_output=True, check=False, timeout=600)


def pdf_facts(pdf: Path) -> tuple[int, float | None]:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        sizes = [min(c["size"] for c in page.chars) for page in doc.pages if page.chars]
        return len(doc.pages), (round(min(sizes), 1) if sizes else None)


def measure(workbooks: list[Path], keep: Path | None = None) -> list[Printed]:
    """Pages and smallest font of every visible sheet; ``keep``: a folder for the PDFs."""
    out: list[Printed] = []
    with tempfile.TemporaryDirectory(prefix="print-") as tmp:
        work = Path(tmp)
        copies: list[tuple[Path, str, Path]] = []
        for n, wb in enumerate(workbooks):
            for m, sheet in enumerate(visible_sheets(wb)):
                copy = work / f"w{n}s{m}.xlsx"
                only_sheet(wb, sheet, copy)
                copies.append((wb, sheet, copy))
        to_pdf([c for _, _, c in copies], work)
        for wb, sheet, copy in copies:
            pdf = copy.with_suffix(".pdf")
            pages, smallest = pdf_facts(pdf) if pdf.is_file() else (0, None)
            out.append(Printed(wb.name, sheet, pages, smallest))
            if keep is not None and pdf.is_file():
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(pdf, keep / f"{wb.stem}-{sheet}.pdf")
    return out


def demo_outputs(folder: Path) -> list[Path]:
    """A round's printable outputs: the summary, the report, one annotated copy, one template."""
    picked = [folder / "汇总表.xlsx", folder / "审核报告.xlsx"]
    for sub in ("退改文件", "模板"):
        found = sorted((folder / sub).glob("*.xlsx"))
        if found:
            picked.append(found[0])
    return [p for p in picked if p.is_file()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbooks", nargs="*", type=Path)
    parser.add_argument("--demo", type=Path, help="a round's output folder (make demo: out/demo)")
    parser.add_argument("--keep", type=Path, help="keep each sheet's PDF in this folder")
    args = parser.parse_args(argv)
    books = list(args.workbooks) + (demo_outputs(args.demo) if args.demo else [])
    if not books:
        parser.error("no workbook given")
    rows = measure(books, args.keep)
    print("| workbook | sheet | pages | smallest pt |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r.workbook} | {r.sheet} | {r.pages} | {r.smallest if r.smallest is not None else '-'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
