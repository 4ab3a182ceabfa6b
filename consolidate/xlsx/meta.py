"""The hidden ``_meta`` sheet and the 填报信息 (identity) sheet, placed by the spec.

``write_meta`` is shared with the roll-up summary; both sheets put their values where
``meta_cells`` / ``identity_cells`` of ``consolidate.spec`` say, so the reader finds them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..i18n import _
from ..level import office
from ..spec import a1, identity_cells, load_common, meta_cells
from ..uscc import CHARSET, WEIGHTS, uscc_problem
from . import texts
from .styles import Styles, text_width

IdentityValue = str | int


def write_meta(workbook: Workbook, meta: Mapping[str, object]) -> Worksheet:
    """Add the hidden, protected ``_meta`` sheet: each key of common.yaml ``meta.keys`` in
    column A, its value (as text; "" when not given) where ``meta_cells`` says.

    Keys not in common.yaml are refused (ValueError), so a typo cannot go unnoticed.
    """
    common = load_common()
    unknown = sorted(set(meta) - set(common.meta_keys))
    if unknown:
        raise ValueError(f"_meta: keys not in common.yaml meta.keys: {', '.join(unknown)}")
    ws = workbook.add_worksheet(common.meta_sheet)
    for key, (row, col) in meta_cells(common).items():
        ws.write_string(row, 0, key)
        value = meta.get(key)
        ws.write_string(row, col, "" if value is None else str(value))
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 40)
    ws.hide()
    ws.protect()
    return ws


def uscc_check_formula(ref: str, hint: str) -> str:
    """A formula showing ``hint`` until an 18-character code is typed at ``ref``, then
    whether its check character (GB 32100-2015) is right. Plain functions only, so that
    Excel, WPS and LibreOffice all compute it."""
    hint = hint.replace('"', '""')
    code = f"UPPER(TRIM({ref}))"
    terms = "+".join(f'(FIND(MID({code},{i + 1},1),"{CHARSET}")-1)*{w}' for i, w in enumerate(WEIGHTS))
    expected = f'MID("{CHARSET}",MOD(31-MOD({terms},31),31)+1,1)'
    return (
        f'=IF(LEN(TRIM({ref}))<>18,"{hint}",'
        f'IFERROR(IF({expected}=RIGHT({code},1),"{_(texts.USCC_OK)}","{_(texts.USCC_BAD_CHECK)}"),"{_(texts.USCC_BAD_CHAR)}"))'
    )


def uscc_check_value(code: str, hint: str) -> str:
    """What :func:`uscc_check_formula` shows for ``code`` (its cached value)."""
    code = code.strip().upper()
    if len(code) != 18:
        return hint
    if any(ch not in CHARSET for ch in code[:17]):
        return _(texts.USCC_BAD_CHAR)
    return _(texts.USCC_OK) if uscc_problem(code) is None else _(texts.USCC_BAD_CHECK)


def write_identity(workbook: Workbook, styles: Styles, values: Mapping[str, IdentityValue],
                   *, locked: Collection[str], note: str | None = None) -> Worksheet:
    """Add the 填报信息 sheet: each field's label from common.yaml, its value one column
    right (at ``identity_cells``), a hint one further right.

    Fields in ``locked`` are written grey and locked (prefilled by the office); the others
    are light yellow, unlocked, formatted as text (a phone number keeps its leading 0, a
    date stays as typed). The year is a number. An unlocked 单位代码 gets a live check of
    its 统一社会信用代码 check character beside it. ``note``: the line under the title
    (default: which cells to fill, and that the 政务公开办 of the 上级单位's level filled the grey ones).
    """
    common = load_common()
    ws = workbook.add_worksheet(common.identity_sheet)
    places = identity_cells(common)
    value_col = next(iter(places.values()))[1]
    label_col, hint_col = value_col - 1, value_col + 1
    ws.set_column(label_col, label_col, max(text_width(f.label) for f in common.fields) + 4)
    ws.set_column(value_col, value_col, 46)
    ws.set_column(hint_col, hint_col, 52)
    ws.merge_range(0, label_col, 0, hint_col, common.identity_title, styles.title)
    ws.set_row(0, 30)
    if note is None:
        note = _(texts.IDENTITY_NOTE).format(office=office(str(values.get("parent", ""))))
    ws.merge_range(1, label_col, 1, hint_col, note, styles.hint)
    for field in common.fields:
        row, col = places[field.id]
        ws.set_row(row, 24)
        ws.write_string(row, label_col, field.label, styles.field_label)
        value = values.get(field.id, "")
        is_locked = field.id in locked
        if field.id == "year" and (isinstance(value, int) or str(value).isdigit()):
            ws.write_number(row, col, int(value), styles.field_year if is_locked else styles.field_year_input)
        else:
            ws.write_string(row, col, str(value), styles.field_locked if is_locked else styles.field_input)
        hint = field.hint or ""
        if field.id == "unit_code" and not is_locked:
            ws.write_formula(row, hint_col, uscc_check_formula(a1(row, col), hint), styles.hint,
                             uscc_check_value(str(value), hint))
        elif hint:
            ws.write_string(row, hint_col, hint, styles.hint)
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.hide_gridlines(2)
    return ws
