"""The office's pages and downloads on a large round (issue 18): a synthetic round of N units
(``benchmarks/data.round_of``, default 5,000), every file checked once by the library and its
result stored as an upload would store it (``results.store_outcome``'s shape: bulk-inserted,
the files in the store), then, in-process through Django's test client on SQLite (or
``--database URL``): the board page, its 5-second refresh (one unit changed), status.json,
rollup.xlsx (first and cached), report.xlsx and files.zip; then one more check decided through
the queue's task (``tasks.check``), which queues the round's prepare task; that task run as a
worker runs it, and the downloads again (now the kept files). Prints the time (wall and this
process's CPU), the size and the number of SQL queries of each, and one upload's queries (the
same at any round size).

    .venv/bin/python -m benchmarks.web_round                # 5,000 units
    .venv/bin/python -m benchmarks.web_round --units 500 --json /tmp/r.json

Not part of `make test`; only files under a temporary folder are written (and the
synthetic pool under benchmarks/data/).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _measure(call: Any) -> tuple[float, int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started, cpu = time.perf_counter(), time.process_time()
        answer = call()
        if getattr(answer, "streaming", False):
            answer.content_bytes = sum(len(chunk) for chunk in answer.streaming_content)
        seconds = time.perf_counter() - started
        answer.cpu_s = time.process_time() - cpu  # this process's own (the machine is shared)
    return seconds, len(ctx.captured_queries), answer


def _size(answer: Any) -> int:
    return getattr(answer, "content_bytes", None) or len(answer.content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: SQLite in the temporary folder)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--profile", action="store_true", help="profile one roll-up (English) to stderr first")
    args = parser.parse_args(argv)

    from benchmarks.data import round_of

    made = time.perf_counter()
    synthetic = round_of(args.units)
    print(f"synthetic round of {args.units}: {time.perf_counter() - made:.1f} s", file=sys.stderr)
    folder = Path(tempfile.mkdtemp(prefix="web-round-"))
    try:
        return _run(args, synthetic, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(args: argparse.Namespace, synthetic: Any, folder: Path) -> int:
    os.environ["CONSOLIDATE_DATA"] = str(folder)
    os.environ["CONSOLIDATE_PREPARE_DELAY"] = "0"  # the prepare task queued ready to run (run here, timed)
    if args.database:
        os.environ["CONSOLIDATE_DATABASE_URL"] = args.database
    from consolidate.web.config import configure

    configure(folder)
    import logging

    timings = logging.getLogger("consolidate.web.downloads")  # how long each first build took, by stage
    timings.setLevel(logging.INFO)
    timings.addHandler(logging.StreamHandler(sys.stderr))
    timings.propagate = False
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from consolidate.output.json_report import json_ready
    from consolidate.roster import read_roster
    from consolidate.validate import validate
    from consolidate.web import store
    from consolidate.web.models import RoundUnit, Submission
    from consolidate.web.results import contact_of
    from consolidate.web.rounds import open_round

    roster = read_roster(synthetic.roster)
    started = time.perf_counter()
    files = sorted(synthetic.folder.iterdir())
    kept = synthetic.folder.with_name(synthetic.folder.name + "-results.pickle")  # the checks of an earlier run
    if kept.exists():
        results = pickle.loads(kept.read_bytes())
    else:
        results = validate(files, format_id="v2021", year=2025, roster=roster, workers=2).files
        kept.write_bytes(pickle.dumps(results))
    checked_s = time.perf_counter() - started
    round_, issued = open_round(roster, year=2025, actor="bench")
    by_code = {i.unit.code: i.unit for i in issued}
    now = timezone.now()
    subs = []
    for path, result in zip(files, results, strict=True):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        target = store.path_of(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
        unit = by_code.get(result.unit_code) or issued[len(subs) % len(issued)].unit
        counts = result.counts
        subs.append(Submission(unit=unit, version=1, sha256=sha, size=len(data), file_name=path.name,
                               received_at=now, state=result.status, errors=counts["error"],
                               warnings=counts["warning"], infos=counts["info"],
                               report=json_ready(result.to_dict("zh")), contact=contact_of(result)))
    seen: set[int] = set()
    subs = [s for s in subs if not (s.unit.id in seen or seen.add(s.unit.id))]  # type: ignore[func-returns-value]
    Submission.objects.bulk_create(subs, batch_size=500)
    units = []
    for sub in Submission.objects.filter(unit__round=round_).only("id", "unit_id", "state"):
        units.append(RoundUnit(id=sub.unit_id, latest_id=sub.id, counted_id=sub.id if sub.state in ("valid", "invalid")
                               else None, changed_at=now))
    RoundUnit.objects.bulk_update(units, ["latest", "counted", "changed_at"], batch_size=500)
    stored_s = time.perf_counter() - started - checked_s

    user = get_user_model().objects.create_user("bench", password="x" * 20)
    c = Client()
    c.force_login(user)
    base = f"/office/rounds/{round_.id}"
    figures: dict[str, Any] = {"units": len(issued), "submissions": len(subs), "database": "postgresql" if args.database
                               else "sqlite", "check_all_s": round(checked_s, 1), "store_all_s": round(stored_s, 1)}

    def row(name: str, call: Any, ok: tuple[int, ...] = (200,)) -> None:
        seconds, queries, answer = _measure(call)
        assert answer.status_code in ok, (name, answer.status_code)
        figures[name] = {"s": round(seconds, 3), "cpu_s": round(answer.cpu_s, 3), "queries": queries,
                         "bytes": _size(answer)}
        print(f"{name:<28} {seconds:8.3f} s {answer.cpu_s:7.3f} s CPU {queries:5d} queries {_size(answer):>12,d} bytes",
              flush=True)

    def timed(name: str, seconds: float, note: str = "") -> None:
        figures[name] = {"s": round(seconds, 3)}
        print(f"{name:<28} {seconds:8.3f} s {note}", flush=True)

    QUEUED = (200, 202)  # an upload is answered at once (no worker runs here: it stays queued)
    since = timezone.now().isoformat()
    row("board", lambda: c.get(f"{base}/"))
    row("board page 30", lambda: c.get(f"{base}/?page=30"))
    row("board errors filter", lambda: c.get(f"{base}/?state=invalid"))
    # one unit uploads (its own work only), then the refresh sends that row
    from consolidate.roster import Unit
    from consolidate.spec import load_spec
    from consolidate.template import build_workbook

    last = issued[-1]
    data = build_workbook(load_spec("v2021"), 2025, Unit(code=last.unit.code, name=last.unit.name, type="部门"))
    upload, again = io.BytesIO(data), io.BytesIO(data)
    upload.name = again.name = "报表.xlsx"
    # an upload is stored, recorded and queued (202: no worker runs here), never checked in the request
    row("one upload (JSON)", lambda: Client(REMOTE_ADDR="10.9.0.1").post(f"/u/{last.secret}", {"file": upload},
                                                                          HTTP_ACCEPT="application/json"), QUEUED)
    row("board refresh", lambda: c.get(f"{base}/board", {"since": since}))
    refreshed = c.get(f"{base}/board", {"since": since}).content.decode()
    assert f'<tr id="u{last.unit.id}"' in refreshed  # the one unit that changed, and only it
    assert refreshed.count("<tr id=") == 1
    row("status.json", lambda: c.get(f"{base}/status.json"))
    row("second upload (JSON)", lambda: Client(REMOTE_ADDR="10.9.0.1").post(
        f"/u/{last.secret}", {"file": again}, HTTP_ACCEPT="application/json"), QUEUED)
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(lambda: c.get(f"{base}/rollup.xlsx", HTTP_ACCEPT_LANGUAGE="en"))
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    row("rollup.xlsx first", lambda: c.get(f"{base}/rollup.xlsx"))
    row("rollup.xlsx cached", lambda: c.get(f"{base}/rollup.xlsx"))
    row("rollup.xlsx en first", lambda: c.get(f"{base}/rollup.xlsx", HTTP_ACCEPT_LANGUAGE="en"))
    row("report.xlsx first", lambda: c.get(f"{base}/report.xlsx"))
    row("report.xlsx cached", lambda: c.get(f"{base}/report.xlsx"))
    row("files.zip", lambda: c.get(f"{base}/files.zip"))
    # One more check decided, as a worker decides it (``tasks.check``): it queues the round's
    # prepare task, which a worker runs once no check waits; the office's next downloads are then
    # the kept files (the prepare builds Chinese, and English as it was asked for above).
    from django_tasks_db.models import DBTaskResult

    from consolidate.web import tasks

    waiting = Submission.objects.filter(unit=last.unit, state="checking").order_by("version").first()
    assert waiting is not None
    started = time.perf_counter()
    tasks.check.call(waiting.pk)
    timed("one check (task)", time.perf_counter() - started)
    queued = DBTaskResult.objects.ready().filter(task_path=tasks.PREPARE_PATH)
    assert [t.args_kwargs["args"] for t in queued] == [[round_.id]], "one prepare queued for the round"
    started, cpu = time.perf_counter(), time.process_time()
    tasks.prepare.call(round_.id)
    timed("prepare task", time.perf_counter() - started,
          f"{time.process_time() - cpu:7.3f} s CPU (rollup and report, zh and en)")
    row("rollup.xlsx prepared", lambda: c.get(f"{base}/rollup.xlsx"))
    row("rollup.xlsx prepared, again", lambda: c.get(f"{base}/rollup.xlsx"))
    row("report.xlsx prepared", lambda: c.get(f"{base}/report.xlsx"))
    row("rollup.xlsx en prepared", lambda: c.get(f"{base}/rollup.xlsx", HTTP_ACCEPT_LANGUAGE="en"))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    from consolidate.web.runner import close_shared

    close_shared()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
