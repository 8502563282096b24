"""Two people open the same perimeter change request, both save: the second is refused (409) with the conflict
banner, nothing of theirs is written and no audit row; a save that changes nothing bumps nothing."""

import html

import pytest
from django.urls import reverse

from pilote.campaigns.models import PerimeterChangeRequest
from pilote.core.models import AuditEvent


@pytest.fixture
def team_client(client, people):
    client.force_login(people["team"])
    return client


def page(file) -> str:
    return reverse("campaigns:file_perimeter", args=[file.pk])


def opened(file, **changes) -> dict:
    """The form as the page shows it now, with `changes`, posted with « Enregistrer »."""
    saved = PerimeterChangeRequest.objects.get(file=file)
    data = {
        "add_epcis": " ".join(saved.add_epcis),
        "remove_epcis": " ".join(saved.remove_epcis),
        "add_communes": " ".join(saved.add_communes),
        "remove_communes": " ".join(saved.remove_communes),
        "reason": saved.reason,
        "revision": str(saved.revision),
        "save": "1",
    }
    return data | changes


def test_a_stale_perimeter_request_is_refused_with_409_and_the_saved_values(team_client, file):
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"], reason="Epsilon rejoint le Jura")
    first, second = opened(file, reason="Epsilon part"), opened(file, remove_communes="", add_communes="01004")
    assert team_client.post(page(file), first).status_code == 302
    before = AuditEvent.objects.count()
    response = team_client.post(page(file), second)
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert 'id="conflict"' in body and "Epsilon part" in body
    rows = {row["label"]: (row["theirs"], row["saved"]) for row in response.context["form"].conflict.rows}
    assert rows["Communes à retirer (code INSEE)"] == ("–", "39001")
    saved = PerimeterChangeRequest.objects.get(file=file)
    assert (saved.remove_communes, saved.add_communes, saved.reason) == (["39001"], [], "Epsilon part")
    assert saved.revision == 2
    assert AuditEvent.objects.count() == before


def test_two_first_perimeter_requests_the_second_is_refused(team_client, file):
    empty = {"remove_communes": "39001", "revision": "", "save": "1"}
    assert team_client.post(page(file), empty).status_code == 302
    before = AuditEvent.objects.count()
    response = team_client.post(page(file), empty | {"remove_communes": "", "add_communes": "01004"})
    assert response.status_code == 409
    assert PerimeterChangeRequest.objects.get(file=file).remove_communes == ["39001"]
    assert AuditEvent.objects.count() == before


def test_a_perimeter_request_saved_without_change_bumps_nothing(team_client, file):
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"])
    before = AuditEvent.objects.count()
    assert team_client.post(page(file), opened(file)).status_code == 302
    assert PerimeterChangeRequest.objects.get(file=file).revision == 1
    assert AuditEvent.objects.count() == before
