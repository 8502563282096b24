"""The commitments' CSV and XLSX exports: the dashboard's scope and filters, official codes, amounts as numbers,
co-financing by kind, the dashboard's tables as sheets, and text that a spreadsheet would run kept inert."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilote.budget.models import Commitment
from pilote.core.enums import Role
from tests.core.factories import user_with_role

from .test_dashboard import spend


@pytest.fixture
def spent(mini_world):
    return spend()


def _csv(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("budget:export_csv") + query)
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _xlsx(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("budget:export_xlsx") + query)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_csv_lists_every_commitment_with_official_codes_and_co_financing_by_kind(client, spent):
    header, rows = _csv(client, spent.actor)
    assert header[:5] == ["phase", "code territoire", "territoire", "code région", "région"]
    assert len(rows) == 5  # proposed and cancelled ones too, with their status
    a = next(r for r in rows if r["SIREN"] == "123456789")
    assert (a["phase"], a["code territoire"], a["code région"], a["région"]) == (
        "2023-2027",
        "ti-8401",
        "84",
        "Auvergne-Rhône-Alpes",
    )
    assert (a["montant engagé (AE, €)"], a["payé (€)"], a["reste à payer (€)"]) == (
        "300000,00",
        "120000,00",
        "180000,00",
    )
    assert a["cofinancement Intercommunalité (€)"] == "100000,00"
    assert a["cofinancement État (autres crédits) (€)"] == "50000,00"
    assert a["cofinancement Autre (€)"] == "0,00"
    assert (a["statut"], a["démonstration"], a["niveau de l'enveloppe"]) == ("Engagé", "non", "Région")
    assert sorted(r["statut"] for r in rows) == ["Annulé", "Engagé", "Engagé", "Engagé", "Proposé"]


def test_exports_keep_the_dashboard_filters_and_the_reviewer_scope(client, spent):
    _, rows = _csv(client, spent.actor, "?action_type=competences")
    assert {r["type d'action"] for r in rows} == {"Compétences"} and len(rows) == 2
    reviewer = user_with_role(Role.REGION_REVIEWER, region_code="84")
    _, rows = _csv(client, reviewer)
    assert {r["code territoire"] for r in rows} == {"ti-8401"}
    assert "Nouveau Jura" not in str(rows)
    book = _xlsx(client, reviewer)
    assert {row[1] for row in book["Engagements"].iter_rows(min_row=2, values_only=True)} == {"ti-8401"}


def test_xlsx_has_numeric_euro_cells_and_a_sheet_per_dashboard_table(client, spent):
    book = _xlsx(client, spent.actor)
    assert book.sheetnames == ["Engagements", "Par type d'action", "Par région", "Par territoire", "Par année"]
    sheet = book["Engagements"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("SIREN")].value == "123456789")
    amount = row[header.index("montant engagé (AE, €)")]
    assert (type(amount.value), amount.value) == (int, 300_000)  # a number, read back as openpyxl reads it
    assert amount.data_type == "n" and "€" in amount.number_format
    assert row[header.index("date de décision")].value.date().isoformat() == "2024-03-01"
    types = list(book["Par type d'action"].values)
    assert types[0][:6] == (
        "Type d'action",
        "proposé (€)",
        "engagé (€)",
        "payé (€)",
        "nombre d'engagements",
        "alloué (AE, €)",
    )
    investments = next(r for r in types if r[0] == "Investissements productifs")
    assert (investments[5], investments[2], investments[-1]) == (20_000_000, 500_000, 0.55)
    assert types[-1][0] == "Total" and types[-1][2] == 550_000
    territories = list(book["Par territoire"].values)
    assert territories[0] == ("Territoire", "proposé (€)", "engagé (€)", "payé (€)", "nombre d'engagements")
    assert ("Ain industriel (ti-8401)", 100_000, 300_000, 120_000, 1) in territories


def test_text_a_spreadsheet_would_run_is_kept_inert(client, spent):
    Commitment.objects.filter(pk=spent.b.pk).update(label='=HYPERLINK("http://x","clic")', beneficiary_name="+33 1")
    _, rows = _csv(client, spent.actor)
    b = next(r for r in rows if r["code territoire"] == "ti-2701" and r["objet"].startswith("'"))
    assert b["objet"] == '\'=HYPERLINK("http://x","clic")' and b["bénéficiaire"] == "'+33 1"
    sheet = _xlsx(client, spent.actor)["Engagements"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == '=HYPERLINK("http://x","clic")']
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_territory_teams_may_not_export(client, spent, name):
    client.force_login(user_with_role(Role.TERRITORY_TEAM, phase_slug="2023-2027", territory_code="ti-8401"))
    assert client.get(reverse(f"budget:{name}")).status_code == 403
