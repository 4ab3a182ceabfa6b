"""The template spec: the single source of truth, loaded from workbook_templates/."""

from .layout import Box, TableLayout, a1, cell_addresses, identity_cells, meta_cells, summary_layout, template_layout
from .load import DEFAULT_FORMAT, FORMATS, SpecError, format_for_year, load_common, load_spec, templates_dir
from .model import Block, Cell, Common, FormatSpec, Node, Rule, Table

__all__ = [
    "DEFAULT_FORMAT",
    "FORMATS",
    "Block",
    "Box",
    "Cell",
    "Common",
    "FormatSpec",
    "Node",
    "Rule",
    "SpecError",
    "Table",
    "TableLayout",
    "a1",
    "cell_addresses",
    "format_for_year",
    "identity_cells",
    "load_common",
    "load_spec",
    "meta_cells",
    "summary_layout",
    "template_layout",
    "templates_dir",
]
