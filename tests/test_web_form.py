"""The browser form ({link}/form, consolidate/web/views/entry.py), through Django's test client.

Requirements covered:
- R1 the page holds every input of the spec with its label, totals as computed outputs (never
  inputs), the unit's own identity, and starts from zeros (no version yet) or from the
  counted version's numbers;
- R2 the live check answers with the findings ``consolidate validate`` gives on the workbook of
  those values (a broken balance at its cell, text typed into a count), in the page's language;
- R3 every check keeps the draft on the server: a new page (a closed tab) shows what was typed;
- R4 提交 makes a new version exactly as an upload of the same numbers would: the stored file
  is our template holding the typed numbers, with the same verdict, and the page redirects to it;
- R5 a closed round or a locked unit takes no submission (409), an unknown link is 404, and a
  body that is not the form's is refused (400) without a traceback;
- R6 the live check, run in the request, is bounded: one at a time per link and LIVE_CHECK_RATE a
  minute (429), LIVE_CHECKS_AT_ONCE in the process (503), each with Retry-After, doing no work;
- R7 提交 counts against the link's upload rate (429 past it, no version made) and keeps what was
  typed as the draft.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from factories import balanced_values
from web_support import roster

pytestmark = pytest.mark.usefixtures("web")


def new_round(n: int = 2) -> tuple[Any, list[Any]]:
    from consolidate.web.rounds import open_round

    return open_round(roster(n), year=2025, actor="测试")


def client() -> Any:
    from django.test import Client

    return Client(REMOTE_ADDR="10.0.0.7")


def typed(seed: int = 2) -> dict[str, str]:
    from consolidate.spec import load_spec

    spec = load_spec("v2021")
    return {k: str(int(v)) for k, v in balanced_values(spec, seed).items() if not spec.cell(k).is_total}


def check(c: Any, link: str, entries: dict[str, str], identity: dict[str, str] | None = None, **headers: Any) -> Any:
    body = json.dumps({"entries": entries, "identity": identity or {"filler": "王五"}})
    return c.post(f"{link}/form/check", body, content_type="application/json", **headers)


def test_form_holds_every_input_totals_computed_and_starts_from_zero() -> None:  # R1
    from consolidate.spec import load_spec

    _, issued = new_round()
    link = f"/u/{issued[0].secret}"
    html = client().get(f"{link}/form").content.decode()
    spec = load_spec("v2021")
    for cell in spec.cells:
        if cell.is_total:
            assert f'<output id="in-{cell.key}"' in html and f'name="{cell.key}"' not in html
        else:
            assert f'name="{cell.key}" value="0"' in html, cell.key
    assert "一、本年新收政府信息公开申请数量" in html and "行政复议" in html
    assert issued[0].unit.name in html and 'name="filler"' in html
    assert 'inputmode="numeric"' in html  # a phone shows its number keyboard
    assert f'href="{link}/form"' in client().get(link).content.decode()  # the unit page offers the form


def test_live_check_gives_validates_findings_at_their_cells() -> None:  # R2
    _, issued = new_round()
    link = f"/u/{issued[0].secret}"
    entries = typed()
    entries["t3.carry_over.natural"] = str(int(entries["t3.carry_over.natural"]) + 1)
    entries["t2.permit.decisions"] = "12件"
    answer = check(client(), link, entries)
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == "invalid" and data["counts"]["error"] >= 2
    by_code = {f["code"]: f for f in data["findings"]}
    assert by_code["CELL-TEXT"]["key"] == "t2.permit.decisions" and "应填 12" in by_code["CELL-TEXT"]["message"]
    assert "T3-BALANCE" in by_code and by_code["T3-BALANCE"]["place"].startswith("表三")
    english = check(client(), link, entries, HTTP_ACCEPT_LANGUAGE="en").json()
    assert any("is not a number" in f["message"] for f in english["findings"])
    fine = check(client(), link, typed()).json()
    assert fine["status"] == "valid" and fine["counts"]["error"] == 0


def test_every_check_keeps_the_draft() -> None:  # R3
    _, issued = new_round()
    link = f"/u/{issued[0].secret}"
    entries = typed()
    entries["t3.new.natural"] = "417"
    check(client(), link, entries, {"filler": "赵六", "phone": "13800000000"})
    html = client().get(f"{link}/form").content.decode()  # a new tab
    assert 'name="t3.new.natural" value="417"' in html
    assert 'value="赵六"' in html and 'value="13800000000"' in html


def wait_decided(sub: Any) -> Any:
    """The version once its check is decided (the queue may decide it after the answer)."""
    import time

    for _ in range(300):
        sub.refresh_from_db()
        if sub.state not in ("checking",):
            return sub
        time.sleep(0.1)
    raise AssertionError("the check did not finish")


def test_submit_makes_a_version_as_an_upload_of_the_same_numbers(tmp_path: Any) -> None:  # R4
    from consolidate.read import read_submission
    from consolidate.web import store
    from consolidate.web.models import Submission

    _, issued = new_round()
    link = f"/u/{issued[0].secret}"
    entries = typed(5)
    answer = client().post(f"{link}/form/submit", {**entries, "filler": "王五", "phone": "0551-1"})
    assert answer.status_code == 302 and answer["Location"].startswith(f"{link}?v=1")
    sub = wait_decided(Submission.objects.get(unit=issued[0].unit, version=1))
    assert sub.state == "valid" and sub.file_name.startswith("网页填报_") and sub.file_name.endswith(".xlsx")
    path = tmp_path / "stored.xlsx"
    path.write_bytes(store.path_of(sub.sha256).read_bytes())
    read = read_submission(path)
    assert read.kind == "template" and read.identity["unit_code"] == issued[0].unit.code
    assert read.identity["filler"] == "王五"
    assert read.values is not None and all(read.values[k] == float(v) for k, v in entries.items())
    page = client().get(answer["Location"]).content.decode()
    assert "网页填报_" in page


def test_closed_or_locked_takes_no_submission_and_bad_bodies_are_refused() -> None:  # R5
    from consolidate.web.models import RoundUnit

    _, issued = new_round()
    link = f"/u/{issued[0].secret}"
    RoundUnit.objects.filter(pk=issued[0].unit.pk).update(locked=True)
    assert client().post(f"{link}/form/submit", typed()).status_code == 409
    assert client().get("/u/not-a-link/form").status_code == 404
    other = f"/u/{issued[1].secret}"
    bad = client().post(f"{other}/form/check", "[1, 2", content_type="application/json")
    assert bad.status_code == 400 and "error" in bad.json()
    assert client().post(f"{other}/form/check", json.dumps([1]), content_type="application/json").status_code == 400


def test_live_checks_are_bounded_per_link_and_per_server_process() -> None:  # R6
    from django.test import override_settings

    from consolidate.web import limits
    from consolidate.web.models import Draft

    _, issued = new_round(3)
    links = [f"/u/{i.secret}" for i in issued]
    units = [i.unit.pk for i in issued]
    assert limits.LIVE.enter(units[0], 2, 60) is None  # this link's check is running
    try:
        again = check(client(), links[0], typed(), HTTP_ACCEPT_LANGUAGE="en")
        assert again.status_code == 429 and again["Retry-After"] == "1"
        assert "too often" in again.json()["error"]
        assert limits.LIVE.enter(units[1], 2, 60) is None  # and another's: the process's two are running
        busy = check(client(), links[2], typed())
        assert busy.status_code == 503 and busy["Retry-After"] == "1"
        assert "同时检查的单位较多" in busy.json()["error"]
        assert not Draft.objects.filter(unit_id=units[2]).exists()  # a refused check did no work
    finally:
        limits.LIVE.leave(units[0])
        limits.LIVE.leave(units[1])
    assert check(client(), links[2], typed()).status_code == 200  # one ended: checks run again
    # a link's rate: past LIVE_CHECK_RATE in a minute, 429 until the oldest is a minute old
    with override_settings(LIVE_CHECK_RATE=2):
        assert check(client(), links[0], typed()).status_code == 200  # its second this minute
        over = check(client(), links[0], typed())
        assert over.status_code == 429 and 1 <= int(over["Retry-After"]) <= 60
        assert check(client(), links[2], typed()).status_code == 200  # another link's second: not held back


def test_submit_counts_against_the_links_upload_rate_and_keeps_the_draft() -> None:  # R7
    from django.test import override_settings

    from consolidate.web.models import Submission

    _, issued = new_round()
    link = f"/u/{issued[0].secret}"
    with override_settings(UPLOAD_RATE_COUNT=2, UPLOAD_RATE_WINDOW=600):
        for seed in (3, 4):
            assert client().post(f"{link}/form/submit", {**typed(seed), "filler": "王五"}).status_code == 302
        entries = typed(6)
        refused = client().post(f"{link}/form/submit", {**entries, "filler": "钱七"})
        assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600
        page = refused.content.decode()
        assert "本链接提交过于频繁：10 分钟内最多提交或上传 2 次" in page and "填写的内容已保存为草稿" in page
        assert Submission.objects.filter(unit=issued[0].unit).count() == 2  # no third version
        form = client().get(f"{link}/form").content.decode()  # what was typed is there to submit later
        key, value = next(iter(entries.items()))
        assert f'name="{key}" value="{value}"' in form and 'value="钱七"' in form
