"""Documents attached to a territory's file: added by the team, downloaded by whoever sees the file (outsiders 404),
refused with a French reason and nothing stored when bad, removed softly (the blob stays), listed at submission."""

import html
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from pilote.campaigns.enums import FileState
from pilote.campaigns.models import FileAttachment
from pilote.core.models import AuditEvent
from pilote.plans.models import FicheAttachment

from ..core.documents import EXE, PDF, PNG, upload, zip_bomb
from ..plans.factories import FicheFactory
from .conftest import fresh


def _add(client, user, file, name="Délibération du 3 mars.pdf", content=PDF, kind="deliberation", title=None):
    client.force_login(user)
    data = {"kind": kind, "title": title or "Délibération du conseil communautaire", "document": upload(name, content)}
    return client.post(reverse("campaigns:file_attachment_add", args=[file.pk]), data)


def _stored() -> set[str]:
    """Every blob in the storage (in memory under the tests)."""

    def walk(folder):
        folders, files = default_storage.listdir(folder)
        yield from (f"{folder}/{name}" for name in files)
        for sub in folders:
            yield from walk(f"{folder}/{sub}")

    return set(walk("pieces")) if default_storage.exists("pieces") else set()


def _text(response) -> str:
    """The page as read: tags dropped, blanks collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_team_adds_a_document_and_the_instructor_downloads_it(client, file, people):
    response = _add(client, people["team"], file)
    assert response.status_code == 302 and response["Location"].endswith("#attachments")
    attachment = FileAttachment.objects.get(file=file)
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "Délibération du 3 mars.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.blob.name.startswith("pieces/") and attachment.blob.name.endswith(".pdf")
    assert "mars" not in attachment.blob.name  # a name given by a user never becomes a path
    page = _text(client.get(reverse("campaigns:file", args=[file.pk])))
    assert (
        "Délibération Délibération du conseil communautaire Délibération du 3 mars.pdf — 1 Ko — déposé par "
        f"{people['team']} le " in page
    )

    client.force_login(people["dep01"])
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''D%C3%A9lib%C3%A9ration%20du%203%20mars.pdf"
    )
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize("who", ["other_team", "nobody"])
def test_people_outside_the_file_get_a_404(client, file, people, who):
    _add(client, people["team"], file)
    attachment = FileAttachment.objects.get(file=file)
    client.force_login(people[who])
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert client.post(attachment.removal_url()).status_code == 404
    # nor through another file's URL
    client.force_login(people["team"])
    other = file.campaign.files.exclude(pk=file.pk).get()
    assert client.get(reverse("campaigns:file_attachment", args=[other.pk, attachment.pk])).status_code == 404


BAD = {
    "too big": ("gros.pdf", PDF + bytes(10_000_000), "Le fichier pèse 10,1 Mo : la limite est de 10,0 Mo."),
    "disguised by its name": ("rapport.pdf", PNG, "Le nom « rapport.pdf » ne correspond pas à son contenu"),
    "empty": ("vide.pdf", b"", "Le fichier est vide."),
    "zip bomb": ("convention.docx", zip_bomb(), "Le document décompressé pèserait 60,1 Mo : la limite est de 50,0 Mo."),
    "executable": ("deliberation.pdf", EXE, "Les programmes (exécutables, scripts) ne sont pas acceptés."),
    "path characters": ("C:rapport.pdf", PDF, "Le nom « C:rapport.pdf » contient des caractères interdits"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_upload_is_refused_in_french_and_nothing_is_stored(client, file, people, case):
    name, content, message = BAD[case]
    stored, rows, events = _stored(), FileAttachment.objects.count(), AuditEvent.objects.count()
    response = _add(client, people["team"], file, name=name, content=content)
    assert response.status_code == 400
    assert message in _text(response).replace("\xa0", " ")
    assert (_stored(), FileAttachment.objects.count(), AuditEvent.objects.count()) == (stored, rows, events)


def test_a_form_without_a_file_or_a_kind_is_refused(client, file, people):
    client.force_login(people["team"])
    response = client.post(reverse("campaigns:file_attachment_add", args=[file.pk]), {"kind": "secret"})
    page = _text(response)
    assert response.status_code == 400
    assert "Choisissez un fichier." in page and "Sélectionnez un choix valide" in page
    assert not FileAttachment.objects.exists()


def test_a_removal_keeps_the_blob_and_reads_in_french_in_the_history(client, file, people):
    _add(client, people["team"], file)
    attachment = FileAttachment.objects.get(file=file)
    response = client.post(attachment.removal_url())
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and attachment.removed_by == people["team"]
    assert default_storage.exists(attachment.blob.name)  # soft: nothing lost
    assert "attachment-list-empty" in client.get(reverse("campaigns:file", args=[file.pk])).content.decode()
    assert client.get(attachment.get_absolute_url()).status_code == 404  # gone for the team
    assert client.post(attachment.removal_url()).status_code == 404  # removed once
    history = _text(client.get(reverse("campaigns:file_history", args=[file.pk])))
    assert "Pièce jointe ajoutée au dossier" in history and "Pièce jointe retirée du dossier" in history
    assert "Nature de la pièce jointe : – → Délibération" in history
    assert "Pièce jointe : Délibération « Délibération du conseil communautaire » (Délibération du 3 mars.pdf) → –" in (
        history
    )
    assert "file_attachment" not in history
    client.force_login(people["anct"])
    assert client.get(attachment.get_absolute_url()).status_code == 200  # ANCT still reads it


def test_each_submission_lists_its_attachments_and_a_return_loses_nothing(client, file, people):
    _add(client, people["team"], file, title="Délibération")
    _add(client, people["team"], file, name="convention.pdf", kind="agreement", title="Convention")
    client.post(reverse("campaigns:file_submit", args=[file.pk]), {"confirm": "on"})
    first = fresh(file)
    assert first.state == FileState.SUBMITTED
    assert [(a["title"], a["kind"]) for a in first.proposed_attachments] == [
        ("Convention", "agreement"),
        ("Délibération", "deliberation"),
    ]
    assert _add(client, people["team"], file).status_code == 403  # déposé: the team waits
    first.run("send_back", by=people["anct"], comment="Ajoutez le compte rendu du comité.")
    convention = FileAttachment.objects.get(title="Convention")
    client.post(convention.removal_url())
    _add(client, people["team"], file, kind="steering_minutes", title="Compte rendu du comité")
    client.post(reverse("campaigns:file_submit", args=[file.pk]), {"confirm": "on"})
    second = fresh(file)
    assert [a["title"] for a in second.proposed_attachments] == ["Compte rendu du comité", "Délibération"]
    assert FileAttachment.objects.filter(file=file).count() == 3  # the removed convention is kept
    assert default_storage.exists(convention.blob.name)


def test_reviewers_add_documents_during_the_review_only(client, file, people):
    assert _add(client, people["anct"], file).status_code == 403  # a draft is the team's
    fresh(file).run("submit", by=people["team"])
    assert _add(client, people["dep01"], file, title="Note de la préfecture").status_code == 302
    assert _add(client, people["operator"], file).status_code == 403  # sees the file, gives no review
    assert FileAttachment.objects.get(file=file).uploaded_by == people["dep01"]


def test_the_file_page_queries_do_not_grow_with_attachments(client, file, people, django_assert_max_num_queries):
    _add(client, people["team"], file)
    url = reverse("campaigns:file", args=[file.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    queries = len(few.captured_queries)  # read now: the next request empties Django's query log
    for n in range(5):
        _add(client, people["team"], file, title=f"Pièce {n}")
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert len(response.context["attachments"]) == 6


def test_a_fiche_takes_no_new_document_while_its_territory_s_file_is_under_review(client, file, people):
    fiche = FicheFactory(territory=file.territory)
    fresh(file).run("submit", by=people["team"])
    client.force_login(people["team"])
    t = file.territory
    data = {"kind": "other", "title": "Photo", "document": upload("photo.png", PNG)}
    response = client.post(reverse("plans:fiche_attachment_add", args=[t.phase.slug, t.code, fiche.pk]), data)
    assert response.status_code == 403 and "Le dossier de ce territoire est déposé" in _text(response)
    assert not FicheAttachment.objects.exists()
