"""The opinion form's radios in a real browser (Playwright driving Debian's Chromium): DSFR draws each radio on the
label that follows its input, so the markup must be one `fr-radio-group` holding the input then its label. Before,
the radios were nested twice and « Favorable / Réservé / Défavorable » showed as bare words: no circle, no checked
state, no focus ring. axe-core on the page: no serious or critical violation."""

import datetime

import pytest
from django.utils import timezone

from pilote.campaigns.models import TerritoryFile
from pilote.campaigns.services import campaign_open
from pilote.core.enums import OrganisationKind, Role
from pilote.territories.models import Phase, Territory

from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser

# The label's background: one radial gradient (the circle), a second one when checked (the dot).
BACKGROUND = "el => getComputedStyle(el).backgroundImage"
FOCUS_RING = "el => { const s = getComputedStyle(el, '::before'); return [s.outlineStyle, s.outlineColor]; }"


@pytest.fixture
def file_in_review(mini_world, transactional_db):
    team = person("equipe.ain", Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401")
    anct = person("anct.national", Role.NATIONAL)
    sgar = (OrganisationKind.PREFECTURE_REGION, "SGAR Auvergne-Rhône-Alpes")
    person("region.aura", Role.REGION_REVIEWER, organisation=sgar, region_code="84")
    today = timezone.localdate()
    campaign = campaign_open(
        name="Mise à jour 2026",
        phase=Phase.objects.get(slug=PHASE),
        territories=list(Territory.objects.filter(phase__slug=PHASE, code="ti-8401")),
        submission_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=20),
        actor=anct,
    )
    file = campaign.files.get()
    file.run("submit", by=team)
    file = TerritoryFile.objects.get(pk=file.pk)  # the state field is protected: read it again
    file.run("start_review", by=anct)
    return file


def test_the_opinion_radios_are_drawn_checked_by_click_and_keyboard_with_a_focus_ring(
    browser, live_server, file_in_review
):
    audited: dict[str, list[str]] = {}
    reviewer = Visit(browser, live_server.url, audited)
    reviewer.sign_in("region.aura")
    reviewer.goto(f"/espace/campagnes/dossiers/{file_in_review.pk}/")
    reviewer.check("dossier et formulaire d'avis")
    page = reviewer.page
    form = page.locator("#opinions form").first
    fieldset = form.locator("fieldset.fr-fieldset")
    assert fieldset.locator("legend").inner_text().startswith("Avis")
    assert form.locator(".fr-radio-group .fr-radio-group").count() == 0  # one level
    labels = {
        kind: form.locator(f".fr-radio-group > input[type=radio] + label:text-is('{kind}')")
        for kind in ("Favorable", "Réservé", "Défavorable")
    }
    for kind, label in labels.items():
        assert label.count() == 1, f"{kind}: no label right after its input in a fr-radio-group"
        assert label.evaluate(BACKGROUND).count("radial-gradient") == 1, f"{kind}: the circle is not drawn"

    labels["Réservé"].click()
    assert form.get_by_label("Réservé", exact=True).is_checked()
    assert labels["Réservé"].evaluate(BACKGROUND).count("radial-gradient") == 2  # the checked dot
    assert labels["Favorable"].evaluate(BACKGROUND).count("radial-gradient") == 1

    # Keyboard: Tab into the group lands on the checked radio, the arrows move the choice, and the ring shows.
    page.get_by_role("heading", name="Avis", exact=True).click()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "reserve"
    page.keyboard.press("ArrowRight")
    assert form.get_by_label("Défavorable", exact=True).is_checked()
    assert page.evaluate("document.activeElement.value") == "defavorable"
    outline_style, outline_color = labels["Défavorable"].evaluate(FOCUS_RING)
    assert outline_style == "solid" and outline_color == "rgb(10, 118, 246)"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    assert form.get_by_label("Réservé", exact=True).is_checked()
    reviewer.check("formulaire d'avis, un choix au clavier")

    form.get_by_label("Motivation").fill("Financement régional à préciser.")
    form.get_by_role("button", name="Rendre l'avis").click()
    assert "Avis enregistré." in reviewer.text()
    assert "Réservé" in reviewer.text("#opinions")
    reviewer.close()
    problems = [line for lines in audited.values() for line in lines]
    assert not problems, "\n".join(problems)
