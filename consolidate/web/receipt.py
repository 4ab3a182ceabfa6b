"""回执: what the office received from a unit and what it decided, for each decided version.

The same facts make the printable page and the A4 PDF (reportlab, with the Adobe Chinese
font STSong-Light that every PDF reader provides, so nothing is embedded and the file is a
few KB): unit and code, round, version, when it was received, the file's name, size and
SHA-256 (the unit can check it against its own copy), the verdict with its counts, lateness,
the office's review, by whom and when, and when the receipt was made. A version still being
checked has no receipt.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ..i18n import N_, in_language
from .models import Submission
from .rounds import SUBMISSION_LABELS

TITLE = N_("报送回执")
SUBTITLE = N_("{name}{year}年度政府信息公开工作年度报告统计表")
LABELS = {
    "unit": N_("报送单位"), "code": N_("单位代码"), "round": N_("汇总单位"), "version": N_("版本"),
    "received": N_("收到时间"), "file": N_("文件名"), "size": N_("文件大小"), "sha256": N_("SHA-256"),
    "verdict": N_("审核结果"), "review": N_("公开办审核"), "reviewer": N_("审核人"), "reviewed": N_("审核时间"),
}
VERSION = N_("第 {v} 版")
SIZE = N_("{n} 字节")
COUNTS = N_("{state}（错误 {errors} 个，警告 {warnings} 个）")
LATE = N_("（逾期）")
REVIEW = {"": N_("待审核"), "confirmed": N_("已确认"), "returned": N_("退回：{reason}")}
NOTE = N_("本回执由系统生成，生成时间 {at}。文件的 SHA-256 与单位保存的文件一致，即为同一份文件。")
FONT = "STSong-Light"


@dataclass(frozen=True)
class Receipt:
    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]
    note: str


def decided(sub: Submission) -> bool:
    return sub.state != "checking"


def _when(at: datetime | None) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S") if at else "—"


def receipt_of(sub: Submission, lang: str, now: datetime | None = None) -> Receipt:
    """The receipt's texts in ``lang`` (the page's language)."""
    def t(text: str) -> str:
        return in_language(lang, text)

    unit, round_ = sub.unit, sub.unit.round
    verdict = t(COUNTS).format(state=t(SUBMISSION_LABELS.get(sub.state, sub.state)), errors=sub.errors,
                               warnings=sub.warnings) + (t(LATE) if sub.late else "")
    review = t(REVIEW.get(sub.review, REVIEW[""])).format(reason=sub.review_reason)
    facts = {
        "unit": unit.name, "code": unit.code, "round": f"{round_.name} · {round_.year}",
        "version": t(VERSION).format(v=sub.version), "received": _when(sub.received_at), "file": sub.file_name,
        "size": t(SIZE).format(n=f"{sub.size:,}"), "sha256": sub.sha256, "verdict": verdict, "review": review,
        "reviewer": sub.reviewed_by or "—", "reviewed": _when(sub.reviewed_at),
    }
    return Receipt(t(TITLE), t(SUBTITLE).format(name=round_.name, year=round_.year),
                   tuple((t(LABELS[k]), v) for k, v in facts.items()),
                   t(NOTE).format(at=_when(now or timezone.now())))


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt on one A4 page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=26, alignment=1)
    sub = ParagraphStyle("sub", fontName=FONT, fontSize=12, leading=18, alignment=1)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK")
    note = ParagraphStyle("note", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK", textColor=colors.HexColor("#444444"))

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=receipt.title, subject=receipt.subtitle, creator="consolidate")
    rows = [[para(k, cell), para(v, cell)] for k, v in receipt.rows]
    table = Table(rows, colWidths=[35 * mm, doc.width - 35 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#8c959f")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    doc.build([para(receipt.title, title), Spacer(1, 3 * mm), para(receipt.subtitle, sub), Spacer(1, 8 * mm), table,
               Spacer(1, 6 * mm), para(receipt.note, note)])
    return out.getvalue()
