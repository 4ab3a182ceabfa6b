"""Build the 2020 seed samples: each real 2020 report of 2020-seeds.yaml as a filled v2019 workbook.

    .venv/bin/python samples/make_seeds.py            # writes samples/2020-seeds/*.xlsx
    .venv/bin/python samples/make_seeds.py --out DIR  # somewhere else (the test does this)

Each workbook is made by our own template writer (year 2020, the unit's name from the
report) with every number of 表二, 表三 and 表四 as printed; amounts in 万元. Totals are
formulas in our template: a printed total that disagrees with its parts is typed over
the formula as a constant (what a clerk does), so the validator reports it
(TOTAL-OVERWRITTEN) and checks it. The script also prints each seed's arithmetic, the
same checks the report's own labels imply, so samples/README.md can say what it found.
Running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run by hand: samples/ is sys.path[0]; imported by a test: not
    sys.path.insert(0, str(HERE))

from sampletools import edit_cells, parse_amount, parse_signed, stable_zip, write_if_changed  # noqa: E402

from consolidate.roster import Unit  # noqa: E402
from consolidate.spec import FormatSpec, load_spec  # noqa: E402

SEEDS_DIR = HERE / "2020-seeds"
SEEDS_YAML = HERE / "2020-seeds.yaml"  # beside the folder: the folder holds only workbooks
FORMAT = "v2019"


@dataclass(frozen=True)
class Seed:
    source: str  # the seed's file name in shared/seeds/
    workbook: str  # the sample's file name
    unit_name: str
    unit_type: str
    parent: str
    year: int
    identity: dict[str, str]  # more 填报信息 fields as printed (phone, filled_on)
    printed: dict[str, Any]  # spec key -> the value as printed (text for 本年增/减 and amounts)
    reconstructed: dict[str, float]  # spec key -> value decided for a cell the report lost
    why: dict[str, str] = field(default_factory=dict)

    def values(self, spec: FormatSpec) -> dict[str, float]:
        """Every statistical cell as a number (amounts in 万元)."""
        out: dict[str, float] = {}
        for cell in spec.cells:
            if cell.key in self.reconstructed:
                out[cell.key] = float(self.reconstructed[cell.key])
                continue
            raw = self.printed[cell.key]
            if cell.kind == "amount":
                out[cell.key] = parse_amount(raw)
            elif cell.kind == "signed":
                out[cell.key] = float(parse_signed(raw))
            else:
                out[cell.key] = float(raw)
        return out


def load_seeds(path: Path = SEEDS_YAML) -> list[Seed]:
    spec = load_spec(FORMAT)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    seeds = []
    for item in data["seeds"]:
        recon = item.get("reconstructed") or {}
        seed = Seed(
            source=item["source"], workbook=item["workbook"], unit_name=item["unit_name"],
            unit_type=item.get("unit_type", ""), parent=item.get("parent", ""), year=int(item["year"]),
            identity={k: str(v) for k, v in (item.get("identity") or {}).items()},
            printed=dict(item["values"]),
            reconstructed={k: float(v["value"]) for k, v in recon.items()},
            why={k: str(v["why"]) for k, v in recon.items()},
        )
        missing = set(spec.keys) - set(seed.printed) - set(seed.reconstructed)
        extra = (set(seed.printed) | set(seed.reconstructed)) - set(spec.keys)
        if missing or extra:
            raise ValueError(f"{seed.source}: missing keys {sorted(missing)}, unknown keys {sorted(extra)}")
        seeds.append(seed)
    return seeds


def total_disagreements(spec: FormatSpec, values: dict[str, float]) -> dict[str, float]:
    """Total cells whose printed value is not the sum of their parts: key -> printed value."""
    out: dict[str, float] = {}
    for cell in spec.cells:
        for _rule, parts in cell.sums:
            if round(sum(values[p] for p in parts), 6) != round(values[cell.key], 6):
                out[cell.key] = values[cell.key]
    return out


def arithmetic(spec: FormatSpec, values: dict[str, float]) -> list[str]:
    """What the report's own arithmetic says: one line per check that fails, in English."""
    notes = []
    for key, printed in total_disagreements(spec, values).items():
        parts = spec.cell(key).sums
        notes.append(f"total {key} printed {printed:g}, parts add up to "
                     + " / ".join(f"{sum(values[p] for p in ps):g} ({rule})" for rule, ps in parts))
    balance_lhs, balance_rhs = spec.rule("T3-BALANCE").sides()
    columns = [c.column for c in spec.cells if c.table == "t3" and c.row == "new"]
    for col in columns:
        lhs = sum(values[f"t3.{r}.{col}"] for r in balance_lhs)
        rhs = sum(values[f"t3.{r}.{col}"] for r in balance_rhs)
        if lhs != rhs:
            notes.append(f"balance t3 column {col}: 一+二 = {lhs:g}, （七）+四 = {rhs:g}")
    for rule in spec.rules:
        if rule.id != "T2-V2019-MISUSE":
            continue
        (result,), (base, change) = rule.sides()
        for cell in spec.cells:
            if cell.table == rule.table and cell.column == result:
                b, c, r = (values[f"{cell.table}.{cell.row}.{x}"] for x in (base, change, result))
                if (b or c or r) and b + c == r:
                    notes.append(f"{rule.id}: {cell.key} = {r:g} = {b:g} + {c:g}")
    return notes


def build_seed(seed: Seed) -> bytes:
    """The filled v2019 workbook for one seed."""
    from consolidate.template import build_workbook

    spec = load_spec(FORMAT)
    values = seed.values(spec)
    inputs = {k: v for k, v in values.items() if not spec.cell(k).is_total}
    unit = Unit(code="", name=seed.unit_name, type=seed.unit_type, parent=seed.parent)
    data = build_workbook(spec, seed.year, unit, values=inputs, identity=seed.identity)
    overwritten = total_disagreements(spec, values)
    if overwritten:
        return edit_cells(data, spec, overwritten)
    return stable_zip(data)


def build_all(out_dir: Path = SEEDS_DIR) -> list[Path]:
    paths = []
    for seed in load_seeds():
        path = out_dir / seed.workbook
        write_if_changed(path, build_seed(seed))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SEEDS_DIR, help="folder for the workbooks")
    args = parser.parse_args(argv)
    spec = load_spec(FORMAT)
    for seed in load_seeds():
        notes = arithmetic(spec, seed.values(spec))
        print(f"{seed.source} {seed.unit_name}: " + ("; ".join(notes) if notes else "arithmetic holds"))
    for path in build_all(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
