"""The synthetic rounds on disk, cached under ``benchmarks/data/`` (gitignored).

``round_of(n, seed)`` returns a ``Round``: a folder holding exactly ``n`` submissions and,
beside it, the roster of their ``n`` units. Files live once in a pool keyed by the spec's
hash, the seed and the generator's version (file ``i`` is the same in every round); a
round's folder holds hard links to the first ``n`` of them. A later run with the same key
reuses everything; a changed spec or generator makes a new pool.

The first ``bases`` files (and the first file of any structure not among them) are built
with ``build_workbook``; every other file is derived from the base of its structure by
rewriting values inside the zip (``derive.py``). Work is spread over processes (fork).
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from consolidate.roster import Unit
from consolidate.spec import FormatSpec, load_spec
from consolidate.template import build_workbook, template_file_name

from . import derive, synth

GENERATOR_VERSION = 1
DATA = Path(__file__).resolve().parent / "data"
BASES = 200  # files built with build_workbook; the others are derived from them


@dataclass(frozen=True)
class Round:
    n: int
    seed: int
    folder: Path  # the n submissions, and nothing else
    roster: Path  # CSV: 单位代码, 单位名称, 单位类型, 上级单位
    manifest: dict[str, object]  # classes, generation times

    @property
    def paths(self) -> list[Path]:
        return sorted(self.folder.iterdir())


def pool_dir(spec: FormatSpec, seed: int, root: Path = DATA, bases: int = BASES) -> Path:
    return root / f"{spec.id}-{spec.hash}-seed{seed}-g{GENERATOR_VERSION}-b{bases}"


def file_name(plan: synth.Plan) -> str:
    return f"{plan.index:05d}_{template_file_name(synth.YEAR, plan.unit)}"


def build(spec: FormatSpec, plan: synth.Plan) -> bytes:
    """A submission made by the template writer itself."""
    data = build_workbook(spec, synth.YEAR, plan.unit, values=plan.inputs(spec), identity=plan.identity)
    return derive.unreadable(plan.unreadable, data) if plan.cls == "unreadable" else data


# --- the work of one process -------------------------------------------------------------------------

_bases: dict[tuple[str, int, str], derive.Base] = {}


def _base(spec: FormatSpec, seed: int, pool: Path, index: int) -> derive.Base:
    key = (str(pool), seed, str(index))
    base = _bases.get(key)
    if base is None:
        plan = synth.plan(spec, seed, index)
        base = derive.Base.of((pool / file_name(plan)).read_bytes(), plan.unit.name, plan.unit.code)
        _bases[key] = base
    return base


def _make(job: tuple[str, int, int, str, int | None]) -> bool:
    """Write file ``index`` of the pool (built, or derived from the base at ``base_index``);
    False when it was already there."""
    format_id, seed, index, pool_text, base_index = job
    spec = load_spec(format_id)
    pool = Path(pool_text)
    plan = synth.plan(spec, seed, index)
    target = pool / file_name(plan)
    if target.exists():
        return False
    if base_index is None:
        data = build(spec, plan)
    else:  # derived; an unreadable one is cut from a copy of the plain base (or is not a workbook)
        data = derive.derive(_base(spec, seed, pool, base_index), spec, plan)
        if plan.cls == "unreadable":
            data = derive.unreadable(plan.unreadable, data)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def _pool_map(jobs: Sequence[tuple[str, int, int, str, int | None]], workers: int) -> list[bool]:
    if workers <= 1 or len(jobs) < 16:
        return [_make(j) for j in jobs]
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(workers) as pool:
        return pool.map(_make, jobs, chunksize=max(1, min(64, len(jobs) // (workers * 4))))


# --- a round ------------------------------------------------------------------------------------------


def plan_sources(spec: FormatSpec, seed: int, n: int, bases: int = BASES) -> tuple[list[synth.Plan],
                                                                                  dict[int, int | None]]:
    """The plans of files 0..n-1 and, for each, the base it is derived from (None: built).

    The first ``bases`` files are built, and so is the first file of a structure not seen
    among them; any readable built file is the base of its structure. An unreadable file
    past the bases is cut from (or replaces) a copy of the plain base.
    """
    plans = [synth.plan(spec, seed, i) for i in range(n)]
    first: dict[tuple[str, ...], int] = {}
    sources: dict[int, int | None] = {}
    for p in plans:
        structure = p.structure or ("plain",)
        if p.index < bases or structure not in first:
            sources[p.index] = None
            if p.cls != "unreadable":
                first.setdefault(structure, p.index)
        else:
            sources[p.index] = first[structure]
    return plans, sources


def round_of(n: int, seed: int = 1, *, workers: int = 2, root: Path = DATA, bases: int = BASES) -> Round:
    """The round of ``n`` submissions made with ``seed``, generated if not cached under ``root``;
    ``bases``: how many are built with ``build_workbook`` (the others are derived)."""
    spec = load_spec(synth.FORMAT)
    pool = pool_dir(spec, seed, root, bases)
    folder = pool.parent / f"{pool.name}-n{n}"
    roster = folder.with_name(folder.name + "-roster.csv")
    manifest_path = folder.with_name(folder.name + ".json")
    if manifest_path.exists() and folder.is_dir() and roster.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("n") == n and len(os.listdir(folder)) == n:
            return Round(n, seed, folder, roster, manifest)
    pool.mkdir(parents=True, exist_ok=True)
    plans, sources = plan_sources(spec, seed, n, bases)
    built_jobs = [(spec.id, seed, i, str(pool), None) for i, src in sources.items() if src is None]
    derived_jobs = [(spec.id, seed, i, str(pool), src) for i, src in sources.items() if src is not None]
    started = time.perf_counter()
    built_new = sum(_pool_map(built_jobs, workers))
    built_s = time.perf_counter() - started
    started = time.perf_counter()
    derived_new = sum(_pool_map(derived_jobs, workers))
    derived_s = time.perf_counter() - started
    folder.mkdir(parents=True, exist_ok=True)
    for p in plans:
        link = folder / file_name(p)
        if not link.exists():
            os.link(pool / file_name(p), link)
    write_roster(roster, [p.unit for p in plans])
    classes: dict[str, int] = {}
    for p in plans:
        classes[p.cls] = classes.get(p.cls, 0) + 1
    manifest = {
        "n": n, "seed": seed, "format": spec.id, "spec_hash": spec.hash, "generator_version": GENERATOR_VERSION,
        "built": len(built_jobs), "derived": len(derived_jobs), "classes": dict(sorted(classes.items())),
        "bytes": sum((folder / file_name(p)).stat().st_size for p in plans),
        # the work of this call (files already in the pool were reused, not made again)
        "made_built": built_new, "made_derived": derived_new,
        "seconds_built": round(built_s, 2), "seconds_derived": round(derived_s, 2),
        "ms_per_built": round(1000 * built_s / built_new, 2) if built_new else None,
        "ms_per_derived": round(1000 * derived_s / derived_new, 2) if derived_new else None,
        "workers": workers,
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return Round(n, seed, folder, roster, manifest)


def write_roster(path: Path, units: Sequence[Unit]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("单位代码", "单位名称", "单位类型", "上级单位"))
        for u in units:
            w.writerow((u.code, u.name, u.type, u.parent))
