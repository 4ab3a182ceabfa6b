"""One upload, from the link to a stored, queued, checked and recorded submission.

Order matters: the file is moved into the store (by its hash, flushed), then its
``Submission`` row (state ``checking``) and its check task are written in one transaction,
and only then is the upload answered: a crash at any point loses nothing acknowledged,
and a check left unfinished is run again (``workers``). The check is the library's, in a
process of its own started by a queue worker (``tasks``, ``runner``); :func:`record`
stores its verdict. A workbook whose 填报信息 names another unit is kept but refused,
saying whose it is.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..i18n import N_, Msg
from ..report import FileResult
from ..roster import Roster
from ..template import safe_name
from . import store
from .auditlog import audit
from .checking import CheckJob, CheckOutcome
from .models import RoundUnit, Submission
from .results import decide_all, failed_result, keep, received
from .rounds import is_late, roster_of
from .runner import Failure, Runner

KNOWN_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb", ".csv", ".pdf", ".doc", ".docx",
                            ".wps", ".html", ".htm", ".txt", ".zip", ".rar", ".7z"})


class Refused(Exception):
    """The upload is not taken at all (closed round, locked unit): HTTP 409."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Received:
    submission: Submission
    entry: dict[str, object]  # the file's entry as `consolidate validate --json` writes it


def display_name(client_name: str) -> str:
    """The client's file name as shown: its last path part, cleaned; never used as a path.

    A nameless upload is stored as 未命名文件: a stored file's name (it names the download and
    the entry in files.zip, beside our other Chinese names such as 第2版), not a text of the
    page, so it stays Chinese whatever language the uploader's page was in."""
    last = PureWindowsPath(PurePosixPath(client_name or "").name).name
    return safe_name(last)[:200] or "未命名文件"


def checked_as(client_name: str) -> str:
    """The name one upload is checked under: the name it was uploaded as (its findings and
    messages quote it, as the unit knows its file), without a suffix the readers do not know."""
    shown = PurePosixPath(display_name(client_name))
    return shown.name if shown.suffix.lower() in KNOWN_SUFFIXES else shown.stem


def check_name(unit: RoundUnit | str, version: int, client_name: str) -> str:
    """The name the file is checked under: ours, built from the unit (or its name) and the
    version. A file's name (quoted in reports like any file name), kept Chinese like the
    round's stored names."""
    suffix = PurePosixPath(display_name(client_name)).suffix.lower()
    name = unit if isinstance(unit, str) else unit.name
    return f"{safe_name(name)}_第{version}版{suffix if suffix in KNOWN_SUFFIXES else ''}"


def refuse_if_closed(unit: RoundUnit) -> None:
    round_ = unit.round
    if round_.closed_at is not None and round_.late_policy == "refuse":
        raise Refused(_("本轮报送已经结束，不再接收文件。如需补报或修改，请联系公开办。"))
    if unit.locked:
        raise Refused(_("公开办已确认本单位的报表并锁定，不能再上传。如需修改，请联系公开办解锁。"))


def receive(unit: RoundUnit, upload: store.StreamedUpload, *, actor: str | Msg) -> Received:
    """Store, record and queue one upload for ``unit`` (its check follows: ``tasks``)."""
    refuse_if_closed(unit)
    upload.keep()
    now = timezone.now()
    with transaction.atomic():
        fresh = RoundUnit.objects.select_for_update().get(pk=unit.pk)  # one version number at a time
        if fresh.locked:  # confirmed since the request began
            unit.locked = True
            refuse_if_closed(unit)
        last = Submission.objects.filter(unit=unit).aggregate(n=Max("version"))["n"] or 0
        sub = Submission.objects.create(
            unit=unit, version=last + 1, sha256=upload.sha256, size=upload.size,
            file_name=display_name(upload.name or ""), received_at=now, late=is_late(unit.round, now),
            state="checking")
        received(unit, sub)
        from .tasks import enqueue

        enqueue(sub)  # in the same transaction: an acknowledged upload is always queued
        audit(unit.round, actor, "upload", Msg(N_("{unit} 第 {version} 版 {file}（{size} 字节，sha256 {sha256}…）"),
                                               {"unit": unit.name, "version": sub.version, "file": sub.file_name,
                                                "size": sub.size, "sha256": sub.sha256[:12]}))
    return Received(sub, {})


def units_of(roster: Roster) -> tuple[tuple[str, str, str, str], ...]:
    return tuple((u.code, u.name, u.type, u.parent) for u in roster.units)


def job_for(sub: Submission) -> CheckJob:
    """What a check process needs to check ``sub``: nothing of the other units (the roster's
    part of the check asks the database for the units the file names: ``results``)."""
    round_ = sub.unit.round
    return CheckJob(blob=str(store.path_of(sub.sha256)), name=checked_as(sub.file_name),
                    work_dir=str(Path(settings.DATA_DIR) / "tmp" / f"check-{uuid.uuid4().hex}"),
                    format_id=round_.format_id, year=round_.year, units=())


def record(sub: Submission, job: CheckJob, outcome: CheckOutcome | Failure) -> Received:
    """The storing step: the check's outcome (or why it could not finish) becomes the
    submission's verdict (``results.store_outcome``); the check's work folder is removed."""
    keep(decide_all([sub], [result_of(sub, job, outcome)]))
    return Received(sub, sub.report or {})


def result_of(sub: Submission, job: CheckJob, outcome: CheckOutcome | Failure) -> FileResult:
    """The check's result (an unreadable one saying why when it could not finish); the
    check's work folder removed. ``results.decide_all`` and ``keep`` store several at once."""
    try:
        return (failed_result(job.name, sub, outcome.detail, outcome.code) if isinstance(outcome, Failure)
                else outcome.result)
    finally:
        shutil.rmtree(job.work_dir, ignore_errors=True)


@dataclass(frozen=True)
class Imported:
    file: str
    unit: RoundUnit | None
    submission: Submission | None
    problem: Msg | None = None  # why it was not imported, in the language it is shown in (a command's)


def import_files(round_id: int, paths: list[Path], *, actor: str | Msg, runner: Runner) -> list[Imported]:
    """File workbooks the office received some other way (e-mail, a chat) under the units
    their 填报信息 names, each through the same store and check as an upload (the check run
    here, by ``runner``, as the command waits for it)."""
    from ..validate import expand_paths
    from .models import Round

    round_ = Round.objects.get(pk=round_id)
    roster = roster_of(round_)
    units = {u.code: u for u in round_.units.all()}
    out: list[Imported] = []
    for path in expand_paths(paths):
        data = path.read_bytes()
        if len(data) > settings.UPLOAD_LIMIT:
            out.append(Imported(str(path), None, None, Msg(N_("文件超过大小上限，未导入。"))))
            continue
        sha = store.keep_bytes(data)
        work = Path(settings.DATA_DIR) / "tmp" / f"import-{uuid.uuid4().hex}"
        job = CheckJob(blob=str(store.path_of(sha)), name=safe_name(path.name), work_dir=str(work),
                       format_id=round_.format_id, year=round_.year, units=units_of(roster))
        outcome = runner.check([job], settings.CHECK_TIMEOUT)[0]
        result = None if isinstance(outcome, Failure) else outcome.result
        owner = roster.find(result.unit_code, result.unit_name) if result is not None else None
        unit = units.get(owner.code) if owner is not None else None
        if unit is None:
            shutil.rmtree(work, ignore_errors=True)
            out.append(Imported(str(path), None, None, Msg(N_("文件中的单位不在本轮名单中（或无法读取），未导入。"))))
            continue
        now = timezone.now()
        with transaction.atomic():
            last = Submission.objects.filter(unit=unit).aggregate(n=Max("version"))["n"] or 0
            sub = Submission.objects.create(unit=unit, version=last + 1, sha256=sha, size=len(data),
                                            file_name=display_name(path.name), received_at=now,
                                            late=is_late(round_, now), state="checking")
            received(unit, sub)
        audit(round_, actor, "upload", Msg(N_("{unit} 第 {version} 版 {file}（导入）"),
                                           {"unit": unit.name, "version": sub.version, "file": sub.file_name}))
        # the check already done decides it (the file is checked under its own name here)
        out.append(Imported(str(path), unit, record(sub, job, outcome).submission))
    if any(i.submission is not None for i in out):
        from .tasks import prepare_soon

        prepare_soon([round_id])  # the downloads, built ahead by the workers
    return out
