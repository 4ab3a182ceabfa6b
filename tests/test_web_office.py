"""The office's side of the web application, through Django's test client.

Covers: login required (the login page for HTML, 401 JSON for status.json, rollup.xlsx and
files.zip) and bearer tokens (a wrong one is 401); CSRF enforced on the office's forms;
opening a round from a roster in the page (one link per unit, shown once, working);
the board (states, 报送率, filters, the htmx fragment, the 催报名单 with contacts);
status.json's shape; a unit's versions, findings and the cell-by-cell diff; review
(confirm, return with a reason), accepting warnings with a note; the roll-up as the
library writes it over each unit's latest file; the report workbook; every stored file in
a streamed zip, byte for byte, named by unit and version; closing; re-issuing; the audit
log of uploads, reviews, downloads, re-issues and closing, kept as catalog texts and shown
in the page's language (older rows as written; migration 0002 over them); English pages
with no Chinese but names and official labels; downloads in the page's language.
"""

from __future__ import annotations

import io
import os
import re
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
        assert c.post(f"/u/{issued[i].secret}?wait=30", {"file": f}, HTTP_ACCEPT="application/json").status_code == 200

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
        assert {"code", "name", "state", "submissions", "latest", "counted"} <= set(u)
        if u["latest"] is not None:
            assert set(u["latest"]) == {"id", "version", "state", "sha256", "received_at", "errors", "warnings"}
            assert u["counted"] == u["latest"]["version"]  # every upload here was read and not refused
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
    from django.utils import timezone

    units = roster(4)
    path = write_roster_csv(tmp_path / "名单.csv", units)
    c = logged_in()
    with path.open("rb") as fh:  # a deadline to come (a past one is asked about first)
        answer = c.post("/office/rounds/new", {"roster": fh, "year": "2025", "name": "测试县", "code": "",
                                               "deadline": f"{timezone.now().year + 1}-01-31T17:00", "format": ""})
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
    Client().post(f"/u/{issued[1].secret}?wait=30", {"file": f}, HTTP_ACCEPT="application/json")
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
    for action, label in (("open", "开启报送"), ("upload", "上传"), ("reissue", "重新发放链接"), ("download", "下载"),
                          ("close", "结束报送")):
        assert f'<td data-action="{action}">{label}</td>' in log
    assert "clerk" in log
    assert f"<td>{issued[2].unit.name}（{issued[2].unit.code}）</td>" in log  # the re-issue names the unit
    assert "<td>全部原文件（zip）</td>" in log and "<td>不再接收报送</td>" in log


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_audit_log_is_shown_in_the_pages_language() -> None:
    """Entries written in Chinese (an upload through a unit's link, the office's review and
    closing) read in English on an English page, their fields filled; Chinese on a Chinese one."""
    round_, issued = round_with_uploads()
    first, second = issued[0].unit, issued[1].unit
    from consolidate.web.models import Submission

    sub = Submission.objects.get(unit=second, version=1)
    c = logged_in()
    c.post(f"/office/submissions/{sub.id}/review", {"decision": "returned", "reason": "表三不平衡"})
    c.post(f"/office/rounds/{round_.id}/close", {"late": "accept"})
    address = f"/office/rounds/{round_.id}/audit"
    en = c.get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<td>{second.name} version 1 returned: 表三不平衡</td>" in en
    assert f"<td>Unit: {first.name} ({first.code})</td>" in en  # the unit's link is the actor
    size = Submission.objects.get(unit=first, version=1).size
    assert f"<td>{first.name} version 1 报表.xlsx ({size} bytes, sha256 " in en
    assert "<td>year 2025, 3 unit(s), roster roster.csv</td>" in en
    assert "<td>late uploads accepted and marked late</td>" in en
    for action, label in (("open", "Open the round"), ("upload", "Upload"), ("review", "Review"),
                          ("close", "Close the round")):
        assert f'<td data-action="{action}">{label}</td>' in en
    table = en.split('<table class="list">')[1].split("</table>")[0]
    quoted = [u.unit.name for u in issued] + ["报表.xlsx", "表三不平衡", "测试"]  # names and words people wrote
    for text in sorted(quoted, key=len, reverse=True):
        table = table.replace(text, "")
    assert not CJK.findall(table), table
    zh = c.get(address, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"<td>{second.name} 第 1 版 退回：表三不平衡</td>" in zh
    assert f"<td>单位：{first.name}（{first.code}）</td>" in zh and '<td data-action="review">审核</td>' in zh


def test_audit_rows_written_before_the_catalog_still_show() -> None:
    """A row of the old shape (its text as written, no fields) shows that text, in English
    when the catalog knows it; an action word without a label shows as it is."""
    from consolidate.web.models import AuditEvent

    round_, _ = round_with_uploads()
    AuditEvent.objects.create(round=round_, actor="单位：某局（123）", action="download", detail="某局 第 1 版原文件")
    AuditEvent.objects.create(round=round_, actor="clerk", action="close", detail="不再接收报送")
    AuditEvent.objects.create(round=round_, actor="clerk", action="export", detail="files.zip")
    AuditEvent.objects.create(round=round_, actor="命令行导入", action="upload", detail="某局 第 2 版 a.xlsx（导入）")
    en = logged_in().get(f"/office/rounds/{round_.id}/audit?who=all", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>单位：某局（123）</td>" in en and "<td>某局 第 1 版原文件</td>" in en
    assert "<td>no more uploads accepted</td>" in en
    assert '<td data-action="export">export</td><td>files.zip</td>' in en
    assert '<td data-action="download">Download</td>' in en
    assert "<td>command-line import</td>" in en  # `office import`'s actor is not a person's name


def test_the_audit_migration_keeps_older_rows(tmp_path: Path) -> None:
    """0002 (the fields of audit entries) applies on SQLite over a database holding rows of
    the old shape, and those rows read as before."""
    import subprocess
    import sys

    script = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "consolidate.web.settings"
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", "web", "0001", verbosity=0)
with connection.cursor() as cur:
    cur.execute("INSERT INTO web_auditevent (at, actor, action, detail) VALUES "
                "('2026-01-05 08:00:00', 'clerk', 'close', '不再接收报送')")
call_command("migrate", verbosity=0)
from consolidate.web.auditlog import entries
from consolidate.web.models import AuditEvent
row = AuditEvent.objects.get()
assert row.params is None and row.actor_params is None
(entry,) = entries([row], "en")
print(entry.actor, entry.action_label, entry.detail, sep="|")
"""
    env = {**os.environ, "CONSOLIDATE_DATA": str(tmp_path)}
    env.pop("CONSOLIDATE_DATABASE_URL", None)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "clerk|Close the round|no more uploads accepted"


def test_english_pages_show_no_chinese_but_names_and_official_labels() -> None:
    """Every page of a round, read in English (the office's and the units'), after uploads,
    a review and a re-issue: what is left of Chinese is only what people named (units, the
    round, files, contacts, the reason they wrote), the roster's column names the page asks
    for, and the tables' official labels."""
    from django.test import Client

    from consolidate.roster import REQUIRED
    from consolidate.spec import load_spec, template_layout
    from consolidate.web.models import Submission

    round_, issued = round_with_uploads()
    c = logged_in()
    sub = Submission.objects.get(unit=issued[1].unit, version=1)
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    c.post(f"/office/submissions/{sub.id}/review", {"decision": "returned", "reason": "请核对"}, **en)
    pages = [c.get(p, **en) for p in ("/office/", f"/office/rounds/{round_.id}/", f"/office/rounds/{round_.id}/audit",
                                      *(f"/office/rounds/{round_.id}/units/{i.unit.id}/" for i in issued))]
    pages += [Client().get(f"/u/{i.secret}", **en) for i in issued]
    pages += [c.post(f"/office/rounds/{round_.id}/units/{issued[2].unit.id}/reissue", **en),
              Client().get("/u/no-such-link-at-all-here", **en), Client().get("/login/", **en)]
    labels = {box.text for layout in template_layout(load_spec("v2021")).values() for box in layout.boxes}
    quoted = ({i.unit.name for i in issued} | {round_.name, "报表.xlsx", "张三", "测试", "请核对", "上级单位", "联系人", "电话", "邮箱"}
              | set(REQUIRED) | labels | {layout.sheet for layout in template_layout(load_spec("v2021")).values()})
    for page in pages:
        text = page.content.decode()
        for name in sorted(quoted, key=len, reverse=True):
            text = text.replace(name, "")
        assert not CJK.findall(text), (page.request["PATH_INFO"], CJK.findall(text))


def test_downloaded_workbooks_are_in_the_pages_language(tmp_path: Path) -> None:
    """An English page's report workbook is the library's English one (its sheets and title),
    and its roll-up keeps the official tables while its own sheets are in English; the names
    of both downloads too."""
    from openpyxl import load_workbook

    from consolidate.output.report_xlsx import report_bytes
    from consolidate.validate import validate
    from consolidate.web.rounds import roster_of

    round_, issued = round_with_uploads()
    c = logged_in()

    def book(which: str, lang: str) -> tuple[Any, str]:
        answer = c.get(f"/office/rounds/{round_.id}/{which}", HTTP_ACCEPT_LANGUAGE=lang)
        return load_workbook(io.BytesIO(answer.content)), answer["Content-Disposition"]

    (inputs := tmp_path / "in").mkdir()
    (inputs / "a.xlsx").write_bytes(workbook(issued[0].unit))
    (inputs / "b.xlsx").write_bytes(workbook(issued[1].unit, error=True))
    library = load_workbook(io.BytesIO(report_bytes(
        validate([inputs], format_id="v2021", year=2025, roster=roster_of(round_), workers=1), lang="en")))
    en_report, en_name = book("report.xlsx", "en")
    zh_report, zh_name = book("report.xlsx", "zh-hans")
    assert en_report.sheetnames == library.sheetnames != zh_report.sheetnames
    assert en_report.worksheets[0]["A1"].value == library.worksheets[0]["A1"].value
    assert "%20check%20report.xlsx" in en_name and "%E5%AE%A1%E6%A0%B8%E6%8A%A5%E5%91%8A.xlsx" in zh_name  # 审核报告
    en_rollup, _ = book("rollup.xlsx", "en")
    zh_rollup, _ = book("rollup.xlsx", "zh-hans")
    assert en_rollup.sheetnames[:3] == zh_rollup.sheetnames[:3] == ["表二", "表三", "表四"]
    assert not CJK.search(en_rollup.sheetnames[3]) and CJK.search(zh_rollup.sheetnames[3])
