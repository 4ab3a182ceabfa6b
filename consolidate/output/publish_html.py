"""The three tables as an HTML fragment for a government website's editor.

Plain table markup only: ``<h3>`` for each table's heading, ``<table border="1">`` with
``rowspan``/``colspan`` for the merged headers, ``<th>`` for labels and ``<td>`` for
numbers; no script, no class, and one ``style`` (collapsed borders, centred numbers),
which site editors keep. Every text is escaped.
"""

from __future__ import annotations

from html import escape

from .published import Piece, PublishedTable

TABLE_STYLE = "border-collapse:collapse"


def _cell(piece: Piece) -> str:
    tag = "td" if piece.is_number or piece.role == "row_label" or piece.role == "row_group" else "th"
    attrs = ""
    if piece.rowspan > 1:
        attrs += f' rowspan="{piece.rowspan}"'
    if piece.colspan > 1:
        attrs += f' colspan="{piece.colspan}"'
    if piece.is_number:
        attrs += ' align="center"'
    return f"<{tag}{attrs}>{escape(piece.text)}</{tag}>"


def tables_html(tables: list[PublishedTable], heading: str = "") -> str:
    """The fragment: an optional heading paragraph, then each table under its title."""
    out: list[str] = []
    if heading:
        out.append(f"<p>{escape(heading)}</p>")
    for table in tables:
        out.append(f"<h3>{escape(table.title)}</h3>")
        out.append(f'<table border="1" cellspacing="0" cellpadding="4" style="{TABLE_STYLE}">')
        for row in table.rows:
            out.append("<tr>" + "".join(_cell(p) for p in row) + "</tr>")
        out.append("</table>")
    return "\n".join(out) + "\n"
