"""Who may see and change what about a territory. Used by views, templates and the API."""

from pilote.core import perms
from pilote.core.enums import Role

from .models import Territory


def can_view_territory_work(user, territory: Territory) -> bool:
    """The working files of a territory (plans, governance, campaign files) — the public map needs no permission."""
    return user.is_authenticated and Territory.objects.in_scope_of(user).filter(pk=territory.pk).exists()


def is_team_member(user, territory: Territory) -> bool:
    return (territory.phase.slug, territory.code) in perms.team_territories(user)


def can_edit_territory_work(user, territory: Territory) -> bool:
    """Only the territory's own team (and ANCT) change its plan, governance and perimeter proposals."""
    return perms.is_national(user) or is_team_member(user, territory)


def can_review(user, territory: Territory) -> bool:
    """State services and regions of the territory's scope give opinions; ANCT too."""
    if perms.is_national(user):
        return True
    reviewer = perms.has_role(user, Role.REGION_REVIEWER) or perms.has_role(user, Role.DEPARTEMENT_REVIEWER)
    return reviewer and can_view_territory_work(user, territory)
