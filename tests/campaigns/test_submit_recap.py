"""« Déposer » goes through a recap page (plan, governance, perimeter, what is missing) and an explicit confirmation;
the plain POST of the transition without it is refused."""

import html
import re

from django.urls import reverse

from pilote.campaigns.enums import FileState
from pilote.campaigns.models import PerimeterChangeRequest

from ..core.documents import PDF, PNG, upload
from ..plans.factories import FicheFactory, governance
from .conftest import fresh


def _recap(client, user, file):
    client.force_login(user)
    return client.get(reverse("campaigns:file_submit", args=[file.pk]))


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_recap_lists_what_is_missing(client, file, people):
    response = _recap(client, people["team"], file)
    assert response.status_code == 200
    missing = _text(response).split('id="missing"')[1].split("</ul>")[0]
    assert "Aucune fiche action dans le plan." in missing
    assert "Le binôme (élu·e et industriel·le) n'est pas renseigné." in missing
    assert "Le chef de projet n'est pas renseigné." in missing


def test_the_recap_counts_fiches_names_governance_and_perimeter_changes(client, file, people):
    FicheFactory(territory=file.territory)
    FicheFactory(territory=file.territory)
    governance(file.territory)
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"], reason="Départ d'une commune.")
    page = _text(_recap(client, people["team"], file))
    assert "Plan d'actions : 2 fiches actions" in page and "Chef de projet : Léa Petit" in page
    assert "Binôme : Anne Durand et Paul Morel" in page
    assert 'id="missing"' not in page and "Rien ne manque." in page
    assert "4 → 3" in page and "Motif : Départ d'une commune." in page


def _attach(client, user, file, kind, title, name, content):
    client.force_login(user)
    data = {"kind": kind, "title": title, "document": upload(name, content)}
    response = client.post(reverse("campaigns:file_attachment_add", args=[file.pk]), data)
    assert response.status_code == 302


def test_the_recap_says_when_no_document_is_attached(client, file, people):
    page = _text(_recap(client, people["team"], file))
    assert 'id="recap-attachments"' not in page
    assert "Aucune pièce jointe : ajoutez délibérations" in page


def test_the_recap_lists_the_active_attachments_with_kind_size_and_download_link(client, file, people):
    _attach(client, people["team"], file, "deliberation", "Délibération du conseil", "delib.pdf", PDF)
    _attach(client, people["team"], file, "agreement", "Convention retirée", "conv.pdf", PDF)
    _attach(client, people["team"], file, "steering_minutes", "Copil de mars", "copil.png", PNG)
    removed = file.attachments.get(title="Convention retirée")
    client.post(reverse("campaigns:file_attachment_remove", args=[file.pk, removed.pk]))
    page = _recap(client, people["team"], file).content.decode()
    listed = page.split('id="recap-attachments">')[1].split("</ul>")[0]
    kept = file.attachments.get(title="Délibération du conseil")
    assert f'href="{kept.get_absolute_url()}"' in listed
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", listed)).split())
    assert words == (
        "Compte rendu de comité de pilotage Copil de mars copil.png — 1 Ko "
        "Délibération Délibération du conseil delib.pdf — 1 Ko"
    )  # newest first; the removed convention is not sent
    assert "Aucune pièce jointe" not in page


def test_the_file_page_leads_to_the_recap_instead_of_submitting(client, file, people):
    client.force_login(people["team"])
    page = client.get(reverse("campaigns:file", args=[file.pk])).content.decode()
    assert f'href="{reverse("campaigns:file_submit", args=[file.pk])}"' in page
    assert reverse("campaigns:file_transition", args=[file.pk, "submit"]) not in page


def test_the_plain_transition_post_without_confirmation_is_refused(client, file, people):
    client.force_login(people["team"])
    response = client.post(reverse("campaigns:file_transition", args=[file.pk, "submit"]))
    assert response.status_code == 400
    assert "Confirmez le dépôt sur la page récapitulative" in _text(response)
    assert fresh(file).state == FileState.DRAFT


def test_submitting_without_ticking_the_confirmation_is_refused(client, file, people):
    client.force_login(people["team"])
    response = client.post(reverse("campaigns:file_submit", args=[file.pk]), {"comment": "x"})
    assert response.status_code == 400
    assert fresh(file).state == FileState.DRAFT


def test_submitting_with_the_confirmation(client, file, people):
    client.force_login(people["team"])
    response = client.post(reverse("campaigns:file_submit", args=[file.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert fresh(file).state == FileState.SUBMITTED


def test_only_the_team_of_a_draft_opens_the_recap(client, file, people):
    assert _recap(client, people["anct"], file).status_code == 403
    assert _recap(client, people["dep01"], file).status_code == 403
    assert _recap(client, people["other_team"], file).status_code == 404
    fresh(file).run("submit", by=people["team"])
    assert _recap(client, people["team"], file).status_code == 403


def test_the_recap_takes_a_constant_number_of_queries(client, file, people, django_assert_max_num_queries):
    for _ in range(5):
        FicheFactory(territory=file.territory)
    governance(file.territory)
    for title in ("Délibération", "Convention"):
        _attach(client, people["team"], file, "deliberation", title, "piece.pdf", PDF)
    client.force_login(people["team"])
    with django_assert_max_num_queries(21):  # one for the attachments, whatever their number
        assert client.get(reverse("campaigns:file_submit", args=[file.pk])).status_code == 200


def test_a_failing_perimeter_check_says_why_and_what_to_do(client, file, people):
    PerimeterChangeRequest.objects.create(file=file, add_communes=["99999"])
    client.force_login(people["team"])
    response = client.get(reverse("campaigns:file", args=[file.pk]))
    blocked = _text(response).split('id="submit-blocked"')[1].split("</div>")[0]
    assert "Le dossier ne peut pas être déposé" in blocked
    assert "Commune 99999 inconnue du COG" in blocked
    assert "Corrigez la demande de modification du périmètre" in blocked
    assert f'href="{reverse("campaigns:file_perimeter", args=[file.pk])}"' in html.unescape(response.content.decode())


def test_a_passed_deadline_says_to_ask_anct(client, file, people):
    import datetime

    campaign = file.campaign
    campaign.submission_deadline = datetime.date.today() - datetime.timedelta(days=1)
    campaign.save()
    client.force_login(people["team"])
    page = _text(client.get(reverse("campaigns:file", args=[file.pk])))
    blocked = page.split('id="submit-blocked"')[1].split("</div>")[0]
    assert "est passée : demandez à l'ANCT de rouvrir le dépôt" in blocked


def test_the_recap_shows_the_changes_against_the_last_validated_version(client, file, people):
    """Before submitting, not only after: fiches added, governance changed, the perimeter's figures."""
    FicheFactory(territory=file.territory, title="Campus des métiers")
    governance(file.territory)
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"])
    page = _text(_recap(client, people["team"], file))
    assert "Campus des métiers" in page.split('id="fiches-added"')[1].split("</ul>")[0]
    assert "Binôme (élu·e : nom) : — → Anne Durand" in page.split('id="governance-changes"')[1].split("</ul>")[0]
    assert "4 → 3" in page.split('id="perimeter-figures"')[1].split("</dl>")[0]


def test_the_recap_says_when_nothing_changed(client, file, people):
    page = _text(_recap(client, people["team"], file))
    assert "Aucun changement du plan d'action ni de la gouvernance." in page
    assert "Aucune modification du périmètre demandée." in page
