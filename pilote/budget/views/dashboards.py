"""Following the money: the dashboard (by action type, région, territory and year) and its CSV/XLSX exports, for
ANCT, operators and reviewers (each in their scope). Territory teams see their money on the territory's page."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from pilote.core.breadcrumbs import crumbs
from pilote.core.exports import append_rows, csv_response, xlsx_response
from pilote.territories.figures import region_names

from ..dashboard import (
    DASHBOARD_FILTERS,
    EXPORT_HEADER,
    MONEY_COLUMNS,
    CommitmentFilter,
    CommitmentFilterForm,
    dashboard,
    dashboard_tables,
    export_rows,
    table_rows,
)
from . import budget_page

EURO_FORMAT = '#,##0.00\\ "€"'
TABLE_MONEY_COLUMNS = {2, 3, 4, *range(6, 12)}  # of table_rows: not the count (5) nor the leverage (12)


def _filters(request) -> tuple[CommitmentFilterForm, CommitmentFilter, dict[str, str]]:
    """The filters of the query string (an invalid field is left out and shown next to its field)."""
    names = region_names(settings.DEFAULT_EDITION)
    form = CommitmentFilterForm(request.GET, regions=names, fields=DASHBOARD_FILTERS)
    return form, form.filter(), names


@budget_page
@require_GET
def budget_dashboard(request):
    form, filters, names = _filters(request)
    context = {"form": form, "filters": filters, "query": filters.query()}
    context |= dashboard(request.user, filters, regions=names)
    context["breadcrumb_data"] = crumbs("Suivi du budget")
    return render(request, "budget/dashboard.html", context, status=400 if form.errors else 200)


def _filename(filters: CommitmentFilter, extension: str) -> str:
    parts = ["budget", str(filters.year or "toutes-annees"), filters.action_type, filters.region]
    return "_".join(p for p in parts if p) + f".{extension}"


@budget_page
@require_GET
def export_csv(request):
    _, filters, names = _filters(request)
    return csv_response(_filename(filters, "csv"), EXPORT_HEADER, export_rows(request.user, filters, names))


def _sheet(book: Workbook, title: str, rows: list[list], money: range, *, first: bool = False):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    append_rows(sheet, rows)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in money and cell.data_type == "n":
                cell.number_format = EURO_FORMAT
    return sheet


@budget_page
@require_GET
def export_xlsx(request):
    _, filters, names = _filters(request)
    book = Workbook()
    commitments = _sheet(
        book, "Engagements", [EXPORT_HEADER, *export_rows(request.user, filters, names)], MONEY_COLUMNS, first=True
    )
    decided = EXPORT_HEADER.index("date de décision") + 1
    for (cell,) in commitments.iter_rows(min_row=2, min_col=decided, max_col=decided):
        cell.number_format = "DD/MM/YYYY"
    for table in dashboard_tables(request.user, filters, regions=names):
        _sheet(book, table.title, table_rows(table), TABLE_MONEY_COLUMNS)
    return xlsx_response(book, _filename(filters, "xlsx"))
