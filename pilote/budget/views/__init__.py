"""Pages of the budget: envelopes and commitments, scenarios, dashboards (one module each)."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .. import perms


def budget_page(view):
    """Signed in (else the login page) and allowed to view the budget (else 403)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not perms.can_view_budget(request.user):
            raise PermissionDenied("Le budget est réservé à l'ANCT, aux opérateurs et aux services instructeurs.")
        return view(request, *args, **kwargs)

    return wrapper
