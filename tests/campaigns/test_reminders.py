"""E-mail reminders of deadlines past or near (opinions, submissions), once a day at most, sent after commit."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from pilote.campaigns.enums import OpinionKind
from pilote.campaigns.models import Campaign, Opinion, OpinionRequest
from pilote.campaigns.reminders import send_reminders

from .conftest import fresh


@pytest.fixture
def in_review(file, people):
    file.run("submit", by=people["team"])
    file = fresh(file)
    file.run("start_review", by=people["anct"])
    return fresh(file)


def _due(file, days: int, **kw):
    OpinionRequest.objects.filter(file=file, **kw).update(deadline=timezone.localdate() + datetime.timedelta(days=days))


def test_a_late_opinion_is_reminded_to_its_reviewers(in_review, people, committed):
    _due(in_review, -2, organisation__kind="prefecture_departement", organisation__departement_code="01")
    with committed():
        call_command("send_opinion_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people["dep01"].email]
    assert message.subject == "[Pilote TI] Avis en retard : Ain industriel (ti-8401)"
    assert f"http://localhost:8000/espace/campagnes/dossiers/{in_review.pk}/" in message.body
    assert "Le délai est passé : l'ANCT peut le prolonger." in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_an_opinion_near_its_deadline_is_reminded_too(in_review, people, committed):
    _due(in_review, 2, organisation__kind="prefecture_region", organisation__region_code="84")
    with committed():
        send_reminders(today=timezone.localdate(), days=3)
    assert [m.to for m in mail.outbox] == [[people["region84"].email]]
    assert "Avis attendu" in mail.outbox[0].subject


def test_reminders_are_sent_once_a_day(in_review, committed):
    _due(in_review, -1, organisation__kind="prefecture_departement", organisation__departement_code="01")
    today = timezone.localdate()
    with committed():
        send_reminders(today=today)
        send_reminders(today=today)
    assert len(mail.outbox) == 1
    with committed():
        send_reminders(today=today + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2


def test_answered_far_or_closed_requests_are_not_reminded(in_review, people, committed):
    _due(in_review, -1, organisation__kind="prefecture_departement", organisation__departement_code="01")
    Opinion.objects.create(
        request=OpinionRequest.objects.get(
            file=in_review, organisation__kind="prefecture_departement", organisation__departement_code="01"
        ),
        kind=OpinionKind.FAVORABLE,
        text="ok",
        author=people["dep01"],
    )
    # the other requests are due on the campaign's opinion deadline, 20 days away
    with committed():
        send_reminders(today=timezone.localdate(), days=3)
    assert mail.outbox == []


def test_dry_run_sends_nothing(in_review, capsys):
    _due(in_review, -1, organisation__kind="prefecture_departement", organisation__departement_code="01")
    call_command("send_opinion_reminders", "--dry-run")
    assert mail.outbox == []
    assert "1 relance(s) à faire." in capsys.readouterr().out
    assert OpinionRequest.objects.filter(last_reminded_on__isnull=False).count() == 0


def test_a_file_near_its_submission_deadline_is_reminded_to_its_team(file, other_file, people, committed):
    file.run("submit", by=people["team"])  # submitted: nothing more to remind
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Campaign.objects.filter(pk=file.campaign_id).update(submission_deadline=tomorrow)
    with committed():
        sent = send_reminders(today=timezone.localdate())
    assert [(target.pk, emails) for target, emails in sent] == [(other_file.pk, [people["other_team"].email])]
    assert [m.subject for m in mail.outbox] == ["[Pilote TI] Dépôt attendu : Nouveau Jura (ti-2701)"]
    assert fresh(other_file).last_reminded_on == timezone.localdate()
