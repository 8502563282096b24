"""Pages of the budget, one module per concern: envelopes, commitments (and payments), parameters, designations
(Rebond industriel), scenarios, dashboards. Here: what their views share."""

import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from pilote.territories.figures import PlaceNames, place_names

from .. import perms
from ..models import Commitment


def budget_page(view):
    """Signed in (else the login page) and allowed to view the budget (else 403)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not perms.can_view_budget(request.user):
            raise PermissionDenied("Le budget est réservé à l'ANCT, aux opérateurs et aux services instructeurs.")
        return view(request, *args, **kwargs)

    return wrapper


def deny_unless(allowed: bool, reason: str) -> None:
    """403 with `reason` unless the role may do what it asks."""
    if not allowed:
        raise PermissionDenied(reason)


def default_place_names() -> PlaceNames:
    """The names of the régions and départements on the platform's default edition."""
    return place_names(settings.DEFAULT_EDITION)


NATIONAL_ENVELOPE = "Enveloppe nationale"  # the région of a commitment on a national envelope: none


def with_region_names(commitments, regions: dict[str, str]) -> list[tuple[Commitment, str]]:
    return [(c, regions.get(c.region_code, c.region_code) or NATIONAL_ENVELOPE) for c in commitments]
