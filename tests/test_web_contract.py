"""The contract for scripts (README: 网页报送 / the contract), over real HTTP against
`consolidate serve`: on SQLite (the embedded default) and on PostgreSQL with two server
processes sharing one database and one data folder. The office commands as a script uses
them: `office adduser` (password on stdin), `office token` and `office open-round` (each
printing its result alone on the last line).

Covers: 200 with state valid / invalid / unreadable / refused and the report entry; 404
for an unknown link; 413 past the size limit (said in MB); 409 for a closed round; the
template; 401 without a token and status.json, rollup.xlsx and files.zip with one; 50
units uploading at once all stored and counted; Ctrl-C stops the server cleanly.
PostgreSQL: `make test` installs and starts it (Makefile: web-services); without it these
tests fail under CI and are skipped elsewhere.
"""

from __future__ import annotations

import io
import json
import os
import time
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from web_support import http, office, serving, setup_round, upload, workbook

PG_ADMIN = os.environ.get("CONSOLIDATE_TEST_POSTGRES",
                          "postgresql://consolidate_test:consolidate_test@127.0.0.1:5432/postgres")
LIMIT = 200_000  # bytes: small, so that 413 is cheap to reach


def run_contract(urls: list[str], data: Path, database: str | None, units: int = 50) -> None:
    token, round_id, paths, units_roster = setup_round(data, database, units)
    bearer = {"Authorization": f"Bearer {token}"}
    the_units = units_roster.units  # type: ignore[attr-defined]

    def at(i: int) -> str:  # requests alternate between the server processes
        return urls[i % len(urls)]

    first, second, third = the_units[0], the_units[1], the_units[2]
    status, body = upload(at(0) + paths[first.code], workbook(first, error=True))
    assert status == 200 and body["submission"]["state"] == "invalid"
    first_v1 = body["submission"]["id"]
    assert set(body) == {"unit", "submission", "report"} and body["unit"]["code"] == first.code
    assert body["report"]["findings"] and body["report"]["status"] == "invalid"
    status, body = upload(at(1) + paths[first.code], workbook(first))
    assert status == 200 and body["submission"]["state"] == "valid"
    first_v2 = body["submission"]["id"]
    status, body = upload(at(0) + paths[second.code], b"not a workbook at all")
    assert status == 200 and body["submission"]["state"] == "unreadable"
    unreadable_id = body["submission"]["id"]
    status, body = upload(at(1) + paths[third.code], workbook(second))
    assert status == 200 and body["submission"]["state"] == "refused"
    refused_id = body["submission"]["id"]
    status, body = upload(at(0) + "/u/" + "x" * 32, workbook(first))
    assert status == 404 and "error" in body
    status, body = upload(at(1) + paths[first.code], os.urandom(LIMIT + 1))
    assert status == 413 and "MB" in body["error"]
    status, headers, tpl = http("GET", at(0) + paths[third.code] + "/template.xlsx")
    assert status == 200 and tpl[:2] == b"PK" and "attachment" in headers["Content-Disposition"]

    # 50 (or all the other) units upload at once: every file stored and counted
    rest = the_units[3:]
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda iu: upload(at(iu[0]) + paths[iu[1].code], workbook(iu[1], seed=iu[0])),
                                enumerate(rest)))
    assert all(s == 200 and b["submission"]["state"] == "valid" for s, b in answers)

    status, _, raw = http("GET", f"{at(0)}/office/rounds/{round_id}/status.json")
    assert status == 401 and "error" in json.loads(raw)
    status, _, raw = http("GET", f"{at(1)}/office/rounds/{round_id}/status.json", headers=bearer)
    board = json.loads(raw)
    assert status == 200 and set(board) == {"round", "counts", "units"}
    states = {u["code"]: u for u in board["units"]}
    assert states[first.code]["state"] == "valid" and states[first.code]["submissions"] == 2
    assert states[second.code]["state"] == "unreadable"
    assert states[third.code]["state"] == "missing" and states[third.code]["submissions"] == 1  # refused only
    assert board["counts"]["valid"] == 1 + len(rest)
    assert states[first.code]["counted"] == 2 and states[first.code]["latest"]["id"] == first_v2
    assert states[second.code]["counted"] is None and states[second.code]["latest"]["version"] == 1
    assert board["counts"]["reported"] == 1 + len(rest) and board["counts"]["passed"] == 1 + len(rest)
    review_contract(at, round_id, bearer, paths, first, first_v1, first_v2, unreadable_id, refused_id, rest)
    status, _, summary = http("GET", f"{at(0)}/office/rounds/{round_id}/rollup.xlsx", headers=bearer)
    assert status == 200 and summary[:2] == b"PK"
    assert "已确认（带错误）".encode() in zipfile.ZipFile(io.BytesIO(summary)).read("xl/sharedStrings.xml")
    status, _, files = http("GET", f"{at(1)}/office/rounds/{round_id}/files.zip", headers=bearer)
    assert status == 200
    with zipfile.ZipFile(io.BytesIO(files)) as zf:
        _, _, raw = http("GET", f"{at(1)}/office/rounds/{round_id}/status.json", headers=bearer)
        assert len(zf.namelist()) == sum(u["submissions"] for u in json.loads(raw)["units"]) >= 4 + len(rest) + 1

    status, _, _ = http("POST", f"{at(0)}/office/rounds/{round_id}/close", body=b"late=refuse",
                        headers={**bearer, "Content-Type": "application/x-www-form-urlencoded"})
    assert status in (200, 302)
    status, body = upload(at(1) + paths[first.code], workbook(first))
    assert status == 409 and "结束" in body["error"]


RACES = 4  # confirm-while-uploading tries


def review(url: str, sub_id: int, bearer: dict[str, str], decision: str, reason: str = "") -> tuple[int, dict]:
    from urllib.parse import urlencode

    status, _, raw = http("POST", f"{url}/office/submissions/{sub_id}/review",
                          body=urlencode({"decision": decision, "reason": reason}).encode(),
                          headers={**bearer, "Accept": "application/json",
                                   "Content-Type": "application/x-www-form-urlencoded"})
    return status, json.loads(raw)


def review_contract(at, round_id, bearer, paths, first, first_v1, first_v2, unreadable_id, refused_id, rest) -> None:  # type: ignore[no-untyped-def]
    """POST /office/submissions/{id}/review: only the counted version (409 and nothing changes),
    a reason to return or to confirm errors (422), never a refused file; confirm and an upload
    racing it never leave the unit locked on a version nobody reviewed."""
    def units() -> dict[str, dict]:
        _, _, raw = http("GET", f"{at(0)}/office/rounds/{round_id}/status.json", headers=bearer)
        return {u["code"]: u for u in json.loads(raw)["units"]}

    before = units()
    for sub_id in (first_v1, unreadable_id, refused_id):  # not counted, unreadable, another unit's file
        status, body = review(at(sub_id), sub_id, bearer, "confirmed", "reason given")
        assert status == 409 and body["error"], (sub_id, body)
    assert units() == before  # nothing changed
    status, body = review(at(1), first_v2, bearer, "returned")
    assert status == 422 and body["error"]
    status, body = review(at(0), first_v2, bearer, "returned", "请补充说明")
    assert status == 200 and body["submission"]["review"] == "returned" and not body["unit"]["locked"]
    # a version with errors: confirmed only with a written reason, then shown as such
    unit = rest[0]
    status, up = upload(at(0) + paths[unit.code], workbook(unit, error=True))
    assert status == 200 and up["submission"]["state"] == "invalid" and up["submission"]["version"] == 2
    status, body = review(at(1), up["submission"]["id"], bearer, "confirmed")
    assert status == 422 and "理由" in body["error"]
    status, body = review(at(0), up["submission"]["id"], bearer, "confirmed", "口径经电话核实")
    assert status == 200 and body["submission"]["review"] == "confirmed-with-errors" and body["unit"]["locked"]
    now = units()[unit.code]
    assert now["review"] == "confirmed-with-errors" and now["counted"] == 2 and now["state"] == "invalid"
    status, _answer = upload(at(1) + paths[unit.code], workbook(unit))
    assert status == 409  # locked
    # a confirmation racing an upload: the unit is never locked on a version that was not confirmed
    for unit in rest[1:1 + RACES]:
        counted_id = units()[unit.code]["latest"]["id"]
        with ThreadPoolExecutor(2) as pool:
            uploaded = pool.submit(upload, at(0) + paths[unit.code], workbook(unit, seed=99))
            confirmed = pool.submit(review, at(1), counted_id, bearer, "confirmed")
            (up_status, _), (rev_status, _) = uploaded.result(), confirmed.result()
        assert up_status in (200, 409) and rev_status in (200, 409)
        state = units()[unit.code]
        if rev_status == 200:  # locked on the confirmed version, whatever the upload did
            assert state["counted"] == 1 and state["review"] == "confirmed"
        else:  # the upload came first and is now counted, unreviewed
            assert state["counted"] == 2 and state["review"] == ""
        if up_status == 409:
            assert state["submissions"] == 1


def test_contract_on_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"CONSOLIDATE_UPLOAD_LIMIT": str(LIMIT)}
    with serving(data, extra_env=env) as server:
        run_contract([server.url], data, None)
        out = server.stop()
    assert server.process.returncode == 0 and "已停止" in out and "Traceback" not in out
    assert (data / "consolidate.sqlite3").exists()


@pytest.fixture
def postgres() -> Iterator[str]:
    """A fresh database on the local PostgreSQL (dropped afterwards)."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except Exception as exc:  # no server, no role, no driver
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is needed under CI (make web-services): {exc}")
        pytest.skip(f"no PostgreSQL here ({exc}); `make test` as root starts one")
    name = f"consolidate_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(PG_ADMIN)
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        drop_database(admin, name)
        admin.close()


def drop_database(admin: Any, name: str, tries: int = 40) -> None:
    """DROP ... WITH (FORCE) ends the sessions left in the database, but a role without
    pg_signal_backend may not end an autovacuum worker there (`make web-services` grants it;
    an older cluster may lack it): such a worker is done in a moment, so ask again."""
    import psycopg

    for attempt in range(tries):
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == tries - 1:
                raise
            time.sleep(0.25)


def test_contract_on_postgresql_with_two_server_processes(tmp_path: Path, postgres: str) -> None:
    data = tmp_path / "shared-data"
    env = {"CONSOLIDATE_UPLOAD_LIMIT": str(LIMIT)}
    office(data, "adduser", "first", database=postgres, stdin="a-long-enough-password\n")  # migrates first
    with serving(data, postgres, extra_env=env) as one, serving(data, postgres, extra_env=env) as two:
        run_contract([one.url, two.url], data, postgres)
    assert not (data / "consolidate.sqlite3").exists()


def test_a_test_database_is_dropped_once_an_autovacuum_worker_in_it_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    monkeypatch.setattr(time, "sleep", lambda seconds: None)

    class Admin:  # refuses the DROP while "an autovacuum worker" is in the database
        def __init__(self, busy: int) -> None:
            self.busy, self.asked = busy, 0

        def execute(self, sql: str) -> None:
            self.asked += 1
            if self.asked <= self.busy:
                raise psycopg.errors.InsufficientPrivilege("must be a member of the role ... or of pg_signal_backend")

    admin = Admin(busy=3)
    drop_database(admin, "x")
    assert admin.asked == 4
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        drop_database(Admin(busy=99), "x", tries=5)
