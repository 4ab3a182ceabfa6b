"""回执: what a unit keeps for one decided version — who sent what, when, and what became of it.

A receipt is plain data (:class:`Receipt`), shown by the web page and written as an A4 PDF
here (reportlab, with the PDF standard's Chinese font STSong-Light: no font file is shipped
or embedded, every PDF reader on a Chinese system has it). Its lines are catalog texts, so
the receipt reads in the page's language; names, file names and hashes stay as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape as _escape  # reportlab's paragraphs are markup

from .i18n import N_, Msg, in_language
from .spec.model import Lang

TITLE = N_("政府信息公开工作年度报告统计表 报送回执")
FIELDS = (
    ("unit", N_("报送单位")),
    ("code", N_("单位代码")),
    ("round", N_("报送至")),
    ("year", N_("年度")),
    ("version", N_("版本")),
    ("received", N_("收到时间")),
    ("file", N_("文件名")),
    ("size", N_("大小（字节）")),
    ("sha256", N_("SHA-256")),
    ("verdict", N_("审核结果")),
    ("review", N_("公开办审核")),
    ("reviewer", N_("审核人")),
    ("reviewed", N_("审核时间")),
)
FOOT = N_("本回执由系统自动生成，证明上述文件已按所示时间收到并完成检查。文件的 SHA-256 可用于核对所报送文件未被改动。")
PRINTED = N_("生成时间：{at}")
VERSION = N_("第 {version} 版")


@dataclass(frozen=True)
class Receipt:
    """One decided version of one unit: every value already in words (the caller renders
    verdict and review in the reader's language)."""

    unit: str
    code: str
    round: str
    year: int
    version: int
    received: datetime
    file: str
    size: int
    sha256: str
    verdict: str
    review: str
    reviewer: str
    reviewed: datetime | None
    link: str = ""  # where the receipt can be seen again

    def lines(self, lang: Lang) -> list[tuple[str, str]]:
        """(label, value) in order, the labels in ``lang``."""
        values = {
            "unit": self.unit, "code": self.code, "round": self.round, "year": str(self.year),
            "version": Msg(VERSION, {"version": self.version}).render(lang), "received": _when(self.received), "file": self.file,
            "size": f"{self.size:,}", "sha256": self.sha256, "verdict": self.verdict, "review": self.review,
            "reviewer": self.reviewer or "—", "reviewed": _when(self.reviewed) if self.reviewed else "—",
        }
        return [(in_language(lang, label), values[key]) for key, label in FIELDS]


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


def receipt_pdf(receipt: Receipt, lang: Lang, *, printed_at: datetime) -> bytes:
    """The receipt on one A4 page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1, spaceAfter=8)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=13, textColor=colors.HexColor("#444444"),
                           wordWrap="CJK")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=in_language(lang, TITLE), author="consolidate",
                            invariant=True)
    rows = [[Paragraph(_escape(label), cell), Paragraph(_escape(value), cell)] for label, value in receipt.lines(lang)]
    table = Table(rows, colWidths=[38 * mm, doc.width - 38 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#8c959f")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f3f5")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    story = [Paragraph(_escape(in_language(lang, TITLE)), title), Spacer(1, 4 * mm), table, Spacer(1, 6 * mm),
             Paragraph(_escape(in_language(lang, FOOT)), small),
             Paragraph(_escape(Msg(PRINTED, {"at": _when(printed_at)}).render(lang)), small)]
    if receipt.link:
        story.append(Paragraph(_escape(receipt.link), small))
    doc.build(story)
    return buffer.getvalue()

