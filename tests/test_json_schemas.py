"""The JSON reports have a schema, shipped in the package, and real outputs follow it.

Covers: ``validate --json -`` and ``rollup --json -`` (with ``--previous``) on the bundled demo
county (valid, invalid and unreadable files, 同比 findings) validate against
``consolidate/schemas/*.schema.json``; the schemas are strict enough to refuse a report with a
finding that lost its category or has an unknown one; every finding's category agrees with the
registry of codes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from typer.testing import CliRunner

import consolidate
from consolidate.cli import app
from consolidate.codes import Category, Code

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "samples" / "demo"
SCHEMAS = Path(consolidate.__file__).parent / "schemas"
runner = CliRunner()


@cache
def _validator(name: str) -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)


def _findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    files = report["files"]
    out = [x for f in files for x in f["findings"]]
    out += report.get("totals_findings", [])
    if report.get("yoy"):
        out += report["yoy"]["findings"] + report["yoy"]["previous_findings"]
    return out


def _check_categories(report: dict[str, Any]) -> None:
    for x in _findings(report):
        if x["code"] in Code.__members__.values() or x["code"] in {c.value for c in Code}:
            assert x["category"] == Code(x["code"]).category.value, x
        else:  # a rule of the spec
            assert x["category"] in (Category.RULE, Category.YOY, Category.IDENTITY), x


@pytest.fixture(scope="module")
def validate_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    broken = tmp_path_factory.mktemp("broken") / "扫描件.xlsx"
    broken.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    res = runner.invoke(app, ["validate", str(DEMO / "submissions"), str(broken), "--roster",
                              str(DEMO / "roster.csv"), "--year", "2025", "--json", "-"])
    assert res.exit_code == 1, res.output  # the demo has files with errors
    return json.loads(res.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def rollup_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("rollup") / "汇总.xlsx"
    res = runner.invoke(app, ["rollup", str(DEMO / "submissions"), "--roster", str(DEMO / "roster.csv"),
                              "--year", "2025", "--previous", str(DEMO / "previous"), "--out", str(out),
                              "--json", "-"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def test_validate_report_follows_its_schema(validate_json: dict[str, Any]) -> None:
    statuses = {f["status"] for f in validate_json["files"]}
    assert statuses == {"valid", "invalid", "unreadable"}  # the demo and a PDF: every kind of file
    _validator("validate-report").validate(validate_json)
    _check_categories(validate_json)
    unreadable = [f for f in validate_json["files"] if f["status"] == "unreadable"]
    assert all(any(x["category"] == "file" and x["severity"] == "error" for x in f["findings"]) for f in unreadable)


def test_rollup_report_follows_its_schema(rollup_json: dict[str, Any]) -> None:
    assert rollup_json["yoy"] is not None and rollup_json["yoy"]["findings"]
    _validator("rollup-report").validate(rollup_json)
    _check_categories(rollup_json)


def test_schemas_refuse_what_is_not_the_report(validate_json: dict[str, Any], rollup_json: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(validate_json))
    finding = next(x for f in bad["files"] for x in f["findings"])
    del finding["category"]
    with pytest.raises(ValidationError, match="category"):
        _validator("validate-report").validate(bad)
    finding["category"] = "spelling"
    with pytest.raises(ValidationError):
        _validator("validate-report").validate(bad)
    bad_rollup = json.loads(json.dumps(rollup_json))
    bad_rollup["yoy"]["findings"][0]["extra"] = 1
    with pytest.raises(ValidationError):
        _validator("rollup-report").validate(bad_rollup)
    del bad_rollup["yoy"]["findings"][0]["extra"]
    bad_rollup["files"][0]["fate"] = "lost"
    with pytest.raises(ValidationError):
        _validator("rollup-report").validate(bad_rollup)
