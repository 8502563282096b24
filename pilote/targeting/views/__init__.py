"""Pages of the targeting capability, one module per concern (ranking and map, diagnosis, method, alerts, events)."""

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from pilote.core.exports import append_rows, csv_response, xlsx_response

EXPORT_FORMATS = ("csv", "xlsx")


def table_export(fmt: str, name: str, header: list[str], rows: list[list]) -> HttpResponse:
    """A table of a page as CSV or XLSX (`fmt`), through `core.exports`: `name`.csv or `name`.xlsx."""
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, rows)
    if fmt != "xlsx":
        raise Http404("Format inconnu : csv ou xlsx")
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    append_rows(sheet, [header, *rows])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return xlsx_response(book, f"{name}.xlsx")
