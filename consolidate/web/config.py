"""Where the web application keeps its data, and starting Django on it.

``configure(data, database)`` is called once by ``consolidate serve`` and the ``office``
commands (and by the tests): the data folder holds the stored files, the secret key and,
by default, the SQLite database (WAL); ``database`` is a ``postgresql://`` URL for a city's
or province's server (several processes on one database and one shared data folder).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..errors import ConsolidateError, os_error_msg
from ..i18n import N_

DATA_ENV = "CONSOLIDATE_DATA"
DATABASE_ENV = "CONSOLIDATE_DATABASE_URL"
DEFAULT_DATA = "consolidate-data"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_ENV) or DEFAULT_DATA).resolve()


def secret_key(folder: Path) -> str:
    """The server's signing key: made once, kept in the data folder (readable by its owner only)."""
    path = folder / "secret.key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def configure(data: Path | str | None = None, database: str | None = None) -> Path:
    """Point the application at ``data`` and ``database``, start Django, apply migrations.

    Raises ConsolidateError with a clear message when the folder cannot be made or the
    database cannot be reached.
    """
    folder = Path(data or os.environ.get(DATA_ENV) or DEFAULT_DATA).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "files").mkdir(exist_ok=True)
        (folder / "tmp").mkdir(exist_ok=True)
    except OSError as exc:
        raise ConsolidateError(N_("无法创建数据文件夹 {folder}（{reason}）。请用 --data 指定一个可写的文件夹。"), folder=folder, reason=os_error_msg(exc)) from exc
    os.environ[DATA_ENV] = str(folder)
    if database:
        if not database.startswith(("postgresql://", "postgres://")):
            raise ConsolidateError(N_("--database 应为 postgresql://用户:密码@主机/库名，不是“{database}”。"), database=database)
        os.environ[DATABASE_ENV] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consolidate.web.settings")
    import django
    from django.conf import settings

    if not settings.configured or not getattr(django.apps.apps, "ready", False):
        django.setup()
    migrate()
    return folder


def migrate() -> None:
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except OperationalError as exc:
        raise ConsolidateError(N_("无法连接或更新数据库（{exc}）。请检查 --database 的地址、用户和密码。"), exc=exc) from exc
