"""Documents attached to a fiche action: the team adds and removes them, whoever sees the plan downloads them,
outsiders get 404, a bad upload stores nothing; the fiche's history reads them in French."""

import html
import re

import pytest
from django.core.files.storage import default_storage

from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.plans.models import FicheAttachment

from ..core.documents import EXE, PDF, docx, upload
from ..core.factories import user_with_role
from .conftest import url
from .factories import FicheFactory


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def fiche(ain):
    return FicheFactory(territory=ain, title="École de production")


def _add(client, fiche, name="convention.docx", content=None, title="Convention avec la Région"):
    data = {"kind": "agreement", "title": title, "document": upload(name, content or docx())}
    return client.post(url("fiche_attachment_add", fiche.territory, pk=fiche.pk), data)


def test_the_team_attaches_a_convention_that_a_reviewer_downloads(team_client, fiche, client):
    response = _add(team_client, fiche)
    assert response.status_code == 302
    attachment = FicheAttachment.objects.get(fiche=fiche)
    page = _text(team_client.get(url("fiche", fiche.territory, pk=fiche.pk)))
    assert "Convention Convention avec la Région convention.docx — 1 Ko" in page
    assert "Pièce jointe ajoutée à la fiche" in page and "Nature de la pièce jointe : – → Convention" in page

    reviewer = user_with_role(Role.REGION_REVIEWER, region_code="84")
    reviewer.save()
    client.force_login(reviewer)
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="convention.docx"'
    body = b"".join(download.streaming_content)
    assert body.startswith(b"PK\x03\x04") and len(body) == attachment.size
    assert client.post(attachment.removal_url()).status_code == 403  # sees, does not edit


def test_outsiders_get_a_404(team_client, fiche, client):
    _add(team_client, fiche)
    attachment = FicheAttachment.objects.get(fiche=fiche)
    stranger = user_with_role(Role.TERRITORY_TEAM, phase_slug="2023-2027", territory_code="ti-2701")
    stranger.save()
    client.force_login(stranger)
    assert client.get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("convention.pdf", EXE, "Les programmes (exécutables, scripts) ne sont pas acceptés."),
        ("convention.docx", PDF, "Le nom « convention.docx » ne correspond pas à son contenu"),
    ],
)
def test_a_bad_upload_stores_nothing(team_client, fiche, name, content, message):
    events = AuditEvent.objects.count()
    response = _add(team_client, fiche, name=name, content=content)
    assert response.status_code == 400 and message in _text(response)
    assert (FicheAttachment.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_a_removal_is_soft_and_in_the_history(team_client, fiche):
    _add(team_client, fiche)
    attachment = FicheAttachment.objects.get(fiche=fiche)
    assert team_client.post(attachment.removal_url()).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and default_storage.exists(attachment.blob.name)
    page = _text(team_client.get(url("fiche", fiche.territory, pk=fiche.pk)))
    assert "Aucune pièce jointe." in page and "Pièce jointe retirée de la fiche" in page
    assert team_client.get(attachment.get_absolute_url()).status_code == 404


def test_the_fiche_page_queries_do_not_grow_with_attachments(team_client, fiche, django_assert_max_num_queries):
    _add(team_client, fiche)
    page = url("fiche", fiche.territory, pk=fiche.pk)
    team_client.get(page)
    with django_assert_max_num_queries(40) as few:
        team_client.get(page)
    queries = len(few.captured_queries)
    for n in range(4):
        _add(team_client, fiche, title=f"Pièce {n}")
    with django_assert_max_num_queries(queries):
        response = team_client.get(page)
    assert len(response.context["attachments"]) == 5
