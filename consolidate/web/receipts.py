"""回执 of a decided version (``consolidate.receipt``), filled from what the web keeps."""

from __future__ import annotations

from django.utils import timezone

from ..i18n import N_, Msg, in_language
from ..receipt import Receipt
from ..spec.model import Lang
from .models import Submission
from .rounds import SUBMISSION_LABELS, review_state

# by the one review word (``rounds.review_state``): a version confirmed with errors says so
REVIEW_LABELS = {"": N_("待审核"), "confirmed": N_("已确认"), "confirmed-with-errors": N_("已确认（带错误）"),
                 "returned": N_("退回")}
COUNTED = N_("{verdict}（错误 {errors} 个，警告 {warnings} 个）")
LATE = N_("{verdict}，逾期")
DECIDED = tuple(s for s in SUBMISSION_LABELS if s != "checking")  # a version still being checked has no receipt yet


def receipt_of(sub: Submission, lang: Lang, link: str = "") -> Receipt:
    unit = sub.unit
    round_ = unit.round
    review = in_language(lang, REVIEW_LABELS[review_state(sub)])
    if sub.review and sub.review_reason:
        review = f"{review}（{sub.review_reason}）" if lang == "zh" else f"{review} ({sub.review_reason})"
    return Receipt(
        unit=unit.name, code=unit.code, round=round_.name, year=round_.year, version=sub.version,
        received=timezone.localtime(sub.received_at).replace(tzinfo=None), file=sub.file_name, size=sub.size,
        sha256=sub.sha256, verdict=_verdict(sub, lang),
        review=review, reviewer=sub.reviewed_by,
        reviewed=timezone.localtime(sub.reviewed_at).replace(tzinfo=None) if sub.reviewed_at else None,
        link=link)


def _verdict(sub: Submission, lang: Lang) -> str:
    """通过（错误 0 个，警告 1 个）, and 逾期 when it came after the deadline."""
    word = in_language(lang, SUBMISSION_LABELS.get(sub.state, sub.state))
    if sub.state in ("valid", "invalid"):
        word = Msg(COUNTED, {"verdict": word, "errors": sub.errors, "warnings": sub.warnings}).render(lang)
    return Msg(LATE, {"verdict": word}).render(lang) if sub.late else word
