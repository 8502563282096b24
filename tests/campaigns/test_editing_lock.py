"""While its file is déposé or en instruction, the team's plan, governance and perimeter request are read-only;
they are editable again once the file is returned « à compléter » or validated."""

import html

import pytest
from django.urls import reverse

from pilote.core.models import AuditEvent
from pilote.plans.models import FicheAction

from ..plans.factories import FicheFactory
from ..plans.test_views_fiche import edit_data
from .conftest import fresh

LOCKED = "Le dossier de ce territoire est déposé"


def _url(name, file, **kwargs):
    t = file.territory
    return reverse(f"plans:{name}", kwargs={"phase": t.phase.slug, "code": t.code, **kwargs})


def _submit(file, people):
    fresh(file).run("submit", by=people["team"])
    return fresh(file)


def test_the_team_s_post_on_a_fiche_during_review_changes_nothing(client, file, people):
    fiche = FicheFactory(territory=file.territory, title="Avant")
    _submit(file, people)
    client.force_login(people["team"])
    events = AuditEvent.objects.count()
    response = client.post(_url("fiche_edit", file, pk=fiche.pk), edit_data(fiche, title="Après"))
    assert response.status_code == 403
    assert LOCKED in html.unescape(response.content.decode())
    assert FicheAction.objects.get(pk=fiche.pk).title == "Avant"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", ["fiche_create", "import", "governance_edit", "project_lead", "project_lead_change"])
def test_every_edit_page_of_the_plan_and_governance_is_refused_during_review(client, file, people, name):
    _submit(file, people)
    client.force_login(people["team"])
    events = AuditEvent.objects.count()
    assert client.get(_url(name, file)).status_code == 403
    assert client.post(_url(name, file), {"title": "x"}).status_code == 403
    assert AuditEvent.objects.count() == events


def test_the_plan_and_governance_pages_say_why_they_are_read_only(client, file, people):
    _submit(file, people)
    client.force_login(people["team"])
    plan = html.unescape(client.get(_url("plan", file)).content.decode())
    assert LOCKED in plan and "Nouvelle fiche action" not in plan
    governance = html.unescape(client.get(_url("governance", file)).content.decode())
    assert LOCKED in governance and _url("governance_edit", file) not in governance


def test_in_review_is_locked_too_and_returned_unlocks(client, file, people):
    file = _submit(file, people)
    file.run("start_review", by=people["anct"])
    client.force_login(people["team"])
    assert client.get(_url("fiche_create", file)).status_code == 403
    fresh(file).run("send_back", by=people["anct"], comment="Compléter la gouvernance.")
    assert client.get(_url("fiche_create", file)).status_code == 200
    assert client.get(_url("governance_edit", file)).status_code == 200


def test_a_validated_file_unlocks_the_plan_for_the_next_draft(client, file, people):
    file = _submit(file, people)
    file.run("start_review", by=people["anct"])
    fresh(file).run("validate", by=people["anct"], acknowledged_missing=True)
    client.force_login(people["team"])
    assert client.get(_url("fiche_create", file)).status_code == 200


def test_anct_is_not_locked_out(client, file, people):
    _submit(file, people)
    client.force_login(people["anct"])
    assert client.get(_url("fiche_create", file)).status_code == 200


def test_the_perimeter_request_is_read_only_during_review(client, file, people):
    _submit(file, people)
    client.force_login(people["team"])
    url = reverse("campaigns:file_perimeter", args=[file.pk])
    assert client.post(url, {"reason": "x", "save": "1"}).status_code == 403
    assert not hasattr(fresh(file), "perimeter_request")
