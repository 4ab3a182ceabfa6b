"""Build the typed spec from the YAML files: validated with pydantic (a spec file is
untrusted input), inheritance resolved, totals and rules cross-checked.

Imported only when ``load.py`` finds no cached build for the files as they are now.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import SpecError
from .derived import derive
from .expr import Term, parse
from .labels import normalise
from .model import Block, Cell, Common, Field, FindingText, FormatSpec, Node, Rule, RuleKind, Table, paths_of
from .program import TOLERANCE, Program, RuleCheck, bind, bind_term, sum_check
from .schema import CommonIn, FormatIn, NodeIn, RuleIn

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader is ~8x faster when present


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise SpecError(f"{path.name}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"{path.name}: {where}: not valid YAML ({problem})") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path.name}: the top level must be a mapping")
    return data


def _validation_error(path: Path, exc: ValidationError) -> SpecError:
    lines = []
    for err in exc.errors()[:10]:
        place = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"{path.name}: {place}: {err['msg']}")
    return SpecError("\n".join(lines))


# --- inheritance: extends / tables / edits / rules / drop_rules -------------------


def _resolve(path: Path, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    raw = _read_yaml(path)
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    if base_name in seen:
        raise SpecError(f"{path.name}: extends: circular inheritance through {base_name}")
    base_path = path.with_name(f"{base_name}.yaml")
    if not base_path.is_file():
        raise SpecError(f"{path.name}: extends: no spec file {base_name}.yaml beside it")
    base = copy.deepcopy(_resolve(base_path, (*seen, path.stem)))
    merged = {**base, **{k: v for k, v in raw.items() if k not in ("tables", "edits", "rules", "drop_rules")}}
    tables = {t["id"]: t for t in base.get("tables", [])}
    for t in raw.get("tables", []):
        tables[t["id"]] = t
    merged["tables"] = list(tables.values())
    for i, edit in enumerate(raw.get("edits", [])):
        _apply_edit(path, i, merged["tables"], edit)
    rules = {r["id"]: r for r in base.get("rules", [])}
    for rid in raw.get("drop_rules", []):
        if rules.pop(rid, None) is None:
            raise SpecError(f"{path.name}: drop_rules: the base has no rule {rid}")
    for r in raw.get("rules", []):
        rules[r["id"]] = r
    merged["rules"] = list(rules.values())
    return merged


def _apply_edit(path: Path, i: int, tables: list[dict[str, Any]], edit: dict[str, Any]) -> None:
    where = f"{path.name}: edits.{i}"
    table = next((t for t in tables if t["id"] == edit.get("table")), None)
    if table is None:
        raise SpecError(f"{where}: no table {edit.get('table')!r}")
    found = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for n in nodes:
            if n.get("label") == edit.get("label"):
                found.append(n)
            walk(n.get("children") or [])

    for block in table["blocks"]:
        walk(block["rows"])
        walk(block["columns"])
    if len(found) != 1:
        raise SpecError(f"{where}: the label {edit.get('label')!r} matches {len(found)} rows or columns, not 1")
    node = found[0]
    for key in edit.get("drop", []):
        node.pop(key, None)
    node.update(edit.get("set", {}))


# --- building the typed model ------------------------------------------------------


def _node(n: NodeIn, kind_default: str = "count") -> Node:
    children = tuple(_node(c) for c in n.children or ())
    return Node(
        id=n.id,
        label=n.label or "",
        aliases=tuple(n.aliases),
        kind=n.kind or "count",  # type: ignore[arg-type]
        rule=n.rule,
        unit_note=n.unit_note,
        children=children,
    )


def _with_sums(nodes: tuple[Node, ...], raw: list[NodeIn]) -> tuple[Node, ...]:
    """Resolve `sum_of: siblings` to the ids of the sibling leaves that are not totals."""
    out = []
    for node, node_in in zip(nodes, raw, strict=True):
        if node_in.sum_of == "siblings":
            parts = tuple(
                leaf.id
                for sib, sib_in in zip(nodes, raw, strict=True)
                if sib is not node and sib_in.sum_of is None
                for leaf in sib.leaves()
                if leaf.id is not None
            )
            node = Node(**{**node.__dict__, "sum_of": parts})
        elif node.children:
            node = Node(**{**node.__dict__, "children": _with_sums(node.children, node_in.children or [])})
        out.append(node)
    return tuple(out)


def _build_format(path: Path, data: FormatIn, digest: str) -> FormatSpec:
    tables: list[Table] = []
    cells: list[Cell] = []
    for t in data.tables:
        blocks = []
        row_ids: set[str] = set()
        for bi, b in enumerate(t.blocks):
            columns = _with_sums(tuple(_node(c) for c in b.columns), b.columns)
            rows = _with_sums(tuple(_node(r) for r in b.rows), b.rows)
            block = Block(caption=b.caption, corner=b.corner, columns=columns, rows=rows)
            blocks.append(block)
            col_ids = [c.id for c in block.leaf_columns]
            if len(set(col_ids)) != len(col_ids):
                raise SpecError(f"{path.name}: tables.{t.id}.blocks.{bi}: duplicate column ids")
            for r in block.leaf_rows:
                if r.id in row_ids:
                    raise SpecError(f"{path.name}: tables.{t.id}: row id {r.id!r} is used twice")
                row_ids.add(r.id or "")
            row_paths, col_paths = paths_of(rows), paths_of(columns)
            leaf_labels = [c.label for c in block.leaf_columns]
            col_text = {
                c.id: c.label if leaf_labels.count(c.label) == 1 else "·".join(col_paths[c.id or ""])
                for c in block.leaf_columns
            }
            for r in block.leaf_rows:
                for c in block.leaf_columns:
                    assert r.id is not None and c.id is not None
                    sums: list[tuple[str, tuple[str, ...]]] = []
                    if c.sum_of and c.rule:
                        sums.append((c.rule, tuple(f"{t.id}.{r.id}.{p}" for p in c.sum_of)))
                    if r.sum_of and r.rule:
                        sums.append((r.rule, tuple(f"{t.id}.{p}.{c.id}" for p in r.sum_of)))
                    cells.append(
                        Cell(
                            key=f"{t.id}.{r.id}.{c.id}",
                            table=t.id,
                            block=bi,
                            row=r.id,
                            column=c.id,
                            row_labels=row_paths[r.id],
                            column_labels=col_paths[c.id],
                            kind=c.kind,
                            column_text=col_text[c.id],
                            unit_note=c.unit_note,
                            sums=tuple(sums),
                        )
                    )
        tables.append(Table(id=t.id, sheet=t.sheet, title=t.title, blocks=tuple(blocks)))
    rule_ids = {r.id for r in data.rules}
    for cell in cells:
        for rule_id, _ in cell.sums:
            if rule_id not in rule_ids:
                raise SpecError(f"{path.name}: {cell.key}: the total names rule {rule_id}, not defined")
    named = {rule_id for cell in cells for rule_id, _ in cell.sums}
    rules = tuple(_build_rule(path, r, tables, named) for r in data.rules)
    return FormatSpec(
        id=data.format,
        name=data.name,
        notice=data.notice,
        first_year=data.years.first,
        last_year=data.years.last,
        spec_version=data.spec_version,
        hash=digest,
        tables=tuple(tables),
        cells=tuple(cells),
        rules=rules,
        program=_program(path, rules, tables, cells),
    )


def _build_rule(path: Path, r: RuleIn, tables: list[Table], named: set[str]) -> Rule:
    where = f"{path.name}: rules.{r.id}"
    if r.table is not None and not any(t.id == r.table for t in tables):
        raise SpecError(f"{where}: table: no table {r.table!r}")
    text = r.expect or r.flag_if
    expression = None
    if text is not None:
        try:
            expression = parse(text)
        except SpecError as exc:
            raise SpecError(f"{where}: {exc}") from exc
    if r.kind is not None:
        kind: RuleKind = r.kind
    elif expression is not None:
        kind = "expression"
    elif r.id in named:
        kind = "totals"
    else:
        raise SpecError(f"{where}: the rule has no `expect` or `flag_if` and no total names it (`rule: {r.id}`)")
    return Rule(
        id=r.id,
        kind=kind,
        severity=r.severity,
        title=r.title,
        check=r.check,
        table=r.table,
        messages=r.all_messages(),  # type: ignore[arg-type]
        expression=expression,
        flag=r.flag_if is not None,
        for_each=r.for_each,
        target=r.target,
    )


def _total_order(cells: list[Cell]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every total with its parts (of its first ``sums``), a total that adds up totals after them."""
    by_key = {c.key: c for c in cells}

    def depth(key: str) -> int:
        cell = by_key[key]
        return 1 + max((depth(p) for p in cell.sum_of), default=0) if cell.is_total else 0

    return tuple((c.key, c.sum_of) for c in sorted((c for c in cells if c.is_total), key=lambda c: depth(c.key)))


def _tolerance(cells: dict[str, Cell], keys: tuple[str, ...]) -> float:
    return max(TOLERANCE[cells[k].kind] for k in keys)


def _expression_checks(path: Path, rule: Rule, tables: list[Table], cells: dict[str, Cell]) -> list[RuleCheck]:
    where = f"{path.name}: rules.{rule.id}"
    assert rule.expression is not None
    scopes: list[tuple[str, str] | None] = [None]
    table = next((t for t in tables if t.id == rule.table), None)
    if rule.for_each is not None and table is not None:
        along = [n.id for b in table.blocks for n in (b.leaf_columns if rule.for_each == "column" else b.leaf_rows)]
        scopes = [(rule.for_each, i) for i in dict.fromkeys(along) if i]
        names = {n.id for b in table.blocks for n in (b.leaf_rows if rule.for_each == "column" else b.leaf_columns)}
        for term in rule.expression.terms:
            if term.name is not None and "." not in term.name and term.name not in names:
                what = "row" if rule.for_each == "column" else "column"
                raise SpecError(f"{where}: {term.name!r}: table {table.id} has no {what} {term.name!r}")
    first = next(t for t in rule.expression.comparisons[0].terms if t.name is not None)
    target_term = first if rule.target is None else Term(1.0, rule.target)
    out: list[RuleCheck] = []
    first_missing = ""
    for scope in scopes:
        try:
            conditions = bind(rule.expression, rule.table, scope)
            target = bind_term(target_term, rule.table, scope)
        except ValueError as exc:
            raise SpecError(f"{where}: {exc}") from exc
        keys = [target, *(r.key for c in conditions for r in c.refs if r.key is not None)]
        if not all(k in cells for k in keys):
            first_missing = first_missing or next(k for k in keys if k not in cells)
            continue  # this row / column lacks a cell the rule needs (表二's blocks differ)
        check = RuleCheck(f"{rule.id}@{target}", rule.id, target, conditions, rule.flag,
                          _tolerance(cells, tuple(keys)), scope[1] if scope else None)
        if not rule.flag and not check.target_coef():
            raise SpecError(f"{where}: the target {target} is not in the first comparison")
        out.append(check)
    if not out:
        raise SpecError(f"{where}: the rule applies to no cell of the spec (no cell {first_missing!r})")
    return out


def _program(path: Path, rules: tuple[Rule, ...], tables: list[Table], cells: list[Cell]) -> Program:
    by_key = {c.key: c for c in cells}
    checks: list[RuleCheck] = []
    for rule in rules:
        if rule.kind == "expression":
            checks += _expression_checks(path, rule, tables, by_key)
        elif rule.kind == "totals":
            checks += [sum_check(rule.id, c.key, parts, _tolerance(by_key, (c.key, *parts)))
                       for c in cells for rid, parts in c.sums if rid == rule.id]
    names = [c.name for c in checks]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise SpecError(f"{path.name}: rules: {twice} is checked twice (give the rule a `target` in its scope)")
    return Program(tuple(checks), _total_order(cells))


def build_spec(format_id: str, folder: Path) -> FormatSpec:
    """The resolved, typed spec of one national format (``v2021`` or ``v2019``)."""
    path = folder / f"{format_id}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("v*.yaml")))
        raise SpecError(f"{path.name}: no such format spec (known: {known})")
    data = _resolve(path)
    try:
        parsed = FormatIn.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, exc) from exc
    if parsed.format != format_id:
        raise SpecError(f"{path.name}: format: says {parsed.format!r}, the file name says {format_id!r}")
    canonical = json.dumps(parsed.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    spec = _build_format(path, parsed, digest)
    return dataclasses.replace(spec, built=derive(spec, build_common(folder)))


def build_common(folder: Path) -> Common:
    """The parts every format shares: identity sheet, _meta, instructions, finding texts."""
    path = folder / "common.yaml"
    try:
        c = CommonIn.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise _validation_error(path, exc) from exc
    return Common(
        identity_sheet=c.identity.sheet,
        identity_title=c.identity.title,
        fields=tuple(Field(f.id, f.label, f.prefill, f.required, f.hint, normalise(f.label)) for f in c.identity.fields),
        meta_sheet=c.meta.sheet,
        meta_keys=tuple(c.meta.keys),
        instructions_sheet=c.instructions.sheet,
        instructions_title=c.instructions.title,
        deadline=c.instructions.deadline,
        instruction_lines=tuple(c.instructions.lines),
        rules_heading=c.instructions.rules_heading,
        findings={k: FindingText(v.severity, v.zh, v.en) for k, v in c.findings.items()},
    )
