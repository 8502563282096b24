"""The territories designated for Rebond industriel (after an industrial shock): the list, a new designation, its
end. Everyone who may view the budget reads them, ANCT designates."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pilote.core.breadcrumbs import crumbs
from pilote.core.versioning import EditConflict
from pilote.targeting.models import Alert

from .. import perms
from ..forms.designations import EventsChoiceForm, ShockEndForm, ShockForm, ShockFromEvidenceForm
from ..models import ShockDesignation
from . import budget_page, deny_unless

ANCT_DESIGNATES = "Seule l'ANCT désigne les territoires touchés par un choc industriel."


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
    deny_unless(perms.can_steer(request.user), ANCT_DESIGNATES)
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


# --- from what targeting found (the alerts page and the declared events link here) ----------------------------------


def _evidence_page(request, form, *, alert=None, events=(), choice=None, status=200):
    context = {
        "form": form,
        "alert": alert,
        "events": list(events),
        "choice": choice,
        "breadcrumb_data": crumbs("Désigner Rebond industriel", (reverse("budget:shocks"), "Rebond industriel")),
    }
    return render(request, "budget/designation_from_evidence.html", context, status=status)


def _designate(request, form):
    """Save a valid form: the designation, or None when the form now holds why not (an alert followed up
    meanwhile)."""
    if not form.is_valid():
        return None
    try:
        shock = form.save(request.user)
    except EditConflict as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, f"{shock.territory} désigné pour Rebond industriel, constat joint.")
    return redirect("budget:shocks")


@budget_page
@require_http_methods(["GET", "POST"])
def designation_from_alert(request, pk: int):
    deny_unless(perms.can_steer(request.user), ANCT_DESIGNATES)
    alert = get_object_or_404(Alert.objects.select_related("scoring__method_version__method", "reviewed_by"), pk=pk)
    form = ShockFromEvidenceForm(request.POST if request.method == "POST" else None, alert=alert)
    if request.method == "POST":
        done = _designate(request, form)
        if done is not None:
            return done
    return _evidence_page(request, form, alert=alert, status=400 if form.errors else 200)


@budget_page
@require_http_methods(["GET", "POST"])
def designation_from_events(request):
    deny_unless(perms.can_steer(request.user), ANCT_DESIGNATES)
    choice = EventsChoiceForm(request.POST if request.method == "POST" else request.GET)
    if not choice.is_valid():
        return _evidence_page(request, None, choice=choice, status=400)
    events = list(choice.cleaned_data["e"].order_by("-occurred_on", "pk"))
    form = ShockFromEvidenceForm(request.POST if request.method == "POST" else None, events=events)
    if request.method == "POST":
        done = _designate(request, form)
        if done is not None:
            return done
    return _evidence_page(request, form, events=events, choice=choice, status=400 if form.errors else 200)
