"""The README documents every command, and its two set-up commands are the ones CI runs.

Covers: each registered command has a section in the README; `.ci/run` calls the README's test
command; the Makefile's demo target runs the command the README says it runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from consolidate.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert {"template", "validate", "rollup", "run"} <= set(commands)
    for name in commands:
        assert f"`consolidate {name}`" in README, f"README has no section for `consolidate {name}`"


def test_ci_runs_the_readme_test_command() -> None:
    setup = re.search(r"```bash\n(.*?)```", README, re.S)
    assert setup is not None
    lines = [line.split("#")[0].strip() for line in setup.group(1).splitlines() if line.strip()]
    assert lines == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_make_demo_runs_what_the_readme_says() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert demo is not None
    recipe = " ".join(demo.group(1).replace("\\\n", " ").split()).replace("$(BIN)/", "")
    documented = re.search(r"`(consolidate run samples/demo/submissions[^`]*)`", README)
    assert documented is not None
    assert recipe == documented.group(1)
