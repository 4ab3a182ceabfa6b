"""Writing our workbooks with xlsxwriter: formats, tables, check areas, identity and _meta.

Shared by the template (``consolidate.template``) and the roll-up summary.
"""

from .checks import CheckLine, table_checks, write_checks
from .meta import write_identity, write_meta
from .styles import Styles, make_styles, workbook_options
from .tables import TableArea, column_widths, computed_values, total_formula, write_table

__all__ = [
    "CheckLine",
    "Styles",
    "TableArea",
    "column_widths",
    "computed_values",
    "make_styles",
    "table_checks",
    "total_formula",
    "workbook_options",
    "write_checks",
    "write_identity",
    "write_meta",
    "write_table",
]
