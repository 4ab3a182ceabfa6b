"""The office's side of the web application, through Django's test client.

Covers: login required (the login page for HTML, 401 JSON for status.json, rollup.xlsx and
files.zip) and bearer tokens (a wrong one is 401); CSRF enforced on the office's forms;
opening a round from a roster in the page (one link per unit, shown once, working);
the board (states, 报送率, filters, the htmx fragment, the 催报名单 with contacts);
status.json's shape; a unit's versions, findings and the cell-by-cell diff; review
(confirm, return with a reason), accepting warnings with a note; the roll-up as the
library writes it over each unit's latest file; the report workbook; every stored file in
a streamed zip, byte for byte, named by unit and version; closing; re-issuing; the audit
log of uploads, reviews, downloads, re-issues and closing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from web_support import ERROR_KEY, roster, workbook, write_roster_csv

pytestmark = pytest.mark.usefixtures("web")


def user(name: str = "clerk") -> Any:
    from django.contrib.auth import get_user_model

    users = get_user_model()
    found = users.objects.filter(username=name).first()
    return found or users.objects.create_user(username=name, password="a-long-enough-password")


def logged_in(name: str = "clerk", csrf: bool = False) -> Any:
    from django.test import Client

    c = Client(enforce_csrf_checks=csrf)
    c.force_login(user(name))
    return c


def round_with_uploads(n: int = 3) -> tuple[Any, list[Any]]:
    """A round: unit 1 valid, unit 2 with an error then fixed, unit 3 missing."""
    from consolidate.web.rounds import open_round

    round_, issued = open_round(roster(n), year=2025, actor="测试")
    from django.test import Client

    c = Client(REMOTE_ADDR="10.1.0.1")

    def up(i: int, data: bytes) -> None:
        f = io.BytesIO(data)
        f.name = "报表.xlsx"
        assert c.post(f"/u/{issued[i].secret}", {"file": f}, HTTP_ACCEPT="application/json").status_code == 200

    up(0, workbook(issued[0].unit))
    up(1, workbook(issued[1].unit, error=True))
    return round_, issued


def test_anonymous_gets_the_login_page_or_401() -> None:
    from django.test import Client

    round_, _ = round_with_uploads()
    c = Client()
    answer = c.get(f"/office/rounds/{round_.id}/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    for tail in ("status.json", "rollup.xlsx", "files.zip"):
        answer = c.get(f"/office/rounds/{round_.id}/{tail}")
        assert answer.status_code == 401 and "error" in answer.json()
    assert c.get(f"/office/rounds/{round_.id}/", HTTP_ACCEPT="application/json").status_code == 401
    assert Client().get("/login/").status_code == 200


def test_login_with_password() -> None:
    from django.test import Client

    user("pw-user")
    c = Client()
    bad = c.post("/login/", {"username": "pw-user", "password": "wrong"})
    assert bad.status_code == 200 and "用户名或密码不对" in bad.content.decode()
    good = c.post("/login/", {"username": "pw-user", "password": "a-long-enough-password"})
    assert good.status_code == 302
    assert c.get("/office/").status_code == 200


def test_bearer_token_and_status_json_shape() -> None:
    from django.test import Client

    from consolidate.web.views.common import make_token

    round_, issued = round_with_uploads()
    token = make_token(user().username)
    c = Client()
    assert c.get(f"/office/rounds/{round_.id}/status.json", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    body = c.get(f"/office/rounds/{round_.id}/status.json", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert set(body) == {"round", "counts", "units"}
    assert body["round"]["id"] == round_.id and body["round"]["year"] == 2025
    states = {u["code"]: u for u in body["units"]}
    assert [u["code"] for u in body["units"]] == [i.unit.code for i in issued]  # roster order
    assert states[issued[0].unit.code]["state"] == "valid"
    assert states[issued[1].unit.code]["state"] == "invalid" and states[issued[1].unit.code]["latest"]["errors"] >= 1
    assert states[issued[2].unit.code] | {} == {**states[issued[2].unit.code], "state": "missing", "latest": None,
                                                 "submissions": 0}
    for u in body["units"]:
        assert {"code", "name", "state", "submissions", "latest"} <= set(u)
        if u["latest"] is not None:
            assert set(u["latest"]) == {"sha256", "received_at", "errors", "warnings"}
    assert body["counts"]["valid"] == 1 and body["counts"]["invalid"] == 1 and body["counts"]["missing"] == 1
    assert body["counts"]["submission_rate"] == pytest.approx(2 / 3, abs=1e-4)


def test_csrf_is_enforced_on_the_office_forms() -> None:
    round_, _ = round_with_uploads()
    c = logged_in(csrf=True)
    assert c.post(f"/office/rounds/{round_.id}/close", {"late": "refuse"}).status_code == 403
    round_.refresh_from_db()
    assert round_.closed_at is None


def test_a_script_with_a_bearer_token_posts_without_a_csrf_token() -> None:
    """The CSRF check stands for browsers (above) and lets a token-bearing script through."""
    from django.test import Client

    from consolidate.web.views.common import make_token

    round_, _ = round_with_uploads()
    c = Client(enforce_csrf_checks=True)
    token = make_token(user().username)
    assert c.post(f"/office/rounds/{round_.id}/close", {"late": "refuse"},
                  HTTP_AUTHORIZATION="Bearer nope").status_code == 401  # not a CSRF refusal: the token is checked
    answer = c.post(f"/office/rounds/{round_.id}/close", {"late": "refuse"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code in (200, 302)
    round_.refresh_from_db()
    assert round_.closed_at is not None


def test_open_round_in_the_page_gives_one_working_link_per_unit(tmp_path: Path) -> None:
    import re

    from django.test import Client

    units = roster(4)
    path = write_roster_csv(tmp_path / "名单.csv", units)
    c = logged_in()
    with path.open("rb") as fh:
        answer = c.post("/office/rounds/new", {"roster": fh, "year": "2025", "name": "测试县", "code": "",
                                               "deadline": "2026-01-31T17:00", "format": ""})
    page = answer.content.decode()
    assert answer.status_code == 200
    links = re.findall(r"http://testserver(/u/[\w-]+)", page)
    assert len(links) == 4 and len(set(links)) == 4
    assert all(len(x) >= len("/u/") + 22 for x in links)  # 128 bits or more
    for u in units.units:
        assert u.name in page and u.code in page
    assert units.units[2].name in Client().get(links[2]).content.decode()


def test_open_round_refuses_a_bad_roster_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("名称\n甲\n", encoding="utf-8")
    c = logged_in()
    with bad.open("rb") as fh:
        answer = c.post("/office/rounds/new", {"roster": fh, "year": "2025"}, follow=True)
    assert "缺少列" in answer.content.decode()


def test_board_shows_states_rate_filters_and_the_chase_list() -> None:
    round_, issued = round_with_uploads()
    c = logged_in()
    page = c.get(f"/office/rounds/{round_.id}/").content.decode()
    assert 'hx-get="/office/rounds/' in page and "every 5s" in page
    assert "67%" in page  # 2 of 3 reported
    for i in issued:
        assert i.unit.name in page
    chase = page.split('id="chase"')[1].split("</textarea>")[0]
    assert issued[1].unit.name in chase and issued[2].unit.name in chase and issued[0].unit.name not in chase
    assert "张三" in chase  # the contact from the workbook's 填报信息 (factories' 填报人)
    only_missing = c.get(f"/office/rounds/{round_.id}/board?state=missing").content.decode()
    assert issued[2].unit.name in only_missing and issued[0].unit.name not in only_missing


def test_unit_detail_versions_findings_and_diff() -> None:
    from django.test import Client

    round_, issued = round_with_uploads()
    f = io.BytesIO(workbook(issued[1].unit))
    f.name = "改正后.xlsx"
    Client().post(f"/u/{issued[1].secret}", {"file": f})
    c = logged_in()
    base = f"/office/rounds/{round_.id}/units/{issued[1].unit.id}/"
    page = c.get(base + "?v=1").content.decode()
    assert "第 2 版" in page and "第 1 版" in page and "有错误" in page
    assert 'mark-error' in page.split(f'data-key="{ERROR_KEY}"')[0].rsplit("<td", 1)[1]
    diff = c.get(base + "?a=1&b=2").content.decode()
    table = diff.split('id="diff"')[1].split("</table>")[0]
    assert table.count("<tr>") == 3  # the header, the cell that changed and its row's total
    assert "<td>表三 D30</td><td>四、结转下年度继续办理 / 自然人</td>" in table
    assert "四、结转下年度继续办理 / 总计" in table


def test_review_confirm_return_and_accept_warnings_are_recorded() -> None:
    from consolidate.web.models import AuditEvent, Submission

    round_, issued = round_with_uploads()
    sub = Submission.objects.get(unit=issued[1].unit, version=1)
    c = logged_in()
    c.post(f"/office/submissions/{sub.id}/review", {"decision": "returned", "reason": "表三不平衡，请核对"})
    sub.refresh_from_db()
    assert sub.review == "returned" and sub.reviewed_by == "clerk"
    c.post(f"/office/submissions/{sub.id}/accept-warnings", {"note": "已电话核实"})
    sub.refresh_from_db()
    assert sub.warnings_note == "已电话核实"
    ok = Submission.objects.get(unit=issued[0].unit, version=1)
    c.post(f"/office/submissions/{ok.id}/review", {"decision": "confirmed"})
    ok.unit.refresh_from_db()
    assert ok.unit.locked
    actions = set(AuditEvent.objects.filter(round=round_).values_list("action", flat=True))
    assert {"open", "upload", "review", "accept-warnings"} <= actions


def test_rollup_is_the_librarys_over_each_units_latest_file(tmp_path: Path) -> None:
    from consolidate.read import read_submission
    from consolidate.rollup import rollup
    from consolidate.web.rounds import roster_of

    round_, issued = round_with_uploads()
    answer = logged_in().get(f"/office/rounds/{round_.id}/rollup.xlsx")
    assert answer.status_code == 200
    got = tmp_path / "web.xlsx"
    got.write_bytes(answer.content)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.xlsx").write_bytes(workbook(issued[0].unit))
    (inputs / "b.xlsx").write_bytes(workbook(issued[1].unit, error=True))
    rollup([inputs], out=tmp_path / "cli.xlsx", roster=roster_of(round_), year=2025, format_id="v2021",
           name=round_.name, workers=1)
    web, cli = read_submission(got), read_submission(tmp_path / "cli.xlsx")
    assert web.kind == cli.kind == "rollup"
    assert web.values == cli.values and web.units == cli.units == 1
    report = logged_in().get(f"/office/rounds/{round_.id}/report.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"


def test_files_zip_holds_every_stored_file_byte_for_byte() -> None:
    from consolidate.web import store
    from consolidate.web.models import Submission

    round_, _ = round_with_uploads()
    answer = logged_in().get(f"/office/rounds/{round_.id}/files.zip")
    assert answer.status_code == 200 and answer.streaming
    data = b"".join(answer.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        subs = list(Submission.objects.filter(unit__round=round_).order_by("unit__position", "version"))
        assert len(names) == len(subs) == 2
        for name, sub in zip(names, subs, strict=True):
            assert name.startswith(f"{sub.unit.position + 1:03d}_") and f"第{sub.version}版_" in name
            assert zf.read(name) == store.path_of(sub.sha256).read_bytes()


def test_close_reissue_and_audit_log() -> None:
    from django.test import Client

    round_, issued = round_with_uploads()
    c = logged_in()
    page = c.post(f"/office/rounds/{round_.id}/units/{issued[2].unit.id}/reissue").content.decode()
    assert Client().get(f"/u/{issued[2].secret}").status_code == 404
    import re

    new = re.search(r"http://testserver(/u/[\w-]+)", page)
    assert new and Client().get(new.group(1)).status_code == 200
    c.get(f"/office/rounds/{round_.id}/files.zip")
    c.post(f"/office/rounds/{round_.id}/close", {"late": "refuse"})
    round_.refresh_from_db()
    assert round_.closed_at is not None and round_.late_policy == "refuse"
    log = c.get(f"/office/rounds/{round_.id}/audit").content.decode()
    for action in ("open", "upload", "reissue", "download", "close"):
        assert f"<td>{action}</td>" in log
    assert "clerk" in log
