"""回执 (consolidate.receipt) and its pages (consolidate/web: {link}/v/N/receipt and .pdf).

Requirements covered:
- R1 the PDF is one A4 page holding every line of the receipt (unit, round, version, time,
  file and sha256, verdict, review, reviewer) as text, the same bytes for the same receipt;
- R2 its labels follow the reader's language, names and hashes stay as they are;
- R3 the web gives a decided version's receipt (page and PDF) to its own unit only, linked from
  the unit's page; a version still being checked has none yet (409), one not there is 404.
"""

from __future__ import annotations

import io
from datetime import datetime

import pdfplumber
import pytest

from consolidate.receipt import Receipt, receipt_pdf

RECEIPT = Receipt(unit="示例县花园镇人民政府", code="11340000MB0000001Q", round="示例县人民政府", year=2025,
                  version=2, received=datetime(2026, 1, 20, 10, 3, 4), file="花园镇 统计表.xlsx", size=20700,
                  sha256="0123456789abcdef" * 4, verdict="通过", review="已确认", reviewer="张三",
                  reviewed=datetime(2026, 1, 21, 9, 0, 0))
AT = datetime(2026, 1, 22, 8, 0, 0)


def text_of(data: bytes) -> tuple[int, tuple[float, float], str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        return len(pdf.pages), (round(page.width), round(page.height)), "\n".join(p.extract_text() for p in pdf.pages)


def test_pdf_is_one_a4_page_with_every_line_and_reproducible() -> None:  # R1
    data = receipt_pdf(RECEIPT, "zh", printed_at=AT)
    pages, size, text = text_of(data)
    assert pages == 1 and size == (595, 842)
    for label, value in RECEIPT.lines("zh"):
        assert label in text and value in text.replace("\n", ""), label
    assert "2026-01-20 10:03:04" in text and RECEIPT.sha256 in text
    assert receipt_pdf(RECEIPT, "zh", printed_at=AT) == data


def test_labels_in_the_readers_language() -> None:  # R2
    _, _, text = text_of(receipt_pdf(RECEIPT, "en", printed_at=AT))
    assert "Unit" in text and "Received" in text and "报送单位" not in text
    assert "示例县花园镇人民政府" in text  # names stay as they are


@pytest.mark.usefixtures("web")
def test_web_receipt_for_a_decided_version_of_its_own_unit() -> None:  # R3
    from django.test import Client
    from web_support import roster, workbook

    from consolidate.web.models import Submission
    from consolidate.web.rounds import open_round

    _, issued = open_round(roster(2), year=2025, actor="测试")
    link, other = f"/u/{issued[0].secret}", f"/u/{issued[1].secret}"
    c = Client(REMOTE_ADDR="10.0.0.9")
    data = workbook(issued[0].unit)
    upload = io.BytesIO(data)
    upload.name = "我的报表.xlsx"
    c.post(link, {"file": upload}, HTTP_ACCEPT="application/json")
    sub = Submission.objects.get(unit=issued[0].unit, version=1)
    for _ in range(300):
        sub.refresh_from_db()
        if sub.state != "checking":
            break
        import time

        time.sleep(0.1)
    page = c.get(f"{link}/v/1/receipt").content.decode()
    assert "我的报表.xlsx" in page and sub.sha256 in page and issued[0].unit.name in page
    assert f'href="{link}/v/1/receipt"' in c.get(f"{link}?v=1").content.decode()
    pdf = c.get(f"{link}/v/1/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert sub.sha256 in text_of(pdf.content)[2]
    assert c.get(f"{other}/v/1/receipt").status_code == 404  # another unit's link has no such version
    assert c.get(f"{link}/v/9/receipt").status_code == 404
    checking = Submission.objects.get(pk=sub.pk)
    checking.pk, checking.version, checking.state = None, 2, "checking"  # a version still being checked
    checking.save()
    try:
        assert c.get(f"{link}/v/2/receipt.pdf").status_code == 409  # there, but not decided yet
        assert c.get(f"{link}/v/2/receipt").status_code == 409
    finally:
        checking.delete()  # the other tests wait for every check in the database to be decided
