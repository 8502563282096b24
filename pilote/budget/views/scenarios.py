"""Allocation scenarios, drafts of ANCT (every page is ANCT's, 403 for the other signed-in people): the list, writing
one, its matrix région × action type, comparing several, applying one as the year's envelopes.
Bad input → the form again with its French errors (400), nothing written; a stale edit → 409."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pilote.core.breadcrumbs import crumbs
from pilote.core.versioning import EditConflict, conflict_status

from .. import perms
from ..enums import EnvelopeLevel
from ..forms.scenarios import ApplyForm, ScenarioCompareForm, ScenarioForm
from ..models import Envelope, RuleBroken, Scenario
from ..scenarios import allocation, compare, index_effect, plan, scenario_apply


def _scenarios_crumb() -> tuple[str, str]:
    return reverse("budget:scenarios"), "Scénarios de répartition"


def _steer(request) -> None:
    if not perms.can_steer(request.user):
        raise PermissionDenied("Les scénarios de répartition sont réservés à l'ANCT.")


def _scenario(request, pk: int) -> Scenario:
    _steer(request)
    scenarios = Scenario.objects.with_lines().select_related("created_by", "applied_by", "fragility_method__method")
    return get_object_or_404(scenarios, pk=pk)


@login_required
@require_GET
def scenario_list(request):
    _steer(request)
    context = {
        "scenarios": list(Scenario.objects.select_related("created_by", "applied_by")),
        "breadcrumb_data": crumbs("Scénarios de répartition"),
    }
    return render(request, "budget/scenario_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_create(request):
    _steer(request)
    source = None
    if request.method == "GET" and request.GET.get("copie", "").isdigit():
        source = Scenario.objects.with_lines().filter(pk=request.GET["copie"]).first()
    form = ScenarioForm(request.POST if request.method == "POST" else None, actor=request.user, source=source)
    if request.method == "POST" and form.is_valid():
        scenario = form.save()
        messages.success(request, f"Scénario « {scenario} » enregistré.")
        return redirect("budget:scenario", pk=scenario.pk)
    context = {"form": form, "breadcrumb_data": crumbs("Nouveau scénario", _scenarios_crumb())}
    return render(request, "budget/scenario_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_edit(request, pk: int):
    scenario = _scenario(request, pk)
    if scenario.is_applied:
        raise PermissionDenied("Un scénario appliqué ne se modifie plus : copiez-le pour en faire un autre.")
    form = ScenarioForm(request.POST if request.method == "POST" else None, instance=scenario, actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if saved is not None:
            messages.success(request, f"Scénario « {saved} » enregistré.")
            return redirect("budget:scenario", pk=saved.pk)
    status = conflict_status(form, 400 if form.errors else 200)
    context = {
        "form": form,
        "scenario": scenario,
        "breadcrumb_data": crumbs(
            "Modifier", _scenarios_crumb(), (reverse("budget:scenario", args=[pk]), str(scenario))
        ),
    }
    return render(request, "budget/scenario_form.html", context, status=status)


@login_required
@require_GET
def scenario_detail(request, pk: int):
    scenario = _scenario(request, pk)
    context = {"scenario": scenario, "breadcrumb_data": crumbs(str(scenario), _scenarios_crumb())}
    try:
        result = allocation(scenario)
        context |= {"allocation": result, "tables": [result.table("ae"), result.table("cp")], "chart": result.chart()}
        context["index_effect"] = index_effect(result)
    except RuleBroken as error:
        context["error"] = str(error)
    if scenario.is_applied:
        envelopes = Envelope.objects.of_year(scenario.year).exclude(level=EnvelopeLevel.DEPARTEMENT)
        context["envelopes"] = list(envelopes.order_by("action_type", "level", "region_code"))
    return render(request, "budget/scenario_detail.html", context)


@login_required
@require_GET
def scenario_compare(request):
    _steer(request)
    form = ScenarioCompareForm(request.GET if "s" in request.GET else None)
    context = {"form": form, "breadcrumb_data": crumbs("Comparer des scénarios", _scenarios_crumb())}
    if not form.is_valid():
        return render(request, "budget/scenario_compare.html", context, status=400 if form.errors else 200)
    scenarios = form.cleaned_data["s"]
    prefetch_related_objects(scenarios, "lines__fixed_amounts")
    try:
        context["comparison"] = compare(scenarios, measure=form.cleaned_data["mesure"])
    except RuleBroken as error:
        context["error"] = str(error)
    return render(request, "budget/scenario_compare.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_application(request, pk: int):
    scenario = _scenario(request, pk)
    form = ApplyForm(request.POST if request.method == "POST" else None, scenario=scenario)
    if request.method == "POST" and form.is_valid():
        try:
            scenario_apply(scenario=scenario, actor=request.user, revision=form.submitted_revision)
        except EditConflict as error:
            form.refuse(error, Scenario.objects.get(pk=scenario.pk), [])
        except RuleBroken as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Scénario « {scenario} » appliqué : voici les enveloppes de {scenario.year}.")
            return redirect("budget:scenario", pk=scenario.pk)
    status = conflict_status(form, 400 if form.errors else 200)
    return render(request, "budget/scenario_apply.html", _apply_context(scenario, form), status=status)


def _apply_context(scenario: Scenario, form: ApplyForm) -> dict:
    context = {
        "scenario": scenario,
        "form": form,
        "breadcrumb_data": crumbs(
            "Appliquer", _scenarios_crumb(), (reverse("budget:scenario", args=[scenario.pk]), str(scenario))
        ),
    }
    try:
        context["steps"] = plan(allocation(scenario))
    except RuleBroken as error:
        context["error"] = str(error)
    return context
