"""图表: what a person would rather look at than read, as native Excel charts.

Each chart stands beside the small table it is drawn from (on the same sheet, so the
numbers are there to check): applications received per unit (the largest first; the
top 30 when there are many units), the district's outcome groups （一）…（六）, and how
complete the round is (roster units passed / with errors / missing). All three are bar
charts with their names on the axis and their numbers at the bars' ends: a pie's labels
collide as soon as two small slices sit side by side, a bar's never do. A chart whose
numbers are all 0 is not drawn (an empty frame tells nothing): its table says so.
Printed landscape, the per-unit chart on the first page, the other two together on the
second (a page break before it), so no chart is ever cut.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..i18n import _
from ..level import whole
from ..xlsx.styles import FONT
from . import texts
from .data import RollupData
from .formats import SummaryFormats, page_footer
from .totals import group_sums, headline

TOP_N, ALL_UP_TO = 30, 40
ROW_PX = 20
COLOURS = {"accepted": "#70AD47", "invalid": "#C00000", "missing": "#A6A6A6", "bar": "#4472C4"}
OUTCOME_COLOURS = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47")
CHART_COL = 2
PRINT_SCALE = 90  # percent: 11-point text prints at 9.9 points, the charts' 10-point labels at 9
CHART_PX = 560  # beside the table, within a landscape A4 page at that scale
PAGE_PX = 640  # the tallest chart that fits a landscape A4 page at that scale, with its heading
SMALL_PX = 260  # the outcome and the round charts: both on one page


def short_label(label: str) -> str:
    """“（二）部分公开（区分处理的，…）” -> “（二）部分公开”: the group's name without its note."""
    cut = label.find("（", 1)
    return label[:cut] if cut > 0 else label


def _font(size: int = 11, bold: bool = False) -> dict[str, Any]:
    return {"name": FONT, "size": size, "bold": bold}


def _table(ws: Worksheet, top: int, heading: str, what: str, rows: list[tuple[str, float]],
           fmt: SummaryFormats) -> int:
    ws.write_string(top, 0, heading, fmt.heading)
    ws.write_string(top + 1, 0, what, fmt.header)
    ws.write_string(top + 1, 1, _(texts.CHART["count"]), fmt.header)
    for i, (label, value) in enumerate(rows):
        ws.write_string(top + 2 + i, 0, label, fmt.text)
        ws.write_number(top + 2 + i, 1, value, fmt.integer)
    return top + 2


def _bars(workbook: Workbook, name: str, title: str, first: int, rows: list[tuple[str, float]],
          colours: list[str], percent: bool) -> Any:
    """A bar chart of a small table (one bar a row, in the table's order, top down), each bar
    labelled with its number (and its share of the whole when ``percent``)."""
    chart = workbook.add_chart({"type": "bar"})
    total = sum(v for _label, v in rows) or 1.0
    labels = [{"value": _(texts.CHART["share"]).format(n=f"{v:,.0f}", share=f"{v / total:.0%}") if percent
               else f"{v:,.0f}"} for _label, v in rows]
    chart.add_series({
        "name": title,
        "categories": [name, first, 0, first + len(rows) - 1, 0],
        "values": [name, first, 1, first + len(rows) - 1, 1],
        "points": [{"fill": {"color": c}} for c in colours],
        "data_labels": {"value": True, "custom": labels, "position": "outside_end", "font": _font(10)},
        "gap": 50,
    })
    chart.set_title({"name": title, "name_font": _font(12, True)})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": _font(10)})  # the table's first row on top
    chart.set_x_axis({"num_font": _font(10), "min": 0, "max": max(v for _label, v in rows) * 1.25,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": CHART_PX, "height": SMALL_PX})
    return chart


def write_charts_sheet(workbook: Workbook, ws: Worksheet, data: RollupData, fmt: SummaryFormats) -> None:
    name = ws.get_name()
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_print_scale(PRINT_SCALE)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    ws.set_footer(page_footer())
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 10)
    ws.write_string(0, 0, _(texts.CHART["title"]).format(sheet=_(texts.SHEET_CHARTS), name=data.district_name,
                                                    year=data.year), fmt.title)
    top = 2
    breaks: list[int] = []  # each chart starts a printed page: none is cut by a page break
    head = headline(data.spec)

    # 1. applications received, per counted unit, the largest first
    if head.received is not None:
        counted = [(u.name, (u.file.values or {}).get(head.received, 0.0))
                   for u in data.selection.units if u.counted and u.file is not None]
        ranked = sorted(enumerate(counted), key=lambda p: (-p[1][1], p[0]))
        shown = [row for _i, row in ranked[: TOP_N if len(ranked) > ALL_UP_TO else len(ranked)]]
        title = (_(texts.CHART["received_top"]).format(n=len(shown)) if len(shown) < len(ranked)
                 else _(texts.CHART["received"]))
        first = _table(ws, top, title, _(texts.CHART["unit"]), shown, fmt)
        if any(v for _label, v in shown):
            chart = workbook.add_chart({"type": "bar"})
            chart.add_series({
                "name": title,
                "categories": [name, first, 0, first + len(shown) - 1, 0],
                "values": [name, first, 1, first + len(shown) - 1, 1],
                "fill": {"color": COLOURS["bar"]},
                "data_labels": {"value": True, "font": _font(10)},
                "gap": 60,
            })
            chart.set_title({"name": title, "name_font": _font(12, True)})
            chart.set_legend({"none": True})
            chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": _font(10)})  # the largest on top
            chart.set_x_axis({"num_font": _font(10), "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
            height = min(max(288, 22 * len(shown) + 90), PAGE_PX)
            chart.set_size({"width": CHART_PX, "height": height})
            ws.insert_chart(top, CHART_COL, chart)
            top = max(first + len(shown), top + height // ROW_PX + 1) + 2
        else:
            ws.write_string(first + len(shown), 0, _(texts.CHART["none"]), fmt.subtitle)
            top = first + len(shown) + 3

    # 2. the district's outcome groups, and 3. how complete the round is (roster units): one page
    breaks.append(top)
    if head.outcomes:
        outcomes = _(texts.CHART["outcomes"]).format(whole=whole(data.district_name))
        rows = [(short_label(label), value) for label, value in group_sums(data.totals, head.outcomes)]
        first = _table(ws, top, outcomes, _(texts.CHART["outcome"]), rows, fmt)
        if any(v for _label, v in rows):
            ws.insert_chart(top, CHART_COL, _bars(workbook, name, outcomes, first, rows,
                                                  list(OUTCOME_COLOURS[: len(rows)]), percent=True))
        else:
            ws.write_string(first + len(rows), 0, _(texts.CHART["none"]), fmt.subtitle)
        top = max(first + len(rows) + 1, top + SMALL_PX // ROW_PX + 1) + 1

    counts = data.selection.unit_counts()
    fates = ("accepted", "invalid", "missing") if data.selection.roster_size else ("accepted", "invalid")
    rows = [(_(texts.FATE_LABEL[f]), float(counts[f])) for f in fates]  # type: ignore[index]
    first = _table(ws, top, _(texts.CHART["round"]), _(texts.CHART["fate"]), rows, fmt)
    if any(v for _label, v in rows):
        ws.insert_chart(top, CHART_COL, _bars(workbook, name, _(texts.CHART["round"]), first, rows,
                                              [COLOURS[f] for f in fates], percent=True))
    else:
        ws.write_string(first + len(rows), 0, _(texts.CHART["none"]), fmt.subtitle)
    ws.set_h_pagebreaks(breaks)
