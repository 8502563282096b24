"""Exports that people open in a spreadsheet: CSV the way Excel in French opens it directly (UTF-8 with a byte order
mark, semicolons, decimal comma) and XLSX (numbers stay numbers) — both with the text a spreadsheet would run as a
formula made inert (CSV injection)."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")


def inert(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def csv_cell(value):
    """A French spreadsheet reads « 870000,00 » as a number and « 870000.00 » as text: decimals get a comma."""
    if isinstance(value, Decimal | float):
        return (format(value, "f") if isinstance(value, Decimal) else repr(value)).replace(".", ",")
    return inert(value)


def write_csv(out, header: list[str], rows: Iterable[list]) -> None:
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, header, rows)
    return response


def append_rows(sheet, rows: Iterable[list]) -> None:
    """Append rows to an XLSX sheet; a text cell starting with "=" is typed as text, never as a formula."""
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def xlsx_response(book: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
