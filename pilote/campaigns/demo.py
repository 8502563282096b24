"""Demo campaign over the real phase-2 territories, with files in every state and some opinions.

Called by the core `seed_demo` command in demo mode, after the demo accounts exist (usernames `demo-…`). Clearly
labelled (`is_demo`, "[Démo]" in its name) and idempotent: a second run finds the campaign and writes nothing.
"""

from collections import Counter
from datetime import timedelta
from itertools import cycle

from django.db import transaction
from django.utils import timezone

from pilote.core.enums import Role
from pilote.core.models import User
from pilote.territories.models import Territory

from .enums import FileState, OpinionKind
from .models import Campaign, Opinion, OpinionRequest
from .services import campaign_open

OPERATOR_FILES = 6  # files under review on which the demo operator is asked
NAME = "[Démo] Mise à jour 2025 des plans d'action, de la gouvernance et des périmètres"
PHASE = "2023-2027"
# Files move along the workflow in this rotation; the demo team's own file stays a draft it can fill and submit.
ROTATION = [
    FileState.DRAFT,
    FileState.SUBMITTED,
    FileState.IN_REVIEW,
    FileState.IN_REVIEW,
    FileState.TO_COMPLETE,
    FileState.VALIDATED,
]
STEPS = {
    FileState.DRAFT: [],
    FileState.SUBMITTED: ["submit"],
    FileState.IN_REVIEW: ["submit", "start_review"],
    FileState.TO_COMPLETE: ["submit", "start_review", "send_back"],
    FileState.VALIDATED: ["submit", "start_review", "validate"],
}
COMMENTS = {
    "submit": "Dossier déposé (démonstration).",
    "start_review": "Instruction ouverte (démonstration).",
    "send_back": "Merci de préciser le plan de financement des fiches en cours (démonstration).",
    "validate": "Dossier validé (démonstration).",
}


def seed(*, log=print) -> int:
    """Open the demo campaign if it does not exist; returns the number of files created."""
    if Campaign.objects.filter(is_demo=True, name=NAME).exists():
        log("Campagne de démonstration déjà présente.")
        return 0
    anct = User.objects.filter(username="demo-anct").first()
    if anct is None:
        raise RuntimeError("Les comptes de démonstration manquent (demo-anct) : lancez d'abord seed_demo.")
    territories = list(Territory.objects.filter(phase__slug=PHASE, withdrawn_on=None).order_by("code"))
    today = timezone.localdate()
    with transaction.atomic():
        campaign = campaign_open(
            name=NAME,
            phase=territories[0].phase,
            territories=territories,
            submission_deadline=today + timedelta(days=30),
            opinion_deadline=today + timedelta(days=60),
            actor=anct,
            is_demo=True,
        )
        _move_files(campaign, anct)
        _give_opinions(campaign)
    log(f"Campagne de démonstration : {len(territories)} dossier(s).")
    return len(territories)


def _move_files(campaign: Campaign, anct: User) -> None:
    team_codes = set(
        User.objects.filter(username__startswith="demo-equipe", roles__role=Role.TERRITORY_TEAM).values_list(
            "roles__territory_code", flat=True
        )
    )
    states = cycle(ROTATION)
    for file in campaign.files.select_related("territory__phase", "campaign").order_by("territory__code"):
        target = FileState.DRAFT if file.territory.code in team_codes else next(states)
        for step in STEPS[target]:
            # The demo plays the people of each territory: transitions are called directly, without their guards
            # on who acts, and signed by ANCT's demo account.
            # Validated before any opinion is given, knowingly (the demo's reviewers answer afterwards).
            options = {"acknowledged_missing": True} if step == "validate" else {}
            getattr(file, step)(by=anct, comment=COMMENTS[step], **options)
            file.save()


def _give_opinions(campaign: Campaign) -> None:
    """The DREETS and the operator of the demo are asked too (`_ask_demo_services`); one in two requests addressed to
    the organisation of a demo account (préfecture, SGAR, conseil régional, DREETS, operator) is answered by it, and a
    few are left late for the dashboard. The demo accounts' own requests left pending fill their « À traiter »."""
    _ask_demo_services(campaign)
    authors = {
        u.organisation_id: u for u in User.objects.filter(username__startswith="demo-").exclude(organisation=None)
    }
    requests = OpinionRequest.objects.filter(file__campaign=campaign).order_by("file__territory__code", "id")
    kinds = cycle([OpinionKind.FAVORABLE, OpinionKind.RESERVED, OpinionKind.FAVORABLE, OpinionKind.UNFAVORABLE])
    opinions, late, seen = [], [], Counter()
    for i, request in enumerate(requests):
        author = authors.get(request.organisation_id)
        seen[request.organisation_id] += 1
        if author is not None and seen[request.organisation_id] % 2 == 1:  # each account answers one in two
            kind = next(kinds)
            opinions.append(Opinion(request=request, kind=kind, text=_text(kind), author=author))
        elif i % 5 == 1:
            late.append(request.pk)
    Opinion.objects.bulk_create(opinions)
    yesterday = timezone.localdate() - timedelta(days=1)
    OpinionRequest.objects.filter(pk__in=late).update(deadline=yesterday)


def _ask_demo_services(campaign: Campaign) -> None:
    """ANCT asks, as it may during a review, the demo DREETS on the files of its région and the demo operator
    (Banque des Territoires) on the first few files under review."""
    accounts = User.objects.filter(username__in=["demo-dreets", "demo-operateur"]).select_related("organisation")
    accounts = {u.username: u.organisation for u in accounts if u.organisation is not None}
    in_review = campaign.files.filter(state=FileState.IN_REVIEW).select_related("territory__phase", "campaign")
    asked = []
    if "demo-dreets" in accounts:
        dreets = accounts["demo-dreets"]
        asked += [(f, dreets) for f in in_review.filter(territory__region_code=dreets.region_code)]
    if "demo-operateur" in accounts:
        asked += [(f, accounts["demo-operateur"]) for f in in_review.order_by("territory__code")[:OPERATOR_FILES]]
    for file, organisation in asked:
        deadline = campaign.opinion_deadline
        OpinionRequest.ask_organisation(file, organisation=organisation, deadline=deadline, by=campaign.opened_by)


def _text(kind: str) -> str:
    return {
        OpinionKind.FAVORABLE: "Plan d'action cohérent avec les priorités de l'État en région (démonstration).",
        OpinionKind.RESERVED: "Avis réservé : le financement du chef de projet reste à confirmer (démonstration).",
        OpinionKind.UNFAVORABLE: "Avis défavorable : fiches sans porteur identifié (démonstration).",
    }[kind]
