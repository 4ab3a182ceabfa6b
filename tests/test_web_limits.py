"""What one client or one link may cost the others (web/limits.py, web/server.py).

Covers: login throttling (a 429 page or JSON in Chinese after repeated wrong passwords for
one account from one address, the right password refused too while locked, another address
not locked, a right password resetting the count, ``consolidate office unlock-login``);
the per-link upload rate (429 with Retry-After, nothing stored, other links unaffected) and
the per-round disk quota (413, nothing stored, other rounds unaffected); the audit page
(2,100 unit downloads fold away and never hide the office's entries; filters by who, by
kind and by name; pages); a real ``consolidate serve`` under 110 connections trickling one
byte a second still answers a login within 2 s, and closes them itself; one address cannot
hold more than its share of the connections.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from test_web_contract import postgres  # noqa: F401  (the fixture: a fresh PostgreSQL database)
from test_web_proxy import Browser
from web_support import office, roster, serving, setup_round, upload, workbook

from benchmarks.slow_clients import measure

pytestmark = pytest.mark.usefixtures("web")
PASSWORD = "a-long-enough-password"


def user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    users = get_user_model()
    return users.objects.filter(username=name).first() or users.objects.create_user(username=name, password=PASSWORD)


def login(client: Client, name: str, password: str, **extra: Any) -> Any:
    return client.post("/login/", {"username": name, "password": password}, **extra)


# --- login throttling --------------------------------------------------------------------

def test_repeated_wrong_passwords_lock_the_account_for_that_client_only(web: Path) -> None:
    from django.conf import settings

    user("locked-clerk")
    here, there = Client(REMOTE_ADDR="10.9.0.1"), Client(REMOTE_ADDR="10.9.0.2")
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert login(here, "locked-clerk", "wrong").status_code == 200  # the form again, with its message
    locked = login(here, "locked-clerk", "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"连续 {limit} 次密码错误，已暂停登录 {minutes} 分钟" in text
    assert "consolidate office unlock-login locked-clerk" in text
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    # while locked, the right password is refused too, and scripts get JSON (English on request)
    assert login(here, "locked-clerk", PASSWORD).status_code == 429
    answer = login(here, "locked-clerk", PASSWORD, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 429 and "unlock-login locked-clerk" in answer.json()["error"]
    assert not re.search(r"[\u4e00-\u9fff]", answer.json()["error"])
    # another client is not locked out of the same account
    assert login(there, "locked-clerk", PASSWORD).status_code == 302
    # the office lifts the lock from the command line
    unlocked = office(web, "unlock-login", "locked-clerk")
    assert unlocked.returncode == 0 and "已解除账号“locked-clerk”的登录暂停" in unlocked.stdout
    assert login(here, "locked-clerk", PASSWORD).status_code == 302
    again = office(web, "unlock-login", "locked-clerk")
    assert again.returncode == 0 and "没有被暂停登录" in again.stdout


def test_a_right_password_resets_the_count() -> None:
    from django.conf import settings

    user("careless-clerk")
    c = Client(REMOTE_ADDR="10.9.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(c, "careless-clerk", "wrong")
    assert login(c, "careless-clerk", PASSWORD).status_code == 302
    c.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(c, "careless-clerk", "wrong").status_code == 200
    assert login(c, "careless-clerk", PASSWORD).status_code == 302


# --- uploads -----------------------------------------------------------------------------

ACCEPTED = (200, 202)  # an upload taken: decided already, or queued for its check (issue 18)


def _upload(secret: str, data: bytes, address: str = "10.8.0.1", accept: str = "application/json") -> Any:
    f = io.BytesIO(data)
    f.name = "报表.xlsx"
    return Client(REMOTE_ADDR=address).post(f"/u/{secret}", {"file": f}, HTTP_ACCEPT=accept)


def _round(n: int = 2) -> tuple[Any, list[Any]]:
    from consolidate.web.rounds import open_round

    return open_round(roster(n), year=2025, actor="测试")


def test_one_link_uploading_too_often_is_refused_and_the_others_are_not() -> None:
    from consolidate.web.models import Submission

    _, issued = _round()
    first, second = issued
    data = workbook(first.unit)
    with override_settings(UPLOAD_RATE_COUNT=2, UPLOAD_RATE_WINDOW=600):
        assert _upload(first.secret, data).status_code in ACCEPTED
        assert _upload(first.secret, data).status_code in ACCEPTED
        refused = _upload(first.secret, data)
        assert refused.status_code == 429
        assert "本链接上传过于频繁：10 分钟内最多上传 2 次" in refused.json()["error"]
        assert 0 < int(refused["Retry-After"]) <= 600
        page = _upload(first.secret, data, accept="text/html")
        assert page.status_code == 429 and "请在" in page.content.decode() and "分钟后再上传" in page.content.decode()
        assert Submission.objects.filter(unit=first.unit).count() == 2  # the refused ones were not kept
        assert _upload(second.secret, workbook(second.unit)).status_code in ACCEPTED  # another unit's link
    with override_settings(UPLOAD_RATE_COUNT=2, UPLOAD_RATE_WINDOW=0):  # the window has passed
        assert _upload(first.secret, data).status_code in ACCEPTED


def test_one_link_sending_too_many_bytes_is_refused() -> None:
    _, issued = _round(1)
    data = workbook(issued[0].unit)
    with override_settings(UPLOAD_RATE_BYTES=len(data) * 3 // 2):
        assert _upload(issued[0].secret, data).status_code in ACCEPTED
        refused = _upload(issued[0].secret, data)
        assert refused.status_code == 429 and "MB" in refused.json()["error"]


def test_a_round_past_its_quota_keeps_nothing_more_and_says_so() -> None:
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from consolidate.web.limits import round_bytes
    from consolidate.web.models import Submission

    _, issued = _round()
    _, other = _round(1)
    first, second = issued
    data = workbook(first.unit)
    with CaptureQueriesContext(connection) as queries:
        assert _upload(first.secret, data).status_code in ACCEPTED
    # the quota reads the round's count (one row), never a sum over the round's submissions
    assert not any("SUM(" in q["sql"].upper() and "round_id" in q["sql"] for q in queries.captured_queries)
    stored = round_bytes(first.unit)
    assert stored == len(data)
    assert stored == Submission.objects.filter(unit__round_id=first.unit.round_id).aggregate(s=Sum("size"))["s"]
    with override_settings(ROUND_QUOTA=stored + 1000):
        full = _upload(second.secret, workbook(second.unit))
        assert full.status_code == 413
        assert "本轮已保存的文件达到" in full.json()["error"] and "请联系公开办" in full.json()["error"]
        assert not Submission.objects.filter(unit=second.unit).exists()
        assert round_bytes(first.unit) == stored
        assert _upload(other[0].secret, workbook(other[0].unit)).status_code in ACCEPTED  # another round


# --- the audit page ----------------------------------------------------------------------

def test_unit_downloads_never_hide_the_offices_entries() -> None:
    from consolidate.i18n import Msg
    from consolidate.web.auditlog import audit, unit_actor
    from consolidate.web.models import AuditEvent
    from consolidate.web.texts import to_json

    round_, issued = _round(3)
    unit = issued[0].unit
    c = Client()
    c.force_login(user("audit-clerk"))
    audit(round_, "audit-clerk", "close", Msg("不再接收报送"))
    actor = unit_actor(unit)
    AuditEvent.objects.bulk_create(  # as audit() writes them, 2,100 at once
        AuditEvent(round=round_, actor=actor.text, actor_params=to_json(actor), action="download", detail="本单位模板",
                   params={}) for _ in range(2100))
    audit(round_, unit_actor(issued[1].unit), "upload", Msg("上传"))
    address = f"/office/rounds/{round_.id}/audit"
    page = c.get(address).content.decode()
    rows = page.split('<table class="list">')[1].split("</table>")[0]
    assert '<td data-action="open">开启报送</td>' in rows and '<td data-action="close">结束报送</td>' in rows
    assert '<td data-action="upload">上传</td>' in rows  # a unit's upload stays in the main view
    assert 'data-action="download"' not in rows
    assert "各单位的下载（模板、本单位的文件）2100 条未列出" in page
    office_only = c.get(address + "?who=office").content.decode().split('<table class="list">')[1]
    assert "audit-clerk" in office_only and "data-action=\"upload\"" not in office_only
    downloads = c.get(address + "?who=units&action=download").content.decode()
    assert downloads.count('<td data-action="download">') == 100
    assert "第 1 / 21 页，共 2100 条" in downloads
    last = c.get(address + "?who=units&action=download&page=21").content.decode()
    assert last.count('<td data-action="download">') == 100 and "上一页" in last and "下一页" not in last
    named = c.get(address + f"?who=all&name={issued[1].unit.code}").content.decode()
    assert named.count("<tr><td>") == 1 and '<td data-action="upload">' in named
    assert AuditEvent.objects.filter(round=round_).count() == 2103


# --- the same on PostgreSQL, through a real server ------------------------------------------

def test_limits_and_the_audit_filter_on_postgresql(tmp_path: Path, postgres: str) -> None:  # noqa: F811
    """Login throttling (axes' tables), the upload rate, the round quota and the audit page's
    filters (a JSON field's lookups) on PostgreSQL, through ``consolidate serve``."""
    data = tmp_path / "data"
    _, round_id, paths, units = setup_round(data, postgres, 3, user="pg-clerk", password=PASSWORD)
    first, second, _ = units.units
    data_first, data_second = workbook(first), workbook(second)
    quota = 2 * len(data_first) + len(data_second) // 2  # the first unit's two uploads fit, a third file does not
    env = {"CONSOLIDATE_LOGIN_FAILURES": "2", "CONSOLIDATE_UPLOAD_RATE_COUNT": "2",
           "CONSOLIDATE_ROUND_QUOTA_MB": str(quota / (1024 * 1024))}
    with serving(data, postgres, extra_env=env) as server:
        port = int(server.url.rsplit(":", 1)[1])
        here, there = Browser(port, None, "127.0.0.2"), Browser(port, None, "127.0.0.3")
        assert here.login("pg-clerk", "wrong")[0] == 200
        assert here.login("pg-clerk", "wrong")[0] == 429
        assert here.login("pg-clerk", PASSWORD)[0] == 429
        assert there.login("pg-clerk", PASSWORD)[0] == 302
        assert office(data, "unlock-login", "pg-clerk", database=postgres).returncode == 0
        assert here.login("pg-clerk", PASSWORD)[0] == 302

        assert upload(server.url + paths[first.code], data_first)[0] == 200
        assert upload(server.url + paths[first.code], data_first)[0] == 200
        status, body = upload(server.url + paths[first.code], data_first)
        assert status == 429 and "本链接上传过于频繁" in body["error"]
        status, body = upload(server.url + paths[second.code], data_second)
        assert status == 413 and "本轮已保存的文件达到" in body["error"]

        page = here.request("GET", f"/office/rounds/{round_id}/audit?who=all&name={first.code}")[2]
        rows = page.split('<table class="list">')[1]
        assert rows.count('<td data-action="upload">') == 2 and second.name not in rows
        folded = here.request("GET", f"/office/rounds/{round_id}/audit?who=office")[2].split('<table class="list">')[1]
        assert '<td data-action="open">' in folded and 'data-action="upload"' not in folded


# --- slow clients ------------------------------------------------------------------------

def test_110_trickling_connections_do_not_stop_a_login(tmp_path: Path) -> None:
    """110 connections sending one byte a second against a real ``consolidate serve`` (100 of a
    request head that never ends, 10 of a body after a whole head): a login page answers
    within 2 s each second for 13 s, and the server closes the slow connections itself once
    their head is late or their body below 1 KB/s (both after 10 s)."""
    with serving(tmp_path / "data") as server:
        times, trickle = measure(server.url, connections=110, seconds=13, timeout=5, slow_bodies=10)
    assert trickle.refused == 0
    assert len(times) >= 10
    assert all(t is not None and t < 2 for t in times), times
    assert trickle.closed_by_server == 110, (trickle.closed_by_server, len(trickle.sockets))


def test_one_address_cannot_take_every_connection(tmp_path: Path) -> None:
    """Past ``CONSOLIDATE_CONNECTIONS_PER_CLIENT`` connections from one address, that address's
    next ones are closed at once; another address still logs in."""
    import http.client
    import time

    from benchmarks.slow_clients import Trickle

    with serving(tmp_path / "data", extra_env={"CONSOLIDATE_CONNECTIONS_PER_CLIENT": "20"}) as server:
        port = int(server.url.rsplit(":", 1)[1])
        hog = Trickle("127.0.0.1", port, 40)
        try:
            hog.open()
            for _ in range(3):
                time.sleep(0.5)
                hog.tick()
            assert hog.closed_by_server == 20 and len(hog.sockets) == 20
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=("127.0.0.2", 0))
            conn.request("GET", "/login/")
            assert conn.getresponse().status == 200
            conn.close()
        finally:
            hog.close()
