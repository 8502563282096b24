"""Issue 11's whole path in a real browser, on the real pool (23,878 Cartofriches sites scored by `bootstrap`), over
real HTTP: a team of Ardèche Drôme Nord draws a site in Annonay; ANCT selects 50 sites with at most 3 per région and
no new NAF land, the team's site imposed, reads the exact result and the greedy gap, opens the explanation of a chosen
site and of a near-miss, adopts the selection with Banque des Territoires and shortlists its sites; the team's site is
reviewed, Banque des Territoires gives its opinion and labels it; the public map of labelled sites shows it. axe-core
on every page: no serious or critical violation.

The real-data database is kept between runs: the people of the path are made here, and everything the path writes
(people, the proposed site, selections, opinions, history rows, the shortlisted sites' states, the organisations
asked for an opinion) is removed at teardown — and at setup too, after a run that was killed. With
PILOTE_SCREENSHOTS=1 the selection and the labelled map are written to docs/screenshots/."""

import datetime
import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from pilote.core.enums import Role
from pilote.core.models import AuditEvent, Organisation, User
from pilote.sites.enums import LabelState
from pilote.sites.labelling import bdt_organisation
from pilote.sites.models import LabelOpinionRequest, Selection, SelectionItem, Site
from pilote.sites.scoring import explain
from tests.browser.support import PASSWORD, PHASE, SCREENSHOTS, Visit, person

pytestmark = [pytest.mark.browser, pytest.mark.realdata]

TEAM, ANCT, BDT = "chemin.equipe", "chemin.anct", "chemin.bdt"
SITE_NAME = "Friche des Tanneries (chemin du label)"
SELECTION_NAME = "Cinquante sites, 3 par région, zéro NAF (chemin du label)"
REGION_CAP = 3


def _clean(adopted_before: list[dict]) -> None:
    """Removes what the path wrote and puts back what it changed."""
    people = list(User.objects.filter(username__in=[TEAM, ANCT, BDT]))
    Selection.objects.filter(created_by__in=people).delete()  # their items too
    for row in adopted_before:  # a selection whose adoption ours withdrew
        Selection.objects.filter(pk=row.pop("pk")).update(**row)
    proposed = list(Site.objects.filter(proposed_by__in=people).values_list("pk", flat=True))
    touched = AuditEvent.objects.filter(actor__in=people, object_type="sites.site").order_by("at", "pk")
    first_state: dict[int, str] = {}
    for object_id, changes in touched.values_list("object_id", "changes"):
        if "label_state" in changes:
            first_state.setdefault(int(object_id), changes["label_state"][0])
    LabelOpinionRequest.objects.filter(site__in=[*first_state, *proposed]).delete()
    for pk, state in first_state.items():
        if pk not in proposed:
            Site.objects.filter(pk=pk).update(label_state=state)
    Site.objects.filter(pk__in=proposed).delete()  # its score too
    AuditEvent.objects.filter(
        Q(actor__in=people) | Q(object_type="sites.site", object_id__in=map(str, proposed))
    ).delete()
    User.objects.filter(pk__in=[p.pk for p in people]).delete()


@pytest.fixture
def actors(django_db_setup, django_db_blocker):
    """The team of ti-8401 (phase 2), ANCT, a member of Banque des Territoires; what they write is removed after."""
    with django_db_blocker.unblock():
        _clean([])
        organisations = set(Organisation.objects.values_list("pk", flat=True))
        adopted = Q(adopted_by_anct__isnull=False) | Q(adopted_by_bdt__isnull=False)
        adopted_before = list(
            Selection.objects.filter(adopted).values("pk", "adopted_by_anct", "adopted_by_bdt", "adopted_at")
        )
        person(TEAM, Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401")
        person(ANCT, Role.NATIONAL)
        bdt = person(BDT, Role.OPERATOR)
        bdt.organisation = bdt_organisation()
        bdt.save(update_fields=["organisation"])
        # The test settings hash with MD5, which the served platform does not know: a hash it can check.
        hashed = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(16))
        User.objects.filter(username__in=[TEAM, ANCT, BDT]).update(password=hashed)
    yield
    with django_db_blocker.unblock():
        _clean(adopted_before)
        Organisation.objects.exclude(pk__in=organisations).delete()  # asked for an opinion, or BdT, made by the path


def _number(text: str) -> float:
    return float(re.sub(r"[^\d,]", "", text).replace(",", "."))


def _draw_the_site(team: Visit) -> None:
    page = team.page
    page.get_by_label("Nom du site").fill(SITE_NAME)
    page.get_by_label("Nature").select_option("brownfield")
    page.get_by_label("Commune (nom ou code INSEE)").fill("Annonay")
    page.get_by_role("button", name="Dessiner le contour").click()  # leaves the commune field: the map goes there
    page.wait_for_selector('.sites-draw[data-centred="07010"]:not(.leaflet-zoom-anim)')  # there, and still
    page.locator(".sites-draw").scroll_into_view_if_needed()
    box = page.locator(".sites-draw").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-20, -15), (20, -15), (25, 15), (-20, 15)]:
        page.mouse.click(x + dx, y + dy)
    assert '"type":"Polygon"' in page.locator("#id_polygon").input_value()
    page.get_by_label("Maîtrise foncière", exact=True).select_option("controlled")
    page.get_by_label("Source des faits").fill("Délibération du conseil municipal")
    page.get_by_role("button", name="Proposer le site").click()
    if page.get_by_text("Doublon possible").count():  # a Cartofriches site less than 200 m away: confirmed other
        team.check("proposer un site, doublon possible")
        page.get_by_label("Je confirme qu'il s'agit d'un autre site que ceux signalés ci-dessus").check()
        page.get_by_role("button", name="Proposer le site").click()


def test_a_drawn_site_is_selected_among_the_real_pool_labelled_and_shown_on_the_public_map(
    browser, live_site, actors, django_db_blocker
):
    audited: dict[str, list[str]] = {}

    # 1. The team of Ardèche Drôme Nord draws a brownfield in Annonay.
    team = Visit(browser, live_site, audited)
    team.sign_in(TEAM)
    team.goto("/sites/")
    team.page.get_by_role("navigation", name="Sites industriels").get_by_role("link", name="Proposer un site").click()
    team.page.wait_for_url("**/sites/proposer/")
    team.check("proposer un site")
    _draw_the_site(team)
    assert team.heading() == SITE_NAME
    assert team.page.locator("#label-state").text_content().strip() == "proposé"
    team.check("labellisation, site proposé")
    team.close()
    with django_db_blocker.unblock():
        site = Site.objects.get(name=SITE_NAME)
        score = site.scores.select_related("method").get()
    assert (site.commune_code, site.region_code, site.territories.get(PHASE)) == ("07010", "84", "ti-8401")
    assert site.polygon and 1_000 < site.area_m2 < 5_000_000
    assert abs(site.latitude - 45.24) < 0.1 and abs(site.longitude - 4.65) < 0.1  # drawn in Annonay
    # scored at once: a selection can take it
    assert explain(score.method.criteria, score.points)["land_control"]["value"] == "controlled"

    # 2. ANCT selects 50 sites of the real pool: at most 3 per région, no new NAF land, the team's site imposed.
    anct = Visit(browser, live_site, audited)
    anct.sign_in(ANCT)
    anct.goto("/sites/")
    anct.page.get_by_role("navigation", name="Sites industriels").get_by_role("link", name="Sélections").click()
    anct.page.get_by_role("link", name="Nouvelle sélection").click()
    anct.page.wait_for_url("**/sites/selections/nouvelle/")
    anct.check("nouvelle sélection")
    page = anct.page
    page.get_by_label("Nom de la sélection").fill(SELECTION_NAME)
    page.get_by_label("Au plus, par région").fill(str(REGION_CAP))
    page.get_by_label("Plafond de consommation d'espaces NAF (ha)").fill("0")
    page.get_by_label("Sites imposés").fill(site.identifier)
    page.get_by_role("button", name="Calculer la sélection").click()
    assert anct.heading() == SELECTION_NAME
    with django_db_blocker.unblock():
        selection = Selection.objects.get(name=SELECTION_NAME)
        per_region = dict(
            SelectionItem.objects.filter(selection=selection, chosen=True)
            .values_list("site__region_code")
            .annotate(n=Count("pk"))
        )
    assert selection.status == "optimal" and sum(per_region.values()) == 50
    assert max(per_region.values()) == REGION_CAP and len(per_region) >= 50 // REGION_CAP + 1
    summary = anct.text("#selection-summary").replace("\u202f", "").replace("\xa0", "")
    assert f"optimale : {selection.exact_value:.1f}".replace(".", ",") in summary
    assert selection.greedy_value <= selection.exact_value  # the exact optimum is never worse
    gap = anct.text("#gap")
    percent = f"{selection.explanation['gap'] * 100:.2f}".replace(".", ",")
    assert gap == f"Écart de l'heuristique gloutonne à l'optimum : {percent} %."
    totals = anct.text("#totals")
    assert totals.startswith("50 sites retenus,") and "dont 0,0 ha d'espaces naturels" in totals
    assert page.locator("#chosen tbody tr").count() == 50
    assert page.locator("#near-misses tbody tr").count() == 20
    imposed = page.locator(f"#chosen tr#site-{site.identifier.lower()}")
    assert "site imposé" in imposed.inner_text()
    anct.check("sélection calculée")
    anct.page.screenshot(path=str(SCREENSHOTS / "sites-selection.png"), full_page=False)

    # 3. The explanation of the best chosen site, and of a near-miss its région's cap kept out.
    best = page.locator("#chosen tbody tr").first
    assert "1re meilleure valeur des sites éligibles" in best.inner_text()
    best_name = best.locator("th a").inner_text()
    capped = page.locator("#near-misses tbody tr", has_text=f"sa région a déjà ses {REGION_CAP} site(s) au maximum")
    assert capped.count() >= 1
    near_region = capped.first.locator("td").nth(1).inner_text()
    assert f"{near_region} ({REGION_CAP})" in totals  # its région has its 3 chosen sites
    near_name = capped.first.locator("th a").inner_text()
    best.locator("th a").click()
    assert anct.heading() == best_name
    assert anct.page.locator("#site-score-title").inner_text() == "Score"
    assert "Points de chaque critère et faits dont ils viennent" in anct.text("main")
    anct.check("explication d'un site retenu")
    anct.page.go_back()
    capped = page.locator("#near-misses tbody tr", has_text=f"sa région a déjà ses {REGION_CAP} site(s) au maximum")
    capped.first.locator("th a").click()
    assert anct.heading() == near_name
    anct.check("explication d'un site proche du seuil")
    anct.page.go_back()

    # 4. ANCT adopts it, then Banque des Territoires; ANCT shortlists the 50 chosen sites for the labelling.
    page.get_by_role("button", name="Adopter cette sélection au nom de l'ANCT").click()
    assert "ANCT : adoptée ; Banque des Territoires : non" in anct.text("#selection-summary")
    bdt = Visit(browser, live_site, audited)
    bdt.sign_in(BDT)
    bdt.goto(f"/sites/selections/{selection.pk}/")
    bdt.page.get_by_role("button", name="Adopter cette sélection au nom de la Banque des Territoires").click()
    adoption = bdt.page.locator("#selection-summary .fr-badge").text_content()
    assert adoption == f"adoptée le {timezone.localdate():%d/%m/%Y}"
    bdt.check("sélection adoptée")
    anct.goto(f"/sites/selections/{selection.pk}/")
    page.get_by_role("button", name="Présélectionner les 50 site(s) retenu(s) pour la labellisation").click()
    assert "50 site(s) présélectionné(s) pour la labellisation." in anct.text()
    assert anct.text("#shortlisted") == "Les sites retenus sont engagés dans la labellisation."
    assert imposed.locator("td a").inner_text().startswith("présélectionné")
    anct.check("sites retenus présélectionnés")
    with django_db_blocker.unblock():
        shortlisted = Site.objects.filter(label_state=LabelState.SHORTLISTED)
        assert set(shortlisted.values_list("pk", flat=True)) >= set(
            SelectionItem.objects.filter(selection=selection, chosen=True).values_list("site_id", flat=True)
        )

    # 5. From the selection to the team's site: ANCT opens its review.
    imposed.locator("td a").click()
    assert anct.heading() == SITE_NAME
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    page.get_by_label("Avis à rendre avant le").fill(deadline.isoformat())
    page.get_by_role("button", name="Ouvrir l'instruction (demander les avis)").click()
    assert anct.page.locator("#label-state").text_content().strip() == "en instruction"
    opinions = anct.text("main")
    assert "Banque des Territoires" in opinions and deadline.strftime("%d/%m/%Y") in opinions
    anct.check("labellisation, en instruction")
    anct.close()

    # 6. Banque des Territoires finds the opinion awaited in « À traiter », gives it and labels the site.
    bdt.goto("/")
    bdt.page.get_by_role("link", name="À traiter").first.click()
    bdt.page.wait_for_url("**/sites/labellisation/a-traiter/**")
    bdt.check("sites à traiter")
    bdt.page.locator("#opinions").get_by_role("link", name=SITE_NAME).click()
    assert bdt.heading() == SITE_NAME
    bdt.page.get_by_text("favorable", exact=True).click()
    bdt.page.get_by_role("button", name="Rendre l'avis").click()
    bdt.page.get_by_role("button", name="Labelliser le site").click()
    assert bdt.page.locator("#label-state").text_content().strip() == "labellisé"
    bdt.check("labellisation, site labellisé")
    bdt.close()

    # 7. The public map of labelled sites shows its contour, and the table its row.
    public = Visit(browser, live_site, audited)
    public.goto("/sites/labellises/")
    public.page.wait_for_selector(".ti-map[data-loaded]")
    with django_db_blocker.unblock():
        labelled = Site.objects.filter(label_state=LabelState.LABELLED).count()
    assert labelled >= 1
    lead = public.text(".fr-text--lead")
    assert lead.endswith(f": {labelled} site{'s' if labelled > 1 else ''}.")
    row = public.page.locator("#labelled tbody tr", has_text=SITE_NAME)
    cells = row.locator("td").all_inner_texts()
    assert cells[:3] == [SITE_NAME, "Annonay (07010)", "Auvergne-Rhône-Alpes"]
    assert _number(cells[3]) == pytest.approx(site.area_m2 / 10_000, abs=0.01)
    assert "Ardèche Drôme Nord" in cells[6]
    markers = public.page.locator(".ti-map path.sites-marker")
    assert markers.count() == labelled  # one circle per labelled site, seen at the scale of France
    assert public.page.locator(".ti-map path.sites-contour").count() >= 1  # and the contour drawn by the team
    public.check("carte publique des sites labellisés")
    public.page.screenshot(path=str(SCREENSHOTS / "sites-labelled-map.png"), full_page=False)
    popups = []
    for shape in markers.all():  # a click on a circle opens the site's name
        shape.click()
        popups.append(public.page.locator(".leaflet-popup-content a").inner_text())
    assert SITE_NAME in popups
    public.close()

    assert not [v for violations in audited.values() for v in violations], audited
