from django.urls import reverse

from pilote.core.history import Vocabularies
from pilote.core.models import AuditEvent
from pilote.targeting import catalogue as k
from pilote.targeting import index
from pilote.targeting.history import VOCABULARY
from pilote.targeting.models import MethodVersion

URL = reverse("targeting:method_edit")


def form_data(**changes):
    data = {
        "transformation": "zscore",
        "missing_values": "median",
        "notes": "Plus de poids à la pauvreté.",
        f"weight_{k.POVERTY}": "0.5",
        f"weight_{k.UNEMPLOYMENT_MEAN}": "0.5",
        **{f"threshold_{name}": str(value) for name, value in index.DEFAULT_THRESHOLDS.items()},
    }
    return {**data, **changes}


def test_anct_sees_the_latest_version_as_the_starting_point(client, people, data, django_assert_max_num_queries):
    index.ensure_default_method()
    client.force_login(people["anct"])
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    html = response.content.decode()
    assert "Version en vigueur : n° 1" in html
    assert f'name="weight_{k.UNEMPLOYMENT_MEAN}" value="0.25"' in html


def test_anct_publishes_a_new_version_recorded_in_the_history(client, people, data):
    first = index.ensure_default_method()
    client.force_login(people["anct"])
    response = client.post(URL, form_data(**{"threshold_unemployment_rise_points": "1.5"}))
    assert response.status_code == 302
    version = MethodVersion.objects.get(method=first.method, number=2)
    assert version.is_published and version.transformation == "zscore" and version.created_by == people["anct"]
    assert dict(version.weights.values_list("indicator__code", "weight")) == {k.POVERTY: 0.5, k.UNEMPLOYMENT_MEAN: 0.5}
    assert version.thresholds["unemployment_rise_points"] == 1.5
    assert index.latest_version() == version
    assert first.weights.count() == len(index.DEFAULT_WEIGHTS)  # version 1 untouched
    event = AuditEvent.objects.get(action="method_version.create")
    ((_, label, changes),) = Vocabularies((VOCABULARY,)).history([event])
    assert label == "Nouvelle version de la méthode publiée"
    assert ("Transformation", "–", "scores centrés réduits") in [(ch.label, ch.before, ch.after) for ch in changes]


def test_a_version_without_any_weight_is_refused_in_french(client, people, data):
    client.force_login(people["anct"])
    empty = {f"weight_{k.POVERTY}": "", f"weight_{k.UNEMPLOYMENT_MEAN}": ""}
    response = client.post(URL, form_data(**empty))
    assert response.status_code == 400
    assert "Donnez un poids positif à au moins un indicateur." in response.content.decode()
    assert not MethodVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="method_version.create").exists()


def test_a_negative_weight_is_refused(client, people, data):
    client.force_login(people["anct"])
    response = client.post(URL, form_data(**{f"weight_{k.POVERTY}": "-1"}))
    assert response.status_code == 400
    assert not MethodVersion.objects.exists()


def test_a_regional_reviewer_cannot_publish_a_version(client, people, data):
    client.force_login(people["region84"])
    assert client.post(URL, form_data()).status_code == 403
    assert not MethodVersion.objects.exists()
