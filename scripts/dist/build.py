"""Build the offline install bundles (``make dist``).

Office PCs are often offline (内网) and run Windows or a domestic Linux desktop (UOS, Kylin) on
x86_64 or aarch64. For each platform this writes one archive in ``dist/`` that installs the
project with no network, and ``dist/SHA256SUMS``::

    consolidate-0.1.0-python3.11-linux-x86_64.tar.gz    wheels/, install.sh, README.txt
    consolidate-0.1.0-python3.11-linux-aarch64.tar.gz   wheels/, install.sh, README.txt
    consolidate-0.1.0-python3.11-windows-amd64.zip      wheels/, install.bat, README.txt

How the wheel set is found, with no second list of dependencies anywhere:

1. ``uv pip compile pyproject.toml`` resolves ``[project].dependencies`` for the target platform
   and CPython 3.11, first allowing wheels only (so a release that lacks a platform's wheels is
   passed over for one that has them), then, if that cannot be solved, allowing sdists too.
   uv evaluates markers (``sys_platform == "win32"``) for the target; ``pip download --platform``
   evaluates them for the machine it runs on and would leave colorama and tzdata out on Windows.
2. ``pip download --no-deps --only-binary=:all: --platform ...`` fetches each pinned wheel.
3. A pinned package with no wheel at all (an sdist only) is built here with ``pip wheel`` and kept
   when the result is pure Python (``none-any``, installable anywhere); a package with compiled
   code and no wheel for a platform stops the build, naming it.
   uv and pip may read different copies of the index (a mirror, or a CDN page minutes behind a
   release): a pinned release that pip's index does not list at all is asked for again after a
   pause, and if it is still missing, that release is excluded and the platform pinned again, so
   the bundle holds the newest release both can see.
4. The project's own wheel (``pip wheel --no-deps .``) is checked to hold every file of
   ``workbook_templates/`` and every compiled catalog (``consolidate/locale/*/LC_MESSAGES/*.mo``).
5. ``uv pip install --dry-run --no-index --find-links`` resolves the project from the bundle's own
   folder for the target platform: each bundle is complete, or the build fails.

Linux wheels are limited to glibc 2.28 (manylinux_2_28 and older): UOS 20 and Kylin V10 have 2.28.
Downloads are cached under ``build/dist-cache/`` (gitignored), so a rebuild is quick. The archives
are reproducible: the same wheels give the same bytes (file times are the last commit's).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import parse_wheel_filename

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = ROOT / "build" / "dist-cache"
STAGE = ROOT / "build" / "dist-stage"
PYTHON = "3.11"
GLIBC = (2, 28)


@dataclass(frozen=True)
class Platform:
    name: str  # in the archive's name
    machine: str  # what `uname -m` prints (Linux); the installer's word (Windows)
    uv_platform: str  # uv's --python-platform
    pip_platforms: tuple[str, ...]  # pip's --platform tags, best first

    @property
    def windows(self) -> bool:
        return self.name.startswith("windows")


def _manylinux(arch: str) -> tuple[str, ...]:
    # pip does not widen manylinux_2_28 to the older tags by itself: list them all.
    newest = GLIBC[1]
    return (*(f"manylinux_2_{minor}_{arch}" for minor in range(newest, 4, -1)), f"manylinux2014_{arch}")


PLATFORMS = (
    Platform("linux-x86_64", "x86_64", f"x86_64-manylinux_2_{GLIBC[1]}", _manylinux("x86_64")),
    Platform("linux-aarch64", "aarch64", f"aarch64-manylinux_2_{GLIBC[1]}", _manylinux("aarch64")),
    Platform("windows-amd64", "amd64", "x86_64-pc-windows-msvc", ("win_amd64",)),
)


class BuildError(Exception):
    """The bundle cannot be built; the message says why."""


def project() -> tuple[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(meta["name"]), str(meta["version"])


def bundle_name(plat: Platform) -> str:
    name, version = project()
    return f"{name}-{version}-python{PYTHON}-{plat.name}"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PIP_CACHE_DIR"] = str(CACHE / "pip")
    env["UV_CACHE_DIR"] = str(CACHE / "uv")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd: list[str], *, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)


def _uv() -> str:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        raise BuildError("uv is missing: `make dist` runs in .venv, which has it (the dev extra)")
    return uv


def _fail(what: str, done: subprocess.CompletedProcess[str]) -> BuildError:
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
    return BuildError(f"{what} failed (exit {done.returncode}):\n{tail}")


# --- the project's own wheel -------------------------------------------------------------------


def own_wheel(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.whl"):
        old.unlink()
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)])
    if done.returncode != 0:
        raise _fail("pip wheel .", done)
    (wheel,) = out.glob("*.whl")
    check_own_wheel(wheel)
    return wheel


def expected_data_files() -> set[str]:
    """The files the wheel must carry besides code: the spec and the compiled catalogs."""
    spec = ROOT / "workbook_templates"
    want = {
        f"consolidate/workbook_templates/{p.relative_to(spec).as_posix()}"
        for p in spec.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    catalogs = {p.relative_to(ROOT).as_posix() for p in (ROOT / "consolidate" / "locale").glob("*/LC_MESSAGES/*.mo")}
    if not any(name.endswith(".yaml") for name in want) or not catalogs:
        raise BuildError("workbook_templates/*.yaml or consolidate/locale/*/LC_MESSAGES/*.mo not found in the checkout")
    return want | catalogs


def check_own_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    missing = sorted(expected_data_files() - names)
    if missing:
        raise BuildError(f"{wheel.name} lacks {len(missing)} data file(s): {', '.join(missing[:5])}")


# --- the dependencies --------------------------------------------------------------------------


def compile_requirements(plat: Platform, out: Path, excluded: tuple[str, ...] = ()) -> list[str]:
    """Pin `[project].dependencies` for the platform; returns the pins (`name==version`).

    `excluded` are pins (`name==version`) pip's index does not list: the resolution avoids them.
    """
    base = [_uv(), "pip", "compile", "pyproject.toml", "--python-version", PYTHON, "--python-platform",
            plat.uv_platform, "--no-header", "--no-annotate", "--quiet", "-o", str(out)]
    if excluded:  # beside the staged folder, not in it: the bundle holds what it installs
        constraints = out.parent.with_name(f"{out.parent.name}.excluded.txt")
        constraints.write_text("".join(f"{pin.replace('==', '!=')}\n" for pin in excluded), encoding="utf-8")
        base += ["--constraint", str(constraints)]
    done = _run([*base, "--only-binary", ":all:"])
    if done.returncode != 0:
        print(f"  {plat.name}: no wheels-only solution, allowing sdists ({(done.stderr.strip().splitlines() or ['?'])[0]})")
        done = _run(base)
        if done.returncode != 0:
            raise _fail(f"uv pip compile for {plat.name}", done)
    pins = [line.strip() for line in out.read_text(encoding="utf-8").splitlines()]
    return [pin for pin in pins if pin and not pin.startswith("#")]


class IndexBehind(BuildError):
    """pip's index does not list a release uv pinned (a mirror or CDN page behind the one uv read)."""

    def __init__(self, spec: str) -> None:
        super().__init__(f"{spec} is not on pip's index (uv's index has it)")
        self.spec = spec


PAUSES = (10.0, 30.0)  # seconds before asking pip's index again for a release it did not list


def not_listed(spec: str, output: str) -> bool:
    """pip's "(from versions: ...)" names other releases of `spec`'s package but not `spec`'s own."""
    version = spec.partition("==")[2]
    listed = re.search(r"\(from versions: ([^)]*)\)", output)
    if not version or listed is None or listed.group(1).strip() == "none":
        return False
    return version not in {v.strip() for v in listed.group(1).split(",")}


def download_wheels(plat: Platform, requirements: Path, dest: Path) -> None:
    """Fetch every pinned wheel; raises IndexBehind if pip's index still lacks a pinned release."""
    for pause in (*PAUSES, None):
        try:
            return _download_wheels(plat, requirements, dest)
        except IndexBehind as behind:
            if pause is None:
                raise
            print(f"  {plat.name}: {behind}; asking again in {pause:.0f} s")
            time.sleep(pause)


def _download_wheels(plat: Platform, requirements: Path, dest: Path) -> None:
    pure = CACHE / "pure-wheels"
    pure.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version",
           PYTHON, "--implementation", "cp", *(a for p in plat.pip_platforms for a in ("--platform", p)),
           "--find-links", str(pure), "-d", str(dest), "-r", str(requirements)]
    built: set[str] = set()
    while True:
        done = _run(cmd)
        if done.returncode == 0:
            return
        found = re.search(r"No matching distribution found for (\S+)", done.stdout + done.stderr)
        if found is None or found.group(1) in built:
            raise _fail(f"pip download for {plat.name}", done)
        spec = found.group(1)
        build_pure_wheel(spec, plat, pure)
        built.add(spec)


def build_pure_wheel(spec: str, plat: Platform, pure: Path) -> None:
    """`spec` has no wheel for the platform: build one from its sdist, kept only if pure Python."""
    with tempfile.TemporaryDirectory() as tmp:
        done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-binary=:all:", "--quiet", "-w", tmp, spec])
        if done.returncode != 0 and not_listed(spec, done.stdout + done.stderr):
            raise IndexBehind(spec)
        if done.returncode != 0:
            raise _fail(f"{spec} has no wheel for {plat.name}; building it from its sdist", done)
        for wheel in Path(tmp).glob("*.whl"):
            tags = parse_wheel_filename(wheel.name)[3]
            if any(tag.platform != "any" or tag.abi != "none" for tag in tags):
                raise BuildError(
                    f"{spec} has no wheel for {plat.name} and is not pure Python ({wheel.name}): "
                    "it cannot be built here for another platform; bound its version in pyproject.toml "
                    "to a release that has wheels"
                )
            print(f"  {spec}: no wheel on the index, built the pure-Python wheel {wheel.name} from its sdist")
            shutil.move(str(wheel), pure / wheel.name)


_LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def _glibc_of_tag(platform_tag: str) -> tuple[int, int] | None:
    new = re.match(r"manylinux_(\d+)_(\d+)_", platform_tag)
    if new:
        return int(new.group(1)), int(new.group(2))
    return _LEGACY_MANYLINUX.get(platform_tag.split("_", 1)[0])


def glibc_needed(wheels: Path) -> tuple[int, int] | None:
    """The newest glibc any Linux wheel here needs (a wheel needs its oldest tag's)."""
    needed = []
    for wheel in wheels.glob("*.whl"):
        versions = [v for tag in parse_wheel_filename(wheel.name)[3] if (v := _glibc_of_tag(tag.platform))]
        if versions:
            needed.append(min(versions))
    return max(needed, default=None)


def check_offline_install(plat: Platform, wheels: Path, requirement: str) -> None:
    """Resolve the project from the bundle alone, for the target platform, as the office will."""
    with tempfile.TemporaryDirectory() as tmp:
        done = _run([_uv(), "pip", "install", "--dry-run", "--no-index", "--find-links", str(wheels), "--only-binary",
                     ":all:", "--python-platform", plat.uv_platform, "--python-version", PYTHON, "--target", tmp,
                     requirement])
    if done.returncode != 0:
        raise _fail(f"resolving {requirement} from the {plat.name} bundle alone", done)


# --- the bundle ----------------------------------------------------------------------------------


def render(template: str, values: dict[str, str]) -> str:
    text = (HERE / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    if left:
        raise BuildError(f"{template}: no value for {', '.join(left)}")
    return text


def _windows_text(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def pin_and_download(plat: Platform, requirements: Path, wheels: Path, tries: int = 3) -> list[str]:
    """Pin the dependencies and fetch their wheels, passing over releases pip's index lacks."""
    excluded: tuple[str, ...] = ()
    while True:
        pins = compile_requirements(plat, requirements, excluded)
        try:
            download_wheels(plat, requirements, wheels)
            return pins
        except IndexBehind as behind:
            if len(excluded) + 1 >= tries:
                raise
            excluded = (*excluded, behind.spec)
            print(f"  {plat.name}: pinning again without {behind.spec}")


def stage_bundle(plat: Platform, own: Path) -> Path:
    name, version = project()
    stage = STAGE / bundle_name(plat)
    if stage.exists():
        shutil.rmtree(stage)
    wheels = stage / "wheels"
    wheels.mkdir(parents=True)
    pins = pin_and_download(plat, stage / "requirements.txt", wheels)
    shutil.copy2(own, wheels / own.name)
    requirement = f"{name}=={version}"
    check_offline_install(plat, wheels, requirement)
    glibc = glibc_needed(wheels)
    values = {"NAME": name, "VERSION": version, "PYTHON": PYTHON, "MACHINE": plat.machine,
              "BUNDLE": bundle_name(plat), "PACKAGES": str(len(pins) + 1),
              "GLIBC": ".".join(map(str, glibc or (2, 17)))}
    if plat.windows:
        (stage / "install.bat").write_bytes(_windows_text(render("install.bat", values)))
        (stage / "README.txt").write_bytes(b"\xef\xbb\xbf" + _windows_text(render("README-windows.txt", values)))
    else:
        (stage / "install.sh").write_text(render("install.sh", values), encoding="utf-8")
        (stage / "README.txt").write_text(render("README-linux.txt", values), encoding="utf-8")
    return stage


def source_epoch() -> int:
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    done = _run(["git", "log", "-1", "--format=%ct"])
    return int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else 315532800


def _members(stage: Path) -> list[Path]:
    return sorted((p for p in stage.rglob("*") if p.is_file()), key=lambda p: p.relative_to(stage).as_posix())


def archive(stage: Path, plat: Platform, out_dir: Path, epoch: int) -> Path:
    """A .zip (Windows) or .tar.gz (Linux) of the staged folder, the same bytes for the same files."""
    if plat.windows:
        return _zip(stage, out_dir / f"{stage.name}.zip", epoch)
    return _tar_gz(stage, out_dir / f"{stage.name}.tar.gz", epoch)


def _zip(stage: Path, path: Path, epoch: int) -> Path:
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in _members(stage):
            info = zipfile.ZipInfo(f"{stage.name}/{file.relative_to(stage).as_posix()}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, file.read_bytes())
    return path


def _tar_gz(stage: Path, path: Path, epoch: int) -> Path:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_dir())
        for rel in ["", *dirs]:
            folder = tarfile.TarInfo(f"{stage.name}/{rel}".rstrip("/"))
            folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o755, epoch
            tar.addfile(folder)
        for file in _members(stage):
            member = tarfile.TarInfo(f"{stage.name}/{file.relative_to(stage).as_posix()}")
            member.size, member.mtime = file.stat().st_size, epoch
            member.mode = 0o755 if file.suffix == ".sh" else 0o644
            with file.open("rb") as data:
                tar.addfile(member, data)
    with path.open("wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())
    return path


def write_sums(out_dir: Path) -> Path:
    lines = []
    for path in sorted(out_dir.glob("*-python*-*.*")):
        if path.name.endswith((".tar.gz", ".zip")):
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    sums = out_dir / "SHA256SUMS"
    sums.write_text("".join(lines), encoding="utf-8")
    return sums


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def build(names: list[str], out_dir: Path) -> list[tuple[Path, float]]:
    chosen = [p for p in PLATFORMS if not names or p.name in names]
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    own = own_wheel(STAGE / "own")
    print(f"{own.name}: spec and catalogs present ({time.monotonic() - started:.1f} s)")
    epoch = source_epoch()
    built = []
    for plat in chosen:
        began = time.monotonic()
        for old in out_dir.glob(f"{project()[0]}-*-{plat.name}.*"):
            old.unlink()
        stage = stage_bundle(plat, own)
        path = archive(stage, plat, out_dir, epoch)
        seconds = time.monotonic() - began
        wheels = len(list((stage / "wheels").glob("*.whl")))
        print(f"{_shown(path)}: {path.stat().st_size / 2**20:.1f} MiB, {wheels} wheels, {seconds:.1f} s")
        built.append((path, seconds))
    sums = write_sums(out_dir)
    print(f"{_shown(sums)} written; whole build {time.monotonic() - started:.1f} s")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", action="append", choices=[p.name for p in PLATFORMS],
                        help="build only this platform (repeatable; default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        build(args.platform or [], args.out.resolve())
    except BuildError as err:
        print(f"make dist: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
