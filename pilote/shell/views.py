"""Sign-in, sign-out and "Mon espace": the pages a person sees about themselves; the health check and the error
pages.

"Mon espace" lists the territories of the person's scope, read through `Territory.objects.in_scope_of` — the one
scoping method. These pages live in the shell, on top of every app, so that the kernel (`core`) imports none.
"""

import logging
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pilote.core import perms
from pilote.core.breadcrumbs import crumbs
from pilote.core.models import Notification
from pilote.territories.figures import place_names
from pilote.territories.models import Territory

from . import proconnect
from .demo import demo_accounts
from .forms import LoginForm

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    template_name = "shell/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proconnect_enabled"] = settings.PROCONNECT_ENABLED
        context["demo_mode"] = settings.DEMO_MODE
        context["demo_accounts"] = demo_accounts() if settings.DEMO_MODE else []
        return context


@require_http_methods(["GET", "POST"])
def logout_view(request):
    """GET asks for confirmation (a link must not sign anyone out); POST signs out, from ProConnect too."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.method == "GET":
        return render(request, "shell/logout.html")
    target = proconnect.logout_url(request, redirect_to=resolve_url(settings.LOGOUT_REDIRECT_URL))
    logout(request)
    messages.success(request, "Vous êtes déconnecté(e).")
    return redirect(target)


@require_GET
def personal_data(request):
    """« Données personnelles »: what the platform keeps about people, who sees it, how to exercise one's rights."""
    return render(request, "shell/personal_data.html", {"breadcrumb_data": crumbs("Données personnelles")})


@login_required
def espace(request):
    user = request.user
    regions, departements = place_names(settings.DEFAULT_EDITION)
    roles = [(a.get_role_display(), a.describe_scope(regions, departements)) for a in perms.assignments(user)]
    territories = Territory.objects.in_scope_of(user).select_related("phase").order_by("-phase__starts_on_year", "code")
    phases = [(phase, list(rows)) for phase, rows in groupby(territories, key=lambda t: t.phase)]
    context = {"roles": roles, "phases": phases, "organisation": user.organisation}
    return render(request, "shell/espace.html", context)


@login_required
@require_GET
def notifications(request):
    """« Mes notifications »: every e-mail written to the person, newest first, with whether it left (50 a page)."""
    page = Paginator(Notification.objects.of(request.user), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "breadcrumb_data": crumbs("Mes notifications", (reverse("core:espace"), "Mon espace")),
    }
    return render(request, "shell/notifications.html", context)


def csrf_failure(request, reason: str = ""):
    """A refused form (expired session, or a post from another site): the French 403 page, not Django's English one."""
    context = {
        "reason": "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page, puis envoyez-le de nouveau."
    }
    return render(request, "403.html", context, status=403)


@never_cache
@require_GET
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not (the reason is logged,
    never shown)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "indisponible", "database": "injoignable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception=None):
    """400 (e.g. an unknown Host): rendered without the request, as Django's 500 is — it may come before the
    middleware that gives `request.user`, and the page must not need the database."""
    return HttpResponseBadRequest(loader.get_template("400.html").render())
