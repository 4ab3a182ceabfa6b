"""Factories for the roll-up tests: balanced random submissions, as FileResults and as files.

Values are drawn with a seeded RNG and made to satisfy every total and the 表三 balance,
working from the spec (the totals' ``sums`` and the balance rule's expression), so the same
factory serves v2021 and v2019.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from consolidate.findings import Finding
from consolidate.report import FileResult
from consolidate.roster import Roster, Unit
from consolidate.spec import FormatSpec, load_spec
from consolidate.uscc import make_uscc


def _fill_totals(spec: FormatSpec, values: dict[str, float]) -> None:
    for _ in range(3):  # totals of totals (表三 （七）总计 x 总计) settle in two passes
        for c in spec.cells:
            if c.is_total:
                values[c.key] = sum(values[k] for k in c.sum_of)


def balanced_values(spec: FormatSpec, rng: random.Random, *, zero_share: float = 0.4) -> dict[str, float]:
    values: dict[str, float] = {}
    rule = spec.rule("T3-BALANCE")
    lhs, rhs = rule.sides()
    for c in spec.cells:
        if c.is_total:
            values[c.key] = 0.0
        elif c.kind == "amount":
            values[c.key] = round(rng.uniform(0, 3000), rng.choice((0, 2, 4, 6))) if rng.random() > zero_share else 0.0
        elif c.kind == "signed":
            values[c.key] = float(rng.randint(-30, 30))
        else:
            values[c.key] = float(rng.randint(0, 40)) if rng.random() > zero_share else 0.0
    _fill_totals(spec, values)
    for c in spec.cells:  # 一 + 二 = （七） + 四, column by column: 一 follows
        if c.table == rule.table and c.row == lhs[0] and not c.is_total:
            carried, total, carry_over = (values[k.replace(f".{lhs[0]}.", f".{row}.")]
                                          for row in (lhs[1], rhs[0], rhs[1]) for k in [c.key])
            if carried > total + carry_over:
                carried = float(rng.randint(0, int(total + carry_over)))
                values[c.key.replace(f".{lhs[0]}.", f".{lhs[1]}.")] = carried
            values[c.key] = total + carry_over - carried
    _fill_totals(spec, values)
    return values


def submission(spec: FormatSpec, rng: random.Random, *, name: str, code: str = "", year: int = 2025,
               filled_on: str = "2026-01-20", path: str | None = None, mtime: float = 1_700_000_000.0,
               status: str = "valid", findings: list[Finding] | None = None, kind: str = "template",
               units: int = 1, values: dict[str, float] | None = None, **identity: str) -> FileResult:
    values = balanced_values(spec, rng) if values is None else values
    ident = {"unit_name": name, "unit_code": code, "year": str(year), "filled_on": filled_on,
             "filler": identity.pop("filler", "张三"), "phone": identity.pop("phone", "0571-88886666"), **identity}
    digest = hashlib.sha256(json.dumps([ident, values, spec.id, kind], sort_keys=True).encode()).hexdigest()
    return FileResult(path=path or f"in/{name}.xlsx", sha256=digest, size=12000, mtime=mtime,
                      status=status,  # type: ignore[arg-type]
                      format=spec.id, kind=kind, units=units,  # type: ignore[arg-type]
                      identity=ident, year=year, values=values, findings=list(findings or []))


def unreadable(path: str) -> FileResult:
    return FileResult(path=path, sha256=hashlib.sha256(path.encode()).hexdigest(), size=10, mtime=1.0,
                      status="unreadable")


def roster_of(names: list[str], parent: str = "") -> Roster:
    units = tuple(Unit(code=make_uscc(f"11330100{i:09d}"), name=n, type="部门", parent=parent, row=i + 2)
                  for i, n in enumerate(names))
    return Roster(units, "roster.csv")


def district(n: int, seed: int = 1, fmt: str = "v2021", year: int = 2025, prefix: str = "单位"
             ) -> tuple[Roster, list[FileResult]]:
    spec = load_spec(fmt)
    rng = random.Random(seed)
    roster = roster_of([f"{prefix}{i:03d}" for i in range(n)])
    files = [submission(spec, rng, name=u.name, code=u.code, year=year) for u in roster.units]
    return roster, files


def write_roster(path: Path, roster: Roster) -> Path:
    lines = ["单位代码,单位名称,单位类型,上级单位"]
    lines += [f"{u.code},{u.name},{u.type},{u.parent}" for u in roster.units]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- workbooks on disk (end-to-end tests: the real template writer and reader) ---------


def write_submission(folder: Path, spec: FormatSpec, unit: Unit, values: dict[str, float] | dict[str, object], *,
                     year: int = 2025, filled_on: str = "2026-01-20", name: str | None = None) -> Path:
    from consolidate.template import build_workbook

    path = folder / (name or f"{unit.name}.xlsx")
    inputs = {k: v for k, v in values.items() if not spec.cell(k).is_total}  # totals stay formulas
    data = build_workbook(spec, year, unit, values=inputs,  # type: ignore[arg-type]
                          identity={"filled_on": filled_on, "filler": "张三", "phone": "0571-88886666"})
    path.write_bytes(data)
    return path


def write_district(folder: Path, n: int, *, seed: int = 1, fmt: str = "v2021", year: int = 2025,
                   prefix: str = "单位", parent: str = "示例区") -> tuple[Roster, list[Path], dict[str, dict[str, float]]]:
    """``n`` balanced submissions of a roster's units (random values, amounts with decimals),
    in ``folder``; the roster is written beside it (``folder.with_suffix(".csv")``)."""
    spec = load_spec(fmt)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    units = tuple(Unit(code=make_uscc(f"11{seed:04d}00{i:09d}"), name=f"{prefix}{i:02d}", type="部门", parent=parent,
                       row=i + 2) for i in range(n))
    roster = Roster(units, str(folder.with_suffix(".csv")))
    values = {u.name: balanced_values(spec, rng) for u in units}
    paths = [write_submission(folder, spec, u, values[u.name], year=year) for u in units]
    write_roster(folder.with_suffix(".csv"), roster)
    return roster, paths, values


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
