"""Pages of the qualification method: read by all, a new version by ANCT only (bad input refused, nothing written),
and the « Score » block of a site with each criterion's points and the facts they came from."""

from django.urls import reverse

from pilote.core.models import AuditEvent
from pilote.sites import scoring
from pilote.sites.models import QualificationMethod, SiteScore
from tests.sites.test_scoring import fact, make_site


def _scored_pool(count=3):
    for i in range(count):
        make_site(f"p{i}", kind="brownfield", area_m2=10_000 * (i + 1), zoning="U")
    scoring.score_pool(scoring.ensure_default_method())


def _form_data(method, **changes):
    data = {"notes": "Plus de poids à la sobriété foncière."}
    for criterion in method.criteria:
        data[f"weight_{criterion['key']}"] = criterion["weight"]
        for i, value in enumerate(criterion["values"]):
            data[f"points_{criterion['key']}_{i}"] = value["points"]
    return {**data, **changes}


def test_method_page_shows_criteria_and_compares_versions_in_constant_queries(
    client, mini_world, people, django_assert_num_queries
):
    _scored_pool()
    v1 = QualificationMethod.objects.get(number=1)
    criteria = [{**c, "weight": 0} if c["key"] == "area" else c for c in v1.criteria]
    scoring.publish_new_version(criteria=criteria, notes="Sans la surface.", actor=people["anct"])
    url = reverse("sites:method") + "?de=1&a=2"
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    page = response.content.decode()
    assert "Distance à un échangeur autoroutier" in page and "Sans la surface." in page
    assert "3 site(s) notés par les deux versions" in page
    assert "Qui gagne" in page and "Site p0" in page  # the smallest site gains when the area stops counting


def test_anct_publishes_a_new_version_and_the_pool_is_scored_with_it(client, mini_world, people):
    _scored_pool()
    client.force_login(people["anct"])
    v1 = QualificationMethod.objects.get(number=1)
    response = client.post(reverse("sites:method_edit"), _form_data(v1, weight_brownfield=5))
    assert response.status_code == 302
    v2 = QualificationMethod.objects.get(number=2)
    assert next(c for c in v2.criteria if c["key"] == "brownfield")["weight"] == 5
    assert SiteScore.objects.filter(method=v2).count() == 3 and SiteScore.objects.filter(method=v1).count() == 3
    assert AuditEvent.objects.filter(action="sites.method_publish", actor=people["anct"]).count() == 1


def test_points_out_of_range_are_refused_in_french_and_nothing_is_written(client, mini_world, people):
    _scored_pool(1)
    client.force_login(people["anct"])
    v1 = QualificationMethod.objects.get(number=1)
    response = client.post(reverse("sites:method_edit"), _form_data(v1, points_area_0=5, weight_zoning="beaucoup"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "inférieure ou égale à 1" in page and "Saisissez un nombre" in page
    no_weight = _form_data(v1, **{f"weight_{c['key']}": 0 for c in v1.criteria})
    response = client.post(reverse("sites:method_edit"), no_weight)
    assert "Donnez un poids positif à au moins un critère." in response.content.decode()
    assert QualificationMethod.objects.count() == 1 and not AuditEvent.objects.filter(action="sites.method_publish")


def test_a_region_reviewer_may_not_publish_a_version(client, mini_world, people):
    _scored_pool(1)
    client.force_login(people["region84"])
    response = client.post(reverse("sites:method_edit"), _form_data(QualificationMethod.objects.get(number=1)))
    assert response.status_code == 403
    assert QualificationMethod.objects.count() == 1


def test_site_score_block_shows_each_criterion_points_and_fact_sources(client, mini_world, django_assert_num_queries):
    site = make_site("s1", kind="brownfield", area_m2=150_000, zoning="UX")
    site.added_facts = {"networks": fact(False, source="Communauté de communes", date="2026-10-01")}
    site.save()
    scoring.score_pool(scoring.ensure_default_method())
    url = reverse("sites:site_score", args=["s1"])
    client.get(url)
    with django_assert_num_queries(5):  # site, method, score; the layout 2
        response = client.get(url)
    page = response.content.decode()
    assert "Communauté de communes" in page and "2026-10-01" in page
    assert "Zonage du document d&#x27;urbanisme" in page, page[page.find("<tbody>") : page.find("</tbody>")]
    assert "<td>2,00</td>" in page, page[page.find("<tbody>") : page.find("</tbody>")]  # U: 2 × 1
    assert "<td>-0,50</td>" in page  # not serviced: 1 × -0.5, a known « no »
    assert "inconnu" in page  # pollution unknown
    assert client.get(reverse("sites:site_score", args=["nowhere"])).status_code == 404
