"""The office's downloads: the roll-up and the report workbook, built from the stored results
of each unit's counted version (nothing is read again: ``FileResult.from_dict`` and the
library's ``rollup.build``/``summary_bytes``, as ``consolidate rollup`` does after validating),
cached in the data folder by the set of counted versions; and every stored file as a
streamed zip."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, get_args

import orjson
from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from .. import __version__
from ..i18n import Lang, language
from ..report import FileResult, Report
from ..roster import Roster
from ..spec import FORMATS
from ..template import safe_name
from . import store
from .intake import check_name
from .models import Round, RoundUnit, Submission
from .results import COUNTED_STATES
from .rounds import roster_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outputs:
    rollup: bytes | None  # rollup.xlsx, as `consolidate rollup` writes it (None: no counted version yet)
    report: bytes | None  # 审核报告.xlsx over the same versions


@cache
def spec_version() -> str:
    """A digest of the template specs: a changed spec (its labels, its rules) makes new workbooks."""
    folder = Path(__file__).resolve().parents[1] / "spec"
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(folder.rglob("*.yaml")) + sorted((folder.parents[1] / "workbook_templates").rglob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Counted:
    """A unit's counted version (or unreadable latest upload) as the outputs need it: a plain row."""

    id: int
    unit_name: str
    version: int
    sha256: str
    file_name: str
    state: str
    review: str
    review_reason: str
    received_at: datetime
    reviewed_at: datetime | None
    report: dict[str, Any] | None = None


COLUMNS = ("id", "version", "sha256", "file_name", "state", "review", "review_reason", "received_at", "reviewed_at")


def counted_versions(round_: Round, *, results: bool = False) -> list[Counted]:
    """What the outputs are made of, in roster order: each unit's counted version and, for a
    unit without one whose latest upload could not be read, that upload (listed as 无法读取,
    never counted, as ``consolidate rollup`` lists such a file). Plain rows, two queries; the
    stored results only when asked (the cache key needs none)."""
    def rows(relation: str, **where: Any) -> list[tuple[Any, ...]]:
        units = RoundUnit.objects.filter(round=round_, **where)
        columns = [f"{relation}__{c}" for c in COLUMNS]
        if not results:
            return list(units.values_list("position", "name", *columns))
        # the stored result as its JSON text, decoded here by orjson (5,000 of them: 0.17 s, not 0.6)
        units = units.annotate(report_text=Cast(f"{relation}__report", TextField()))
        return [(*row[:-1], _decoded(row[-1])) for row in units.values_list("position", "name", *columns, "report_text")]

    found = rows("counted", counted__isnull=False) + rows("latest", counted__isnull=True, latest__state="unreadable")
    return [Counted(row[2], row[1], *row[3:]) for row in sorted(found, key=lambda r: r[0])]


def _decoded(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # what only Python's json reads (NaN, an integer past 64 bits)
        return json.loads(text)


def cache_key(round_: Round, subs: list[Counted], lang: Lang) -> str:
    """The set of counted versions (and their reviews), the round's identity, the language and the spec."""
    parts = [round_.id, round_.name, round_.code, round_.year, round_.format_id, lang, spec_version(),
             [(s.id, s.sha256, s.review, s.review_reason) for s in subs]]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


def cache_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached_path(round_: Round, which: str, lang: Lang, key: str) -> Path:
    return cache_dir() / f"{which}-r{round_.id}-{lang}-{key}.xlsx"


def stored_results(subs: list[Counted]) -> tuple[list[FileResult], dict[str, str]]:
    """The counted versions as the library's FileResults (named as checked), and the ones the
    office confirmed with errors, with its reason."""
    files, confirmed = [], {}
    for sub in subs:
        name = check_name(sub.unit_name, sub.version, sub.file_name)
        files.append(FileResult.from_dict(sub.report or {"status": "unreadable"}, path=name))
        if sub.review == "confirmed" and sub.state == "invalid":
            confirmed[name] = sub.review_reason or "—"
    return files, confirmed


def as_of(subs: list[Counted]) -> datetime:
    """The time the outputs speak for: the last upload or review among the counted versions
    (so the same versions give the same workbook)."""
    times = [t for s in subs for t in (s.received_at, s.reviewed_at) if t is not None]
    return timezone.localtime(max(times)).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Stored:
    """The counted versions with their stored results as the library takes them, read once for
    every workbook built from them (``prepare`` builds several)."""

    subs: list[Counted]
    files: list[FileResult]
    confirmed: dict[str, str]
    roster: Roster

    @classmethod
    def read(cls, round_: Round) -> Stored:
        started = time.perf_counter()
        subs = counted_versions(round_, results=True)
        files, confirmed = stored_results(subs)
        subs = [dataclasses.replace(sub, report=None) for sub in subs]  # the JSON not kept beside the results
        log.info("round %s: %s stored results read in %.1f s", round_.id, len(subs), time.perf_counter() - started)
        return cls(subs, files, confirmed, roster_of(round_))


def round_outputs(round_: Round, lang: Lang = "zh", which: str = "rollup", stored: Stored | None = None) -> Outputs:
    """rollup.xlsx or 审核报告.xlsx over the counted version of every unit, their own texts in
    ``lang``; made once per set of counted versions and kept in the data folder's cache/
    (usually ahead, by the ``tasks.prepare`` task queued when checks are decided). ``stored``:
    the results already read, used when they are still the counted ones."""
    subs = counted_versions(round_)
    if not any(s.state in COUNTED_STATES for s in subs):
        return Outputs(None, None)
    data = _kept(cached_path(round_, which, lang, cache_key(round_, subs, lang)))
    if data is None:
        with _building(round_.id, which, lang):  # another thread building the same: wait for its file
            key = cache_key(round_, counted_versions(round_), lang)
            data = _kept(cached_path(round_, which, lang, key))
            if data is None:
                if stored is None or cache_key(round_, stored.subs, lang) != key:
                    stored = Stored.read(round_)
                data = _build_and_keep(round_, lang, which, stored)
    return Outputs(data, None) if which == "rollup" else Outputs(None, data)


def _kept(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:  # never built, or superseded meanwhile
        return None


_locks: dict[tuple[int, str, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def _building(round_id: int, which: str, lang: Lang) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault((round_id, which, lang), threading.Lock())


def _build_and_keep(round_: Round, lang: Lang, which: str, stored: Stored) -> bytes:
    path = cached_path(round_, which, lang, cache_key(round_, stored.subs, lang))  # the versions built
    data = _build(round_, stored, lang, which)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    for older in path.parent.glob(f"{which}-r{round_.id}-{lang}-*.xlsx"):  # superseded sets of versions
        if older != path:
            older.unlink(missing_ok=True)
    return data


def _build(round_: Round, stored: Stored, lang: Lang, which: str) -> bytes:
    from ..output.report_xlsx import report_bytes
    from ..rollup import build, summary_bytes

    started = time.perf_counter()
    fmt = round_.format_id if round_.format_id in FORMATS else None
    with language(lang):
        if which == "report":
            report = Report(files=stored.files, tool_version=__version__, format=fmt, year=round_.year)
            out = report_bytes(report, lang=lang, roster=stored.roster)
            log.info("report.xlsx of round %s (%s units), %s: workbook %.1f s", round_.id, len(stored.files), lang,
                     time.perf_counter() - started)
            return out
        data = build(stored.files, roster=stored.roster, year=round_.year, format_id=fmt, name=round_.name,
                     code=round_.code or None, confirmed=stored.confirmed)
        built = time.perf_counter()
        out = summary_bytes(data, now=as_of(stored.subs), tool_version=__version__)
    log.info("rollup.xlsx of round %s (%s units), %s: totals %.1f s, workbook %.1f s", round_.id,
             len(stored.files), lang, built - started, time.perf_counter() - built)
    return out


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


def prepare(round_id: int) -> list[str]:
    """Build (or find) the round's roll-up and report workbooks for its current counted
    versions, so the office's next download is the kept file: run by the ``tasks.prepare``
    task after checks are decided or a review (a no-op when nothing changed since). In
    Chinese, and in every other language the round's downloads were asked in before; the
    stored results read once for all of them. Returns the cache files' names."""
    round_ = Round.objects.get(pk=round_id)
    langs: list[Lang] = ["zh"]
    for kept in cache_dir().glob(f"*-r{round_.id}-*.xlsx"):
        lang = kept.name.split("-")[2]
        if lang not in langs and lang in get_args(Lang):
            langs.append(lang)  # type: ignore[arg-type]
    stored: Stored | None = None
    made: list[str] = []
    for lang in langs:
        for which in ("rollup", "report"):
            subs = counted_versions(round_)
            if not any(s.state in COUNTED_STATES for s in subs):
                return made
            path = cached_path(round_, which, lang, cache_key(round_, subs, lang))
            if not path.exists():
                if stored is None or cache_key(round_, stored.subs, lang) != cache_key(round_, subs, lang):
                    stored = Stored.read(round_)
                round_outputs(round_, lang, which, stored)
            made.append(path.name)
    return made
