import csv
import datetime
import html
import io
import re
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from pilote.core.models import AuditEvent
from pilote.plans import spreadsheet
from pilote.plans.forms import PlanImportForm
from pilote.plans.models import FicheAction, Funder

from .conftest import url
from .factories import FicheFactory, FunderFactory, IndicatorFactory, territory
from .workbooks import upload, workbook


def _plan(ain):
    fiche = FicheFactory(territory=ain, title="Campus des métiers", total_cost=Decimal("250000.50"))
    FunderFactory(fiche=fiche, organisation="Région", amount=Decimal("50000"), is_secured=True)
    FunderFactory(fiche=fiche, organisation="ADEME", amount=Decimal("12000"), is_secured=False)
    IndicatorFactory(fiche=fiche)
    FicheFactory(territory=ain, title="Friche Arnaud", priority="foncier", status="a_venir", started_on=None)
    return fiche


def _import(ain, team, file):
    form = PlanImportForm({}, {"file": file}, territory=ain, actor=team)
    return form, (form.save() if form.is_valid() else None)


def test_xlsx_export_holds_fiches_funders_and_indicators(team_client, ain):
    fiche = _plan(ain)
    response = team_client.get(url("export_xlsx", ain))
    assert response.status_code == 200
    assert 'filename="plan_ti-8401_2023-2027.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book[spreadsheet.FICHES].iter_rows(values_only=True))
    assert rows[0][:3] == ("Référence", "Intitulé", "Description")
    assert rows[1][0] == str(fiche.pk) and rows[1][1] == "Campus des métiers"
    assert rows[1][3] == "Compétences et recrutement" and rows[1][4] == "En cours"
    assert rows[1][6] == datetime.datetime(2024, 1, 1)
    funders = list(book[spreadsheet.FUNDERS].iter_rows(values_only=True))
    assert funders[1] == (str(fiche.pk), "Région", 50000, "acquis")
    assert list(book[spreadsheet.INDICATORS].iter_rows(values_only=True))[1][1] == "Jeunes formés"


def test_csv_export_has_one_row_a_fiche_with_funding_totals(team_client, ain):
    _plan(ain)
    response = team_client.get(url("export_csv", ain))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-3:] == ["Financements acquis (€)", "Financements attendus (€)", "Indicateurs"]
    assert rows[1][1] == "Campus des métiers" and rows[1][-3:] == ["50000,00", "12000,00", "Jeunes formés"]
    assert rows[1][6] == "01/01/2024"
    assert len(rows) == 3


def test_reimporting_the_export_changes_nothing(ain, team):
    _plan(ain)
    before = {f.pk: (f.revision, f.updated_at) for f in FicheAction.objects.all()}
    funders = list(Funder.objects.values_list("pk", flat=True))
    form, counts = _import(ain, team, upload(spreadsheet.export_xlsx(ain)))
    assert form.errors == {}
    assert counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert {f.pk: (f.revision, f.updated_at) for f in FicheAction.objects.all()} == before
    assert list(Funder.objects.values_list("pk", flat=True)) == funders
    assert not AuditEvent.objects.exists()


def test_import_creates_new_fiches_and_updates_named_ones(ain, team):
    fiche = _plan(ain)
    file = workbook(
        [
            [
                str(fiche.pk),
                "Campus des métiers",
                "",
                "Compétences et recrutement",
                "Réalisée",
                "CC Alpha",
                "01/01/2024",
                "31/12/2026",
                250000.5,
            ],
            [
                "N1",
                "Boucle locale d'hydrogène",
                "Étude puis démonstrateur",
                "transition",
                "",
                "CA Beta",
                None,
                None,
                "1 200 000",
            ],
        ],
        funders=[["N1", "ADEME", 300000, "attendu"], [str(fiche.pk), "Région", 50000, "acquis"]],
        indicators=[["N1", "Tonnes de CO2 évitées", "t", 500, None, None]],
    )
    form, counts = _import(ain, team, file)
    assert form.errors == {}
    assert counts == {"created": 1, "updated": 1, "unchanged": 0}
    fiche.refresh_from_db()
    assert fiche.status == "realisee" and fiche.revision == 2 and fiche.description == ""
    assert [f.organisation for f in fiche.funders.all()] == ["Région"]
    assert not fiche.indicators.exists()
    new = FicheAction.objects.get(title="Boucle locale d'hydrogène")
    assert new.status == "a_venir" and new.total_cost == Decimal("1200000")
    assert new.funders.get().is_secured is False
    assert new.indicators.get().target == Decimal("500")
    update = AuditEvent.objects.get(action="fiche.import", object_id=str(fiche.pk))
    assert update.changes["status"] == ["en_cours", "realisee"]
    assert "ADEME : 12\u202f000,00 € (attendu)" in update.changes["funders"][0]


def test_a_wrong_row_is_reported_with_row_column_and_nothing_is_written(ain, team):
    fiche = _plan(ain)
    file = workbook(
        [
            [str(fiche.pk), "Campus rénové", "", "Compétences et recrutement", "En cours", "", None, None, None],
            ["N1", "", "", "Tourisme", "Peut-être", "", "31/02/2024", "01/01/2020", "-3"],
            ["9999", "Fiche d'ailleurs", "", "Innovation", "", "", None, None, None],
            ["N1", "Doublon", "", "Innovation", "", "", None, None, "abc"],
        ],
        funders=[["N7", "ADEME", "beaucoup", "peut-être"]],
    )
    form, counts = _import(ain, team, file)
    assert counts is None
    errors = {(e.sheet, e.row, e.column): e.message for e in form.row_errors}
    assert errors[("Fiches actions", 3, "Intitulé")] == "Valeur obligatoire."
    assert errors[("Fiches actions", 3, "Priorité")].startswith("Valeur inconnue : choisissez parmi « Compétences")
    assert ("Fiches actions", 3, "Statut") in errors
    assert errors[("Fiches actions", 3, "Début")] == "« 31/02/2024 » n'est pas une date (attendu : JJ/MM/AAAA)."
    assert errors[("Fiches actions", 3, "Coût total (€)")] == "Le coût total doit être positif ou nul."
    assert "Aucune fiche n° 9999 dans ce plan" in errors[("Fiches actions", 4, "Référence")]
    assert errors[("Fiches actions", 5, "Référence")] == "La référence « N1 » apparaît déjà ligne 3."
    assert errors[("Fiches actions", 5, "Coût total (€)")] == "« abc » n'est pas un nombre."
    assert "Aucune fiche de référence « N7 »" in errors[("Financeurs", 2, "Référence de la fiche")]
    assert errors[("Financeurs", 2, "Acquis ou attendu")] == "Indiquez « acquis » ou « attendu »."
    assert "rien n'a été enregistré" in form.errors["file"][0]
    fiche.refresh_from_db()
    assert fiche.title == "Campus des métiers"
    assert FicheAction.objects.count() == 2 and not AuditEvent.objects.exists()


def test_end_before_start_in_the_file_is_an_error(ain, team):
    form, counts = _import(
        ain, team, workbook([["N1", "Fiche", "", "Innovation", "", "", "2025-01-01", "2024-01-01", ""]])
    )
    assert counts is None
    assert [(e.row, e.column) for e in form.row_errors] == [(2, "Fin")]


def test_a_fiche_of_another_territory_cannot_be_overwritten_by_its_number(ain, team):
    other = FicheFactory(territory=territory("ti-2701"))
    form, counts = _import(ain, team, workbook([[str(other.pk), "Pris", "", "Innovation", "", "", None, None, None]]))
    assert counts is None
    assert FicheAction.objects.get(pk=other.pk).title != "Pris"


def test_import_page_shows_row_errors_in_french_with_400(team_client, ain):
    file = workbook([["N1", "", "", "Innovation", "", "", None, None, None]])
    response = team_client.post(url("import", ain), {"file": file})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Erreurs du fichier : rien n'a été enregistré" in page and "Valeur obligatoire." in page
    assert not FicheAction.objects.exists()


def test_a_file_that_is_not_a_workbook_is_an_error_not_a_500(team_client, ain):
    response = team_client.post(url("import", ain), {"file": upload(b"not a workbook", "plan.xlsx")})
    assert response.status_code == 400
    assert "n'est pas un classeur Excel" in html.unescape(response.content.decode())


def test_a_workbook_without_the_sheets_is_an_error(team_client, ain):
    buffer = io.BytesIO()
    Workbook().save(buffer)
    response = team_client.post(url("import", ain), {"file": upload(buffer.getvalue())})
    assert response.status_code == 400
    assert "L'onglet « Fiches actions » manque" in html.unescape(response.content.decode())


def test_import_page_reports_counts(team_client, ain):
    response = team_client.post(
        url("import", ain), {"file": workbook([["N1", "Fiche", "", "Innovation", "", "", None, None, None]])}
    )
    assert response.status_code == 200
    assert "1 fiche créée" in response.content.decode()


def test_text_that_looks_like_a_formula_stays_text(team_client, ain, team):
    FicheFactory(territory=ain, title='=HYPERLINK("http://example.org","clic")')
    content = team_client.get(url("export_xlsx", ain)).content
    sheet = load_workbook(io.BytesIO(content))[spreadsheet.FICHES]
    assert sheet["B2"].data_type == "s"
    form, counts = _import(ain, team, upload(content))
    assert counts == {"created": 0, "updated": 0, "unchanged": 1}
    csv_text = team_client.get(url("export_csv", ain)).content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(csv_text.splitlines()[1]), delimiter=";"))[1].startswith("'=HYPERLINK")


def test_import_page_states_the_limits(team_client, ain):
    page = team_client.get(url("import", ain)).content.decode()
    text = re.sub(r"\s+", " ", page[page.index('id="import-limits"') :])  # \s also matches the no-break space
    assert "un classeur de 5 Mo au plus, 2 000 fiches au plus et, par fiche, 50 financeurs et 50 indicateurs" in text
