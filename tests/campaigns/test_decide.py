"""ANCT validates and sends back knowingly: each decision goes through a confirmation page saying which opinions
are missing, late, reserved or unfavourable; validating against an unfavourable opinion needs a motivation,
validating with opinions awaited needs them acknowledged; the plain transition POST is refused."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.campaigns.enums import FileState, OpinionKind
from pilote.campaigns.models import ApprovedRecord, FileEvent, Opinion, OpinionRequest, TransitionRefused
from pilote.core.enums import OrganisationKind

from ..core.factories import UserFactory
from .conftest import asked_of, fresh


@pytest.fixture
def in_review(file, people):
    file.run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    return fresh(file)


def _give(file, person, kind, text):
    return Opinion.objects.create(request=asked_of(file, person), kind=kind, text=text, author=person)


def _give_the_rest(file, **where):
    """The requests still pending (those matching `where`) answered favourably, each by a member of the organisation
    asked (the conseil régional of 27, asked when the review starts, has no one in `people`)."""
    for request in OpinionRequest.objects.filter(file=file, **where).pending().select_related("organisation"):
        author = UserFactory(organisation=request.organisation)
        Opinion.objects.create(request=request, kind=OpinionKind.FAVORABLE, text="Bien.", author=author)


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _part(page: str, marker: str) -> str:
    return page.split(f'id="{marker}"')[1].split("</div>")[0]


def test_validating_with_two_prefecture_opinions_pending_is_refused_without_acknowledgement(in_review, people):
    """The finding: ANCT validated a file with two préfecture opinions still pending, without warning."""
    _give(in_review, people["region84"], OpinionKind.FAVORABLE, "Bien.")
    _give(in_review, people["region27"], OpinionKind.FAVORABLE, "Bien.")
    _give_the_rest(in_review, organisation__kind=OrganisationKind.CONSEIL_REGIONAL)
    with pytest.raises(TransitionRefused) as refusal:
        in_review.run("validate", by=people["anct"], comment="Validé.")
    assert str(refusal.value) == (
        "Avis non rendus : Préfecture de l'Ain, Préfecture du Jura. "
        "Cochez la case pour valider le dossier sans ces avis."
    )
    assert fresh(in_review).state == FileState.IN_REVIEW
    assert not ApprovedRecord.objects.exists()


def test_the_confirmation_page_names_the_missing_late_and_unfavourable_opinions(client, in_review, people):
    _give(in_review, people["region84"], OpinionKind.UNFAVORABLE, "Fiches sans porteur.")
    _give(in_review, people["region27"], OpinionKind.RESERVED, "Financement à préciser.")
    OpinionRequest.objects.filter(pk=asked_of(in_review, people["dep39"]).pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(people["anct"])
    response = client.get(reverse("campaigns:file_validate", args=[in_review.pk]))
    assert response.status_code == 200
    page = _text(response)
    awaited = _part(page, "opinions-awaited")
    assert "4 avis non rendus" in awaited
    assert "Préfecture du Jura : attendu le" in awaited and "en retard" in awaited
    assert "Préfecture de l'Ain : attendu le" in awaited
    assert "Région Auvergne-Rhône-Alpes : attendu le" in awaited
    assert "Conseil régional – Bourgogne-Franche-Comté (27) : attendu le" in awaited
    against = _part(page, "opinions-against")
    assert "<strong>Défavorable</strong> — SGAR Auvergne-Rhône-Alpes" in against and "Fiches sans porteur." in against
    assert "<strong>Réservé</strong> — SGAR Bourgogne-Franche-Comté" in against
    assert "<strong>Motivation obligatoire</strong> : un avis défavorable a été rendu." in page
    assert "Je valide le dossier sans les avis non rendus listés ci-dessus." in page


def test_validating_against_an_unfavourable_opinion_needs_a_motivation(client, in_review, people):
    for code in ("01", "39"):
        _give(in_review, people[f"dep{code}"], OpinionKind.FAVORABLE, "Oui.")
    _give(in_review, people["region84"], OpinionKind.UNFAVORABLE, "Non.")
    _give(in_review, people["region27"], OpinionKind.FAVORABLE, "Oui.")
    _give_the_rest(in_review)
    client.force_login(people["anct"])
    url = reverse("campaigns:file_validate", args=[in_review.pk])
    response = client.post(url, {"comment": "  "})
    assert response.status_code == 400
    assert "Avis défavorable de : SGAR Auvergne-Rhône-Alpes. Motivez la validation malgré cet avis." in _text(response)
    assert fresh(in_review).state == FileState.IN_REVIEW
    response = client.post(url, {"comment": "Les fiches ont un porteur depuis le comité du 3 mars."})
    assert response.status_code == 302
    assert fresh(in_review).state == FileState.VALIDATED
    assert FileEvent.objects.filter(file=in_review, target=FileState.VALIDATED).get().comment.startswith("Les fiches")


def test_validating_with_opinions_missing_needs_the_box_ticked(client, in_review, people):
    client.force_login(people["anct"])
    url = reverse("campaigns:file_validate", args=[in_review.pk])
    response = client.post(url, {"comment": "ok"})
    assert response.status_code == 400
    assert "Cochez la case pour valider le dossier sans ces avis." in _text(response)
    assert fresh(in_review).state == FileState.IN_REVIEW
    assert client.post(url, {"comment": "", "acknowledge_missing": "on"}).status_code == 302
    record = ApprovedRecord.objects.get(file=in_review)
    assert record.acknowledged_missing is True
    assert [o["kind_label"] for o in record.opinions] == ["non rendu"] * 6


def test_with_every_opinion_favourable_the_page_asks_no_acknowledgement(client, in_review, people):
    _give_the_rest(in_review)
    client.force_login(people["anct"])
    url = reverse("campaigns:file_validate", args=[in_review.pk])
    page = _text(client.get(url))
    assert 'id="opinions-awaited"' not in page and "acknowledge_missing" not in page
    assert client.post(url, {}).status_code == 302
    assert fresh(in_review).state == FileState.VALIDATED


def test_sending_back_goes_through_its_page_and_needs_what_to_complete(client, in_review, people):
    client.force_login(people["anct"])
    url = reverse("campaigns:file_send_back", args=[in_review.pk])
    page = _text(client.get(url))
    assert "6 avis non rendus" in page
    response = client.post(url, {"comment": ""})
    assert response.status_code == 400
    assert "Indiquez aux porteurs du territoire ce qu'il faut compléter." in _text(response)
    assert client.post(url, {"comment": "Précisez le plan de financement."}).status_code == 302
    assert (fresh(in_review).state, fresh(in_review).review_comment) == (
        FileState.TO_COMPLETE,
        "Précisez le plan de financement.",
    )


@pytest.mark.parametrize("name", ["validate", "send_back"])
def test_the_plain_transition_post_is_refused_and_leads_to_the_confirmation(client, in_review, people, name):
    client.force_login(people["anct"])
    response = client.post(
        reverse("campaigns:file_transition", args=[in_review.pk, name]),
        {"comment": "x", "acknowledge_missing": "on"},
    )
    assert response.status_code == 400
    assert "Confirmez la décision sur sa page" in _text(response)
    assert fresh(in_review).state == FileState.IN_REVIEW
    page = client.get(reverse("campaigns:file", args=[in_review.pk])).content.decode()
    assert f'href="{reverse(f"campaigns:file_{name}", args=[in_review.pk])}"' in page


@pytest.mark.parametrize("who, status", [("team", 403), ("dep01", 403), ("region84", 403), ("other_team", 404)])
def test_only_anct_opens_the_decision_pages(client, in_review, people, who, status):
    client.force_login(people[who])
    for name in ("file_validate", "file_send_back"):
        assert client.get(reverse(f"campaigns:{name}", args=[in_review.pk])).status_code == status
        response = client.post(reverse(f"campaigns:{name}", args=[in_review.pk]), {"acknowledge_missing": "on"})
        assert response.status_code == status
    assert fresh(in_review).state == FileState.IN_REVIEW


def test_a_draft_cannot_be_validated_from_its_page(client, file, people):
    client.force_login(people["anct"])
    assert client.get(reverse("campaigns:file_validate", args=[file.pk])).status_code == 403


def test_the_confirmation_page_takes_a_constant_number_of_queries(
    client, in_review, people, django_assert_max_num_queries
):
    _give(in_review, people["region84"], OpinionKind.UNFAVORABLE, "Non.")
    client.force_login(people["anct"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("campaigns:file_validate", args=[in_review.pk])).status_code == 200
