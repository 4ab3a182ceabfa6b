"""The office's downloads: the roll-up and the report workbook over each unit's latest
file (made by the library in a worker), and every stored file as a streamed zip."""

from __future__ import annotations

import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..i18n import Lang
from ..template import safe_name
from . import store
from .checking import Outputs, OutputsJob
from .intake import check_name
from .models import Round, Submission
from .rounds import roster_of, unit_statuses
from .runner import call

OUTPUTS_FUNCTION = "consolidate.web.checking.round_outputs"


def round_outputs(round_: Round, lang: Lang = "zh") -> Outputs:
    """rollup.xlsx and 审核报告.xlsx over the latest counted submission of every unit, their
    own texts in ``lang``."""
    latest = [s.latest for s in unit_statuses(round_) if s.latest is not None]
    files = tuple((str(store.path_of(sub.sha256)), check_name(sub.unit, sub.version, sub.file_name)) for sub in latest)
    roster = roster_of(round_)
    work = Path(settings.DATA_DIR) / "tmp" / f"outputs-{uuid.uuid4().hex}"
    job = OutputsJob(files=files, work_dir=str(work), format_id=round_.format_id, year=round_.year,
                     units=tuple((u.code, u.name, u.type, u.parent) for u in roster.units),
                     name=round_.name, code=round_.code, lang=lang)
    try:
        return call(OUTPUTS_FUNCTION, job, settings.CHECK_TIMEOUT * 10)  # type: ignore[no-any-return]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def zip_name(sub: Submission) -> str:
    """``001_单位名称_代码/第2版_原文件名``: by unit and version, nothing from the client as a path.
    Stored files' names, not a page's text: Chinese whatever the page's language."""
    unit = sub.unit
    return (f"{unit.position + 1:03d}_{safe_name(unit.name)}_{safe_name(unit.code)}/"
            f"第{sub.version}版_{safe_name(sub.file_name)}")


class _Sink:
    """A write-only file for zipfile whose bytes the generator hands out as they come."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def stream_zip(round_: Round, chunk: int = 1 << 20) -> Iterator[bytes]:
    """Every stored file of the round, byte for byte, as a zip written while it is sent."""
    sink = _Sink()
    subs = Submission.objects.filter(unit__round=round_).select_related("unit").defer("report")
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zf:  # type: ignore[call-overload]
        for sub in subs.order_by("unit__position", "version").iterator():
            local = timezone.localtime(sub.received_at)
            info = zipfile.ZipInfo(zip_name(sub), date_time=local.timetuple()[:6])
            info.file_size = sub.size
            with store.path_of(sub.sha256).open("rb") as src, zf.open(info, "w") as dst:
                while data := src.read(chunk):
                    dst.write(data)
                    yield sink.take()
            yield sink.take()
    yield sink.take()
