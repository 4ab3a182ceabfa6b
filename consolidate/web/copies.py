"""A submission's annotated copy (问题标注副本), made on its first download in each language
from the stored result (the file is opened to be copied and marked, not checked again) and
kept in the store: ``Submission.copies`` = {lang: {"sha256", "name"}}. Nothing is made at
upload time, and a copy is made once per language however often it is downloaded.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from django.conf import settings

from ..errors import ConsolidateError
from ..i18n import N_, Lang
from ..report import FileResult
from . import store
from .checking import CopyJob
from .intake import check_name
from .models import Submission
from .runner import CheckFailed, call

COPY_FUNCTION = "consolidate.web.checking.annotate_copy"
NO_COPY = N_("无法生成问题标注副本：{reason}")


def possible(sub: Submission) -> bool:
    """Whether the version has an annotated copy to download (made or to be made)."""
    from ..output.annotate import wants_copy

    if sub.state not in ("valid", "invalid") or not sub.report:
        return False
    if any(f.get("code") == "FILE-VALUES-ONLY" for f in sub.report.get("findings") or []):
        return False  # an .xls/.et/.ods/.xlsb: nothing to mark in
    return wants_copy(FileResult.from_dict(sub.report))


def copy_of(sub: Submission, lang: Lang) -> tuple[str, str] | None:
    """(sha256, file name) of the version's annotated copy in ``lang``, made now if it was not
    yet; None when the version has none. ConsolidateError when it cannot be made."""
    kept = (sub.copies or {}).get(lang)
    if kept and store.path_of(kept["sha256"]).exists():
        return kept["sha256"], kept["name"]
    if not possible(sub):
        return None
    work = Path(settings.DATA_DIR) / "tmp" / f"copy-{uuid.uuid4().hex}"
    job = CopyJob(blob=str(store.path_of(sub.sha256)), entry=sub.report or {},
                  name=check_name(sub.unit, sub.version, sub.file_name), work_dir=str(work), lang=lang)
    try:
        path, name = call(COPY_FUNCTION, job, settings.CHECK_TIMEOUT)
        if path is None:
            if name:
                raise ConsolidateError(NO_COPY, reason=name)
            return None
        sha = store.keep_bytes(Path(path).read_bytes())
    except CheckFailed as exc:
        raise ConsolidateError(NO_COPY, reason=exc.msg) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    copies = dict(Submission.objects.filter(pk=sub.pk).values_list("copies", flat=True).first() or {})
    copies[lang] = {"sha256": sha, "name": name}
    Submission.objects.filter(pk=sub.pk).update(copies=copies)
    sub.copies = copies
    return sha, name
