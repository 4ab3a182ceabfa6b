"""Results kept as data (issue 18, points 3 and 4), through Django's test client on SQLite.

Covers: a decided submission keeps its findings as code, place and fields (``source``) and
pages render them in the reader's language (English as ``validate --lang en`` words it);
an unreadable or refused upload never replaces the counted version (board, status.json,
roll-up); the roll-up and the report workbook are built from stored results (no file is
read again: ``validate`` is not called) and cached by the set of counted versions; the
annotated copy is made on its first download in each language and kept; an upload runs a
fixed number of queries whatever the round's size (no roster per upload) and the board a
fixed number whatever the number of units (paged), its refresh sending only changed rows;
review through the page (a reason for errors, only the counted version); migration 0005
over rows of the old shape.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_web_contract import postgres  # noqa: F401  (the fixture)
from web_support import roster, workbook

pytestmark = pytest.mark.usefixtures("web")


def new_round(n: int = 3) -> tuple[Any, list[Any]]:
    from consolidate.web.rounds import open_round

    return open_round(roster(n), year=2025, actor="测试")


def up(issued: Any, data: bytes, language: str | None = None, wait: bool = True) -> Any:
    """The upload's JSON answer once its verdict is there (``?wait=30``); ``wait=False``: the
    answer at once (202), the verdict to be waited for apart (``decided``)."""
    from django.test import Client

    f = io.BytesIO(data)
    f.name = "报表.xlsx"
    headers = {"HTTP_ACCEPT": "application/json"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    answer = Client(REMOTE_ADDR="10.2.0.1").post(f"/u/{issued.secret}{'?wait=30' if wait else ''}", {"file": f},
                                                 **headers)
    assert answer.status_code == (200 if wait else 202), answer.content
    return answer.json()


def decided(body: Any) -> None:
    from web_support import wait_until

    from consolidate.web.models import Submission

    pk = body["submission"]["id"]
    wait_until(lambda: not Submission.objects.filter(pk=pk, state="checking").exists(), 60)


def office() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model()
    user = users.objects.filter(username="clerk18").first() or users.objects.create_user("clerk18", password="x" * 20)
    c = Client()
    c.force_login(user)
    return c


def test_findings_are_kept_as_code_place_and_fields_and_rendered_in_the_readers_language(tmp_path: Path) -> None:
    from consolidate.output.json_report import report_dict
    from consolidate.validate import validate
    from consolidate.web.models import Submission

    _, issued = new_round()
    data = workbook(issued[0].unit, error=True)
    up(issued[0], data)
    sub = Submission.objects.get(unit=issued[0].unit)
    findings = sub.report["findings"]
    assert findings and all(f["source"]["place"] and "message_en" not in f for f in findings)
    balance = next(f for f in findings if f["code"] == "T3-BALANCE")
    assert balance["source"]["spec"] == "v2021" and balance["source"]["params"]  # the fields, not the words
    # the English answer is validate --json --lang en's, rendered from what was kept
    copy = tmp_path / "x.xlsx"
    copy.write_bytes(data)
    expected = report_dict(validate([copy], format_id="v2021", year=2025, workers=1), lang="en")["files"][0]["findings"]
    english = up(issued[0], data, language="en")["report"]["findings"]
    assert [f["message"] for f in english] == [f["message"] for f in expected]
    page = office().get(f"/office/rounds/{issued[0].unit.round_id}/units/{issued[0].unit.id}/",
                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    words = next(f["message"] for f in expected if f["code"] == "T3-BALANCE")
    assert words.split(":", 1)[-1].strip()[:40] in page


def test_an_unreadable_or_refused_upload_never_replaces_the_counted_version() -> None:
    from consolidate.web.models import RoundUnit

    round_, issued = new_round()
    up(issued[0], workbook(issued[0].unit))
    assert up(issued[0], b"a photo, not a workbook")["submission"]["state"] == "unreadable"
    assert up(issued[0], workbook(issued[1].unit))["submission"]["state"] == "refused"
    unit = RoundUnit.objects.get(pk=issued[0].unit.pk)
    assert unit.counted.version == 1 and unit.latest.version == 3
    c = office()
    status = {u["code"]: u for u in c.get(f"/office/rounds/{round_.id}/status.json").json()["units"]}
    me = status[issued[0].unit.code]
    assert me["state"] == "valid" and me["counted"] == 1 and me["latest"]["version"] == 3 and me["submissions"] == 3
    board = c.get(f"/office/rounds/{round_.id}/").content.decode()
    assert "第 3 版未计入" in board
    from django.test import Client

    own = Client().get(f"/u/{issued[0].secret}").content.decode()  # the unit is told which version counts
    assert "这一版未计入；公开办看到和汇总的仍是第 1 版。" in own
    summary = c.get(f"/office/rounds/{round_.id}/rollup.xlsx").content
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(summary), read_only=True)["报送情况"]
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r and r[1]}
    assert rows[issued[0].unit.name][2] == "已报送且通过"  # still counted with its version 1
    # a unit whose only upload could not be read is listed as such (not counted), as `rollup` lists it
    up(issued[2], b"not a workbook either")
    sheet = load_workbook(io.BytesIO(c.get(f"/office/rounds/{round_.id}/rollup.xlsx").content), read_only=True)["报送情况"]
    labels = [r[2] for r in sheet.iter_rows(min_row=8, values_only=True) if r and r[2]]
    assert labels.count("无法读取") == 1 and labels.count("已报送且通过") == 1
    report = load_workbook(io.BytesIO(c.get(f"/office/rounds/{round_.id}/report.xlsx").content), read_only=True)
    assert any("无法读取" in str(v) for ws in report.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
    # the one 报送率 (units with a counted version / roster) and 通过率, here and on the board
    counts = c.get(f"/office/rounds/{round_.id}/status.json").json()["counts"]
    assert counts["submission_rate"] == round(1 / 3, 4) and counts["pass_rate"] == round(1 / 3, 4)
    assert sheet.cell(2, 5).value == pytest.approx(1 / 3)


def test_rollup_and_report_come_from_stored_results_cached_by_the_counted_versions(monkeypatch: Any) -> None:
    from django.conf import settings

    from consolidate import validate as validate_module
    from consolidate.web import downloads

    round_, issued = new_round()
    up(issued[0], workbook(issued[0].unit))
    up(issued[1], workbook(issued[1].unit, error=True))

    def no_reading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a download must not read the files again")

    monkeypatch.setattr(validate_module, "validate", no_reading)
    c = office()
    first = c.get(f"/office/rounds/{round_.id}/rollup.xlsx")
    report = c.get(f"/office/rounds/{round_.id}/report.xlsx")
    assert first.status_code == report.status_code == 200 and report.content[:2] == b"PK"
    key = downloads.cache_key(round_, downloads.counted_versions(round_), "zh")
    cached = sorted(p.name for p in (Path(settings.DATA_DIR) / "cache").glob(f"*-r{round_.id}-zh-{key}.xlsx"))
    assert [n.split("-")[0] for n in cached] == ["report", "rollup"]
    built: list[str] = []
    real_build = downloads._build
    monkeypatch.setattr(downloads, "_build", lambda *a: built.append(a[3]) or real_build(*a))
    again = c.get(f"/office/rounds/{round_.id}/rollup.xlsx")
    assert again.content == first.content and built == []  # the same versions: the kept workbook
    monkeypatch.undo()
    up(issued[2], workbook(issued[2].unit))  # a new counted version: a new workbook
    monkeypatch.setattr(downloads, "_build", lambda *a: built.append(a[3]) or real_build(*a))
    assert c.get(f"/office/rounds/{round_.id}/rollup.xlsx").content != first.content and built == ["rollup"]
    # the workbook of the superseded set of versions is not kept
    assert len(list((Path(settings.DATA_DIR) / "cache").glob(f"rollup-r{round_.id}-zh-*.xlsx"))) == 1


def test_the_stored_rollup_totals_what_consolidate_rollup_totals(tmp_path: Path) -> None:
    """The roll-up from stored results is the CLI's over the same files (same totals, same rows)."""
    from openpyxl import load_workbook

    from consolidate.rollup import rollup
    from consolidate.web.rounds import roster_of

    round_, issued = new_round(4)
    files = [workbook(issued[0].unit, seed=3), workbook(issued[1].unit, seed=4), workbook(issued[2].unit, error=True)]
    for i, data in enumerate(files):
        up(issued[i], data)
        (tmp_path / f"{i}.xlsx").write_bytes(data)
    web = load_workbook(io.BytesIO(office().get(f"/office/rounds/{round_.id}/rollup.xlsx").content), read_only=True)
    cli = rollup([tmp_path], out=tmp_path.parent / f"{tmp_path.name}-out.xlsx", roster=roster_of(round_), year=2025,
                 format_id="v2021", name=round_.name, workers=1)
    cli_book = load_workbook(cli.out, read_only=True)
    for sheet in ("表二", "表三", "表四"):
        assert [r for r in web[sheet].iter_rows(values_only=True)] == [r for r in cli_book[sheet].iter_rows(values_only=True)]


def test_the_annotated_copy_is_made_on_first_download_per_language_and_kept(monkeypatch: Any) -> None:
    from consolidate.web import copies
    from consolidate.web.models import Submission

    _, issued = new_round()
    up(issued[0], workbook(issued[0].unit, error=True))
    sub = Submission.objects.get(unit=issued[0].unit)
    assert sub.copies == {}  # nothing made at upload
    c = office()
    zh = c.get(f"/office/submissions/{sub.id}/annotated.xlsx")
    assert zh.status_code == 200 and zh["Content-Type"].startswith("application/vnd.openxmlformats")
    kept = Submission.objects.get(pk=sub.pk).copies
    assert set(kept) == {"zh"}

    def no_copy(*args: Any) -> Any:
        raise AssertionError("made twice")

    monkeypatch.setattr(copies, "call", no_copy)
    again = c.get(f"/office/submissions/{sub.id}/annotated.xlsx")  # kept: no check process is asked
    assert again.status_code == 200 and b"".join(again.streaming_content) == b"".join(zh.streaming_content)
    monkeypatch.undo()
    en = c.get(f"/office/submissions/{sub.id}/annotated.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 200
    kept = Submission.objects.get(pk=sub.pk).copies
    assert set(kept) == {"zh", "en"} and kept["zh"]["sha256"] != kept["en"]["sha256"]
    # the unit's own link gives the same kept copy
    own = c.get(f"/u/{issued[0].secret}/v/1/annotated.xlsx")
    assert own.status_code == 200


def _queries(call: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_an_upload_and_the_board_cost_a_fixed_number_of_queries_whatever_the_rounds_size() -> None:
    from consolidate.web.models import Submission

    def costs(n: int) -> tuple[int, int, int]:
        round_, issued = new_round(n)
        for i, item in enumerate(issued[:-1]):
            up(item, workbook(item.unit, error=i % 2 == 1, seed=i))
        last = workbook(issued[-1].unit, error=True)
        answers: list[Any] = []
        upload = _queries(lambda: answers.append(up(issued[-1], last, wait=False)))  # the request's own queries
        decided(answers[0])
        c = office()
        board = _queries(lambda: c.get(f"/office/rounds/{round_.id}/"))
        status = _queries(lambda: c.get(f"/office/rounds/{round_.id}/status.json"))
        assert Submission.objects.filter(unit__round=round_).count() == n
        return upload, board, status

    small, large = costs(3), costs(40)
    assert small == large and large[1] <= 8, (small, large)


def test_the_board_pages_and_its_refresh_sends_only_the_units_that_changed() -> None:
    from django.utils import timezone

    from consolidate.web.views.office import PAGE_SIZE

    round_, issued = new_round(PAGE_SIZE + 5)
    c = office()
    page = c.get(f"/office/rounds/{round_.id}/").content.decode()
    assert len(re.findall(r'<tr id="u\d+"', page)) == PAGE_SIZE
    second = c.get(f"/office/rounds/{round_.id}/?page=2").content.decode()
    assert len(re.findall(r'<tr id="u\d+"', second)) == 5
    since = timezone.now().isoformat()
    quiet = c.get(f"/office/rounds/{round_.id}/board", {"since": since}).content.decode()
    assert not re.findall(r'<tr id="u\d+"', quiet) and 'id="cards"' in quiet and "board-poll" in quiet
    up(issued[7], workbook(issued[7].unit, error=True))
    changed = c.get(f"/office/rounds/{round_.id}/board", {"since": since}).content.decode()
    assert re.findall(r'<tr id="(u\d+)"', changed) == [f"u{issued[7].unit.id}"]
    assert 'hx-swap-oob="true"' in changed and len(changed) < 5_000


def test_review_through_the_page_needs_a_reason_for_errors_and_the_counted_version() -> None:
    from consolidate.web.models import RoundUnit, Submission

    round_, issued = new_round()
    up(issued[0], workbook(issued[0].unit, error=True))
    up(issued[0], b"not a workbook")
    unit = issued[0].unit
    v1, v2 = Submission.objects.filter(unit=unit).order_by("version")
    c = office()
    page = c.get(f"/office/rounds/{round_.id}/units/{unit.id}/").content.decode()
    assert "确认有错误的版本并锁定" in page and "data-confirm" in page  # says what it does, asks first
    answer = c.post(f"/office/submissions/{v1.id}/review", {"decision": "confirmed"}, follow=True)
    assert "必须写明理由" in answer.content.decode() and not RoundUnit.objects.get(pk=unit.pk).locked
    answer = c.post(f"/office/submissions/{v2.id}/review", {"decision": "confirmed", "reason": "x"}, follow=True)
    assert "不是本单位现在计入的版本" in answer.content.decode() and not RoundUnit.objects.get(pk=unit.pk).locked
    c.post(f"/office/submissions/{v1.id}/review", {"decision": "confirmed", "reason": "已电话核实"})
    assert RoundUnit.objects.get(pk=unit.pk).locked
    board = c.get(f"/office/rounds/{round_.id}/").content.decode()
    assert "已确认（带错误）" in board
    log = c.get(f"/office/rounds/{round_.id}/audit").content.decode()
    assert "已确认（带 " in log and "已电话核实" in log


MIGRATION = """
import os, json
os.environ["DJANGO_SETTINGS_MODULE"] = "consolidate.web.settings"
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", "web", "0003", verbosity=0)
finding = {"code": "T3-BALANCE", "category": "rule", "severity": "error", "sheet": "表三", "cell": "D30",
           "key": "t3.carry_over.natural", "row_label": None, "column_label": None, "found": 3, "expected": 2,
           "message": "表三 D30：旧的中文说明"}
report = json.dumps({"path": "a.xlsx", "status": "invalid", "format": "v2021", "values": {"t3.carry_over.natural": 3.0},
                     "unit": {"name": "甲", "code": "C1", "filler": "张三", "phone": "123"}, "findings": [finding]},
                    ensure_ascii=False)
with connection.cursor() as cur:
    cur.execute("INSERT INTO web_round (id, name, code, year, format_id, roster_name, created_at, created_by, late_policy)"
                " VALUES (1, '县', '', 2025, 'v2021', 'r.csv', '2026-01-01 00:00', 'x', 'refuse')")
    for uid, code in ((1, 'C1'), (2, 'C2')):
        cur.execute("INSERT INTO web_roundunit (id, round_id, position, code, name, type, parent, link_hash, "
                    "link_issued_at, locked) VALUES (%s, 1, %s, %s, %s, '', '', %s, '2026-01-01 00:00', %s)",
                    [uid, uid - 1, code, code, 'h' * 63 + str(uid), False])
    rows = [(1, 1, 1, "invalid", report, json.dumps({"en": ["Table 3 D30: the old English"]}), "a" * 64, "甲_第1版.xlsx"),
            (2, 1, 2, "unreadable", None, None, "", ""),
            (3, 2, 1, "refused", None, None, "", "")]
    for sid, uid, version, state, rep, messages, annotated, name in rows:
        cur.execute("INSERT INTO web_submission (id, unit_id, version, sha256, size, file_name, received_at, late, state,"
                    " errors, warnings, infos, report, refusal, finding_messages, annotated, annotated_name, annotated_en,"
                    " annotated_en_name, review, review_reason, reviewed_by, warnings_note) VALUES (%s, %s, %s, %s, 1,"
                    " 'f.xlsx', '2026-01-02 00:00', %s, %s, 1, 0, 0, %s, '', %s, %s, %s, '', '', '', '', '', '')",
                    [sid, uid, version, str(sid) * 64, False, state, rep, messages, annotated, name])
call_command("migrate", verbosity=0)
from consolidate.web.models import RoundUnit, Submission
from consolidate.web.texts import findings_in
a, b = RoundUnit.objects.get(pk=1), RoundUnit.objects.get(pk=2)
s = Submission.objects.get(pk=1)
print(a.counted_id, a.latest_id, b.counted_id, b.latest_id, repr(s.contact), json.dumps(s.copies, ensure_ascii=False, sort_keys=True))
print(findings_in(s.report["findings"], "en")[0]["message"], "|", findings_in(s.report["findings"], "zh")[0]["message"])
from consolidate.web.models import Round
print(Round.objects.get(pk=1).stored_bytes)  # 0008: the round's kept bytes counted from its submissions
"""


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_migration_0005_moves_older_rows_to_the_new_shape(tmp_path: Path, engine: str,
                                                          request: pytest.FixtureRequest) -> None:
    """0005 on SQLite and PostgreSQL over rows of the old shape: each unit points at its latest
    upload and its counted version (the latest read and not refused), the English kept beside
    the report goes into its finding, the annotated copies into the per-language cache, the
    contact out."""
    env = {**os.environ, "CONSOLIDATE_DATA": str(tmp_path)}
    env.pop("CONSOLIDATE_DATABASE_URL", None)
    if engine == "postgresql":
        env["CONSOLIDATE_DATABASE_URL"] = request.getfixturevalue("postgres")
    run = subprocess.run([sys.executable, "-c", MIGRATION], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    first, second, stored = run.stdout.strip().splitlines()
    assert first == "1 2 None 3 '张三\\t123' " + '{"zh": {"name": "甲_第1版.xlsx", "sha256": "' + "a" * 64 + '"}}'
    assert second == "Table 3 D30: the old English | 表三 D30：旧的中文说明"
    assert stored == "3"  # three versions of one byte each


def test_status_sheet_rate_is_the_one_definition() -> None:
    """The 报送情况 sheet's 报送率 is units with a counted version / roster (errors included)."""
    from openpyxl import load_workbook

    round_, issued = new_round(4)
    up(issued[0], workbook(issued[0].unit))
    up(issued[1], workbook(issued[1].unit, error=True))
    c = office()
    counts = c.get(f"/office/rounds/{round_.id}/status.json").json()["counts"]
    assert counts["submission_rate"] == 0.5 and counts["pass_rate"] == 0.25
    book = load_workbook(io.BytesIO(c.get(f"/office/rounds/{round_.id}/rollup.xlsx").content), read_only=True)
    sheet = book["报送情况"]
    assert sheet.cell(2, 5).value == 0.5 and sheet.cell(3, 5).value == 0.25
    board = c.get(f"/office/rounds/{round_.id}/").content.decode()
    assert "通过率" in board and "50%" in board and "25%" in board
    with zipfile.ZipFile(io.BytesIO(b"".join(c.get(f"/office/rounds/{round_.id}/files.zip").streaming_content))) as zf:
        assert len(zf.namelist()) == 2
