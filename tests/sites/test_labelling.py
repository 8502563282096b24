from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.core.models import AuditEvent
from pilote.sites.enums import LabelState, MilestoneKind
from pilote.sites.models import LabelOpinionRequest, Milestone, Site

from .conftest import make_site

pytestmark = pytest.mark.django_db


def step(client, user, site, name, **data):
    client.force_login(user)
    return client.post(reverse("sites:label_step", args=[site.identifier, name]), data)


def state_of(site) -> str:
    return Site.objects.get(pk=site.pk).label_state


def in_review(client, people, site):
    step(client, people["anct"], site, "shortlist")
    deadline = timezone.localdate() + timedelta(days=30)
    return step(client, people["anct"], site, "open_review", deadline=deadline.isoformat())


def test_anct_opens_the_review_and_asks_prefecture_region_and_bdt(client, people, bdt):
    site = make_site()
    response = in_review(client, people, site)
    assert response.status_code == 302
    assert state_of(site) == LabelState.IN_REVIEW
    asked = sorted(LabelOpinionRequest.objects.filter(site=site).values_list("organisation__name", flat=True))
    assert asked == ["Banque des Territoires", "Préfecture de l'Ain", "Région Auvergne-Rhône-Alpes"]


def test_a_site_is_labelled_only_with_the_favourable_opinion_of_bdt(client, people, bdt):
    site = make_site()
    in_review(client, people, site)
    refused = step(client, people["anct"], site, "label")
    assert refused.status_code == 400
    assert "avis favorable" in refused.content.decode()
    assert state_of(site) == LabelState.IN_REVIEW
    request = LabelOpinionRequest.objects.get(site=site, organisation=bdt.organisation)
    client.force_login(bdt)
    given = client.post(reverse("sites:label_opinion", args=[request.pk]), {"kind": "favorable", "text": ""})
    assert given.status_code == 302
    assert step(client, bdt, site, "label").status_code == 302
    assert state_of(site) == LabelState.LABELLED
    actions = list(
        AuditEvent.objects.filter(object_type="sites.site", object_id=str(site.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["site.label.en_instruction", "site.label.labellise", "site.label.preselectionne"]


def test_a_territory_team_cannot_shortlist_its_site(client, people):
    site = make_site()
    response = step(client, people["team"], site, "shortlist")
    assert response.status_code == 403
    assert state_of(site) == LabelState.POOL


def test_the_review_needs_a_deadline_after_today(client, people, bdt):
    site = make_site(state=LabelState.SHORTLISTED)
    response = step(client, people["anct"], site, "open_review", deadline=timezone.localdate().isoformat())
    assert response.status_code == 400
    assert state_of(site) == LabelState.SHORTLISTED
    assert not LabelOpinionRequest.objects.filter(site=site).exists()


def test_postponing_needs_a_motivation(client, people, bdt):
    site = make_site()
    in_review(client, people, site)
    assert step(client, bdt, site, "postpone").status_code == 400
    assert state_of(site) == LabelState.IN_REVIEW
    assert step(client, bdt, site, "postpone", comment="Maîtrise foncière à consolider").status_code == 302
    assert state_of(site) == LabelState.POSTPONED


def test_a_step_from_the_wrong_state_is_refused(client, people):
    site = make_site(state=LabelState.LABELLED)
    response = step(client, people["anct"], site, "shortlist")
    assert response.status_code == 400
    assert state_of(site) == LabelState.LABELLED


def test_another_organisation_cannot_give_the_opinion_of_bdt(client, people, bdt):
    site = make_site()
    in_review(client, people, site)
    request = LabelOpinionRequest.objects.get(site=site, organisation=bdt.organisation)
    client.force_login(people["dep01"])
    response = client.post(reverse("sites:label_opinion", args=[request.pk]), {"kind": "favorable"})
    assert response.status_code == 403
    assert LabelOpinionRequest.objects.get(pk=request.pk).kind == ""


def test_an_unfavourable_opinion_needs_a_motivation(client, people, bdt):
    site = make_site()
    in_review(client, people, site)
    request = LabelOpinionRequest.objects.get(site=site, organisation__name="Préfecture de l'Ain")
    client.force_login(people["dep01"])
    response = client.post(reverse("sites:label_opinion", args=[request.pk]), {"kind": "defavorable", "text": ""})
    assert response.status_code == 400
    assert LabelOpinionRequest.objects.get(pk=request.pk).kind == ""


def test_the_team_of_another_territory_does_not_see_the_labelling(client, people):
    site = make_site()
    client.force_login(people["other_team"])
    assert client.get(reverse("sites:label_site", args=[site.identifier])).status_code == 404
    client.force_login(people["team"])
    page = client.get(reverse("sites:label_site", args=[site.identifier]))
    assert "dans le vivier" in page.content.decode()


def test_the_team_plans_its_milestones_and_the_dashboard_counts_ready_sites(client, people, bdt):
    today = timezone.localdate()
    ready = make_site("S-1", state=LabelState.LABELLED)
    later = make_site("S-2", state=LabelState.LABELLED, region_code="27", departement_code="39")
    Milestone.objects.create(site=later, kind=MilestoneKind.AVAILABILITY, planned_on=date(today.year + 2, 6, 1))
    client.force_login(people["team"])
    url = reverse("sites:label_milestone", args=[ready.identifier, MilestoneKind.AVAILABILITY])
    response = client.post(url, {"availability-done_on": (today - timedelta(days=1)).isoformat()})
    assert response.status_code == 302
    client.force_login(bdt)
    page = client.get(reverse("sites:label_dashboard")).content.decode()
    assert "<strong>1</strong> site(s) prêt(s) à accueillir aujourd'hui sur 2" in page
    assert f"{today.year} : 1" in page and f"{today.year + 2} : 1" in page
    assert "Région 27 : 1 labellisé(s), 0 prêt(s)" in page


def test_an_amount_belongs_to_a_bdt_financing_only(client, people):
    site = make_site(state=LabelState.LABELLED)
    client.force_login(people["anct"])
    url = reverse("sites:label_milestone", args=[site.identifier, MilestoneKind.SERVICING])
    response = client.post(url, {"servicing-planned_on": "2030-01-01", "servicing-amount": "1000"})
    assert response.status_code == 400
    assert not Milestone.objects.exists()
    url = reverse("sites:label_milestone", args=[site.identifier, MilestoneKind.BDT_INVESTMENT])
    response = client.post(url, {"bdt_investment-planned_on": "2030-01-01", "bdt_investment-amount": "1000"})
    assert response.status_code == 302
    assert Milestone.objects.get().amount == 1000


def test_a_stale_milestone_edit_is_refused(client, people):
    site = make_site(state=LabelState.LABELLED)
    milestone = Milestone.objects.create(site=site, kind=MilestoneKind.PERMITS, planned_on=date(2030, 1, 1))
    client.force_login(people["anct"])
    url = reverse("sites:label_milestone", args=[site.identifier, MilestoneKind.PERMITS])
    data = {"permits-planned_on": "2031-01-01", "permits-revision": milestone.revision + 5}
    assert client.post(url, data).status_code == 409
    assert Milestone.objects.get().planned_on == date(2030, 1, 1)


def test_the_dashboard_reads_a_constant_number_of_queries(client, people, bdt):
    def labelled(n):
        site = make_site(f"S-{n}", state=LabelState.LABELLED)
        Milestone.objects.create(site=site, kind=MilestoneKind.AVAILABILITY, planned_on=date(2030, 1, 1))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("sites:label_dashboard"))
        assert page.status_code == 200
        return len(captured)

    labelled(0)
    client.force_login(bdt)
    client.get(reverse("sites:label_dashboard"))
    one = queries()
    for n in range(1, 6):
        labelled(n)
    assert queries() == one
    assert "2030 : 6" in client.get(reverse("sites:label_dashboard")).content.decode()
