"""Opinions (avis): asked of préfectures and régions at the start of the review, of operators when ANCT asks;
given by the people they are addressed to, with a deadline fixed when asked."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.campaigns.enums import OpinionKind
from pilote.campaigns.models import Opinion, OpinionRequest
from pilote.core.models import AuditEvent, Organisation

from .conftest import asked_of, fresh


@pytest.fixture
def in_review(file, people):
    file.run("submit", by=people["team"])
    file = fresh(file)
    file.run("start_review", by=people["anct"])
    return fresh(file)


def _request(file, **kw):
    return OpinionRequest.objects.get(file=file, **kw)


def test_the_prefecture_gives_its_opinion(client, in_review, people):
    request = asked_of(in_review, people["dep01"])
    client.force_login(people["dep01"])
    response = client.post(
        reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "reserve", "text": "Financements à préciser."}
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get(request=request)
    assert (opinion.kind, opinion.author) == (OpinionKind.RESERVED, people["dep01"])
    assert AuditEvent.objects.filter(action="opinion.give", actor=people["dep01"], territory_code="ti-8401").exists()
    page = client.get(reverse("campaigns:file", args=[in_review.pk])).content.decode()
    assert "Réservé" in page and "Financements à préciser." in page


def test_the_sgar_and_the_conseil_regional_each_give_their_own_opinion_on_the_same_file(client, in_review, people):
    """The finding of issue 12: one « Région (84) » slot was shared, and once one answered the other could not."""
    for who, kind in [("region84", "reserve"), ("council84", "favorable")]:
        client.force_login(people[who])
        request = asked_of(in_review, people[who])
        response = client.post(
            reverse("campaigns:opinion_give", args=[request.pk]), {"kind": kind, "text": f"Avis de {who}."}
        )
        assert response.status_code == 302
    given = {
        (o.request.organisation.kind, o.kind, o.author)
        for o in Opinion.objects.filter(request__file=in_review).select_related("request__organisation")
    }
    assert given == {
        ("prefecture_region", OpinionKind.RESERVED, people["region84"]),
        ("conseil_regional", OpinionKind.FAVORABLE, people["council84"]),
    }
    page = unescape(client.get(reverse("campaigns:file", args=[in_review.pk])).content.decode())
    assert "Avis de region84." in page and "Avis de council84." in page


def test_the_conseil_regional_cannot_answer_the_request_of_the_sgar(client, in_review, people):
    client.force_login(people["council84"])
    request = asked_of(in_review, people["region84"])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    assert response.status_code == 403
    assert not Opinion.objects.exists()


def test_starting_the_review_twice_asks_each_organisation_once_and_creates_missing_ones(in_review, people):
    before = set(Organisation.objects.values_list("pk", flat=True))
    assert OpinionRequest.ask_state_services(in_review, by=people["anct"]) == []
    assert set(Organisation.objects.values_list("pk", flat=True)) == before
    created = Organisation.objects.get(kind="conseil_regional", region_code="27")
    assert created.name.startswith("Conseil régional – ") and created.name.endswith("(27)")


def test_asking_an_organisation_already_asked_is_refused_in_french(client, in_review, people):
    client.force_login(people["anct"])
    sgar = people["region84"].organisation
    response = client.post(
        reverse("campaigns:opinion_ask", args=[in_review.pk]), {"organisation": sgar.pk, "deadline": "2030-01-01"}
    )
    assert response.status_code == 400
    assert f"Un avis est déjà demandé à {sgar} sur ce dossier." in unescape(response.content.decode())
    assert OpinionRequest.objects.filter(file=in_review, organisation=sgar).count() == 1


@pytest.mark.parametrize("who", ["dep39", "region84", "team", "anct", "operator"])
def test_only_the_addressee_answers(client, in_review, people, who):
    request = asked_of(in_review, people["dep01"])
    client.force_login(people[who])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    assert response.status_code == 403
    assert not Opinion.objects.exists()


def test_a_reviewer_outside_the_scope_does_not_even_see_the_request(client, other_file, people):
    other_file.run("submit", by=people["other_team"])
    other_file = fresh(other_file)
    other_file.run("start_review", by=people["anct"])
    request = asked_of(other_file, people["region27"])
    client.force_login(people["region84"])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    assert response.status_code == 404


def test_an_opinion_is_given_once(client, in_review, people):
    request = asked_of(in_review, people["region84"])
    client.force_login(people["region84"])
    url = reverse("campaigns:opinion_give", args=[request.pk])
    client.post(url, {"kind": "favorable", "text": "Très bien."})
    assert client.post(url, {"kind": "defavorable", "text": "Non."}).status_code == 403
    assert Opinion.objects.get().kind == OpinionKind.FAVORABLE


def test_an_opinion_without_text_is_refused_in_french(client, in_review, people):
    request = asked_of(in_review, people["region84"])
    client.force_login(people["region84"])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "bof", "text": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Motivez votre avis." in page and "Sélectionnez un choix valide" in page


def test_no_opinion_outside_the_review(client, file, people, in_review):
    request = asked_of(in_review, people["region84"])
    in_review.run("validate", by=people["anct"], acknowledged_missing=True)
    client.force_login(people["region84"])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    assert response.status_code == 403


def test_anct_asks_an_operator_with_a_deadline_and_the_operator_answers(client, in_review, people):
    bpifrance = Organisation.objects.get(name="Bpifrance")
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    client.force_login(people["anct"])
    response = client.post(
        reverse("campaigns:opinion_ask", args=[in_review.pk]), {"organisation": bpifrance.pk, "deadline": deadline}
    )
    assert response.status_code == 302
    request = _request(in_review, organisation=bpifrance)
    assert (request.deadline, request.asked_by) == (deadline, people["anct"])
    client.force_login(people["operator"])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "Oui"})
    assert response.status_code == 302


def test_asking_with_a_past_deadline_is_refused(client, in_review, people):
    bpifrance = Organisation.objects.get(name="Bpifrance")
    client.force_login(people["anct"])
    response = client.post(
        reverse("campaigns:opinion_ask", args=[in_review.pk]), {"organisation": bpifrance.pk, "deadline": "2020-01-01"}
    )
    assert response.status_code == 400
    assert "ne peut pas être passée" in response.content.decode()


@pytest.mark.parametrize("who", ["team", "dep01", "operator"])
def test_only_anct_asks_operators(client, in_review, people, who):
    client.force_login(people[who])
    response = client.post(reverse("campaigns:opinion_ask", args=[in_review.pk]), {"deadline": "2030-01-01"})
    assert response.status_code == 403


def test_late_opinions(in_review, people):
    request = asked_of(in_review, people["region84"])
    OpinionRequest.objects.filter(pk=request.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert list(OpinionRequest.objects.late()) == [OpinionRequest.objects.get(pk=request.pk)]


# --- deadlines: a late opinion is refused unless ANCT extends the deadline -----------------------------------------


def _late(request, days=1):
    OpinionRequest.objects.filter(pk=request.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=days))
    return OpinionRequest.objects.get(pk=request.pk)


def test_an_opinion_past_its_deadline_is_refused_in_french_and_writes_nothing(client, in_review, people):
    request = _late(asked_of(in_review, people["region84"]))
    client.force_login(people["region84"])
    audit_rows = AuditEvent.objects.count()
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    assert response.status_code == 403
    page = unescape(response.content.decode())
    assert f"La date limite de cet avis ({request.deadline:%d/%m/%Y}) est passée" in page
    assert not Opinion.objects.exists()
    assert AuditEvent.objects.count() == audit_rows
    # The file page no longer offers the form to the late addressee.
    file_page = client.get(reverse("campaigns:file", args=[in_review.pk])).content.decode()
    assert reverse("campaigns:opinion_give", args=[request.pk]) not in file_page


def test_an_opinion_on_its_deadline_day_is_still_accepted(client, in_review, people):
    request = _late(asked_of(in_review, people["region84"]), days=0)
    client.force_login(people["region84"])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    assert response.status_code == 302
    assert Opinion.objects.filter(request=request).exists()


def test_anct_extends_a_deadline_recorded_then_the_late_opinion_is_accepted(client, in_review, people):
    request = _late(asked_of(in_review, people["region84"]), days=3)
    old = request.deadline
    new = timezone.localdate() + datetime.timedelta(days=7)
    client.force_login(people["anct"])
    page = client.get(reverse("campaigns:file", args=[in_review.pk])).content.decode()
    assert reverse("campaigns:opinion_extend", args=[request.pk]) in page
    response = client.post(reverse("campaigns:opinion_extend", args=[request.pk]), {"deadline": new.isoformat()})
    assert response.status_code == 302
    assert OpinionRequest.objects.get(pk=request.pk).deadline == new
    event = AuditEvent.objects.get(action="opinion.extend")
    assert (event.actor, event.territory_code) == (people["anct"], "ti-8401")
    assert event.changes == {"deadline": [old.isoformat(), new.isoformat()]}
    history = unescape(client.get(reverse("campaigns:file_history", args=[in_review.pk])).content.decode())
    assert f"Délai de l'avis SGAR Auvergne-Rhône-Alpes prolongé : {old:%d/%m/%Y} → {new:%d/%m/%Y}." in history
    client.force_login(people["region84"])
    response = client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("2020-01-01", "La nouvelle date limite ne peut pas être passée."),
        ("", "Ce champ est obligatoire."),
        ("demain", "Saisissez une date valide."),
    ],
)
def test_a_bad_extension_is_refused_in_french_and_changes_nothing(client, in_review, people, deadline, message):
    request = _late(asked_of(in_review, people["region84"]))
    client.force_login(people["anct"])
    response = client.post(reverse("campaigns:opinion_extend", args=[request.pk]), {"deadline": deadline})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert OpinionRequest.objects.get(pk=request.pk).deadline == request.deadline
    assert not AuditEvent.objects.filter(action="opinion.extend").exists()


def test_an_extension_must_move_the_deadline_later(client, in_review, people):
    request = asked_of(in_review, people["region84"])
    client.force_login(people["anct"])
    earlier = request.deadline - datetime.timedelta(days=1)
    response = client.post(reverse("campaigns:opinion_extend", args=[request.pk]), {"deadline": earlier.isoformat()})
    assert response.status_code == 400
    assert "La nouvelle date limite doit suivre l'actuelle" in unescape(response.content.decode())


@pytest.mark.parametrize("who", ["region84", "dep01", "team", "operator"])
def test_only_anct_extends_a_deadline(client, in_review, people, who):
    request = _late(asked_of(in_review, people["region84"]))
    client.force_login(people[who])
    new = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(reverse("campaigns:opinion_extend", args=[request.pk]), {"deadline": new.isoformat()})
    assert response.status_code == 403
    assert OpinionRequest.objects.get(pk=request.pk).deadline == request.deadline


def test_no_extension_once_the_opinion_is_given(client, in_review, people):
    request = asked_of(in_review, people["region84"])
    Opinion.objects.create(request=request, kind=OpinionKind.FAVORABLE, text="ok", author=people["region84"])
    client.force_login(people["anct"])
    new = timezone.localdate() + datetime.timedelta(days=70)
    response = client.post(reverse("campaigns:opinion_extend", args=[request.pk]), {"deadline": new.isoformat()})
    assert response.status_code == 403
