"""Reading many files (issue 6): over processes, the same results in the same order as one
by one, on a mixed batch (valid, invalid, unreadable, foreign).

Also covers the sheet scan that finds formulas and bounds a sheet: its fast path (``r``
first in every cell) and its slow path (``r`` elsewhere, missing, or prefixed elements)
agree.
"""

from __future__ import annotations

import math
from pathlib import Path

from factories import ole2, parts_of, sheet_part, submission, zip_bomb

from consolidate.read import read_many, read_submission
from consolidate.read.sheets import SheetScan, _scan_slowly, scan_sheet


def _comparable(result: object) -> tuple[object, ...]:
    r = result  # FileResult
    values = None if r.values is None else {k: ("nan" if math.isnan(v) else v) for k, v in r.values.items()}  # type: ignore[attr-defined]
    return (r.path, r.sha256, r.status, r.format, r.kind, r.units, r.identity, r.year, values,  # type: ignore[attr-defined]
            r.findings, r.addresses, r.meta)  # type: ignore[attr-defined]


def test_processes_give_the_same_results_in_the_same_order(tmp_path: Path) -> None:
    kinds = [
        lambda i: submission(seed=i),
        lambda i: submission(seed=i, raw={"t3.new.natural": "/"}),
        lambda i: submission(seed=i, kind="foreign", shift={"t3": (1, 1)}),
        lambda i: ole2(["Workbook"]),
        lambda i: b"",
        lambda i: submission("v2019", seed=i, year=2020, overwrite={"t4.cases.rev_total": 7.0}),
    ]
    paths = []
    for i in range(60):
        path = tmp_path / f"{i:03d}.xlsx"
        path.write_bytes(kinds[i % len(kinds)](i))
        paths.append(path)
    paths.append(tmp_path / "bomb.xlsx")
    paths[-1].write_bytes(zip_bomb(megabytes=8))
    serial = read_many(paths, workers=1)
    parallel = read_many(paths, workers=2, chunksize=4)
    assert [r.path for r in parallel] == [str(p) for p in paths]
    assert [_comparable(r) for r in parallel] == [_comparable(r) for r in serial]
    assert {r.status for r in serial} == {"valid", "invalid", "unreadable"}
    assert _comparable(serial[0]) == _comparable(read_submission(paths[0]))


def _formulas(scan: SheetScan) -> dict[str, str]:
    return {ref: scan.formula(ref) for ref in scan.formulas}


def test_sheet_scan_fast_and_slow_paths_agree() -> None:
    data = submission()
    xml = parts_of(data)[sheet_part(data, "表三")]
    fast = scan_sheet(xml)
    slow = _scan_slowly(xml.decode())
    assert _formulas(fast) == _formulas(slow)
    assert len(fast.formulas) == 31  # 25 row totals (总计 column) + the 6 other cells of （七）总计
    assert fast.formula("J6") == "SUM(D6,E6,F6,G6,H6,I6)"
    assert (slow.rows, slow.cols) == (30, 10)
    # r after another attribute, and prefixed elements: the slow path is taken, same answer
    moved = xml.replace(b'<c r="', b'<c s="0" r="')
    assert _formulas(scan_sheet(moved)) == _formulas(fast)
    prefixed = xml.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>").replace(b"<f>", b"<x:f>")
    assert _formulas(scan_sheet(prefixed)) == _formulas(fast)
    # a far cell is found by either path
    far = xml.replace(b"</sheetData>", b'<row r="200000"><c r="A200000"><v>1</v></c></row></sheetData>')
    assert scan_sheet(far).too_large and not fast.too_large


def test_a_file_that_kills_its_worker_is_unreadable_and_the_batch_goes_on(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    from consolidate.read import reader

    real = reader.read_submission

    def crashing(path: Path, *, format_hint: str | None = None) -> object:
        if Path(path).name == "crash.xlsx":
            os._exit(3)  # what a native library's abort looks like from here
        return real(path, format_hint=format_hint)

    paths = []
    for i in range(56):
        path = tmp_path / ("crash.xlsx" if i == 21 else f"{i:03d}.xlsx")
        path.write_bytes(submission(seed=i))
        paths.append(path)
    expected = [_comparable(real(p)) for p in paths if p.name != "crash.xlsx"]
    monkeypatch.setattr(reader, "read_submission", crashing)
    results = read_many(paths, workers=2, chunksize=4)
    assert [r.path for r in results] == [str(p) for p in paths]
    crashed = results[21]
    assert crashed.status == "unreadable" and [f.code for f in crashed.findings] == ["FILE-CORRUPT"]
    assert crashed.sha256 is not None
    assert [_comparable(r) for r in results if r is not crashed] == expected


def test_files_at_the_template_places_share_one_address_map(tmp_path: Path) -> None:
    paths = []
    for i, data in enumerate([submission(seed=1), submission(seed=2),
                              submission(seed=3, kind="foreign", shift={"t3": (1, 1)})]):
        paths.append(tmp_path / f"{i}.xlsx")
        paths[-1].write_bytes(data)
    first, second, shifted = read_many(paths, workers=1)
    assert first.addresses is second.addresses  # one shared map, not a copy per file
    assert first.addresses == read_submission(paths[0]).addresses  # and the same content
    assert shifted.addresses is not first.addresses
    assert shifted.addresses["t3.new.natural"] != first.addresses["t3.new.natural"]
