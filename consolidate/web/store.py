"""Every upload kept, named by its SHA-256, before anything reads it.

``LimitedUploadHandler`` is Django's upload handler for the whole application: it writes the
file field to a temporary file in the data folder while reading the request, hashes it on
the way, and stops reading as soon as the file passes the size limit (the request then
answers 413; nothing is kept). ``keep`` moves a complete upload to ``files/ab/<sha256>``
(the same content is stored once), flushed to disk, so a restart loses nothing.
A client's file name is only ever shown: it is never part of a path.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadTooLarge(Exception):
    """The file passed ``settings.UPLOAD_LIMIT`` while it was being read."""


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "files"


def path_of(sha256: str) -> Path:
    """Where the file with this hash is kept (the hash is checked: it is used in a path)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return files_dir() / sha256[:2] / sha256


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def keep_file(temp: Path, sha256: str) -> Path:
    """Move a complete, flushed temporary file into the store under its hash."""
    target = path_of(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        temp.unlink(missing_ok=True)
    else:
        os.replace(temp, target)
        _fsync_dir(target.parent)
    return target


def keep_bytes(data: bytes) -> str:
    """Store ``data`` (an annotated copy, a template); return its hash."""
    sha = hashlib.sha256(data).hexdigest()
    if path_of(sha).exists():
        return sha
    fd, name = tempfile.mkstemp(dir=Path(settings.DATA_DIR) / "tmp", prefix="keep-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    keep_file(Path(name), sha)
    return sha


class StreamedUpload(UploadedFile):
    """An upload written to a temporary file of the store, with its hash and size."""

    def __init__(self, file: Any, name: str, content_type: str | None, size: int, sha256: str, temp: Path) -> None:
        super().__init__(file, name, content_type, size)
        self.sha256 = sha256
        self.temp = temp

    def keep(self) -> Path:
        self.file.close()
        return keep_file(self.temp, self.sha256)

    def discard(self) -> None:
        self.file.close()
        self.temp.unlink(missing_ok=True)


class LimitedUploadHandler(FileUploadHandler):
    """Streams each file field to disk, hashing it, refusing it past the size limit."""

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: str | None = None) -> None:
        if content_length and content_length > settings.UPLOAD_LIMIT + 64 * 1024:
            raise UploadTooLarge()  # said so by the client itself: do not read a byte
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        fd, name = tempfile.mkstemp(dir=Path(settings.DATA_DIR) / "tmp", prefix="upload-")
        self._temp = Path(name)
        self._fh = os.fdopen(fd, "w+b")
        self._hash = hashlib.sha256()
        self._size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size > settings.UPLOAD_LIMIT:
            self._fh.close()
            self._temp.unlink(missing_ok=True)
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        self._fh.write(raw_data)
        self._hash.update(raw_data)
        return None

    def file_complete(self, file_size: int) -> StreamedUpload:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.seek(0)
        return StreamedUpload(self._fh, self.file_name or "", self.content_type, self._size,
                              self._hash.hexdigest(), self._temp)

    def upload_interrupted(self) -> None:
        fh = getattr(self, "_fh", None)
        if fh is not None:
            fh.close()
            self._temp.unlink(missing_ok=True)


def upload_of_bytes(data: bytes, name: str, content_type: str | None = None) -> StreamedUpload:
    """``data`` made by the server (a workbook filled in the browser) as an upload of the
    store, taken by the same intake as a file sent by a unit."""
    fd, temp = tempfile.mkstemp(dir=Path(settings.DATA_DIR) / "tmp", prefix="upload-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    handle = open(temp, "rb")  # noqa: SIM115 - closed by keep() or discard()
    return StreamedUpload(handle, name, content_type, len(data), hashlib.sha256(data).hexdigest(), Path(temp))
