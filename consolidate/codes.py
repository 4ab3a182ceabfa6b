"""The one registry of finding codes: every code a finding can carry, with its category.

Two kinds of codes exist. The codes of ``workbook_templates/common.yaml`` (what the reader
and the identity checks find) are the members of ``Code``; their messages and severity
stay in the YAML beside them (``Code.X.severity`` reads it). The codes of the rules are
the rule ids of a format's spec (``T3-BALANCE``, ``YOY-CARRY``…): a rule is added in the
YAML alone, so its category follows from the rule (``rule_category``).

A finding carries its category (``Finding.category``); code never tells a file finding
from another by the spelling of its code.
"""

from __future__ import annotations

from enum import StrEnum

from .spec.model import Rule, Severity


class Category(StrEnum):
    FILE = "file"  # the file cannot be read at all (its status is then ``unreadable``)
    STRUCTURE = "structure"  # sheets, tables, labels: where the numbers are
    CELL = "cell"  # one statistical cell's content
    IDENTITY = "identity"  # who the file is from, for which year and format
    RULE = "rule"  # the 勾稽关系 of the spec
    YOY = "yoy"  # 同比: this year against last year's summary


class Code(StrEnum):
    """The codes of common.yaml (a test keeps the two lists equal)."""

    FILE_EMPTY = "FILE-EMPTY"
    FILE_XLS = "FILE-XLS"
    FILE_CSV = "FILE-CSV"
    FILE_HTML = "FILE-HTML"
    FILE_PDF = "FILE-PDF"
    FILE_DOCX = "FILE-DOCX"
    FILE_ENCRYPTED = "FILE-ENCRYPTED"
    FILE_CORRUPT = "FILE-CORRUPT"
    FILE_TIMEOUT = "FILE-TIMEOUT"
    FILE_TOO_LARGE = "FILE-TOO-LARGE"
    FILE_UNSAFE_XML = "FILE-UNSAFE-XML"
    FILE_IO = "FILE-IO"
    FILE_UNKNOWN = "FILE-UNKNOWN"
    FILE_MACROS = "FILE-MACROS"
    FILE_SCANNED = "FILE-SCANNED"
    FILE_DOC = "FILE-DOC"
    FILE_OTHER_BROKEN = "FILE-OTHER-BROKEN"
    FILE_VALUES_ONLY = "FILE-VALUES-ONLY"  # 提示: a spreadsheet read for its values only
    FILE_BUNDLE_BROKEN = "FILE-BUNDLE-BROKEN"
    FILE_BUNDLE_EMPTY = "FILE-BUNDLE-EMPTY"
    FILE_BUNDLE_ENCRYPTED = "FILE-BUNDLE-ENCRYPTED"
    FILE_BUNDLE_NESTED = "FILE-BUNDLE-NESTED"
    FILE_RAR_TOOL = "FILE-RAR-TOOL"
    FORMAT_UNKNOWN = "FORMAT-UNKNOWN"
    META_MISSING = "META-MISSING"
    META_BAD = "META-BAD"
    SHEET_MISSING = "SHEET-MISSING"
    TABLE_NOT_FOUND = "TABLE-NOT-FOUND"
    TABLE_SHIFTED = "TABLE-SHIFTED"
    LABEL_MISMATCH = "LABEL-MISMATCH"
    LABEL_TYPO = "LABEL-TYPO"
    TABLE_MOVED = "TABLE-MOVED"
    LABEL_ALIAS = "LABEL-ALIAS"
    ROW_MISSING = "ROW-MISSING"  # a row of the table not found; the other rows read
    COLUMN_MISSING = "COLUMN-MISSING"  # a column of a workbook's table not found; the other columns read
    ROW_OLDER_FORM = "ROW-OLDER-FORM"  # 提示: the 2019 form's single row read into the row it means
    TABLE_ROWS_TOO_FEW = "TABLE-ROWS-TOO-FEW"  # too few rows placed to trust the table
    REPORT_READ = "REPORT-READ"
    REPORT_HEADER = "REPORT-HEADER"
    REPORT_HEADER_GARBLED = "REPORT-HEADER-GARBLED"
    REPORT_DIFFERS = "REPORT-DIFFERS"  # rollup --reports: the published report differs from the submission
    CELL_BLANK = "CELL-BLANK"
    CELL_DASH = "CELL-DASH"
    CELL_TEXT = "CELL-TEXT"
    CELL_NORMALISED = "CELL-NORMALISED"
    CELL_UNIT_CONVERTED = "CELL-UNIT-CONVERTED"
    CELL_UNIT_AMBIGUOUS = "CELL-UNIT-AMBIGUOUS"
    TOTAL_OVERWRITTEN = "TOTAL-OVERWRITTEN"
    UNIT_NAME_MISSING = "UNIT-NAME-MISSING"
    UNIT_NOT_IN_ROSTER = "UNIT-NOT-IN-ROSTER"
    UNIT_NAME_DIFFERS = "UNIT-NAME-DIFFERS"
    USCC_INVALID = "USCC-INVALID"
    YEAR_MISSING = "YEAR-MISSING"
    YEAR_MISMATCH = "YEAR-MISMATCH"
    FORMAT_MISMATCH = "FORMAT-MISMATCH"
    PREVIOUS_NO_UNITS = "PREVIOUS-NO-UNITS"

    @property
    def category(self) -> Category:
        return CATEGORY[self]

    @property
    def severity(self) -> Severity:
        """As common.yaml gives it, beside the code's messages."""
        from .spec import load_common

        return load_common().findings[self.value].severity


_FILE = Category.FILE
_STRUCTURE = Category.STRUCTURE
_CELL = Category.CELL
_IDENTITY = Category.IDENTITY

CATEGORY: dict[Code, Category] = {
    Code.FILE_EMPTY: _FILE, Code.FILE_XLS: _FILE, Code.FILE_CSV: _FILE, Code.FILE_HTML: _FILE,
    Code.FILE_PDF: _FILE, Code.FILE_DOCX: _FILE, Code.FILE_ENCRYPTED: _FILE, Code.FILE_CORRUPT: _FILE, Code.FILE_TIMEOUT: _FILE,
    Code.FILE_TOO_LARGE: _FILE, Code.FILE_UNSAFE_XML: _FILE, Code.FILE_IO: _FILE, Code.FILE_UNKNOWN: _FILE,
    Code.FILE_MACROS: _FILE, Code.FILE_SCANNED: _FILE, Code.FILE_DOC: _FILE, Code.FILE_OTHER_BROKEN: _FILE,
    Code.FILE_VALUES_ONLY: _FILE, Code.FILE_BUNDLE_BROKEN: _FILE, Code.FILE_BUNDLE_EMPTY: _FILE,
    Code.FILE_BUNDLE_ENCRYPTED: _FILE, Code.FILE_BUNDLE_NESTED: _FILE, Code.FILE_RAR_TOOL: _FILE,
    Code.FORMAT_UNKNOWN: _STRUCTURE, Code.META_MISSING: _STRUCTURE, Code.META_BAD: _STRUCTURE,
    Code.SHEET_MISSING: _STRUCTURE, Code.TABLE_NOT_FOUND: _STRUCTURE, Code.TABLE_SHIFTED: _STRUCTURE,
    Code.LABEL_MISMATCH: _STRUCTURE, Code.LABEL_TYPO: _STRUCTURE, Code.TABLE_MOVED: _STRUCTURE,
    Code.LABEL_ALIAS: _STRUCTURE, Code.ROW_MISSING: _STRUCTURE, Code.COLUMN_MISSING: _STRUCTURE, Code.ROW_OLDER_FORM: _STRUCTURE,
    Code.TABLE_ROWS_TOO_FEW: _STRUCTURE, Code.REPORT_READ: _STRUCTURE, Code.REPORT_HEADER: _STRUCTURE,
    Code.REPORT_HEADER_GARBLED: _STRUCTURE, Code.REPORT_DIFFERS: _CELL,
    Code.CELL_BLANK: _CELL, Code.CELL_DASH: _CELL, Code.CELL_TEXT: _CELL, Code.CELL_NORMALISED: _CELL,
    Code.CELL_UNIT_CONVERTED: _CELL, Code.CELL_UNIT_AMBIGUOUS: _CELL, Code.TOTAL_OVERWRITTEN: _CELL,
    Code.UNIT_NAME_MISSING: _IDENTITY, Code.UNIT_NOT_IN_ROSTER: _IDENTITY, Code.UNIT_NAME_DIFFERS: _IDENTITY,
    Code.USCC_INVALID: _IDENTITY, Code.YEAR_MISSING: _IDENTITY, Code.YEAR_MISMATCH: _IDENTITY,
    Code.FORMAT_MISMATCH: _IDENTITY,
    Code.PREVIOUS_NO_UNITS: Category.YOY,
}


def rule_category(rule: Rule) -> Category:
    """A spec rule's category: 同比 (its expression refers to last year), the format-for-the-year
    rule (kind ``version``), else a 勾稽关系 of the report itself."""
    if rule.year_over_year:
        return Category.YOY
    if rule.kind == "version":
        return Category.IDENTITY
    return Category.RULE
