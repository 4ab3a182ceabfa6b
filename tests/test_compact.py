"""A province's round in less memory (issue 19): each file's values kept compactly, the parts
calamine reads inflated once, the summary's detail sheet filled row by row. Each must give
exactly what the plain way gives."""

from __future__ import annotations

import io
import json
import math
import pickle
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import xlsxwriter
from factories import submission

from consolidate.compact import Values, as_dict, compact, key_index, matrix, row_numbers
from consolidate.output.json_report import report_json
from consolidate.read import read_many, read_submission
from consolidate.read.archive import Package, open_package
from consolidate.read.sheets import Book, _calamine
from consolidate.report import FileResult, Report
from consolidate.rollup import bulk

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo" / "submissions"


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def test_compact_values_behave_as_the_dict_they_replace() -> None:
    plain = {"b": 1.5, "a": -0.0, "c": math.nan, "d": 12.0}
    kept = compact(plain)
    assert type(kept) is Values
    assert list(kept) == ["b", "a", "c", "d"] and len(kept) == 4  # the same order
    assert kept["b"] == 1.5 and kept.get("d") == 12.0 and kept.get("zz") is None and kept.get("zz", 0.0) == 0.0
    assert "a" in kept and "zz" not in kept
    with pytest.raises(KeyError):
        kept["zz"]
    assert [_bits(v) for v in kept.values()] == [_bits(v) for v in plain.values()]  # NaN and -0.0 bit for bit
    without_nan = {k: v for k, v in plain.items() if v == v}
    assert compact(without_nan) == without_nan and without_nan == compact(without_nan)
    assert compact(without_nan) != {**without_nan, "b": 2.0}
    assert list(compact(without_nan).items()) == list(without_nan.items())  # type: ignore[union-attr]
    assert as_dict(kept).keys() == plain.keys() and type(as_dict(kept)) is dict
    assert dict(kept).keys() == plain.keys()
    assert repr(compact({"x": 1.0})) == "{'x': 1.0}"
    assert compact(None) is None and compact({}) == {}
    assert compact(kept) is kept


def test_files_with_the_same_keys_share_one_index_and_pickle_compactly() -> None:
    one, two = compact({"k1": 1.0, "k2": 2.0}), compact({"k1": 3.0, "k2": 4.0})
    assert isinstance(one, Values) and isinstance(two, Values)
    assert one._index is two._index is key_index(("k1", "k2"))
    back = pickle.loads(pickle.dumps(two))  # to the annotating workers and back
    assert type(back) is Values and back == two and back._index is two._index


def test_matrix_and_rows_are_what_the_dicts_give() -> None:
    keys = ("a", "b", "c")
    rows = [{"a": 1.0, "b": 2.0, "c": 3.0}, {"a": 4.0, "c": 6.0}, None, {}]
    kept = [compact(r) for r in rows]
    for missing in (0.0, math.nan):
        want = [[(r or {}).get(k, missing) for k in keys] for r in rows]
        got = matrix(kept, keys, missing).tolist()
        assert [[_bits(x) for x in row] for row in got] == [[_bits(x) for x in row] for row in want]
        plain = matrix(rows, keys, missing).tolist()
        assert [[_bits(x) for x in row] for row in plain] == [[_bits(x) for x in row] for row in want]
    assert list(row_numbers(kept[0], keys, 0.0)) == [1.0, 2.0, 3.0]  # type: ignore[arg-type]
    assert list(row_numbers(kept[1], keys, 0.0)) == [4.0, 0.0, 6.0]  # type: ignore[arg-type]
    assert list(row_numbers(compact({"c": 3.0, "a": 1.0, "b": 2.0}), keys, 0.0)) == [1.0, 2.0, 3.0]  # type: ignore[arg-type]


def test_values_kept_in_another_key_order_give_the_same_rows() -> None:
    """PostgreSQL's jsonb gives a stored result's keys in its own order: read in the layout's
    order through the index's positions (worked out once), the same numbers as the dicts give."""
    keys = ("a", "b", "c")
    sorted_otherwise = [compact({"c": 3.0, "b": 2.0, "a": 1.0}), compact({"c": 6.0, "b": -0.0, "a": math.nan}),
                        compact({"c": 9.0, "a": 7.0})]  # the last without b: missing there
    for missing in (0.0, math.nan):
        want = [[dict(v).get(k, missing) for k in keys] for v in sorted_otherwise]  # type: ignore[arg-type]
        got = matrix(sorted_otherwise, keys, missing).tolist()
        assert [[_bits(x) for x in row] for row in got] == [[_bits(x) for x in row] for row in want]
        rows = [list(row_numbers(v, keys, missing)) for v in sorted_otherwise]  # type: ignore[arg-type]
        assert [[_bits(x) for x in row] for row in rows] == [[_bits(x) for x in row] for row in want]
    index = sorted_otherwise[0]._index  # type: ignore[union-attr]
    assert index.order_of(keys) == [2, 1, 0] and index.order_of(keys) is index.order_of(keys)
    assert sorted_otherwise[2]._index.order_of(keys) is None  # type: ignore[union-attr]


def test_values_from_json_are_compact_with_nan_for_null() -> None:
    from consolidate.compact import from_json

    kept = from_json({"x": 1, "y": None, "z": -0.0})
    assert type(kept) is Values and list(kept) == ["x", "y", "z"]
    assert [_bits(v) for v in kept.values()] == [_bits(1.0), _bits(math.nan), _bits(-0.0)]
    entry = FileResult(path="f.xlsx", sha256=None, size=None, mtime=None, status="valid",
                       values={"x": 2.0, "y": math.nan}).to_dict("zh")
    back = FileResult.from_dict(json.loads(json.dumps(entry)))
    assert type(back.values) is Values and back.values["x"] == 2.0 and math.isnan(back.values["y"])


def test_read_results_are_compact_and_their_json_is_unchanged(tmp_path: Path) -> None:
    paths = []
    for i in range(3):
        path = tmp_path / f"s{i}.xlsx"
        path.write_bytes(submission(seed=i, raw={"t3.new.natural": "12件"} if i == 1 else None))
        paths.append(path)
    results = read_many(paths, workers=1)
    assert all(type(r.values) is Values for r in results)
    assert results[0].values._index is results[2].values._index  # type: ignore[union-attr]
    plain = [FileResult(**{**r.__dict__, "values": dict(r.values or {})}) for r in results]
    assert report_json(Report(results, tool_version="t")) == report_json(Report(plain, tool_version="t"))
    entry = json.loads(report_json(Report(results, tool_version="t")))["files"][0]
    assert FileResult.from_dict(entry).values == {k: v for k, v in results[0].values.items()}  # type: ignore[union-attr]


# --- the parts calamine reads, inflated once -------------------------------------------------------


def test_calamine_reads_the_lean_package_and_gets_what_the_whole_gives() -> None:
    files = sorted(DEMO.glob("*.xlsx"))[:8]
    assert files
    for path in files:
        data = path.read_bytes()
        package = open_package(data)
        lean = package.lean()
        assert lean is not None
        parts = zipfile.ZipFile(io.BytesIO(lean))
        assert parts.testzip() is None
        assert all(i.compress_type == zipfile.ZIP_STORED for i in parts.infolist())
        sheets = [n for n in parts.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and all(parts.read(n).endswith(b"</sheetData></worksheet>") for n in sheets)
        assert not any(b"dataValidation" in parts.read(n) for n in sheets)  # what calamine need not parse
        book = Book(data, package)
        assert book.lean
        whole = Book(data, open_package(data))
        whole._book, whole.lean = _calamine(data), False  # calamine over the package itself
        for name in book.sheet_names:
            if book.has(name):
                assert book.grid(name).rows == whole.grid(name).rows


def test_a_file_read_through_the_lean_package_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(DEMO.glob("*.xlsx"))
    lean = [read_submission(p).to_dict() for p in files]
    monkeypatch.setattr(Package, "lean", lambda self: None)
    assert [read_submission(p).to_dict() for p in files] == lean


def test_lean_parts_that_calamine_refuses_fall_back_to_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    path = sorted(DEMO.glob("*.xlsx"))[0]
    want = read_submission(path).to_dict()
    monkeypatch.setattr(Package, "lean", lambda self: b"PK\x05\x06" + b"\0" * 18)  # an empty zip: no workbook
    assert read_submission(path).to_dict() == want


# --- the detail sheet filled row by row ---------------------------------------------------------------


def _deflated(package: bytes, name: str) -> bytes:
    """A member's compressed bytes as they stand in the package."""
    info = zipfile.ZipFile(io.BytesIO(package)).getinfo(name)
    at = info.header_offset
    start = at + 30 + int.from_bytes(package[at + 26:at + 28], "little") + int.from_bytes(package[at + 28:at + 30], "little")
    return package[start:start + info.compress_size]


def test_the_detail_sheet_filled_row_by_row_is_byte_identical() -> None:
    def package() -> tuple[bytes, bulk.PendingCells]:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet("x")
        formats = [workbook.add_format({"num_format": "#,##0" if j % 2 else "0.00"}) for j in range(60)]
        pending = bulk.PendingCells(sheet.index, 2, formats)
        rnd = random.Random(7)
        for r in range(1500):
            sheet.write_string(r, 0, f"单位 {r}")
            values = [float(rnd.randint(0, 9000)) if rnd.random() > 0.02 else math.nan for _ in formats]
            if r == 0:
                for j in range(len(values)):
                    sheet.write_number(r, 2 + j, 0.0, formats[j])
            else:
                pending.add(r, compact({str(j): v for j, v in enumerate(values)})._data)  # type: ignore[union-attr]
        workbook.close()
        return buffer.getvalue(), pending

    data, pending = package()
    streamed = bulk.fill(data, pending)
    part = "xl/worksheets/sheet1.xml"
    sheet = zipfile.ZipFile(io.BytesIO(streamed)).read(part)
    # the sheet is the rows joined whole, and deflated exactly as deflating it whole gives
    assert sheet == b"".join(bulk._fill_sheet(zipfile.ZipFile(io.BytesIO(data)).read(part), bulk._row_xml(pending)))
    whole = zlib.compressobj(bulk.FILLED_LEVEL, zlib.DEFLATED, -15)
    assert _deflated(streamed, part) == whole.compress(sheet) + whole.flush()
    # every other part as it was
    before, after = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(streamed))
    assert before.namelist() == after.namelist()
    assert all(before.read(n) == after.read(n) for n in before.namelist() if n != part)
    assert sheet.count(b"<v>") > 1400 * 55 and b"<v>NAN" not in sheet  # NaN: no number written
    # each row as xlsxwriter words a number cell, worked out here cell by cell
    styles = [f._get_xf_index() for f in pending.formats]
    for row, values in pending.rows[:40]:
        cells = "".join(f'<c r="{xlsxwriter.utility.xl_col_to_name(2 + j)}{row + 1}" s="{styles[j]}"><v>{v:.16G}</v></c>'
                        for j, v in enumerate(values) if v == v)
        assert cells.encode() in sheet, row
