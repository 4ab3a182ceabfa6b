"""The roster (报送名单): which units must report. CSV (UTF-8 with or without BOM, or GBK
as saved by Chinese Excel) or XLSX, with the columns 单位代码, 单位名称, 单位类型 and
optionally 上级单位 and the unit's contact: 联系人, 电话, 邮箱 (the office's 催报名单 and
e-mailed reminders use them; several addresses separated by “;”). A bad roster is refused
with a message that names the row."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from .errors import ConsolidateError, os_error_msg
from .i18n import N_, Items, Msg
from .uscc import looks_like_uscc, uscc_problem

ROSTER_ROW = N_("名单文件 {file} 第 {row} 行")

REQUIRED = ("单位代码", "单位名称", "单位类型")
OPTIONAL = ("上级单位", "联系人", "电话", "邮箱")
ALIASES = {"所属上级": "上级单位", "上级": "上级单位", "统一社会信用代码": "单位代码", "单位": "单位名称",
           "联系电话": "电话", "手机": "电话", "电子邮箱": "邮箱", "电子邮件": "邮箱", "Email": "邮箱", "email": "邮箱",
           "E-mail": "邮箱"}
EMAIL = re.compile(r"^[^@\s;,，；]+@[^@\s;,，；]+\.[^@\s;,，；]+$")
EMAIL_SEPARATORS = re.compile(r"[;,，；\s]+")


class RosterError(ConsolidateError):
    """The roster cannot be used; the message names the file and the row."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    type: str
    parent: str = ""
    row: int = 0  # the row in the roster file (the header is row 1)
    contact: str = ""  # 联系人
    phone: str = ""  # 电话
    email: str = ""  # 邮箱: one or several addresses, “;”-separated

    @property
    def emails(self) -> tuple[str, ...]:
        return split_emails(self.email)


def split_emails(text: str) -> tuple[str, ...]:
    return tuple(e for e in EMAIL_SEPARATORS.split(text or "") if e)


T = TypeVar("T")


class UnitIndex(Generic[T]):
    """The one rule that says whose a file is: by code first, then by name, both normalised
    (``normalise_code``, ``normalise_text``); of two entries with the same code or name, the
    first added wins. The roster matches submissions with it, and 同比 last year's files."""

    def __init__(self, entries: Iterable[tuple[str, str, T]] = ()) -> None:
        self._codes: dict[str, T] = {}
        self._names: dict[str, T] = {}
        for code, name, item in entries:
            self.add(code, name, item)

    def add(self, code: str, name: str, item: T) -> None:
        if key := normalise_code(code):
            self._codes.setdefault(key, item)
        self._names.setdefault(normalise_text(name), item)

    def by_code(self, code: str) -> T | None:
        return self._codes.get(normalise_code(code))

    def by_name(self, name: str) -> T | None:
        return self._names.get(normalise_text(name))

    def find(self, code: str = "", name: str = "") -> T | None:
        return (self.by_code(code) if code else None) or (self.by_name(name) if name else None)


@dataclass(frozen=True)
class Roster:
    units: tuple[Unit, ...]
    source: str = ""
    # the lookup by code and name, built once: a province matches thousands of files
    _index: UnitIndex[Unit] = field(default_factory=UnitIndex, init=False, repr=False, compare=False)
    _positions: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for i, u in enumerate(self.units):
            self._index.add(u.code, u.name, u)
            self._positions.setdefault(u.code, i)

    def by_code(self, code: str) -> Unit | None:
        return self._index.by_code(code)

    def by_name(self, name: str) -> Unit | None:
        return self._index.by_name(name)

    def find(self, code: str = "", name: str = "") -> Unit | None:
        """The roster unit a submission belongs to: by code first, then by name."""
        return self._index.find(code, name)

    def rank(self, code: str = "", name: str = "") -> int:
        """Where a submission of this code or name stands in the roster (after every unit when it is off it)."""
        unit = self.find(code, name)
        return self.position(unit) if unit is not None else len(self.units)

    def position(self, unit: Unit) -> int:
        found = self._positions.get(unit.code)
        return found if found is not None and self.units[found] == unit else self.units.index(unit)


def normalise_text(text: object) -> str:
    """Full-width to half-width letters and digits, collapsed spaces: how names are compared."""
    if text is None:
        return ""
    value = str(text)
    if isinstance(text, float) and text.is_integer():
        value = str(int(text))
    return " ".join(unicodedata.normalize("NFKC", value).split())


# Excel keeps 15 significant digits: a longer code stored as a number has lost its last digits.
EXCEL_DIGITS = 15
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?E[+-]?\d+$", re.IGNORECASE)


def _cell_text(value: object) -> str:
    """A roster cell as text; a number too long for Excel's 15 digits keeps Excel's own look
    (1.13301E+17), so that a code that went through a number is recognised as such."""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 10 ** EXCEL_DIGITS:
        return f"{value:.5E}"
    return normalise_text(value)


def code_lost_digits(code: str) -> bool:
    """A code Excel turned into a number: scientific notation (1.13301E+17), or 16 digits or
    more whose tail beyond the 15th is all zeros and is not a valid 统一社会信用代码."""
    if _SCIENTIFIC.match(code):
        return True
    return (code.isdigit() and len(code) > EXCEL_DIGITS and set(code[EXCEL_DIGITS:]) == {"0"}
            and (not looks_like_uscc(code) or uscc_problem(code) is not None))


def normalise_code(code: object) -> str:
    return normalise_text(code).replace(" ", "").upper()


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's “Unicode 文本”), or GBK/GB18030
    as saved by Chinese Excel. Undecodable bytes are refused naming their row."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    failures: list[int] = []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append(exc.start)
    # the encoding that read furthest is most likely the file's: name the row it stopped at
    row = data[: max(failures)].count(b"\n") + 1
    raise RosterError(
        N_("名单文件 {name} 第 {row} 行含有无法识别的字符（文件既不是 UTF-8 也不是 GBK 编码）。请在 Excel 中打开名单，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重试。"), name=path.name, row=row,
    )


def _rows_from_file(path: Path) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(N_("无法读取名单文件 {path}（{reason}）。"), path=path, reason=os_error_msg(exc)) from exc
    if data[:4] == b"PK\x03\x04":
        return _rows_from_xlsx(path)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise RosterError(N_("名单文件 {name} 是旧版 .xls 格式。请另存为 .xlsx 或 CSV 后重试。"), name=path.name)
    text = _decode(path, data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return [[normalise_text(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]


def _rows_from_xlsx(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        return [[_cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise RosterError(N_("名单文件 {name} 无法作为 Excel 工作簿读取（{exc}）。请检查文件后重试。"), name=path.name, exc=exc) from exc


def read_roster(path: Path | str) -> Roster:
    """Read and check a roster file; a problem raises RosterError naming the row."""
    path = Path(path)
    rows = _rows_from_file(path)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise RosterError(N_("名单文件 {name} 是空的。第一行应为表头：单位代码、单位名称、单位类型。"), name=path.name)
    header = [ALIASES.get(h, h) for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RosterError(
            N_("名单文件 {name} 第 1 行（表头）缺少列：{value}。表头应包含：单位代码、单位名称、单位类型（可选：上级单位）。"), name=path.name, value=Items(tuple(missing)),
        )
    col = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    units: list[Unit] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue

        def get(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i] if i is not None and i < len(row) else ""

        code, name = normalise_code(get("单位代码")), get("单位名称")
        where = Msg(ROSTER_ROW, {"file": path.name, "row": number})
        if not name:
            raise RosterError(N_("{where}：单位名称为空。请补上单位名称或删除这一行。"), where=where)
        if not code:
            raise RosterError(N_("{where}（{name}）：单位代码为空。请填写统一社会信用代码或本级编定的单位代码。"), where=where, name=name)
        if code_lost_digits(code):
            raise RosterError(N_(
                "名单文件 {file} 第 {row} 行（{name}）：单位代码“{code}”被 Excel 当成了数字，后几位已经丢失"
                "（Excel 只保留 15 位有效数字，会显示成 1.13301E+17 这样）。请在 Excel 中选中“单位代码”一列，"
                "把单元格格式设为“文本”，再重新输入这些代码（或从原始名单复制粘贴），保存后重试。"),
                file=path.name, row=number, name=name, code=code)
        if looks_like_uscc(code) and (problem := uscc_problem(code)):
            raise RosterError(N_("{where}（{name}）：统一社会信用代码 {code} {value}。请核对。"), where=where, name=name, code=code, value=problem)
        if code in seen_codes:
            raise RosterError(N_("{where}（{name}）：单位代码 {code} 与第 {value} 行重复。每个单位的代码必须唯一。"), where=where, name=name, code=code, value=seen_codes[code])
        if name in seen_names:
            raise RosterError(N_("{where}：单位名称“{name}”与第 {value} 行重复。请核对。"), where=where, name=name, value=seen_names[name])
        emails = split_emails(get("邮箱"))
        if bad := [e for e in emails if not EMAIL.match(e)]:
            raise RosterError(N_("{where}（{name}）：邮箱“{value}”不是电子邮件地址。请改正，或留空；几个地址之间用分号隔开。"),
                              where=where, name=name, value=bad[0])
        seen_codes[code], seen_names[name] = number, number
        units.append(Unit(code=code, name=name, type=get("单位类型"), parent=get("上级单位"), row=number,
                          contact=get("联系人"), phone=get("电话"), email=";".join(emails)))
    if not units:
        raise RosterError(N_("名单文件 {name} 只有表头，没有单位。"), name=path.name)
    return Roster(tuple(units), str(path))
