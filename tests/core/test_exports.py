import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from pilote.core.exports import append_rows, csv_text


def _rows(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_csv_writes_amounts_with_a_decimal_comma_for_french_spreadsheets():
    text = csv_text(["Montant", "Taux"], [[Decimal("870000.00"), 0.5]])
    assert _rows(text)[1] == ["870000,00", "0,5"]


def test_csv_keeps_years_and_counts_without_separator():
    assert _rows(csv_text(["Année", "Nombre"], [[2025, 3]]))[1] == ["2025", "3"]


def test_xlsx_keeps_amounts_as_numbers():
    sheet = Workbook().active
    append_rows(sheet, [[Decimal("870000.00")]])
    assert sheet["A1"].value == Decimal("870000.00")
    assert sheet["A1"].data_type == "n"
