"""Exceptions mean “cannot proceed”; data problems are findings, never exceptions."""

from __future__ import annotations

import errno
from typing import Any

from .i18n import N_, Msg


class ConsolidateError(Exception):
    """A problem that stops a command, with a message for the clerk.

    ``text`` is a catalog id (the Chinese text, marked with ``N_``) with ``str.format``
    fields filled from ``params`` (a field may itself be a ``Msg``); it is translated when
    shown, through the same ``Msg`` as a finding's detail.
    """

    def __init__(self, text: str, /, **params: Any) -> None:
        self.msg = Msg(text, params)
        super().__init__(self.msg.render("zh"))

    @property
    def zh(self) -> str:
        return self.message("zh")

    def message(self, lang: str = "zh") -> str:
        return self.msg.render(lang)


class SpecError(Exception):
    """A spec file that cannot be used: names the file, the place and the problem."""


# What an operating-system error means, in words a clerk understands (the system's own
# words are English, or in the machine's language, and often cryptic).
OS_ERRORS: dict[int, str] = {
    errno.ENOENT: N_("文件或文件夹不存在"),
    errno.EACCES: N_("没有访问权限"),
    errno.EPERM: N_("操作不被允许（没有权限）"),
    errno.ENOSPC: N_("磁盘空间已满"),
    errno.EROFS: N_("位置是只读的，不能写入"),
    errno.EISDIR: N_("这是一个文件夹，不是文件"),
    errno.ENOTDIR: N_("路径中有一段不是文件夹"),
    errno.EEXIST: N_("已经存在同名的文件或文件夹"),
    errno.EBUSY: N_("文件正被其他程序使用"),
    errno.ENAMETOOLONG: N_("文件名或路径太长"),
    errno.EMFILE: N_("同时打开的文件太多"),
    errno.EIO: N_("读写磁盘时出错"),
    errno.EINVAL: N_("文件名或路径不合法"),
}
OS_ERROR_OTHER = N_("系统错误，代码 {code}")


def os_error_msg(exc: OSError) -> Msg:
    """``exc`` in words (“文件或文件夹不存在”), to be shown in whichever language."""
    text = OS_ERRORS.get(exc.errno or 0)
    if text is None:
        return Msg(OS_ERROR_OTHER, {"code": exc.errno if exc.errno is not None else "?"})
    return Msg(text)


def os_error_text(exc: OSError, lang: str | None = None) -> str:
    """``exc`` in words, in ``lang`` or the current language."""
    return os_error_msg(exc).render(lang)
