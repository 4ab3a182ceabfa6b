"""``make dist-test``: this machine's bundle installs with the network cut off and runs the demo round.

1. The bundle for this machine (Linux x86_64 or aarch64) is found through ``dist/SHA256SUMS``,
   whose checksum it must match, and unpacked into a fresh folder under ``build/dist-test/``.
2. Its ``install.sh`` runs in a network namespace that has no network (``unshare --net``), with
   pip's index switched off and any proxy pointing nowhere: a wheel missing from the bundle fails
   the install instead of being fetched. It makes a fresh venv and ends with ``consolidate --help``.
3. The README's demo round runs with the installed command (still without network); the outputs
   must exist, and its JSON report must equal the one the development install writes for the same
   round, so the installed package (spec, catalogs, code) is the one in this checkout.

Prints the bundle's size and the time to install. It fails, never skips: without ``unshare`` (not
root) it says so and fails unless ``DIST_TEST_ALLOW_NETWORK=1`` is set to run with pip's
``--no-index`` as the only guard.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
WORK = ROOT / "build" / "dist-test"
DEMO = ["samples/demo/submissions", "--roster", "samples/demo/roster.csv", "--previous", "samples/demo/previous",
        "--year", "2025"]
OUTPUTS = ("汇总表.xlsx", "审核报告.xlsx", "审核结果.json")


class CheckError(Exception):
    """The bundle does not do what it must; the message says what."""


def this_bundle() -> Path:
    """The archive for this machine, checked against SHA256SUMS."""
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine())
    sums = DIST / "SHA256SUMS"
    if not sums.is_file():
        raise CheckError("dist/SHA256SUMS is missing: run `make dist` first")
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name.endswith(f"-linux-{machine}.tar.gz"):
            path = DIST / name
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                raise CheckError(f"{name} does not match its line in SHA256SUMS")
            return path
    raise CheckError(f"SHA256SUMS lists no Linux {machine} bundle")


def offline_prefix() -> list[str]:
    """The command prefix that runs a program with no network at all."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], capture_output=True, check=False).returncode == 0:
        return [unshare, "--net"]
    if os.environ.get("DIST_TEST_ALLOW_NETWORK") == "1":
        print("unshare --net is not available: pip's --no-index and a dead proxy are the only guard")
        return []
    raise CheckError("cannot cut the network (`unshare --net` needs root); set DIST_TEST_ALLOW_NETWORK=1 "
                     "to rely on pip's --no-index alone")


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("PIP_", "UV_", "VIRTUAL_ENV"))
           and not k.lower().endswith("_proxy")}
    dead = "http://127.0.0.1:9"  # the discard port: nothing answers
    env.update({"PIP_NO_INDEX": "1", "http_proxy": dead, "https_proxy": dead, "HTTP_PROXY": dead,
                "HTTPS_PROXY": dead, "PYTHONNOUSERSITE": "1"})
    return env


def run(cmd: list[str], *, what: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CheckError(f"{what} failed (exit {done.returncode}):\n{(done.stdout + done.stderr)[-4000:]}")
    return done.stdout


def check() -> None:
    bundle = this_bundle()
    print(f"{bundle.name}: {bundle.stat().st_size / 2**20:.1f} MiB")
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    with tarfile.open(bundle) as tar:
        tar.extractall(WORK, filter="data")
    (unpacked,) = WORK.iterdir()
    venv = WORK / "venv"
    prefix, env = offline_prefix(), offline_env()

    started = time.monotonic()
    shown = run([*prefix, "sh", str(unpacked / "install.sh"), str(venv)], what="install.sh", cwd=WORK, env=env)
    seconds = time.monotonic() - started
    if "consolidate" not in shown or "run" not in shown:
        raise CheckError(f"install.sh did not end with `consolidate --help`:\n{shown[-2000:]}")
    print(f"offline install into a fresh venv: {seconds:.1f} s ({'no network' if prefix else '--no-index'})")

    where = run([str(venv / "bin" / "python"), "-c", "import consolidate; print(consolidate.__file__)"],
                what="import consolidate", cwd=WORK, env=env).strip()
    if not Path(where).is_relative_to(venv):
        raise CheckError(f"consolidate was imported from {where}, not from the installed venv")

    installed, dev = WORK / "round-installed", WORK / "round-dev"
    started = time.monotonic()
    run([*prefix, str(venv / "bin" / "consolidate"), "run", *DEMO, "--out", str(installed)],
        what="the demo round with the installed command", env=env)
    print(f"demo round with the installed command: {time.monotonic() - started:.1f} s")
    for name in OUTPUTS:
        if not (installed / name).is_file() or (installed / name).stat().st_size == 0:
            raise CheckError(f"the demo round wrote no {name}")
    annotated = installed / "退改文件"
    if not annotated.is_dir() or not any(annotated.iterdir()):
        raise CheckError("the demo round wrote no annotated copies (退改文件/)")

    run([str(ROOT / ".venv" / "bin" / "consolidate"), "run", *DEMO, "--out", str(dev)],
        what="the demo round with the development install")
    mine = json.loads((installed / "审核结果.json").read_text(encoding="utf-8"))
    theirs = json.loads((dev / "审核结果.json").read_text(encoding="utf-8"))
    if mine != theirs:
        raise CheckError("the installed command's 审核结果.json differs from the development install's")
    totals = mine["totals"]
    print(f"demo round outputs present; JSON report equals the development install's ({totals['files']} files)")


def main() -> int:
    try:
        check()
    except CheckError as err:
        print(f"make dist-test: {err}", file=sys.stderr)
        return 1
    print("make dist-test: the bundle installs offline and runs the demo round")
    return 0


if __name__ == "__main__":
    sys.exit(main())
