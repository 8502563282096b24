"""Campaign use cases that span apps: opening a campaign reads every territory's plan and governance."""

from datetime import date

from django.db import transaction

from pilote.core.audit import record
from pilote.plans.snapshot import governance_snapshot, plan_snapshot
from pilote.territories.models import Phase, Territory

from .models import Campaign, TerritoryFile


def _baseline(territory: Territory) -> tuple[dict, dict]:
    """The last validated plan and governance: those of the territory's last validated file, else today's."""
    last = (
        TerritoryFile.objects.filter(territory=territory, validated_at__isnull=False).order_by("-validated_at").first()
    )
    if last is not None:
        return last.baseline_plan, last.baseline_governance
    return plan_snapshot(territory), governance_snapshot(territory)


def campaign_open(
    *,
    name: str,
    phase: Phase,
    territories: list[Territory],
    submission_deadline: date,
    opinion_deadline: date,
    actor,
    is_demo: bool = False,
) -> Campaign:
    """Open a campaign and give each territory concerned its file, holding the last validated plan to compare."""
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            phase=phase,
            submission_deadline=submission_deadline,
            opinion_deadline=opinion_deadline,
            opened_by=actor,
            is_demo=is_demo,
        )
        campaign.territories.set(territories)
        files = []
        for territory in territories:
            plan, governance = _baseline(territory)
            files.append(
                TerritoryFile(
                    campaign=campaign, territory=territory, baseline_plan=plan, baseline_governance=governance
                )
            )
        TerritoryFile.objects.bulk_create(files)
        record(
            actor=actor,
            action="campaign.open",
            obj=campaign,
            changes={
                "territories": [None, len(territories)],
                "submission_deadline": [None, str(submission_deadline)],
                "opinion_deadline": [None, str(opinion_deadline)],
            },
        )
    return campaign
