"""The PDF receipt of a submitted file and the PDF of what ANCT approved: for who sees the file, once there is
something to print (404 before)."""

import pytest
from django.urls import reverse

from pilote.campaigns.enums import OpinionKind
from pilote.campaigns.models import Opinion, PerimeterChangeRequest

from ..pdftext import pdf_text
from ..plans.factories import FicheFactory, governance
from .conftest import asked_of, fresh


@pytest.fixture
def submitted(file, people):
    FicheFactory(territory=file.territory, title="École de production", total_cost="120000.00")
    governance(file.territory)
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"], reason="Epsilon part.")
    fresh(file).run("submit", by=people["team"], comment="Premier dépôt.")
    return fresh(file)


def _get(client, user, name, file):
    client.force_login(user)
    return client.get(reverse(f"campaigns:{name}", args=[file.pk]))


def test_the_receipt_says_what_was_submitted_when_and_by_whom(client, submitted, people):
    response = _get(client, people["dep01"], "file_receipt_pdf", submitted)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert pages == 1
    assert "Récépissé de dépôt" in text and "Dossier de Ain industriel (ti-8401)" in text
    assert f"Déposé le {submitted.submitted_at.astimezone():%d/%m/%Y}" in text
    assert f"Déposé par {people['team']}" in text and "Premier dépôt." in text
    assert "Communes à retirer Epsilon (39001)" in text and "Motif Epsilon part." in text
    assert "Plan d'actions : 1 fiche action" in text and "École de production" in text and "120 000,00 €" in text
    assert "Anne Durand" in text


def test_the_approved_record_pdf_shows_what_was_approved(client, submitted, people):
    fresh(submitted).run("start_review", by=people["anct"])
    request = asked_of(submitted, people["region84"])
    Opinion.objects.create(request=request, kind=OpinionKind.UNFAVORABLE, text="Trop tôt.", author=people["region84"])
    fresh(submitted).run("validate", by=people["anct"], comment="Tranché en comité.", acknowledged_missing=True)
    response = _get(client, people["team"], "file_record_pdf", submitted)
    assert response.status_code == 200
    _, text = pdf_text(response.content)
    assert "Version validée" in text and "Ain industriel" in text
    assert "Motivation Tranché en comité." in text
    assert "Communes 4 3" in text and "Communes retirées : Epsilon (39001)" in text
    assert "SGAR Auvergne-Rhône-Alpes : Défavorable" in text and "Trop tôt." in text
    assert "Fiches actions : 1 ajoutée" in text
    page = _get(client, people["team"], "file", submitted).content.decode()
    assert reverse("campaigns:file_record_pdf", args=[submitted.pk]) in page


def test_nothing_to_print_before_submission_or_validation(client, file, submitted, people):
    assert _get(client, people["team"], "file_record_pdf", submitted).status_code == 404
    draft = file.campaign.files.exclude(pk=file.pk).get()
    assert _get(client, people["anct"], "file_receipt_pdf", draft).status_code == 404


def test_outsiders_do_not_get_the_pdfs(client, submitted, people):
    assert _get(client, people["other_team"], "file_receipt_pdf", submitted).status_code == 404
    client.logout()
    response = client.get(reverse("campaigns:file_receipt_pdf", args=[submitted.pk]))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
