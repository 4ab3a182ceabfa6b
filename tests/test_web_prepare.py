"""The office's downloads built ahead (issue 18: a 5,000-unit round's rollup.xlsx in under 10 s).

Covers, on SQLite in this process (its check workers in threads) and on PostgreSQL through
``consolidate serve``:
- deciding checks queues ONE ``tasks.prepare`` per round, ``PREPARE_DELAY`` seconds on; more
  decisions while it waits add none (another round gets its own); off when the delay is negative;
  never sooner after the round's last one ended than that one took;
- once it has run, rollup.xlsx and report.xlsx are the kept files (no build: counted), the same
  bytes as a build on demand; in English too once English was asked for;
- a review changes what the downloads say: it queues a new one, and the next download is again
  a kept file (a new one);
- two requests for the same missing workbook build it once.
"""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from test_web_contract import postgres  # noqa: F401  (the fixture)
from test_web_results import new_round, office, up
from web_support import http, serving, setup_round, upload, wait_until, workbook

pytestmark = pytest.mark.usefixtures("web")


def prepares(round_id: int) -> list[Any]:
    """The round's prepare tasks in the queue (django-tasks-db's rows)."""
    from django_tasks_db.models import DBTaskResult

    from consolidate.web.tasks import PREPARE_PATH

    return [t for t in DBTaskResult.objects.filter(task_path=PREPARE_PATH) if t.args_kwargs["args"] == [round_id]]


def settled(round_: Any) -> bool:
    """Every check of the round decided and its worker done with it (the prepare it queues is
    queued before the unit is released)."""
    from consolidate.web.models import RoundUnit, Submission

    return not (Submission.objects.filter(unit__round=round_, state="checking").exists()
                or RoundUnit.objects.filter(round=round_).exclude(check_holder="").exists())


def prepared(round_: Any) -> bool:
    """Settled, and every prepare queued for it has run."""
    return settled(round_) and {t.status for t in prepares(round_.id)} == {"SUCCESSFUL"}


def count_builds(monkeypatch: Any) -> list[tuple[str, str]]:
    """Every workbook built from here on (which, language), whichever thread builds it."""
    from consolidate.web import downloads

    built: list[tuple[str, str]] = []
    real = downloads._build
    monkeypatch.setattr(downloads, "_build", lambda r, subs, lang, which: built.append((which, lang))
                        or real(r, subs, lang, which))
    return built


def kept(round_: Any, which: str, lang: str = "zh") -> list[Path]:
    from django.conf import settings

    return sorted((Path(settings.DATA_DIR) / "cache").glob(f"{which}-r{round_.id}-{lang}-*.xlsx"))


def test_deciding_checks_queues_one_prepare_per_round() -> None:
    from django.test import override_settings

    round_, issued = new_round(3)
    up(issued[0], workbook(issued[0].unit))  # the session's default: off
    wait_until(lambda: settled(round_))
    assert prepares(round_.id) == []
    other, other_issued = new_round(1)
    try:
        with override_settings(PREPARE_DELAY=600):  # queued, and not run during the test
            up(issued[1], workbook(issued[1].unit))
            wait_until(lambda: settled(round_) and prepares(round_.id))
            first = prepares(round_.id)
            assert [t.status for t in first] == ["READY"]
            waits = (first[0].run_after - first[0].enqueued_at).total_seconds()
            assert 599 < waits < 601 and first[0].priority < 0  # after the delay, behind every check
            up(issued[2], workbook(issued[2].unit, error=True))
            up(issued[0], workbook(issued[0].unit, seed=2))
            wait_until(lambda: settled(round_))
            assert [t.id for t in prepares(round_.id)] == [first[0].id]  # coalesced: still that one
            up(other_issued[0], workbook(other_issued[0].unit))  # another round: its own
            wait_until(lambda: settled(other) and prepares(other.id))
            assert len(prepares(other.id)) == 1 and len(prepares(round_.id)) == 1
    finally:
        for t in prepares(round_.id) + prepares(other.id):
            t.delete()


def test_a_rounds_next_prepare_waits_as_long_as_its_last_one_took() -> None:
    """While a large round keeps changing, building its workbooks takes at most half of a worker."""
    from datetime import timedelta

    from django.test import override_settings
    from django.utils import timezone

    from consolidate.web import tasks

    round_, _ = new_round(1)
    try:
        with override_settings(PREPARE_DELAY=1):
            last = tasks.prepare.using(run_after=timezone.now() + timedelta(days=1)).enqueue(round_.id)
            ended = timezone.now() - timedelta(seconds=1)
            type(last.db_result).objects.filter(pk=last.id).update(  # it ran for 100 s, and ended a second ago
                status="SUCCESSFUL", started_at=ended - timedelta(seconds=100), finished_at=ended)
            tasks.prepare_soon([round_.id])
            [queued] = prepares(round_.id)  # the one that ran is dropped
            assert queued.status == "READY" and queued.run_after == ended + timedelta(seconds=100)
    finally:
        for t in prepares(round_.id):
            t.delete()


def test_after_the_prepare_ran_the_downloads_are_the_kept_files_and_a_review_makes_new_ones(
        monkeypatch: Any) -> None:
    from django.test import override_settings

    from consolidate.web.models import Submission

    round_, issued = new_round(3)
    c = office()
    with override_settings(PREPARE_DELAY=0.2):
        up(issued[0], workbook(issued[0].unit))
        up(issued[1], workbook(issued[1].unit, error=True))
        wait_until(lambda: prepared(round_) and kept(round_, "rollup") and kept(round_, "report"))
        built = count_builds(monkeypatch)
        rollup = c.get(f"/office/rounds/{round_.id}/rollup.xlsx")
        report = c.get(f"/office/rounds/{round_.id}/report.xlsx")
        assert rollup.status_code == report.status_code == 200
        assert built == []  # both were there already
        [rollup_file], [report_file] = kept(round_, "rollup"), kept(round_, "report")
        assert rollup.content == rollup_file.read_bytes() and report.content == report_file.read_bytes()
        rollup_file.unlink()  # the same bytes as a build on demand
        assert c.get(f"/office/rounds/{round_.id}/rollup.xlsx").content == rollup.content
        assert built == [("rollup", "zh")]
        english = c.get(f"/office/rounds/{round_.id}/rollup.xlsx", HTTP_ACCEPT_LANGUAGE="en").content
        assert built[-1] == ("rollup", "en")

        # confirming the version with errors: the downloads say so; built again ahead, both languages
        sub = Submission.objects.get(unit=issued[1].unit)
        ran = {t.id for t in prepares(round_.id)}
        built.clear()
        answer = c.post(f"/office/submissions/{sub.id}/review", {"decision": "confirmed", "reason": "已核实"},
                        HTTP_ACCEPT="application/json")
        assert answer.status_code == 200, answer.content
        [queued] = prepares(round_.id)  # a new one (the ones that ran are dropped)
        assert queued.id not in ran
        wait_until(lambda: prepared(round_) and kept(round_, "rollup", "en") != [] and kept(round_, "rollup") != []
                   and kept(round_, "rollup") != [rollup_file])
        wait_until(lambda: len(built) == 4)
        assert sorted(built) == [("report", "en"), ("report", "zh"), ("rollup", "en"), ("rollup", "zh")]
        built.clear()
        confirmed = c.get(f"/office/rounds/{round_.id}/rollup.xlsx")
        confirmed_en = c.get(f"/office/rounds/{round_.id}/rollup.xlsx", HTTP_ACCEPT_LANGUAGE="en")
        assert built == []
        assert confirmed.content != rollup.content and confirmed_en.content != english
        assert confirmed.content == kept(round_, "rollup")[0].read_bytes()
        assert "已核实" in sheet_texts(confirmed.content)  # the office's reason, in the roll-up


def sheet_texts(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_two_requests_for_a_missing_workbook_build_it_once(monkeypatch: Any) -> None:
    from consolidate.web import downloads

    round_, issued = new_round(2)
    up(issued[0], workbook(issued[0].unit))
    built: list[str] = []
    real = downloads._build

    def slow(r: Any, subs: Any, lang: Any, which: str) -> bytes:
        built.append(which)
        time.sleep(0.5)  # long enough for the other request to arrive meanwhile
        return real(r, subs, lang, which)

    monkeypatch.setattr(downloads, "_build", slow)
    answers: list[bytes | None] = []

    def ask() -> None:
        from django.db import connection

        try:
            answers.append(downloads.round_outputs(round_, "zh", "rollup").rollup)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert built == ["rollup"]
    assert len(answers) == 2 and answers[0] == answers[1] is not None


# --- PostgreSQL, through a real server and its worker ---------------------------------------

def test_prepared_downloads_on_postgresql(tmp_path: Path, postgres: str) -> None:  # noqa: F811
    """With ``consolidate serve`` on PostgreSQL: its worker builds both workbooks after the
    checks; the download is that file (not written again: the same inode); a review through
    the API makes a new one before anyone asks."""
    import psycopg

    data = tmp_path / "data"
    token, round_id, paths, units = setup_round(data, postgres, 2, user="pg-prepare")
    bearer = {"Authorization": f"Bearer {token}"}
    first, second = units.units
    cache = data / "cache"

    def files(which: str) -> list[Path]:
        return sorted(cache.glob(f"{which}-r{round_id}-zh-*.xlsx"))

    def queue() -> list[str]:
        with psycopg.connect(postgres) as db:
            rows = db.execute("SELECT status, args_kwargs FROM django_tasks_database_dbtaskresult "
                              "WHERE task_path = 'consolidate.web.tasks.prepare'").fetchall()
        return [status for status, args in rows if (args if isinstance(args, dict) else json.loads(args))["args"]
                == [round_id]]

    with serving(data, postgres, extra_env={"CONSOLIDATE_PREPARE_DELAY": "0.3"}) as server:
        assert upload(server.url + paths[first.code], workbook(first))[0] == 200
        status, body = upload(server.url + paths[second.code], workbook(second, error=True))
        assert status == 200
        wait_until(lambda: set(queue()) == {"SUCCESSFUL"} and len(files("rollup")) == len(files("report")) == 1, 60)
        [before] = files("rollup")
        inode, old = before.stat().st_ino, before.read_bytes()
        status, _, got = http("GET", f"{server.url}/office/rounds/{round_id}/rollup.xlsx", headers=bearer)
        assert status == 200 and got == before.read_bytes() and before.stat().st_ino == inode  # not built again
        answer = http("POST", f"{server.url}/office/submissions/{body['submission']['id']}/review",
                      body=b"decision=confirmed&reason=%E5%B7%B2%E6%A0%B8%E5%AE%9E",
                      headers={**bearer, "Accept": "application/json",
                               "Content-Type": "application/x-www-form-urlencoded"})
        assert answer[0] == 200, answer
        wait_until(lambda: set(queue()) == {"SUCCESSFUL"} and files("rollup") not in ([], [before])
                   and len(files("report")) == 1, 60)
        [after] = files("rollup")
        inode = after.stat().st_ino
        status, _, got = http("GET", f"{server.url}/office/rounds/{round_id}/rollup.xlsx", headers=bearer)
        assert status == 200 and got == after.read_bytes() != old and after.stat().st_ino == inode
        assert "已核实" in sheet_texts(got)
