"""Per-file reading time of a published report in each container (issue 10): .txt, .html,
.docx, .pdf. Run on demand, prints figures; not part of the tests.

    .venv/bin/python -m benchmarks.documents [--runs 15]

The five 2020 reports are read as text from samples/2020-seeds-text/, and built as a CMS
page, a Word document and a PDF (LibreOffice Writer, from the Word file) by the tests'
factory (tests/documents_factory.py), from samples/2020-seeds.yaml. The six real published
reports of tests/corpus/ listed in tests/fixtures/published/truth.yaml (five pages, one WPS PDF) are timed too, and that PDF
again as if it drew no ruling lines (``pdf (no ruling)``: the word-position reading of
``read/documents/pdf_text.py``). Each file is read ``--runs`` times with ``read_submission``
in this process (spec cached, warm); the median per file is reported, with the file sizes. A
workbook of ours is timed the same way for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from documents_factory import cms_html, report_tables, seed_values, word  # noqa: E402

from consolidate.read import read_submission  # noqa: E402


def build(folder: Path) -> dict[str, list[Path]]:
    seeds = yaml.safe_load((ROOT / "samples" / "2020-seeds.yaml").read_text(encoding="utf-8"))["seeds"]
    files: dict[str, list[Path]] = {"txt": sorted((ROOT / "samples" / "2020-seeds-text").glob("*.txt")),
                                    "html": [], "docx": [], "pdf": [],
                                    "xlsx (ours)": sorted((ROOT / "samples" / "2020-seeds").glob("*.xlsx"))}
    for seed in seeds:
        stem = seed["source"][:3]
        title = f"{seed['unit_name']}2020年政府信息公开工作年度报告"
        tables = report_tables("v2019", seed_values(seed))
        page = folder / f"{stem}.html"
        page.write_bytes(cms_html(title, tables))
        files["html"].append(page)
        files["docx"].append(word(title, tables, folder / f"{stem}.docx"))
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/lo",
                    "--convert-to", "pdf", "--outdir", str(folder), *map(str, files["docx"])],
                   check=True, capture_output=True, timeout=300)
    files["pdf"] = [folder / f"{p.stem}.pdf" for p in files["docx"]]
    six = yaml.safe_load((ROOT / "tests" / "fixtures" / "published" / "truth.yaml").read_text(encoding="utf-8"))
    published = [ROOT / "tests" / "corpus" / str(t["file"]) for t in six.values()]
    files["html (real)"] = sorted(p for p in published if p.suffix == ".html")
    files["pdf (real)"] = sorted(p for p in published if p.suffix == ".pdf")
    files["pdf (no ruling)"] = files["pdf (real)"]
    return files


def _no_ruling() -> contextlib.AbstractContextManager[object]:
    """pdfplumber finding no ruled table on any page, as in a PDF whose tables draw no lines."""
    from unittest import mock

    import pdfplumber.page

    return mock.patch.object(pdfplumber.page.Page, "find_tables", lambda self, *a, **k: [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as tmp:
        files = build(Path(tmp))
        for path in files["txt"][:1]:
            read_submission(path)  # load and cache the specs before timing
        print(f"{'container':<12} {'files':>5} {'KB/file':>8} {'ms/file (median)':>17} {'min':>7} {'max':>7}  status")
        for container, paths in files.items():
            per_file: list[float] = []
            statuses = []
            for path in paths:
                times = []
                with _no_ruling() if container == "pdf (no ruling)" else contextlib.nullcontext():
                    for _ in range(args.runs):
                        start = time.perf_counter()
                        result = read_submission(path)
                        times.append((time.perf_counter() - start) * 1000)
                per_file.append(statistics.median(times))
                statuses.append(result.status)
            size = statistics.mean(p.stat().st_size for p in paths) / 1024
            print(f"{container:<12} {len(paths):>5} {size:>8.1f} {statistics.median(per_file):>17.1f} "
                  f"{min(per_file):>7.1f} {max(per_file):>7.1f}  {','.join(statuses)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
