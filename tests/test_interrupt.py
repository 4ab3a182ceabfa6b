"""Ctrl-C and workers that hang (issue 11, item 5).

Requirements covered:
- Ctrl-C (SIGINT to the command's whole process group, as a terminal sends it) at any moment:
  while Python imports the command, while files are read over processes, while the round's
  outputs are written, while templates are built over processes, and pressed twice: exit
  code 130, one line in Chinese on stderr, no traceback, no process of the command left,
  no output folder, no temporary file or folder of ours beside it;
- a worker that hangs on a file is ended after the time limit and the file is reported
  (FILE-TIMEOUT), the other files read as usual, no worker left afterwards.

The trials run the real command (``python -m consolidate``) in a process of its own;
``benchmarks/interrupt.py`` holds the harness and prints the figures of many trials.
"""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from factories import submission

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package, beside tests/

from benchmarks.interrupt import Trial, demo_copies, run_args, template_args, trial
from consolidate.i18n import _
from consolidate.read import read_many


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 78 files: enough to be read over processes (48 or more)
    return demo_copies(tmp_path_factory.mktemp("interrupt") / "收到的报表", 3)


def assert_stopped_cleanly(result: Trial) -> None:
    assert result.returncode == 130, result
    assert result.stderr.strip() == _("已中断（Ctrl-C）：已停止，未完成的输出都没有写出。"), result.stderr
    assert "Traceback" not in result.stderr
    assert result.left_processes == (), "processes of the command still running"
    assert result.left_outputs == (), "an output or a temporary file was left behind"


@pytest.mark.slow
@pytest.mark.parametrize(("moment", "twice"), [("early", False), ("workers", False), ("writing", False),
                                                ("workers", True), ("writing", True), ("copies", False),
                                                ("copies", True)])
def test_ctrl_c_during_a_round(inputs: Path, tmp_path: Path, moment: str, twice: bool) -> None:
    out = tmp_path / "2025年度汇总"
    assert_stopped_cleanly(at_the_moment(lambda: trial(run_args(inputs, out), out, moment, twice=twice), out))


def at_the_moment(attempt: Callable[[], Trial], out: Path, tries: int = 3) -> Trial:
    """A trial whose Ctrl-C came at its moment: the copies take milliseconds each, so on a busy
    machine a round can end between two looks for its moment; such a trial is run again."""
    for _try in range(tries):
        result = attempt()
        if result.reached:
            return result
        shutil.rmtree(out, ignore_errors=True)  # the round ended whole: its output goes before the next try
    pytest.fail(f"the moment never came in {tries} trials: the command ended first each time")


@pytest.mark.slow
@pytest.mark.parametrize("twice", [False, True])
def test_ctrl_c_while_templates_are_built_over_processes(tmp_path: Path, twice: bool) -> None:
    out = tmp_path / "2025年度模板"
    assert_stopped_cleanly(at_the_moment(lambda: trial(template_args(out), out, "workers", twice=twice), out))


def test_a_file_that_hangs_its_worker_is_reported_and_the_batch_goes_on(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from consolidate.read import reader

    real = reader.read_submission

    def hanging(path: Path, *, format_hint: str | None = None) -> object:
        if Path(path).name == "hang.xlsx":
            time.sleep(3600)  # what a reader stuck in a native library looks like from here
        return real(path, format_hint=format_hint)

    paths = []
    for i in range(56):
        path = tmp_path / ("hang.xlsx" if i == 13 else f"{i:03d}.xlsx")
        path.write_bytes(submission(seed=i % 4))
        paths.append(path)
    monkeypatch.setattr(reader, "read_submission", hanging)
    before = set(multiprocessing.active_children())  # e.g. the web tests' check workers, alive for the session
    results = read_many(paths, workers=2, chunksize=4, timeout=1)
    assert [r.path for r in results] == [str(p) for p in paths]
    hung = results[13]
    assert hung.status == "unreadable" and [f.code for f in hung.findings] == ["FILE-TIMEOUT"]
    assert "1 秒" in hung.findings[0].message("zh") and hung.sha256 is not None
    assert all(r.status != "unreadable" for i, r in enumerate(results) if i != 13)
    assert set(multiprocessing.active_children()) - before == set()  # the stuck worker was ended, the others stopped


def test_ctrl_c_that_python_wraps_while_a_class_is_made_still_stops_cleanly(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """In Python 3.11 Ctrl-C during ``__set_name__`` (a dataclass field, as libraries make at
    import time) comes out as “RuntimeError: Error calling __set_name__”: still 130, one line."""
    import consolidate.__main__ as entry
    import consolidate.cli

    class Field:
        def __set_name__(self, owner: type, name: str) -> None:
            raise entry.Interrupted  # what the SIGINT handler raises, here at the worst moment

    def importing() -> None:
        type("Stack", (), {"frames": Field()})

    monkeypatch.setattr(consolidate.cli, "main", importing)
    monkeypatch.setattr(multiprocessing, "active_children", lambda: [])  # this process's are the web tests'
    original = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as stopped:
            entry.main()
        assert stopped.value.code == 130
        assert capsys.readouterr().err.strip() == _("已中断（Ctrl-C）：已停止，未完成的输出都没有写出。")

        def failing() -> None:
            raise RuntimeError("not an interrupt")

        monkeypatch.setattr(consolidate.cli, "main", failing)
        with pytest.raises(RuntimeError, match="not an interrupt"):  # any other error is left as it is
            entry.main()
    finally:
        signal.signal(signal.SIGINT, original)  # main() took Ctrl-C over: give it back
