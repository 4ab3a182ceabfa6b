"""The offline bundle builder's own checks (``scripts/dist/build.py``), without the network.

Covers: the project's wheel is refused when it lacks a file of ``workbook_templates/`` or a
compiled catalog (and accepted when it has them all); the glibc a Linux bundle needs is read off
its wheels' tags; every install script and README template renders with nothing left to fill,
the Windows files with CRLF line ends; two archives of the same folder are the same bytes and
keep install.sh executable. ``make dist-test`` installs a real bundle offline (it downloads).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dist_build", ROOT / "scripts" / "dist" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build = _load()


def _wheel(path: Path, names: set[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("consolidate/__init__.py", "")
        for name in sorted(names):
            zf.writestr(name, b"x")
    return path


def test_own_wheel_must_carry_spec_and_catalogs(tmp_path: Path) -> None:
    expected = build.expected_data_files()
    assert "consolidate/workbook_templates/v2021.yaml" in expected
    assert "consolidate/locale/en/LC_MESSAGES/django.mo" in expected
    build.check_own_wheel(_wheel(tmp_path / "whole.whl", expected))
    for dropped in ("consolidate/locale/en/LC_MESSAGES/django.mo", "consolidate/workbook_templates/common.yaml"):
        with pytest.raises(build.BuildError, match="lacks 1 data file"):
            build.check_own_wheel(_wheel(tmp_path / "short.whl", expected - {dropped}))


def test_glibc_needed_is_the_newest_oldest_tag(tmp_path: Path) -> None:
    for name in (
        "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
        "pydantic_core-2.50.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        "lxml-6.1.3-cp311-cp311-manylinux1_x86_64.whl",
        "rich-15.0.0-py3-none-any.whl",
    ):
        (tmp_path / name).touch()
    assert build.glibc_needed(tmp_path) == (2, 27)
    (tmp_path / "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl").unlink()
    assert build.glibc_needed(tmp_path) == (2, 17)
    assert build.glibc_needed(tmp_path / "none") is None


VALUES = {"NAME": "consolidate", "VERSION": "9.9", "PYTHON": "3.11", "MACHINE": "x86_64", "BUNDLE": "b",
          "PACKAGES": "40", "GLIBC": "2.28"}


@pytest.mark.parametrize("template", ["install.sh", "install.bat", "README-linux.txt", "README-windows.txt"])
def test_templates_render_completely(template: str) -> None:
    text = build.render(template, VALUES)
    assert "@" not in text.replace("@echo", "")
    assert "consolidate==9.9" in text or template.startswith("README")
    with pytest.raises(build.BuildError, match="@VERSION@"):
        build.render(template, {k: v for k, v in VALUES.items() if k != "VERSION"})
    if template.endswith(".bat"):
        data = build._windows_text(text)
        assert data.count(b"\n") == data.count(b"\r\n") > 50


def test_archives_are_reproducible(tmp_path: Path) -> None:
    stage = tmp_path / "consolidate-9.9-python3.11-linux-x86_64"
    (stage / "wheels").mkdir(parents=True)
    (stage / "wheels" / "a-1-py3-none-any.whl").write_bytes(b"wheel")
    (stage / "install.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    linux, windows = build.PLATFORMS[0], build.PLATFORMS[2]
    for plat in (linux, windows):
        first, second = tmp_path / "1", tmp_path / "2"
        first.mkdir(exist_ok=True)
        second.mkdir(exist_ok=True)
        a = build.archive(stage, plat, first, 1_700_000_000).read_bytes()
        b = build.archive(stage, plat, second, 1_700_000_000).read_bytes()
        assert a == b
    with tarfile.open(tmp_path / "1" / f"{stage.name}.tar.gz") as tar:
        script = tar.getmember(f"{stage.name}/install.sh")
        assert script.mode == 0o755 and script.mtime == 1_700_000_000
        assert f"{stage.name}/wheels/a-1-py3-none-any.whl" in tar.getnames()
    with zipfile.ZipFile(tmp_path / "1" / f"{stage.name}.zip") as zf:
        assert f"{stage.name}/wheels/a-1-py3-none-any.whl" in zf.namelist()


class _Index:
    """Stands in for uv and pip: uv's index has pandera 0.36.0, pip's is behind until `catches_up`."""

    def __init__(self, catches_up: int | None) -> None:
        self.catches_up = catches_up  # pip's asks before its index lists 0.36.0 (None: never)
        self.asks = 0
        self.compiled: list[list[str]] = []

    def run(self, cmd: list[str], *, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
        if cmd[1:3] == ["pip", "compile"]:
            self.compiled.append(cmd)
            out = Path(cmd[cmd.index("-o") + 1])
            avoided = Path(cmd[cmd.index("--constraint") + 1]).read_text() if "--constraint" in cmd else ""
            out.write_text("pandera==0.35.0\n" if "pandera!=0.36.0" in avoided else "pandera==0.36.0\n")
            return subprocess.CompletedProcess(cmd, 0, "", "")
        if "download" in cmd:
            self.asks += 1
            pin = Path(cmd[cmd.index("-r") + 1]).read_text().strip()
            if pin == "pandera==0.35.0" or (self.catches_up is not None and self.asks > self.catches_up):
                (Path(cmd[cmd.index("-d") + 1]) / f"pandera-{pin.split('==')[1]}-py3-none-any.whl").touch()
                return subprocess.CompletedProcess(cmd, 0, "", "")
            return subprocess.CompletedProcess(cmd, 1, "", f"ERROR: No matching distribution found for {pin}\n")
        if "wheel" in cmd:  # the sdist: pip's index lists the releases before 0.36.0 only
            return subprocess.CompletedProcess(cmd, 1, "", (
                "ERROR: Could not find a version that satisfies the requirement pandera==0.36.0 "
                "(from versions: 0.34.0, 0.35.0)\nERROR: No matching distribution found for pandera==0.36.0\n"))
        raise AssertionError(cmd)


def _fetch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: _Index) -> list[str]:
    monkeypatch.setattr(build, "_run", index.run)
    monkeypatch.setattr(build, "_uv", lambda: "uv")
    monkeypatch.setattr(build, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(build.time, "sleep", lambda seconds: None)
    stage = tmp_path / "stage" / "bundle"
    (stage / "wheels").mkdir(parents=True)
    pins = build.pin_and_download(build.PLATFORMS[2], stage / "requirements.txt", stage / "wheels")
    assert sorted(p.name for p in stage.iterdir()) == ["requirements.txt", "wheels"]  # nothing else in the bundle
    return pins


def test_a_release_pips_index_lists_later_is_asked_for_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = _Index(catches_up=2)
    assert _fetch(tmp_path, monkeypatch, index) == ["pandera==0.36.0"]
    assert index.asks == 3 and len(index.compiled) == 1
    assert (tmp_path / "stage" / "bundle" / "wheels" / "pandera-0.36.0-py3-none-any.whl").exists()


def test_a_release_pips_index_never_lists_is_pinned_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = _Index(catches_up=None)
    assert _fetch(tmp_path, monkeypatch, index) == ["pandera==0.35.0"]
    assert len(index.compiled) == 2 and "--constraint" in index.compiled[1]
    assert index.asks == len(build.PAUSES) + 2  # asked again after each pause, then the new pin once
    assert (tmp_path / "stage" / "bundle" / "wheels" / "pandera-0.35.0-py3-none-any.whl").exists()


def test_a_missing_wheel_is_not_mistaken_for_a_late_index() -> None:
    assert build.not_listed("pandera==0.36.0", "(from versions: 0.34.0, 0.35.0)")
    assert not build.not_listed("pandera==0.35.0", "(from versions: 0.34.0, 0.35.0)")
    assert not build.not_listed("pandera==0.36.0", "(from versions: none)")
    assert not build.not_listed("pandera==0.36.0", "ERROR: Failed building wheel for pandera")
