"""Demo of the sites: each part of issue 11 adds its own seed function here (registry `demo_seeds`), idempotent.

`slabel`: four demo sites in the demo team's territory, one at each stage of the labelling — proposed, in review (the
opinions awaited, Banque des Territoires' for `demo-operateur`), labelled and ready to host, labelled
and planned — so that every role of the demo sees the workflow, the opinions and the dashboard. Idempotent: a second
run finds the sites and writes nothing. Transitions are called as the people of the demo would make them."""

import random
from datetime import timedelta

import shapely
from django.db import transaction
from django.utils import timezone

from pilote.core.enums import Role
from pilote.core.models import RoleAssignment, User
from pilote.geography.models import Commune
from pilote.territories.models import Resolution, ResolvedCommune, Territory

from . import scoring
from . import selection as solver
from .enums import LabelOpinionKind, LabelState, MethodStatus, MilestoneKind, SiteKind, SiteOrigin
from .labelling import give_opinion
from .models import Milestone, QualificationMethod, Selection, Site
from .places import place_of

PREFIX = "DEMO-LABEL-"
# identifier suffix → (name, kind, steps taken by ANCT)
SITES = {
    "1": ("[Démo] Terrain de la zone des Prés", SiteKind.ZONE_PLOT, []),
    "2": ("[Démo] Ancienne papeterie", SiteKind.BROWNFIELD, ["shortlist", "open_review"]),
    "3": ("[Démo] Friche de la fonderie", SiteKind.BROWNFIELD, ["shortlist", "open_review", "label"]),
    "4": ("[Démo] Parc d'activités du Canal", SiteKind.ZONE_PLOT, ["shortlist", "open_review", "label"]),
}


def slabel(*, log=print) -> int:
    if Site.objects.filter(identifier__startswith=PREFIX).exists():
        log("Sites de démonstration (labellisation) déjà présents.")
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["demo-anct", "demo-equipe", "demo-operateur"])}
    team = RoleAssignment.objects.filter(user__username="demo-equipe", role=Role.TERRITORY_TEAM).first()
    if len(users) < 3 or team is None:
        raise RuntimeError("Les comptes de démonstration manquent : lancez d'abord seed_demo.")
    resolution = (
        Resolution.objects.current()
        .filter(version__territory__phase__slug=team.phase_slug, version__territory__code=team.territory_code)
        .first()
    )
    code = resolution.communes.order_by("code").values_list("code", flat=True).first()
    commune = Commune.objects.of(resolution.edition_id).filter(code=code).order_by("kind").first()
    point = shapely.from_geojson(resolution.geometry).representative_point() if resolution.geometry else None
    with transaction.atomic():
        for suffix, (name, kind, steps) in SITES.items():
            _site(suffix, name, kind, steps, place_of(commune), point, users)
    log(f"Sites de démonstration : {len(SITES)} sites à chaque étape de la labellisation.")
    return len(SITES)


def _site(suffix, name, kind, steps, place, point, users) -> Site:
    today, anct, bdt = timezone.localdate(), users["demo-anct"], users["demo-operateur"]
    site = Site.objects.create(
        identifier=f"{PREFIX}{suffix}",
        name=name,
        kind=kind,
        origin=SiteOrigin.PROPOSAL,
        latitude=point.y if point else 46.5,
        longitude=point.x if point else 2.5,
        area_m2=40_000 * int(suffix),
        label_state=LabelState.PROPOSED,
        proposed_by=users["demo-equipe"],
        is_demo=True,
        added_facts={"land_control": {"value": "controlled", "source": "Démonstration", "date": today.isoformat()}},
        **place.as_fields(),
    )
    for name_of_step in steps:
        if name_of_step == "label":
            bdt_request = site.opinion_requests.get(organisation__operator="bdt")
            give_opinion(bdt_request, by=bdt, kind=LabelOpinionKind.FAVORABLE, text="")
        site.run_label(name_of_step, by=anct, comment="Démonstration.", deadline=today + timedelta(days=30))
    if site.label_state == LabelState.LABELLED:
        ready = suffix == "3"
        for offset, milestone in enumerate(MilestoneKind.values):
            day = today - timedelta(days=30 - offset) if ready else today + timedelta(days=200 + 30 * offset)
            Milestone.objects.create(site=site, kind=milestone, **({"done_on": day} if ready else {"planned_on": day}))
    return site


# --- sselect ---------------------------------------------------------------------------------------------------------
DEMO_SELECTION = "50 sites, 5 par région, zéro artificialisation nette (démo)"


def sselect(*, log=print) -> int:
    """One selection of 50 sites under a cap of 5 per région and strict ZAN, computed on the latest scored method
    version, so that the selection pages show something; nothing when no method has scores yet."""
    if Selection.objects.filter(name=DEMO_SELECTION).exists():
        log("Sélection de démonstration : déjà calculée, rien n'est écrit.")
        return 0
    method = QualificationMethod.objects.filter(status=MethodStatus.PUBLISHED, scores__isnull=False).first()
    anct = User.objects.filter(username="demo-anct").first()
    if method is None or anct is None:
        log("Sélection de démonstration : aucun site noté ou compte ANCT absent, rien d'écrit.")
        return 0
    with transaction.atomic():
        selection = Selection.objects.create(
            name=DEMO_SELECTION, method=method, size=50, created_by=anct,
            constraints={"region_max": 5, "naf_cap_m2": 0.0},
        )  # fmt: skip
        outcome = solver.run(selection)
    log(f"Sélection de démonstration : {len(outcome.chosen)} sites retenus ({outcome.status}).")
    return 1


# --- sscore --------------------------------------------------------------------------------------------------------
def sscore(*, log=print) -> None:
    """The default qualification method, and the scores of whatever sites the demo holds."""
    method = scoring.ensure_default_method()
    log(f"{method} : {scoring.score_pool(scoring.latest_method())} site(s) noté(s).")


# --- szan: Cerema NAF flows for the demo, so that territory pages show their ZAN trajectory ------------------------

DEMO_NAF_TERRITORIES = 12  # the first territories of phase 2: enough to show the section, cheap to write
DEMO_NAF_FILE = "démonstration — flux NAF fictifs au format Cerema"


def szan(*, log=print) -> None:
    """Fictitious yearly NAF flows (in the Cerema format, through the importer) for the communes of the first
    territories of phase 2, unless some flows exist already (the real file, or a previous run)."""
    from .models import NafConsumption
    from .naf import import_naf

    if NafConsumption.objects.exists():
        return
    territories = Territory.objects.filter(phase__slug="2023-2027").order_by("code")[:DEMO_NAF_TERRITORIES]
    codes = sorted(
        set(
            ResolvedCommune.objects.filter(
                resolution__in=Resolution.objects.current(), resolution__version__territory__in=territories
            ).values_list("code", flat=True)
        )
    )
    if codes:
        report = import_naf(_naf_file(codes), DEMO_NAF_FILE)
        log(f"Sites (ZAN) : {report.as_text()}")


def _naf_file(codes: list[str]) -> bytes:
    from .naf import FIELDS, yearly_columns

    years = range(2009, 2024)
    lines = [";".join(["idcom", *yearly_columns(years)])]
    for code in codes:
        rng = random.Random(code)  # the same demo on every run
        values = []
        for _ in years:
            parts = [rng.choice((0, 0, 500, 1_500, 4_000)) for _ in FIELDS]
            values += [sum(parts), *parts]
        lines.append(";".join([code, *map(str, values)]))
    return ("\n".join(lines) + "\n").encode()
