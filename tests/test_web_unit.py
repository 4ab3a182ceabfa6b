"""The unit's side of the web application (consolidate/web), through Django's test client.

Covers: a unit's page (name, round, deadline, template, upload form without an `accept`
filter); the upload's JSON contract (shape, 200 with or without errors, the report entry
exactly as `consolidate validate --json` writes it); the page after an upload with an
error (verdict, findings, the marked cell, the annotated copy); storage by sha256 before
checking, byte for byte; a workbook of another unit kept but refused naming whose it is
(in the page's language, as findings are); a published report refused only when its title
names another unit of the roster (not for a fuller name than the roster's);
404 for an unknown or re-issued link, 413 past the size limit with nothing kept, 409 for a
closed round or a locked unit, 429 after too many unknown links; a file that crashes or
hangs the checker stored and shown 无法读取; workbook text escaped; client file names never
used as paths; a unit sees only its own files.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from web_support import ERROR_KEY, roster, workbook

pytestmark = pytest.mark.usefixtures("web")


def new_round(n: int = 3, **kwargs: Any) -> tuple[Any, list[Any]]:
    from consolidate.web.rounds import open_round

    return open_round(roster(n), year=2025, actor="测试", **kwargs)


def client(address: str = "10.0.0.1") -> Any:
    from django.test import Client

    return Client(REMOTE_ADDR=address)


def post_file(c: Any, link: str, data: bytes, name: str = "报表.xlsx", json: bool = True,
              language: str | None = None) -> Any:
    """The upload, answered once its verdict is there (JSON: ``?wait=30``; the form: its
    submission waited for before the redirect is followed)."""
    upload = io.BytesIO(data)
    upload.name = name
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    if json:
        return c.post(f"{link}?wait=30", {"file": upload}, **headers)
    answer = c.post(link, {"file": upload}, **headers)
    if answer.status_code == 302:
        wait_for_verdicts()
    return answer


def wait_for_verdicts(seconds: float = 60) -> None:
    from web_support import wait_until

    from consolidate.web.models import Submission

    wait_until(lambda: not Submission.objects.filter(state="checking").exists(), seconds)


def link(issued: Any) -> str:
    return f"/u/{issued.secret}"


def test_unit_page_shows_the_unit_round_deadline_template_and_form() -> None:
    from datetime import datetime

    from django.utils import timezone

    round_, issued = new_round(deadline=timezone.make_aware(datetime(2026, 1, 31, 17, 0)))
    page = client().get(link(issued[0]))
    html = page.content.decode()
    assert page.status_code == 200
    assert issued[0].unit.name in html and round_.name in html and "2026-01-31 17:00" in html
    assert f'href="{link(issued[0])}/template.xlsx"' in html
    assert 'type="file"' in html and "accept=" not in html  # WeChat's browser hides files behind accept filters
    assert issued[1].unit.name not in html  # only its own unit


def test_template_is_the_units_own_prefilled_template() -> None:
    from consolidate.read import read_submission

    _, issued = new_round()
    answer = client().get(f"{link(issued[1])}/template.xlsx")
    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    data = b"".join(answer.streaming_content) if answer.streaming else answer.content
    path = Path(f"/tmp/tpl-{issued[1].secret[:8]}.xlsx")
    path.write_bytes(data)
    try:
        read = read_submission(path)
    finally:
        path.unlink()
    assert read.kind == "template" and read.unit_code == issued[1].unit.code and read.year == 2025


def test_a_units_template_is_built_once_however_often_it_is_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    from consolidate.web.views import unit as views

    built: list[str] = []
    real = views.build_workbook

    def counted(*args: Any, **kwargs: Any) -> bytes:
        built.append(args[2].code)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "build_workbook", counted)
    _, issued = new_round(2)
    answers = [client().get(f"{link(issued[i % 2])}/template.xlsx") for i in range(6)]
    bodies = [b"".join(a.streaming_content) if a.streaming else a.content for a in answers]
    assert all(a.status_code == 200 for a in answers)
    assert bodies[0] == bodies[2] == bodies[4] != bodies[1] == bodies[3] == bodies[5]  # each unit's own
    assert sorted(built) == sorted(i.unit.code for i in issued)  # once per unit, not once per download


def test_json_contract_for_a_valid_file_matches_validate_json(tmp_path: Path) -> None:
    from consolidate.output.json_report import report_dict
    from consolidate.validate import validate
    from consolidate.web import store

    round_, issued = new_round()
    unit = issued[0].unit
    data = workbook(unit)
    answer = post_file(client(), link(issued[0]), data)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"unit", "submission", "report"}
    assert body["unit"] == {"code": unit.code, "name": unit.name}
    assert set(body["submission"]) == {"id", "version", "sha256", "received_at", "state"}
    assert body["submission"]["version"] == 1
    assert body["submission"]["state"] == "valid"
    assert body["submission"]["sha256"] == hashlib.sha256(data).hexdigest()
    # stored byte for byte under its hash
    assert store.path_of(body["submission"]["sha256"]).read_bytes() == data
    # the report entry is validate --json's entry for the same file (same roster, year, format)
    from consolidate.web.rounds import roster_of

    copy = tmp_path / "x.xlsx"
    copy.write_bytes(data)
    expected = report_dict(validate([copy], format_id="v2021", year=2025, roster=roster_of(round_), workers=1))["files"][0]
    got = dict(body["report"])
    assert got.pop("path") and expected.pop("path")
    assert got == expected


def test_upload_with_an_error_shows_verdict_findings_marked_cell_and_annotated_copy() -> None:
    _, issued = new_round()
    c = client()
    answer = post_file(c, link(issued[0]), workbook(issued[0].unit, error=True), json=False)
    assert answer.status_code == 302 and answer["Location"].startswith(link(issued[0]))
    page = c.get(answer["Location"]).content.decode()
    assert "有错误" in page and "T3-BALANCE" not in page  # findings are shown in words
    # the message leads with its place, in bold, once (not “表三 D30 表三 D30（…）”)
    assert "<b>表三 D30</b></a>（四、结转下年度继续办理 / 自然人）：" in page and "</b></a> 表三 D30" not in page
    assert f'href="#v-{ERROR_KEY}" data-jump="{ERROR_KEY}"' in page  # the place jumps to its cell
    # the cell in error is drawn marked in the unit's own table
    cell = page.split(f'data-key="{ERROR_KEY}"')[0].rsplit("<td", 1)[1]
    assert "mark-error" in cell
    # a correct cell is not marked
    other = page.split('data-key="t3.new.natural"')[0].rsplit("<td", 1)[1]
    assert "mark-" not in other
    assert f"{link(issued[0])}/v/1/annotated.xlsx" in page
    copy = c.get(f"{link(issued[0])}/v/1/annotated.xlsx")
    assert copy.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(copy.streaming_content)))
    assert book.sheetnames[0] == "问题清单"
    # an English page gets the copy the library writes in English (its sheet, its name)
    from consolidate.i18n import in_language
    from consolidate.output.annotate import SHEET, SUFFIX

    english = c.get(f"{link(issued[0])}/v/1/annotated.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert quote(in_language("en", SUFFIX)) in english["Content-Disposition"]
    assert "问题标注" not in unquote(english["Content-Disposition"])
    book = load_workbook(io.BytesIO(b"".join(english.streaming_content)))
    assert book.sheetnames[0] == in_language("en", SHEET) != "问题清单"


def test_json_contract_for_an_invalid_file_is_200_with_its_findings(tmp_path: Path) -> None:
    from consolidate.output.json_report import report_dict
    from consolidate.validate import validate
    from consolidate.web.rounds import roster_of

    round_, issued = new_round()
    data = workbook(issued[0].unit, error=True)
    body = post_file(client(), link(issued[0]), data).json()
    assert body["submission"]["state"] == "invalid"
    assert any(f["code"] == "T3-BALANCE" and f["key"] == ERROR_KEY for f in body["report"]["findings"])
    assert body["report"]["counts"]["error"] >= 1
    # Accept-Language: en gives the messages `validate --json --lang en` gives for the same file
    english = post_file(client(), link(issued[0]), data, language="en").json()["report"]
    copy = tmp_path / "x.xlsx"
    copy.write_bytes(data)
    expected = report_dict(validate([copy], format_id="v2021", year=2025, roster=roster_of(round_), workers=1),
                           lang="en")["files"][0]
    assert [f["message"] for f in english["findings"]] == [f["message"] for f in expected["findings"]]
    assert english["findings"] != body["report"]["findings"]


def test_another_units_workbook_is_kept_but_refused_saying_whose_it_is() -> None:
    from consolidate.web import store
    from consolidate.web.models import Submission

    _, issued = new_round()
    data = workbook(issued[1].unit)  # unit 2's file sent through unit 1's link
    answer = post_file(client(), link(issued[0]), data)
    assert answer.status_code == 200
    body = answer.json()
    assert body["submission"]["state"] == "refused"
    sub = Submission.objects.get(pk=body["submission"]["id"])
    assert store.path_of(sub.sha256).read_bytes() == data
    page = client().get(link(issued[0])).content.decode()
    owner, own = issued[1].unit, issued[0].unit
    assert "已拒收" in page
    assert f"这份报表“填报信息”中的单位是 {owner.name}（单位代码 {owner.code}），不是本单位（{own.name}）的报表。" in page
    # the reason is kept as a catalog text: an English page reads it in English
    english = client().get(link(issued[0]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"names {owner.name} (unit code {owner.code}): it is not this unit&#x27;s ({own.name})." in english
    assert "这份报表" not in english
    # a row written before the catalog (its reason as text, no fields) shows that text
    Submission.objects.filter(pk=sub.pk).update(refusal="不是本单位的报表（旧记录）", refusal_params=None)
    assert "不是本单位的报表（旧记录）" in client().get(link(issued[0]), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_workbook_of_a_unit_not_on_the_roster_is_refused_naming_it_in_the_pages_language() -> None:
    _, issued = new_round()
    data = workbook(issued[0].unit, name="别处的单位", code="12340000MB0000000X")
    assert post_file(client(), link(issued[0]), data).json()["submission"]["state"] == "refused"
    zh = client().get(link(issued[0])).content.decode()
    assert "填报信息”中的单位是 “别处的单位”（单位代码 12340000MB0000000X），不是本单位" in zh
    en = client().get(link(issued[0]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "names “别处的单位” (unit code 12340000MB0000000X): it is not this unit" in en


def test_a_workbook_with_this_units_name_and_a_wrong_code_is_refused_saying_the_code_is_wrong() -> None:
    _, issued = new_round()
    own = issued[0].unit
    data = workbook(own, code="12340000MB0000000X")  # its own name, a code that is no unit's
    assert post_file(client(), link(issued[0]), data).json()["submission"]["state"] == "refused"
    zh = client().get(link(issued[0])).content.decode()
    assert f"单位名称是本单位，但单位代码 12340000MB0000000X 不是本单位的（应为 {own.code}）" in zh
    assert f"中的单位是 {own.name}" not in zh  # not "this unit's file is not this unit's"


def test_a_published_report_is_refused_only_when_its_title_names_another_unit_of_the_roster() -> None:
    """A report names its unit only in its title, often by a fuller name than the roster's:
    that is no reason to refuse it; a title naming another unit of the roster is."""
    import dataclasses

    from consolidate.roster import Roster
    from consolidate.web.rounds import open_round

    data = (Path(__file__).resolve().parent / "corpus" / "zrz2020.html").read_bytes()
    titled = "平潭综合实验区自然资源与生态环境局"  # what the report's title says
    first, second = roster(2).units
    short = dataclasses.replace(first, name=f"{first.name}自然资源局")
    _, issued = open_round(Roster((short, second), "roster.csv"), year=2020, actor="测试")
    own = post_file(client(), link(issued[0]), data, name="报告.html").json()
    assert own["submission"]["state"] == "invalid"  # kept and read (the report breaks one rule)
    assert "UNIT-NOT-IN-ROSTER" in {f["code"] for f in own["report"]["findings"]}  # the office still sees it
    # a roster with the unit the title names: its own link takes it, another unit's refuses it
    first, second = roster(2).units
    named, other = dataclasses.replace(first, name=titled), dataclasses.replace(second, name="别的单位")
    _, issued = open_round(Roster((named, other), "roster.csv"), year=2020, actor="测试")
    assert post_file(client(), link(issued[0]), data, name="报告.html").json()["submission"]["state"] == "invalid"
    assert post_file(client(), link(issued[1]), data, name="报告.html").json()["submission"]["state"] == "refused"
    zh = client().get(link(issued[1])).content.decode()
    assert f"这份报告标题中的单位是 {titled}（单位代码 {named.code}），不是本单位（别的单位）的报告。" in zh
    en = client().get(link(issued[1]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"This report&#x27;s title names {titled} (unit code {named.code})" in en


def test_findings_are_shown_in_the_pages_language(tmp_path: Path) -> None:
    """An English page shows the library's English messages for the file (as `validate
    --lang en` words them), on the list and on the marked cells; a Chinese page the Chinese."""
    import html

    from consolidate.output.json_report import report_dict
    from consolidate.validate import validate
    from consolidate.web.rounds import roster_of

    round_, issued = new_round()
    data = workbook(issued[0].unit, error=True)
    post_file(client(), link(issued[0]), data)
    copy = tmp_path / "x.xlsx"
    copy.write_bytes(data)
    report = validate([copy], format_id="v2021", year=2025, roster=roster_of(round_), workers=1)
    en_messages = [f["message"] for f in report_dict(report, lang="en")["files"][0]["findings"]]
    zh_messages = [f["message"] for f in report_dict(report, lang="zh")["files"][0]["findings"]]
    assert en_messages and en_messages != zh_messages
    en = client().get(link(issued[0]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    zh = client().get(link(issued[0])).content.decode()
    for english, chinese in zip(en_messages, zh_messages, strict=True):
        assert html.escape(english) in en and html.escape(chinese) not in en
        assert html.escape(chinese) in zh
    cell = en.split(f'data-key="{ERROR_KEY}"')[1].split(">", 1)[0]
    assert f'title="{html.escape(en_messages[0])}"' in cell  # the marked cell's explanation


def test_unknown_and_reissued_links_are_404() -> None:
    from consolidate.web.rounds import reissue_link

    _, issued = new_round()
    c = client("10.0.0.2")
    assert c.get("/u/not-a-real-link-at-all-123456").status_code == 404
    answer = c.post("/u/not-a-real-link-at-all-123456", HTTP_ACCEPT="application/json")
    assert answer.status_code == 404 and "链接无效" in answer.json()["error"]
    secret = reissue_link(issued[0].unit, "测试")
    assert c.get(link(issued[0])).status_code == 404
    assert c.get(f"/u/{secret}").status_code == 200


def test_guessing_links_is_rate_limited_per_address() -> None:
    from django.test import override_settings

    _, issued = new_round()
    with override_settings(LINK_GUESS_LIMIT=3):
        c = client("10.9.9.9")
        for i in range(3):
            assert c.get(f"/u/guess-{i:030d}").status_code == 404
        assert c.get(f"/u/guess-{9:030d}").status_code == 429
        assert c.get(link(issued[0])).status_code == 429  # even a right guess, from that address
        assert client("10.9.9.10").get(link(issued[0])).status_code == 200  # others are not affected


def test_too_large_is_413_and_nothing_is_kept() -> None:
    from django.test import override_settings

    from consolidate.web import store
    from consolidate.web.models import Submission

    _, issued = new_round()
    data = workbook(issued[0].unit)
    before = sorted(p.name for p in store.files_dir().rglob("*"))
    with override_settings(UPLOAD_LIMIT=len(data) - 1):
        answer = post_file(client(), link(issued[0]), data)
    assert answer.status_code == 413
    assert "MB" in answer.json()["error"]
    assert not Submission.objects.filter(unit=issued[0].unit).exists()
    assert sorted(p.name for p in store.files_dir().rglob("*")) == before
    with override_settings(UPLOAD_LIMIT=len(data)):
        assert post_file(client(), link(issued[0]), data).status_code == 200


def test_closed_round_refuses_with_409_or_accepts_marked_late() -> None:
    from consolidate.web.models import Submission
    from consolidate.web.rounds import close_round, reopen_round

    round_, issued = new_round()
    close_round(round_, accept_late=False, actor="测试")
    answer = post_file(client(), link(issued[0]), workbook(issued[0].unit))
    assert answer.status_code == 409 and "结束" in answer.json()["error"]
    assert "本轮报送已经结束" in client().get(link(issued[0])).content.decode()
    reopen_round(round_, "测试")
    close_round(round_, accept_late=True, actor="测试")
    answer = post_file(client(), link(issued[0]), workbook(issued[0].unit))
    assert answer.status_code == 200
    assert Submission.objects.get(pk=answer.json()["submission"]["id"]).late


def test_confirmed_unit_is_locked_until_the_office_unlocks_it() -> None:
    from consolidate.web.models import Submission
    from consolidate.web.rounds import review, unlock

    _, issued = new_round()
    body = post_file(client(), link(issued[0]), workbook(issued[0].unit)).json()
    sub = Submission.objects.get(pk=body["submission"]["id"])
    review(sub, "confirmed", actor="测试")
    assert post_file(client(), link(issued[0]), workbook(issued[0].unit)).status_code == 409
    unit = sub.unit
    unit.refresh_from_db()
    unlock(unit, "测试")
    assert post_file(client(), link(issued[0]), workbook(issued[0].unit)).status_code == 200


def test_returned_file_shows_the_reason_on_the_units_page() -> None:
    from consolidate.web.models import Submission
    from consolidate.web.rounds import review

    _, issued = new_round()
    body = post_file(client(), link(issued[0]), workbook(issued[0].unit)).json()
    review(Submission.objects.get(pk=body["submission"]["id"]), "returned", actor="测试", reason="请补填联系电话")
    assert "请补填联系电话" in client().get(link(issued[0])).content.decode()


@pytest.mark.parametrize("hook, code, reason", [("web_hooks.crash", "FILE-CORRUPT", "意外退出"),
                                               ("web_hooks.hang", "FILE-TIMEOUT", "读取超过 3 秒仍未完成"),
                                               ("web_hooks.hog", "FILE-CORRUPT", "内存超过 1024 MB")])
def test_a_file_that_crashes_hangs_or_bloats_the_checker_is_kept_and_unreadable(hook: str, code: str,
                                                                                 reason: str) -> None:
    """A crash is retried once, then decided; a hang is FILE-TIMEOUT (as on the command line);
    a check past the memory limit (RLIMIT_AS) is decided, and the next file is checked as usual."""
    from django.test import override_settings

    from consolidate.web import store

    _, issued = new_round()
    data = workbook(issued[0].unit)
    with override_settings(CHECK_FUNCTION=hook, CHECK_TIMEOUT=3):
        answer = post_file(client(), link(issued[0]), data)
    assert answer.status_code == 200
    body = answer.json()
    assert body["submission"]["state"] == "unreadable"
    assert body["report"]["findings"][0]["code"] == code
    assert reason in body["report"]["findings"][0]["message"]
    assert store.path_of(body["submission"]["sha256"]).read_bytes() == data
    # the server goes on checking with fresh workers
    assert post_file(client(), link(issued[0]), data).json()["submission"]["state"] == "valid"


def test_a_check_whose_process_dies_once_is_retried() -> None:
    from django.test import override_settings

    _, issued = new_round()
    data = workbook(issued[0].unit, seed=7)
    with override_settings(CHECK_FUNCTION="web_hooks.crash_once"):
        body = post_file(client(), link(issued[0]), data).json()
    assert body["submission"]["state"] == "valid" and body["report"]["status"] == "valid"


def test_workbook_text_is_escaped_and_client_names_are_never_paths() -> None:
    from consolidate.web import store
    from consolidate.web.models import Submission

    _, issued = new_round()
    data = workbook(issued[0].unit, name="<script>alert(1)</script>", code="")
    answer = post_file(client(), link(issued[0]), data, name="../../../../tmp/evil<b>.xlsx")
    body = answer.json()
    sub = Submission.objects.get(pk=body["submission"]["id"])
    assert sub.file_name == "evil_b_.xlsx"
    assert store.path_of(sub.sha256).read_bytes() == data
    assert not Path("/tmp/evil<b>.xlsx").exists()
    page = client().get(link(issued[0])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_unit_cannot_reach_another_units_files() -> None:
    _, issued = new_round()
    post_file(client(), link(issued[1]), workbook(issued[1].unit, error=True))
    c = client()
    assert c.get(f"{link(issued[0])}/v/1/file").status_code == 404
    assert c.get(f"{link(issued[0])}/v/1/annotated.xlsx").status_code == 404
    assert c.get(f"{link(issued[1])}/v/1/file").status_code == 200


def test_security_headers_and_cookies() -> None:
    from django.conf import settings

    _, issued = new_round()
    answer = client().get(link(issued[0]))
    assert "default-src 'self'" in answer["Content-Security-Policy"]
    assert answer["X-Frame-Options"] == "DENY" and answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE and settings.CSRF_COOKIE_SAMESITE
    assert settings.PASSWORD_HASHERS[0].endswith(("PBKDF2PasswordHasher", "Argon2PasswordHasher"))
    assert client().get("/u/../../etc/passwd").status_code == 404
