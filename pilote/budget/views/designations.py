"""The territories designated for Rebond industriel (after an industrial shock): the list, a new designation, its
end. Everyone who may view the budget reads them, ANCT designates."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pilote.core.breadcrumbs import crumbs

from .. import perms
from ..forms.designations import ShockEndForm, ShockForm
from ..models import ShockDesignation
from . import budget_page, deny_unless


def _shocks_context(request, form=None, end_form=None, ending: int | None = None) -> dict:
    can_steer = perms.can_steer(request.user)
    shocks = list(ShockDesignation.objects.select_related("territory__phase", "decided_by"))
    today = timezone.localdate()
    return {
        "active": [s for s in shocks if s.ended_on is None or s.ended_on >= today],
        "ended": [s for s in shocks if s.ended_on is not None and s.ended_on < today],
        "can_steer": can_steer,
        "form": form or (ShockForm() if can_steer else None),
        "end_form": end_form or ShockEndForm(),
        "ending": ending,
        "section": "shocks",
        "breadcrumb_data": crumbs("Rebond industriel"),
    }


@budget_page
@require_http_methods(["GET", "POST"])
def shocks(request):
    if request.method == "GET":
        return render(request, "budget/shocks.html", _shocks_context(request))
    deny_unless(perms.can_steer(request.user), "Seule l'ANCT désigne les territoires touchés par un choc industriel.")
    form = ShockForm(request.POST)
    if form.is_valid():
        shock = form.save(request.user)
        messages.success(request, f"{shock.territory} désigné pour Rebond industriel.")
        return redirect("budget:shocks")
    return render(request, "budget/shocks.html", _shocks_context(request, form=form), status=400)


@budget_page
@require_POST
def shock_end(request, pk: int):
    deny_unless(perms.can_steer(request.user), "Seule l'ANCT met fin à une désignation.")
    shock = get_object_or_404(ShockDesignation.objects.select_related("territory__phase"), pk=pk)
    form = ShockEndForm(request.POST, shock=shock)
    if form.is_valid():
        form.save(request.user)
        messages.success(request, f"Fin de la désignation de {shock.territory} enregistrée.")
        return redirect("budget:shocks")
    context = _shocks_context(request, end_form=form, ending=shock.pk)
    return render(request, "budget/shocks.html", context, status=400)
