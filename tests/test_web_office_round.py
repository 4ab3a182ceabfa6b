"""The office's round without the command line, accounts in the browser, and the finish
(issue 17, points 4 to 6), through Django's test client and the ``office`` commands.

Covers: the public address of the links (--base-url, CONSOLIDATE_BASE_URL, else the browser's;
a loopback one, or none, said in Chinese); links exported again, unchanged and working, on
the page and with ``office links`` (audited), a re-issued one replacing only its unit's; a
second round of the same year and roster, and a deadline already past, asked about before
opening (409 with the form kept; ``--again`` on the command line); the roster's 联系人, 电话,
邮箱 (a bad address refused naming the row) in the 催报名单, which shows every line; e-mailed
reminders and return notices (locmem backend): every message and its recipients shown before
anything is sent, sent only to units with an address, audited; changing one's own password,
administrators adding, disabling and enabling accounts and revoking tokens (a disabled
account cannot log in nor use its token; one cannot disable oneself), all audited, clerks
refused; 404 and 500 pages in Chinese and in the browser's English; the admin site off by
default; the favicon; English status words; findings quoting the upload's own file name;
the office's unit page showing 填报人, 电话, 填报日期.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from test_web_office import logged_in, user
from web_support import office as office_cmd
from web_support import roster, workbook, write_roster_csv

pytestmark = pytest.mark.usefixtures("web")


def _upload(secret: str, data: bytes, name: str = "报表.xlsx") -> Any:
    from django.test import Client

    f = io.BytesIO(data)
    f.name = name
    return Client(REMOTE_ADDR="10.2.0.1").post(f"/u/{secret}?wait=30", {"file": f}, HTTP_ACCEPT="application/json")


def _contact_roster(path: Path, units: Any, emails: dict[int, str]) -> Path:
    lines = ["单位代码,单位名称,单位类型,上级单位,联系人,联系电话,电子邮箱"]
    lines += [f"{u.code},{u.name},{u.type},{u.parent},联系人{i},0551-100{i},{emails.get(i, '')}"
              for i, u in enumerate(units.units)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- point 4: the public address, links again, duplicate rounds, past deadlines ----------------------------


def test_the_links_address_is_given_or_said_to_be_local() -> None:
    from django.test import RequestFactory, override_settings

    from consolidate.web.links import is_local, public_base

    for url in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000", "http://0.0.0.0:8000",
                "http://127.8.9.1"):
        assert is_local(url), url
    for url in ("http://10.1.2.3:8000", "https://gkb.example.gov.cn", "http://192.168.1.20"):
        assert not is_local(url), url
    base, problem = public_base()
    assert base == "http://127.0.0.1:8000" and problem is not None and "本机地址" in problem.render("zh")
    assert "--base-url" in problem.render("zh") and "cannot open" in problem.render("en")
    assert public_base("https://gkb.example.gov.cn/") == ("https://gkb.example.gov.cn", None)
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    base, problem = public_base(None, request)
    assert base == "http://127.0.0.1:8000" and problem is not None and "只有这台电脑能打开" in problem.render("zh")
    with override_settings(BASE_URL="http://10.1.2.3:8000"):  # the setting wins over the browser's address
        assert public_base(None, request) == ("http://10.1.2.3:8000", None)


def test_links_can_be_exported_again_unchanged_and_working() -> None:
    from django.test import Client

    from consolidate.web.models import AuditEvent
    from consolidate.web.rounds import open_round

    round_, issued = open_round(roster(3), year=2025, actor="测试")
    c = logged_in()
    page = c.get(f"/office/rounds/{round_.id}/links", HTTP_HOST="10.1.2.3:8000").content.decode()
    shown = re.findall(r"http://10\.1\.2\.3:8000/u/([\w-]+)", page)
    assert shown == [i.secret for i in issued]  # the very links given at opening
    assert issued[1].unit.name in Client().get(f"/u/{shown[1]}").content.decode()
    assert AuditEvent.objects.filter(round=round_, action="links").count() == 1
    assert "以后需要时可在本轮的“报送链接”页再次导出" in page
    # re-issuing one unit's link changes that one only
    c.post(f"/office/rounds/{round_.id}/units/{issued[0].unit.id}/reissue")
    again = re.findall(r"/u/([\w-]+)", c.get(f"/office/rounds/{round_.id}/links").content.decode())
    assert again[0] != issued[0].secret and again[1:] == [i.secret for i in issued[1:]]
    assert Client().get(f"/u/{issued[0].secret}").status_code == 404
    assert Client().get(f"/u/{again[0]}").status_code == 200


def test_a_link_from_before_is_not_shown_again_but_said_so() -> None:
    from consolidate.web.links import digest, new_secret, secret_of
    from consolidate.web.rounds import exported_links, open_round

    round_, issued = open_round(roster(2), year=2025, actor="测试")
    old = issued[0].unit
    old.link_salt, old.link_hash = "", digest(new_secret())  # as a link issued before this version
    old.save()
    assert secret_of(old) is None
    rows = exported_links(round_, "http://10.1.2.3", "测试")
    assert rows[0][1] is None and rows[1][1] == f"http://10.1.2.3/u/{issued[1].secret}"
    page = logged_in().get(f"/office/rounds/{round_.id}/links").content.decode()
    assert "无法再次显示" in page


def test_the_database_alone_gives_no_link() -> None:
    from django.test import override_settings

    from consolidate.web.links import secret_of
    from consolidate.web.rounds import open_round

    _round, issued = open_round(roster(1), year=2025, actor="测试")
    unit = issued[0].unit
    assert unit.link_salt and issued[0].secret not in (unit.link_salt, unit.link_hash)
    with override_settings(SECRET_KEY="another-server-key-" + "x" * 40):
        assert secret_of(unit) is None  # the salt without the server's key is nothing


def test_a_second_round_of_the_same_roster_or_a_past_deadline_is_asked_about(tmp_path: Path) -> None:
    from django.utils import timezone

    from consolidate.web.models import Round

    units = roster(3)
    path = write_roster_csv(tmp_path / "名单.csv", units)
    c = logged_in()
    future = f"{timezone.now().year + 1}-01-31T17:00"

    def post(**extra: str) -> Any:
        with path.open("rb") as fh:
            return c.post("/office/rounds/new", {"roster": fh, "year": "2025", "name": "测试县", "deadline": future,
                                                 **extra})

    assert post().status_code == 200
    before = Round.objects.count()
    asked = post()
    page = asked.content.decode()
    assert asked.status_code == 409 and Round.objects.count() == before
    assert "已经有一轮用同一份名单（3 个单位）" in page and "已核对，仍然开启" in page
    assert 'value="测试县"' in page  # the form as it was filled
    assert post(confirm="yes").status_code == 200 and Round.objects.count() == before + 1
    past = write_roster_csv(tmp_path / "另一份.csv", roster(2))
    with past.open("rb") as fh:
        late = c.post("/office/rounds/new", {"roster": fh, "year": "2025", "deadline": "2026-01-31T17:00"})
    assert late.status_code == 409 and "已经过去" in late.content.decode()


def test_open_round_on_the_command_line_says_where_links_lead_and_asks_before_a_duplicate(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    data = tmp_path_factory.mktemp("office-cli")
    units = roster(2)
    path = write_roster_csv(tmp_path / "名单.csv", units)
    local = office_cmd(data, "open-round", "--roster", str(path), "--year", "2025", "--links", str(tmp_path / "a.csv"))
    assert local.returncode == 0 and "本机地址" in local.stderr and "--base-url" in local.stderr
    twice = office_cmd(data, "open-round", "--roster", str(path), "--year", "2025", "--links", str(tmp_path / "b.csv"),
                       "--base-url", "http://10.1.2.3:8000")
    assert twice.returncode == 2 and "--again" in twice.stderr and not (tmp_path / "b.csv").exists()
    again = office_cmd(data, "open-round", "--roster", str(path), "--year", "2025", "--links", str(tmp_path / "b.csv"),
                       "--base-url", "http://10.1.2.3:8000", "--again", "--deadline", "2026-01-31")
    assert again.returncode == 0 and "本机地址" not in again.stderr and "已经过去" in again.stderr
    first = (tmp_path / "b.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert all(",http://10.1.2.3:8000/u/" in line for line in first)
    round_id = again.stdout.strip().splitlines()[-1]
    export = office_cmd(data, "links", round_id, "--links", str(tmp_path / "c.csv"), "--base-url", "http://10.1.2.3:8000")
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == first  # the same links


# --- point 4: contacts and e-mail -------------------------------------------------------------------------------


def test_the_roster_carries_contacts_and_refuses_a_bad_address(tmp_path: Path) -> None:
    from consolidate.errors import ConsolidateError
    from consolidate.roster import read_roster

    units = roster(3)
    read = read_roster(_contact_roster(tmp_path / "r.csv", units, {0: "a@example.cn; b@example.cn", 2: "c@example.cn"}))
    first = read.units[0]
    assert (first.contact, first.phone, first.emails) == ("联系人0", "0551-1000", ("a@example.cn", "b@example.cn"))
    assert read.units[1].emails == ()
    with pytest.raises(ConsolidateError, match=r"第 3 行.*不是电子邮件地址"):
        read_roster(_contact_roster(tmp_path / "bad.csv", units, {1: "not-an-address"}))


def _contact_round(tmp_path: Path, n: int = 6) -> tuple[Any, list[Any]]:
    from consolidate.roster import read_roster
    from consolidate.web.rounds import open_round

    units = roster(n)
    read = read_roster(_contact_roster(tmp_path / "r.csv", units, {0: "u0@example.cn", 1: "u1@example.cn"}))
    return open_round(read, year=2025, actor="测试")


def test_the_chase_list_names_the_rosters_contact_and_shows_every_line(tmp_path: Path) -> None:
    round_, issued = _contact_round(tmp_path, 6)
    _upload(issued[5].secret, workbook(issued[5].unit))
    page = logged_in().get(f"/office/rounds/{round_.id}/").content.decode()
    box = re.search(r'<textarea class="copy" id="chase" rows="(\d+)" readonly>(.*?)</textarea>', page, re.S)
    assert box is not None
    lines = box.group(2).strip().splitlines()
    assert len(lines) == 5 and int(box.group(1)) > len(lines)  # all five owing units, the box taller than them
    assert "联系人：联系人0，0551-1000" in lines[0]  # from the roster: unit 1 never reported


def test_reminders_are_shown_then_sent_to_units_with_an_address(tmp_path: Path) -> None:
    from django.core import mail
    from django.test import override_settings

    from consolidate.web.models import AuditEvent

    round_, issued = _contact_round(tmp_path, 3)
    c = logged_in()
    assert "发送催报邮件" not in c.get(f"/office/rounds/{round_.id}/").content.decode()  # no mail server: no button
    assert c.get(f"/office/rounds/{round_.id}/remind").status_code == 409
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", MAIL_ENABLED=True,
                           BASE_URL="http://10.1.2.3:8000"):
        mail.outbox = []
        assert "发送催报邮件" in c.get(f"/office/rounds/{round_.id}/").content.decode()
        preview = c.get(f"/office/rounds/{round_.id}/remind").content.decode()
        assert mail.outbox == []  # shown, not sent
        assert "u0@example.cn" in preview and "u1@example.cn" in preview and "名单中没有邮箱" in preview
        assert f"http://10.1.2.3:8000/u/{issued[0].secret}" in preview and "发送这 2 封邮件" in preview
        answer = c.post(f"/office/rounds/{round_.id}/remind")
        assert answer.status_code == 302
        assert sorted(m.to[0] for m in mail.outbox) == ["u0@example.cn", "u1@example.cn"]
        letter = next(m for m in mail.outbox if m.to == ["u0@example.cn"])
        assert issued[0].unit.name in letter.body and issued[0].secret in letter.body and "未报送" in letter.body
        assert AuditEvent.objects.filter(round=round_, action="mail").count() == 1


def test_a_return_notice_is_shown_then_sent(tmp_path: Path) -> None:
    from django.core import mail
    from django.test import override_settings

    from consolidate.web.models import Submission

    round_, issued = _contact_round(tmp_path, 2)
    _upload(issued[0].secret, workbook(issued[0].unit, error=True), name="城关镇报表.xlsx")
    sub = Submission.objects.get(unit=issued[0].unit)
    c = logged_in()
    c.post(f"/office/submissions/{sub.id}/review", {"decision": "returned", "reason": "表三第 7 行请核对"})
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", MAIL_ENABLED=True):
        mail.outbox = []
        detail = c.get(f"/office/rounds/{round_.id}/units/{issued[0].unit.id}/").content.decode()
        assert f"/office/submissions/{sub.id}/notice" in detail
        preview = c.get(f"/office/submissions/{sub.id}/notice").content.decode()
        assert "表三第 7 行请核对" in preview and "u0@example.cn" in preview and mail.outbox == []
        c.post(f"/office/submissions/{sub.id}/notice")
        assert len(mail.outbox) == 1 and "城关镇报表.xlsx" in mail.outbox[0].body
        assert "退回通知" in mail.outbox[0].subject


# --- point 5: accounts ------------------------------------------------------------------------------------------


def _admin(name: str = "chief") -> Any:
    found = user(name)
    found.is_staff = True
    found.save()
    return found


def test_one_changes_ones_own_password() -> None:

    from consolidate.web.models import AuditEvent

    user("changer")
    c = logged_in("changer")
    wrong = c.post("/office/account/", {"old_password": "not-it", "new_password1": "a-new-long-password-1",
                                        "new_password2": "a-new-long-password-1"})
    assert wrong.status_code == 400 and "field-error" in wrong.content.decode()
    weak = c.post("/office/account/", {"old_password": "a-long-enough-password", "new_password1": "12345678",
                                       "new_password2": "12345678"})
    assert weak.status_code == 400
    done = c.post("/office/account/", {"old_password": "a-long-enough-password",
                                       "new_password1": "a-new-long-password-1", "new_password2": "a-new-long-password-1"})
    assert done.status_code == 302 and c.get("/office/").status_code == 200  # still logged in
    assert can_log_in("changer", "a-new-long-password-1")
    assert AuditEvent.objects.filter(round__isnull=True, actor="changer", detail="修改了自己的密码").exists()


def can_log_in(name: str, password: str) -> bool:
    """A login as a browser does it (the login form; django-axes needs the request), from an
    address of its own so the throttling of other tests' failures cannot interfere."""
    from django.test import Client

    answer = Client(REMOTE_ADDR="10.77.0.1").post("/login/", {"username": name, "password": password})
    return answer.status_code == 302


def test_administrators_manage_accounts_and_tokens_and_clerks_cannot() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from consolidate.web.accounts import new_token
    from consolidate.web.models import ApiToken, AuditEvent

    user("plain-clerk")
    assert logged_in("plain-clerk").get("/office/accounts/").status_code == 403
    _admin("chief")
    c = logged_in("chief")
    weak = c.post("/office/accounts/", {"username": "newbie", "password1": "123", "password2": "123"}, follow=True)
    assert "密码不合要求" in weak.content.decode() and not get_user_model().objects.filter(username="newbie").exists()
    c.post("/office/accounts/", {"username": "newbie", "password1": "newbie-password-9",
                                 "password2": "newbie-password-9"})
    newbie = get_user_model().objects.get(username="newbie")
    assert newbie.is_active and not newbie.is_staff
    token = new_token("newbie")
    round_page = "/office/"
    assert Client().get(round_page, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    page = c.get("/office/accounts/").content.decode()
    assert 'data-user="newbie"' in page and ApiToken.objects.get(user=newbie).key_hash[:8] in page
    c.post(f"/office/accounts/{newbie.pk}/active", {"active": "no"})
    assert not can_log_in("newbie", "newbie-password-9")
    assert Client().get(round_page, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    c.post(f"/office/accounts/{newbie.pk}/active", {"active": "yes"})
    assert can_log_in("newbie", "newbie-password-9")
    chief = get_user_model().objects.get(username="chief")
    refused = c.post(f"/office/accounts/{chief.pk}/active", {"active": "no"}, follow=True)
    assert "不能停用自己" in refused.content.decode() and get_user_model().objects.get(pk=chief.pk).is_active
    tid = ApiToken.objects.get(user=newbie).pk
    c.post(f"/office/tokens/{tid}/revoke")
    assert Client().get(round_page, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    said = list(AuditEvent.objects.filter(round__isnull=True, action="account").values_list("detail", flat=True))
    for text in ("创建账号 {name}", "停用账号 {name}", "启用账号 {name}", "收回账号 {name} 的令牌 {token}…"):
        assert text in said, text
    assert "停用账号 newbie" in c.get("/office/accounts/").content.decode()  # the log, rendered


# --- point 6: finish --------------------------------------------------------------------------------------------


def test_not_found_and_server_error_pages_in_the_browsers_language() -> None:
    from django.test import Client, RequestFactory
    from django.utils import translation
    from django.views.defaults import server_error

    zh = Client().get("/no/such/page")
    assert zh.status_code == 404 and "找不到这个页面" in zh.content.decode() and "Not Found" not in zh.content.decode()
    en = Client().get("/no/such/page", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 404 and "Page not found" in en.content.decode()
    assert 'rel="icon"' in zh.content.decode()
    with translation.override("zh-hans"):
        crashed = server_error(RequestFactory().get("/"))
    assert crashed.status_code == 500 and "服务器出错" in crashed.content.decode()
    with translation.override("en"):
        assert "Server error" in server_error(RequestFactory().get("/")).content.decode()


def test_admin_is_off_and_the_favicon_is_served() -> None:
    from django.test import Client

    assert Client().get("/admin/").status_code == 404
    assert Client().get("/admin/login/").status_code == 404
    icon = Client().get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"] == "/static/web/favicon.svg"
    svg = Client().get("/static/web/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)  # type: ignore[attr-defined]


def test_english_status_words_are_words() -> None:
    from consolidate.web.rounds import open_round

    round_, issued = open_round(roster(3), year=2025, actor="测试")
    _upload(issued[0].secret, workbook(issued[0].unit))
    _upload(issued[1].secret, workbook(issued[1].unit, error=True))
    page = logged_in().get(f"/office/rounds/{round_.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    badges = re.findall(r'<span class="badge \w+">([^<]+)</span>', page)
    assert {"Passed", "Has errors", "Not submitted"} <= set(badges), badges
    assert not {"passed", "invalid", "missing", "late"} & set(badges)


def test_findings_quote_the_file_as_it_was_uploaded() -> None:
    from consolidate.web.rounds import open_round

    _round, issued = open_round(roster(1), year=2025, actor="测试")
    answer = _upload(issued[0].secret, b"PK\x03\x04 not really a workbook", name="东城街道统计表（修改）.xlsx").json()
    assert answer["report"]["path"] == "东城街道统计表（修改）.xlsx"
    said = " ".join(f["message"] for f in answer["report"]["findings"])
    assert "东城街道统计表（修改）.xlsx" in said and "_第1版" not in said


def test_the_office_unit_page_shows_who_filled_it_and_when() -> None:
    from consolidate.web.rounds import open_round

    round_, issued = open_round(roster(1), year=2025, actor="测试")
    _upload(issued[0].secret, workbook(issued[0].unit), name="我的报表.xlsx")
    page = logged_in().get(f"/office/rounds/{round_.id}/units/{issued[0].unit.id}/").content.decode()
    facts = re.search(r'<dl class="facts" id="filled-by">(.*?)</dl>', page, re.S)
    assert facts is not None
    text = re.sub(r"<[^>]+>", " ", facts.group(1))
    for word in ("填报人", "张三", "电话", "0551-1234567", "填报日期", "2026-01-20", "我的报表.xlsx"):
        assert word in text, word


# --- point 3: the receipt ---------------------------------------------------------------------------------------


def test_a_decided_version_has_a_receipt_page_and_an_a4_pdf() -> None:
    import hashlib

    import pdfplumber
    from django.test import Client

    from consolidate.web.models import Submission
    from consolidate.web.rounds import open_round

    _round, issued = open_round(roster(2), year=2025, actor="测试")
    data = workbook(issued[0].unit)
    assert _upload(issued[0].secret, data, name="我的报表.xlsx").json()["submission"]["state"] == "valid"
    sub = Submission.objects.get(unit=issued[0].unit)
    unit_page = Client().get(f"/u/{issued[0].secret}").content.decode()
    assert f"/u/{issued[0].secret}/v/1/receipt" in unit_page  # linked from the unit's page
    page = Client().get(f"/u/{issued[0].secret}/v/1/receipt").content.decode()
    cells = dict(re.findall(r"<tr><th>([^<]+)</th><td>([^<]*)</td></tr>", page))
    assert cells["报送单位"] == issued[0].unit.name and cells["单位代码"] == issued[0].unit.code
    assert cells["版本"] == "第 1 版" and cells["文件名"] == "我的报表.xlsx"
    assert cells["SHA-256"] == hashlib.sha256(data).hexdigest() == sub.sha256
    assert cells["审核结果"].startswith("通过（错误 0 个") and cells["公开办审核"] == "待审核"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells["收到时间"])
    # the office confirms: the receipt says so, and who
    logged_in("reviewer-1").post(f"/office/submissions/{sub.id}/review", {"decision": "confirmed"})
    page = Client().get(f"/u/{issued[0].secret}/v/1/receipt").content.decode()
    cells = dict(re.findall(r"<tr><th>([^<]+)</th><td>([^<]*)</td></tr>", page))
    assert cells["公开办审核"] == "已确认" and cells["审核人"] == "reviewer-1"
    pdf = Client().get(f"/u/{issued[0].secret}/v/1/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and "attachment" in pdf["Content-Disposition"]
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(body)) as doc:
        assert len(doc.pages) == 1 and (round(doc.pages[0].width), round(doc.pages[0].height)) == (595, 842)
        text = doc.pages[0].extract_text() or ""
    assert sub.sha256 in text and "reviewer-1" in text  # the facts are text on the page, not a picture
    english = Client().get(f"/u/{issued[0].secret}/v/1/receipt", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Receipt" in english and "Office review" in english
    # the office's copy, and nobody else's
    office_page = logged_in().get(f"/office/submissions/{sub.id}/receipt").content.decode()
    assert sub.sha256 in office_page
    assert Client().get(f"/u/{issued[1].secret}/v/1/receipt").status_code == 404  # unit 2 has no version 1
    assert Client().get(f"/office/submissions/{sub.id}/receipt").status_code == 302  # the office logs in


def test_a_version_being_checked_has_no_receipt_yet() -> None:
    from django.test import Client
    from django.utils import timezone

    from consolidate.web.models import Submission
    from consolidate.web.rounds import open_round

    _round, issued = open_round(roster(1), year=2025, actor="测试")
    checking = Submission.objects.create(unit=issued[0].unit, version=1, sha256="0" * 64, size=1,
                                         file_name="x.xlsx", received_at=timezone.now(), state="checking")
    try:
        answer = Client().get(f"/u/{issued[0].secret}/v/1/receipt")
        assert answer.status_code == 409 and "还在审核中" in answer.content.decode()
    finally:
        checking.delete()  # never queued: the other web tests wait for every check to be decided


# --- point 2: the verdict page on a phone (the layout itself: tests/test_web_browser.py at 360 px) --------------


def test_the_phone_tables_write_each_explanation_under_its_number_and_a_pass_says_done() -> None:
    from django.test import Client
    from web_support import ERROR_KEY

    from consolidate.web.rounds import open_round
    from consolidate.web.tables import grouped

    _round, issued = open_round(roster(1), year=2025, actor="测试")
    secret = issued[0].secret
    _upload(secret, workbook(issued[0].unit, error=True))
    page = Client().get(f"/u/{secret}").content.decode()
    item = re.search(rf'<div class="vitem mark-error" id="v-{re.escape(ERROR_KEY)}" data-key="{re.escape(ERROR_KEY)}">'
                     r'(.*?)</div>', page, re.S)
    assert item is not None and 'class="note error"' in item.group(1) and "本格应为" in item.group(1)
    assert f'href="#v-{ERROR_KEY}" data-jump="{ERROR_KEY}"' in page  # the finding's place leads to it
    assert 'id="done"' not in page
    _upload(secret, workbook(issued[0].unit))
    page = Client().get(f"/u/{secret}").content.decode()
    assert 'id="done"' in page and "报送已完成" in page and 'class="vitem mark-' not in page
    # a finding placed by sheet and cell (no key) is found through the spec's addresses
    tables = grouped({"format": "v2021", "kind": "template", "values": {"t3.new.natural": 5},
                      "findings": [{"sheet": "表三", "cell": "D6", "severity": "warning", "message": "看这里"}]},
                     "v2021")
    marked = [i for t in tables for g in t.groups for i in g.items if i.severity]
    assert [(i.key, i.text, i.notes) for i in marked] == [("t3.new.natural", "5", [("warning", "看这里")])]
    assert [t.sheet for t in tables] == ["表二", "表三", "表四"]


def test_a_mail_server_that_cannot_be_reached_is_said_plainly(tmp_path: Path) -> None:
    from django.test import override_settings

    from consolidate.web.models import AuditEvent

    round_, _issued = _contact_round(tmp_path, 2)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=9, EMAIL_TIMEOUT=5, MAIL_ENABLED=True):
        answer = logged_in().post(f"/office/rounds/{round_.id}/remind")
    page = answer.content.decode()
    assert answer.status_code == 502 and "邮件没有发出" in page and "127.0.0.1:9" in page and "Traceback" not in page
    assert not AuditEvent.objects.filter(round=round_, action="mail").exists()
