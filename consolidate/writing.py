"""Writing output files safely: whole or not at all, never over an input, never into an input folder.

- :func:`write_atomically` is the one atomic writer: every file we write (a workbook, a
  JSON report, a cached spec) goes to a temporary file beside its target and is renamed
  over it when complete, so an interrupted or failed run leaves the old file or none,
  never half of one. The file gets the user's normal permissions (the umask), not the
  0600 of ``tempfile.mkstemp``.
- :func:`staged_folder` does the same for a folder of outputs (a ``run`` round, the
  annotated copies, a roster's templates): everything is written into a hidden folder
  beside the target and moved into place at the end; a failed or interrupted run leaves
  no trace of it, and no empty output folder.
- :func:`refuse_inside_inputs` refuses an output inside a folder we read: the next run would
  read our own outputs as submissions.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import signal
import threading
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import ConsolidateError
from .i18n import N_, Msg

TEMP_PREFIX = ".~consolidate-"  # hidden (skipped when a folder is read) and recognisably ours


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (by identity when both exist, else by resolved path)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


class InputFiles:
    """The run's input files, asked in constant time whether a path names one of them (what
    ``writing.same_file`` answers for one pair: the same file by identity when both exist,
    else the same resolved path). Made once per run: asking ``same_file`` of every input
    for every output made the annotated copies of N files cost N² (85 % of ``run`` at 10,000)."""

    def __init__(self, paths: Iterable[Path | str] = ()) -> None:
        self._ids: set[tuple[int, int]] = set()
        self._resolved: set[Path] = set()
        for path in paths:
            self.add(Path(path))

    def add(self, path: Path) -> None:
        try:
            st = os.stat(path)
            self._ids.add((st.st_dev, st.st_ino))
        except (OSError, ValueError):
            pass
        with suppress(OSError, RuntimeError, ValueError):
            self._resolved.add(path.resolve())

    def __contains__(self, candidate: object) -> bool:
        if not isinstance(candidate, Path):
            return False
        try:
            st = os.stat(candidate)
            if (st.st_dev, st.st_ino) in self._ids:
                return True
        except (OSError, ValueError):
            pass
        try:
            return candidate.resolve() in self._resolved
        except (OSError, RuntimeError, ValueError):
            return False


def inside(child: Path, parent: Path) -> bool:
    """Whether ``child`` is ``parent`` or lies somewhere under it (symbolic links resolved)."""
    try:
        Path(child).resolve().relative_to(Path(parent).resolve())
    except (ValueError, OSError):
        return False
    return True


def refuse_inside_inputs(output: Path, inputs: Iterable[Path | str], what: str) -> None:
    """Raise when ``output`` (a file or folder to write; ``what`` names it, a catalog text
    marked with ``N_``) is inside one of the input folders, or is one of the input files."""
    for given in inputs:
        folder = Path(given)
        if folder.is_dir() and inside(output, folder):
            message = N_("{what} {out} 位于输入文件夹 {folder} 之内：下一次运行会把生成的文件当作报表读入，"
                         "也可能覆盖报送的文件。请把输出放到输入文件夹之外。")
        elif not folder.is_dir() and same_file(output, folder):
            message = N_("{what} {out} 就是输入文件之一：不能覆盖报送的文件（输入文件不得改动）。请换一个位置。")
        else:
            continue
        raise ConsolidateError(message, what=Msg(what), out=output, folder=folder)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) back for a moment that must not be cut: the few renames that
    put finished outputs in place, the forking of workers. It is delivered when the block
    ends. Only in the main thread of a POSIX process (elsewhere signals do not reach this code)."""
    if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    else:
        yield


def _temp_name(target: Path, kind: str) -> Path:
    return target.with_name(f"{TEMP_PREFIX}{kind}-{os.getpid()}-{secrets.token_hex(4)}-{target.name}")


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created (deepest last)."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            break


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, replacing it whole; missing parent folders are created
    (and removed again when the write fails). Raises OSError."""
    write_chunks_atomically(path, (data,))


def write_chunks_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """:func:`write_atomically` for data made piece by piece (a long report streamed as it
    is rendered): each chunk is written as it comes, the whole replaces ``path`` at the end."""
    path = Path(path)
    created = _make_parents(path.parent)
    tmp = _temp_name(path, "part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        with interrupts_held():
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        _remove_empty(created)
        raise


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A hidden folder beside ``target`` to write into; when the block ends normally its
    contents are moved into ``target``, else it is removed with everything in it.

    A new ``target`` appears whole, by one rename. Into an existing one, each entry of the
    staging folder replaces the entry of the same name (a sub-folder as a whole: the old
    one is removed once the new one is in place); other entries are left alone.
    """
    target = Path(target)
    created = _make_parents(target.parent)
    staging = _temp_name(target, "staging")
    try:
        staging.mkdir()
        yield staging
        with interrupts_held():
            if not target.exists():
                os.replace(staging, target)
            else:
                _merge(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(created)
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _merge(staging: Path, target: Path) -> None:
    if not target.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(target))
    old: list[Path] = []
    for entry in sorted(staging.iterdir()):
        destination = target / entry.name
        if entry.is_dir() and destination.exists():
            aside = _temp_name(destination, "old")
            os.replace(destination, aside)
            old.append(aside)
        os.replace(entry, destination)
    for aside in old:
        if aside.is_dir():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.unlink(missing_ok=True)


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the entries' date in an archive whose bytes must repeat


def pinned_zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip of ``entries`` (name, bytes) in their order, with fixed entry times and
    modes: its bytes depend only on the names, order and contents."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return out.getvalue()
