"""« Proposer un site »: territory teams and State services, in their scope (checked on the commune chosen)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pilote.core.breadcrumbs import crumbs

from .. import perms
from ..forms.proposal import FACTS, SiteProposalForm


@login_required
@require_http_methods(["GET", "POST"])
def propose_site(request):
    if not perms.can_propose_site(request.user):
        raise PermissionDenied("Les équipes des territoires et les services de l'État proposent des sites.")
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
