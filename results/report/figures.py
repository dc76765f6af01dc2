"""What makes a question's chart and table stand alone as downloaded files: the caption
drawn inside them (title, base, filters, source), and the question's table as an SVG in
the charts' style (results.charts.table_chart), built from the same report objects as the
page's HTML table."""

from __future__ import annotations

from django.utils.safestring import SafeString

from results import charts
from results.report.cells import ChoiceTable
from results.report.notes import filter_description, source_note
from results.report.numeric import NumericReport
from results.report.scope import Scope


def chart_caption(scope: Scope, title: str, base: int) -> charts.Caption:
    return charts.Caption(
        title=title,
        base=f"Base: {base} ({scope.population})",
        filters=f"Filters: {filter_description(scope)}",
        source=source_note(scope),
    )


def choice_table_svg(chart_id: str, table: ChoiceTable, caption: charts.Caption) -> SafeString:
    """The choice table as the page shows it: percentages (or n<5), significance letters
    beside them, NETs in bold, the bases (flagged under 100) at the foot."""
    header = [f"{c.label} ({c.letter})" if c.letter else c.label for c in table.columns]
    rows = [
        charts.TableRow(f"NET: {line.label}" if line.net else line.label, [cell.display for cell in line.cells],
                        strong=line.net, notes=[cell.letters for cell in line.cells])
        for line in table.lines
    ]
    rows.append(charts.TableRow("Base", [str(base) for base in table.bases], strong=True,
                                notes=["low base" if low else "" for _, low in table.base_flags]))
    return charts.table_chart(chart_id, f"{table.title}: table", header, rows, caption)


def matrix_table_svg(chart_id: str, tables: list[ChoiceTable], caption: charts.Caption) -> SafeString:
    """A matrix's summary table: a row per matrix row, a column per answer (and NET), the
    first column's percentages, and each row's base."""
    header = [f"NET: {line.label}" if line.net else line.label for line in tables[0].lines] + ["Base"]
    rows = [
        charts.TableRow(t.row.label, [line.cells[0].display for line in t.lines] + [str(t.bases[0])],
                        notes=[""] * len(t.lines) + ["low base" if t.base_flags[0][1] else ""])
        for t in tables
    ]
    return charts.table_chart(chart_id, f"{caption.title}: table", header, rows, caption)


# The numeric summary's lines, as the question page words them.
SUMMARY_LINES = (("Mean", "mean"), ("Median", "median"), ("Lower quartile", "q1"), ("Upper quartile", "q3"),
                 ("Minimum", "minimum"), ("Maximum", "maximum"))


def numeric_table_svg(chart_id: str, numeric: NumericReport, caption: charts.Caption) -> SafeString:
    """A numeric question's summary as the page shows it: n, the mean (and its interval),
    the median, quartiles and range per column, n<5 where a column is too small."""
    summaries = numeric.summaries
    rows = [charts.TableRow("n", [str(s.n) for s in summaries], strong=True)]
    for label, name in SUMMARY_LINES:
        rows.append(charts.TableRow(label, [s.show(getattr(s, name)) for s in summaries]))
        if name == "mean" and numeric.mean_intervals:
            rows.append(charts.TableRow("Mean, 95% interval", [s.interval_display for s in summaries]))
    return charts.table_chart(chart_id, f"{caption.title}: table", [c.label for c in numeric.columns], rows, caption)
