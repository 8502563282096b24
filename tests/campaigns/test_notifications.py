"""The e-mails of a file's life: each transition, each opinion asked, given or given more time, sent after commit to
the people concerned (never to the person who acted), each recorded for « Mes notifications »."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pilote.campaigns.models import OpinionRequest, TransitionRefused
from pilote.core.models import Notification

from .conftest import asked_of, fresh

SUBJECT = "[Pilote TI] {} : Ain industriel (ti-8401)"


def sent() -> dict[str, list[str]]:
    """subject → the sorted addresses it went to."""
    out: dict[str, list[str]] = {}
    for message in mail.outbox:
        out.setdefault(message.subject, []).extend(message.to)
    return {subject: sorted(to) for subject, to in out.items()}


def emails(people, *names) -> list[str]:
    return sorted(people[name].email for name in names)


@pytest.fixture
def in_review(file, people):
    file.run("submit", by=people["team"])
    file = fresh(file)
    file.run("start_review", by=people["anct"])
    mail.outbox.clear()
    return fresh(file)


def test_a_submission_tells_anct_not_the_team_member_who_submitted(file, people, committed):
    with committed():
        file.run("submit", by=people["team"], comment="Plan revu en comité.")
    assert sent() == {SUBJECT.format("Dossier déposé"): emails(people, "anct")}
    body = mail.outbox[0].body
    assert "campagne « Mise à jour 2025 », est maintenant « Déposé »" in body
    assert "Commentaire : Plan revu en comité." in body


def test_the_review_tells_the_team_and_asks_each_state_service(file, people, committed):
    file.run("submit", by=people["team"])
    file = fresh(file)
    with committed():
        file.run("start_review", by=people["anct"])
    assert sent() == {
        SUBJECT.format("Instruction commencée"): emails(people, "team"),
        SUBJECT.format("Avis demandé"): emails(people, "dep01", "dep39", "region27", "region84", "council84"),
    }
    deadline = f"{file.campaign.opinion_deadline:%d/%m/%Y}"
    asked = next(m for m in mail.outbox if m.to == [people["dep01"].email])
    assert "Votre avis (Préfecture de l'Ain) est demandé" in asked.body and deadline in asked.body


def test_an_opinion_given_tells_anct_and_the_team(client, in_review, people, committed):
    request = asked_of(in_review, people["dep01"])
    client.force_login(people["dep01"])
    with committed():
        response = client.post(
            reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "reserve", "text": "Financements flous."}
        )
    assert response.status_code == 302
    assert sent() == {SUBJECT.format("Avis réservé rendu"): emails(people, "anct", "team")}
    assert "Motivation : Financements flous." in mail.outbox[0].body


def test_an_operator_asked_and_a_deadline_extended_tell_the_addressee(in_review, people, committed):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    with committed():
        OpinionRequest.ask_organisation(
            in_review, organisation=people["operator"].organisation, deadline=deadline, by=people["anct"]
        )
        asked_of(in_review, people["region84"]).extend_deadline(deadline=deadline, by=people["anct"])
    assert sent() == {
        SUBJECT.format("Avis demandé"): emails(people, "operator"),
        SUBJECT.format("Délai de l'avis prolongé"): emails(people, "region84"),
    }


def test_a_file_sent_back_tells_the_team_what_to_complete(in_review, people, committed):
    with committed():
        in_review.run("send_back", by=people["anct"], comment="Ajoutez la délibération.")
    assert sent() == {SUBJECT.format("Dossier à compléter"): emails(people, "team")}
    assert "Commentaire : Ajoutez la délibération." in mail.outbox[0].body
    assert "Complétez le dossier puis déposez-le de nouveau" in mail.outbox[0].body


def test_a_validation_tells_the_team_and_those_asked_for_an_opinion(in_review, people, committed):
    with committed():
        in_review.run("validate", by=people["anct"], acknowledged_missing=True)
    expected = emails(people, "team", "dep01", "dep39", "region27", "region84", "council84")
    assert sent() == {SUBJECT.format("Dossier validé"): expected}


def test_a_reopened_submission_tells_the_team(file, people, committed):
    with committed():
        file.reopen(by=people["anct"], until=timezone.localdate() + datetime.timedelta(days=5))
    assert sent() == {SUBJECT.format("Dépôt rouvert"): emails(people, "team")}


def test_a_refused_transition_sends_nothing(file, people, committed):
    with committed(), pytest.raises(TransitionRefused, match="Action impossible"):
        file.run("validate", by=people["team"])
    assert mail.outbox == [] and Notification.objects.count() == 0


def test_a_transition_rolled_back_after_its_history_sends_nothing(file, people, committed):
    with committed():
        try:
            with transaction.atomic():
                file.run("submit", by=people["team"])
                raise RuntimeError("something failed later in the same transaction")
        except RuntimeError:
            pass
    assert mail.outbox == [] and Notification.objects.count() == 0
