"""ANCT follows up a shock alert: its page links to the designation, or dismisses it with a reason (history in
French); an alert already followed up is not dismissed again; only ANCT."""

import pytest
from django.urls import reverse

from pilote.core.models import AuditEvent
from pilote.targeting.enums import AlertStatus
from pilote.targeting.models import Alert
from tests.targeting.shocks import alert


@pytest.fixture
def anct(client, people):
    client.force_login(people["anct"])
    return people["anct"]


def test_page_links_to_the_designation(client, anct):
    found = alert()
    body = client.get(reverse("targeting:alert_follow_up", args=[found.pk])).content.decode()
    assert reverse("budget:designation_from_alert", args=[found.pk]) in body


def test_dismiss_with_a_reason_is_recorded(client, anct):
    found = alert()
    url = reverse("targeting:alert_follow_up", args=[found.pk])
    assert client.post(url, {"reason": "Hausse conjoncturelle résorbée"}).status_code == 302
    found.refresh_from_db()
    assert (found.status, found.reviewed_by) == (AlertStatus.DISMISSED, anct)
    body = client.get(url).content.decode()
    assert "écartée, par" in body and "Alerte écartée" in body and "Hausse conjoncturelle résorbée" in body
    assert "Écarter l'alerte</button>" not in body


def test_without_reason_or_once_followed_up_nothing_changes(client, anct):
    found = alert()
    url = reverse("targeting:alert_follow_up", args=[found.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    Alert.objects.filter(pk=found.pk).update(status=AlertStatus.DESIGNATED)
    assert client.post(url, {"reason": "Motif"}).status_code == 400
    assert Alert.objects.get().status == AlertStatus.DESIGNATED
    assert not AuditEvent.objects.filter(action="targeting.alert_dismiss").exists()


def test_only_anct(client, people):
    found = alert()
    client.force_login(people["region27"])
    url = reverse("targeting:alert_follow_up", args=[found.pk])
    assert client.post(url, {"reason": "Motif"}).status_code == 403
    assert Alert.objects.get().status == AlertStatus.OPEN
