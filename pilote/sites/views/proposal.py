"""« Proposer un site »: territory teams and State services, in their scope (checked on the commune chosen)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pilote.core.breadcrumbs import crumbs
from pilote.geography.contours import load_geometries
from pilote.territories.search import communes_named

from .. import perms
from ..forms.proposal import FACTS, SiteProposalForm


def _proposer(request):
    if not perms.can_propose_site(request.user):
        raise PermissionDenied("Les équipes des territoires et les services de l'État proposent des sites.")


@login_required
@require_http_methods(["GET", "POST"])
def propose_site(request):
    _proposer(request)
    form = SiteProposalForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        site = form.save(by=request.user)
        messages.success(request, f"Site « {site.name} » proposé ({site.identifier}).")
        return redirect("sites:label_site", identifier=site.identifier)
    context = {
        "form": form,
        "fact_fields": [form[f"fact_{key}"] for key in FACTS],
        "breadcrumb_data": crumbs("Proposer un site"),
    }
    return render(request, "sites/propose.html", context, status=400 if form.is_bound else 200)


@login_required
@require_GET
def commune_bounds(request):
    """Where the drawing map goes once the person has named the commune (the map opens on all of France, where a
    site of a few hectares cannot be drawn): the bounds of its contour, [[south, west], [north, east]]."""
    _proposer(request)
    found = communes_named(request.GET.get("commune", ""), settings.DEFAULT_EDITION)
    contour = load_geometries([found[0].code]).get(found[0].code) if len(found) == 1 else None
    if contour is None:
        return JsonResponse({"error": "Commune introuvable ou ambiguë : la carte reste sur la France."}, status=404)
    west, south, east, north = contour.bounds
    return JsonResponse({"code": found[0].code, "name": found[0].name, "bounds": [[south, west], [north, east]]})
