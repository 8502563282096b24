"""Hostile plan imports (issue 8): each bad workbook is refused with a French message, and nothing is written.

The workbooks are written here, small: bombs declare their sizes, which are checked before anything is inflated."""

import datetime
import html
import io
import re
import zipfile
from decimal import Decimal

import openpyxl.xml
import openpyxl.xml.functions
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilote.core.models import AuditEvent
from pilote.core.uploads import MB
from pilote.plans import spreadsheet
from pilote.plans.forms import PlanImportForm
from pilote.plans.models import FicheAction, Funder, Indicator

from .conftest import url
from .factories import FicheFactory, FunderFactory, IndicatorFactory
from .workbooks import (
    FICHES_XML,
    declaring_smaller_size,
    fiche,
    rewritten,
    upload,
    with_member,
    workbook,
    workbook_bytes,
)


@pytest.fixture
def plan(ain):
    """One fiche with a funder and an indicator: what a refused import must leave as it is."""
    existing = FicheFactory(territory=ain)
    FunderFactory(fiche=existing)
    IndicatorFactory(fiche=existing)
    return existing


def _state():
    return (
        list(FicheAction.objects.values_list("id", "revision", "title", "total_cost")),
        list(Funder.objects.values_list("id", "amount")),
        list(Indicator.objects.values_list("id", "target")),
        AuditEvent.objects.count(),
    )


def _refused(client, ain, file) -> str:
    """Posts `file`, checks the answer is a 400 that wrote nothing, returns the page's text."""
    before = _state()
    response = client.post(url("import", ain), {"file": file})
    assert response.status_code == 400
    assert _state() == before
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


# -------------------------------------------------------------- values the database could not read back


def test_a_cost_of_thirteen_digits_is_refused(team_client, ain, plan):
    page = _refused(team_client, ain, workbook([fiche(cost=1234567890123)]))
    assert "pas plus de 12 chiffres avant la virgule" in page


def test_a_funder_amount_of_1e20_is_refused(team_client, ain, plan):
    page = _refused(team_client, ain, workbook([fiche()], funders=[["N1", "ADEME", 1e20, "acquis"]]))
    assert "pas plus de 14 chiffres au total" in page


def test_an_indicator_of_1e20_written_as_text_is_refused(team_client, ain, plan):
    page = _refused(team_client, ain, workbook([fiche()], indicators=[["N1", "Emplois", "", "1e20", None, None]]))
    assert "pas plus de 14 chiffres au total" in page


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN"])
def test_nan_in_a_cost_or_an_amount_is_refused(team_client, ain, plan, text):
    page = _refused(team_client, ain, workbook([fiche(cost=text)], funders=[["N1", "ADEME", text, "acquis"]]))
    assert page.count(f"« {text} » n'est pas un nombre.") == 2


@pytest.mark.parametrize("text", ["Infinity", "-inf", "inf"])
def test_infinity_in_a_cost_is_refused(team_client, ain, plan, text):
    page = _refused(team_client, ain, workbook([fiche(cost=text)]))
    assert f"« {text} » n'est pas un nombre." in page


def test_more_than_two_decimals_are_refused_as_the_form_refuses_them(team_client, ain, plan):
    page = _refused(team_client, ain, workbook([fiche(cost="12,345")]))
    assert "pas plus de 2 chiffres après la virgule" in page


@pytest.mark.parametrize(
    "started, ended, message",
    [
        ("01/01/0001", None, "postérieure au 01/01/1900"),
        (None, "9999-12-31", "antérieure au 31/12/2100"),
        (None, datetime.datetime(2500, 1, 1), "antérieure au 31/12/2100"),
    ],
)
def test_dates_out_of_range_are_refused(team_client, ain, plan, started, ended, message):
    page = _refused(team_client, ain, workbook([fiche(started=started, ended=ended)]))
    assert message in page


def test_a_measure_dated_year_one_is_refused(team_client, ain, plan):
    indicators = [["N1", "Emplois", "", 10, 5, "01/01/0001"]]
    page = _refused(team_client, ain, workbook([fiche()], indicators=indicators))
    assert "postérieure au 01/01/1900" in page


def test_the_fiche_form_refuses_the_same_dates(team_client, ain, plan):
    """The bounds are the model's: the form and the import hold the same rule."""
    data = {"title": "Fiche", "priority": "innovation", "status": "a_venir", "started_on": "0001-01-01"}
    data |= {
        f"{p}-{k}": v for p in ("financeurs", "indicateurs") for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
    }
    response = team_client.post(url("fiche_create", ain), data)
    assert "postérieure au 01/01/1900" in html.unescape(response.content.decode())
    assert FicheAction.objects.count() == 1


# -------------------------------------------------------------- files that are not what they say


def test_an_external_entity_is_refused(team_client, ain, plan):
    doctype = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    content = rewritten(
        workbook_bytes([fiche()]), FICHES_XML, lambda xml: doctype + xml.replace("<t>Fiche</t>", "<t>&x;</t>")
    )
    page = _refused(team_client, ain, upload(content))
    assert "n'est pas un classeur Excel (.xlsx) lisible" in page and "root:" not in page


def test_a_billion_laughs_is_refused(team_client, ain, plan):
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    content = rewritten(
        workbook_bytes([fiche()]),
        FICHES_XML,
        lambda xml: f'<?xml version="1.0"?><!DOCTYPE w [{entities}]>' + xml.replace("<t>Fiche</t>", "<t>&i;</t>"),
    )
    page = _refused(team_client, ain, upload(content))
    assert "n'est pas un classeur Excel (.xlsx) lisible" in page


def test_truncated_xml_is_refused(team_client, ain, plan):
    content = rewritten(workbook_bytes([fiche()] * 3), FICHES_XML, lambda xml: xml[: xml.index('<row r="3"') + 20])
    page = _refused(team_client, ain, upload(content))
    assert "n'est pas un classeur Excel (.xlsx) lisible" in page


def test_a_file_that_is_not_a_zip_is_refused(team_client, ain, plan):
    page = _refused(team_client, ain, upload(b"PK\x03\x04" + b"\x00" * 200))
    assert "n'est pas un classeur Excel (.xlsx) lisible" in page


def test_openpyxl_parses_the_xml_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    assert openpyxl.xml.functions.fromstring.__module__.startswith("defusedxml")


# -------------------------------------------------------------- bombs: size, zip, rows


def test_a_file_over_five_megabytes_is_refused_before_it_is_read(team_client, ain, plan):
    page = _refused(team_client, ain, upload(b"\x00" * (5 * MB + 1)))
    assert "Le fichier pèse 5,1 Mo : la limite est de 5,0 Mo" in page.replace("\xa0", " ")


def test_a_zip_bomb_of_spaces_is_refused_from_its_declared_size(team_client, ain, plan):
    content = with_member(workbook_bytes([fiche()]), "xl/padding.xml", b" " * MB, 21)  # 21 Mo of spaces
    assert len(content) < 100_000
    page = _refused(team_client, ain, upload(content))
    assert re.search(
        "Le classeur décompressé pèserait 21,[0-9] Mo : la limite est de 20,0 Mo", page.replace("\xa0", " ")
    )


def test_a_sheet_of_a_million_empty_cells_is_refused_before_it_is_parsed(team_client, ain, plan):
    """4 Mo of "<c/>", within the size limit, took 12 s of CPU to parse: the tags are counted first."""
    cells = "<c/>" * 1_000
    rows = "".join(f'<row r="{r}">{cells}</row>' for r in range(3, 1_003))
    content = rewritten(
        workbook_bytes([fiche()]), FICHES_XML, lambda xml: xml.replace("</sheetData>", rows + "</sheetData>")
    )
    assert len(content) < 100_000
    page = _refused(team_client, ain, upload(content))
    assert re.search(
        r"Le classeur compte 1 00\d \d{3} balises XML : la limite est de 600 000", page.replace("\u202f", " ")
    )


def test_a_zip_member_lying_about_its_size_is_refused(team_client, ain, plan):
    """zipfile stops at the declared size, then the CRC fails: nothing inflates past what was checked."""
    xml = "<t>" + " " * 2 * MB + "</t>"
    content = rewritten(workbook_bytes([fiche()]), FICHES_XML, lambda text: text.replace("<t>Fiche</t>", xml))
    page = _refused(team_client, ain, upload(declaring_smaller_size(content, FICHES_XML, 1_000)))
    assert "n'est pas un classeur Excel (.xlsx) lisible" in page


def test_a_sheet_declaring_a_hundred_million_rows_is_refused_before_its_rows_are_read(team_client, ain, plan):
    content = rewritten(
        workbook_bytes([fiche()]),
        FICHES_XML,
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:I99999999"', xml),
    )
    page = _refused(team_client, ain, upload(content))
    assert "L'onglet « Fiches actions » déclare 99 999 999 lignes et 9 colonnes" in page.replace("\u202f", " ")


def test_a_row_numbered_a_hundred_million_without_dimension_is_refused(team_client, ain, plan):
    """openpyxl pads the missing rows up to a row's number: the rows read are capped, blank ones included."""

    def far_row(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]+" ?/>', "", xml)
        return xml.replace('<row r="2"', '<row r="99999999"').replace('r="A2"', 'r="A99999999"')

    content = rewritten(workbook_bytes([fiche()]), FICHES_XML, far_row)
    page = _refused(team_client, ain, upload(content))
    assert "compte plus de 11 000 lignes" in page.replace("\u202f", " ")


def test_more_than_two_thousand_fiches_are_refused(team_client, ain, plan):
    rows = [fiche(f"N{n}") for n in range(spreadsheet.MAX_FICHES + 1)]
    page = _refused(team_client, ain, workbook(rows))
    assert "L'onglet « Fiches actions » compte plus de 2 000 lignes remplies" in page.replace("\u202f", " ")


def test_many_errors_are_listed_up_to_a_hundred_and_counted(team_client, ain, plan):
    rows = [fiche(f"N{n}", cost="abc", title="") for n in range(300)]
    page = _refused(team_client, ain, workbook(rows))
    assert "Le fichier contient 600 erreurs (les 100 premières sont listées)" in page
    assert page.count("n'est pas un nombre.") + page.count("Valeur obligatoire.") == 100
    assert len(page) < 60_000


# -------------------------------------------------------------- the database is held briefly


def _import_queries(ain, team, count: int) -> tuple[list[str], list[str]]:
    rows = [fiche(f"N{n}") for n in range(count)]
    file = workbook(rows, funders=[[f"N{n}", "ADEME", 10, "acquis"] for n in range(count)])
    form = PlanImportForm({}, {"file": file}, territory=ain, actor=team)
    with CaptureQueriesContext(connection) as validation:
        assert form.is_valid()
    with CaptureQueriesContext(connection) as writing:
        assert form.save()["created"] == count
    return [q["sql"] for q in validation.captured_queries], [q["sql"] for q in writing.captured_queries]


def test_validation_only_reads_and_writing_takes_the_same_statements_for_5_or_60_fiches(ain, team, plan):
    assert ain.phase  # the view reads the territory with its phase
    validation, small = _import_queries(ain, team, 5)
    assert all(sql.startswith("SELECT") for sql in validation)
    _, large = _import_queries(ain, team, 60)
    assert len(large) == len(small) <= 12
    assert FicheAction.objects.count() == 66 and AuditEvent.objects.filter(action="fiche.import").count() == 65


def test_an_import_of_new_fiches_writes_their_lines_and_audit_rows(ain, team, plan):
    _import_queries(ain, team, 3)
    new = FicheAction.objects.exclude(pk=plan.pk).order_by("id")
    assert [f.funders.get().amount for f in new] == [Decimal("10.00")] * 3
    event = AuditEvent.objects.get(action="fiche.import", object_id=str(new[0].pk))
    assert event.changes["funders"] == [[], ["ADEME : 10,00 € (acquis)"]] and event.actor == team


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite's lock wait"
)
def test_sqlite_writers_wait_for_the_lock_rather_than_fail():
    """sqlite3 waits 5 s by default; 8 of 11 saves beside a long import failed with « database is locked »."""
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 20


def test_more_than_fifty_funders_for_one_fiche_are_refused(team_client, ain, plan):
    funders = [["N1", f"Financeur {n}", 10, "acquis"] for n in range(spreadsheet.MAX_LINES_PER_FICHE + 1)]
    page = _refused(team_client, ain, workbook([fiche()], funders=funders))
    assert "La fiche « N1 » a déjà 50 lignes dans cet onglet : c'est la limite." in page


def test_a_zip_of_thousands_of_members_is_refused(team_client, ain, plan):
    buffer = io.BytesIO(workbook_bytes([fiche()]))
    with zipfile.ZipFile(buffer, "a") as archive:
        for n in range(2_000):
            archive.writestr(f"xl/media/{n}.xml", "")
    page = _refused(team_client, ain, upload(buffer.getvalue()))
    assert re.search(
        r"n'est pas un classeur Excel \(\.xlsx\) lisible\. Il contient 2 01\d fichiers\.", page.replace("\u202f", " ")
    )
