"""The selections of 50 sites: ANCT builds them, ANCT and Banque des Territoires read, compare and adopt them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.core.breadcrumbs import crumbs
from pilote.geography.models import Region

from .. import perms
from .. import selection as solver
from ..forms.selection import SelectionForm
from ..labelling import SHORTLISTABLE
from ..models import Selection, SelectionItem, SiteScore


def _viewer(request):
    if not perms.can_view_selections(request.user):
        raise PermissionDenied("Les sélections de sites sont réservées à l'ANCT et à la Banque des Territoires.")


def _list_crumb():
    return (reverse("sites:selections"), "Sélections de sites")


def _selections():
    return Selection.objects.select_related("method", "adopted_by_anct", "adopted_by_bdt").annotate(
        chosen=Count("items", filter=Q(items__chosen=True))
    )


@login_required
@require_GET
def selections(request):
    _viewer(request)
    context = {
        "selections": list(_selections()),
        "can_build": perms.can_build_selection(request.user),
        "breadcrumb_data": crumbs("Sélections de sites"),
    }
    return render(request, "sites/selections.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def selection_new(request):
    if not perms.can_build_selection(request.user):
        raise PermissionDenied("Seule l'ANCT construit une sélection de sites.")
    form = SelectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        selection = form.save(request.user)
        if selection.status == "optimal":
            messages.success(request, f"Sélection « {selection.name} » calculée.")
        else:
            messages.warning(request, "Aucune sélection ne respecte toutes les contraintes : voir l'explication.")
        return redirect("sites:selection", pk=selection.pk)
    context = {"form": form, "breadcrumb_data": crumbs("Nouvelle sélection", _list_crumb())}
    return render(request, "sites/selection_new.html", context, status=400 if form.errors else 200)


class Line:
    """A site of a selection as its page shows it."""

    def __init__(self, item, score, regions):
        self.item, self.site, self.score = item, item.site, score
        self.region = regions.get(item.site.region_code, item.site.region_code or "—")
        self.naf_m2 = solver.naf_impact(item.site)
        self.area_ha = None if item.site.area_m2 is None else item.site.area_m2 / 10_000
        self.naf_ha = None if self.naf_m2 is None else self.naf_m2 / 10_000


def _lines(selection) -> tuple[list[Line], list[Line]]:
    items = list(SelectionItem.objects.filter(selection=selection).select_related("site").order_by("site__identifier"))
    scores = {
        s.site_id: s for s in SiteScore.objects.filter(method_id=selection.method_id, site__in=[i.site for i in items])
    }
    regions = dict(Region.objects.of(settings.DEFAULT_EDITION).values_list("code", "name"))
    lines = [Line(item, scores.get(item.site_id), regions) for item in items]
    chosen = sorted((line for line in lines if line.item.chosen), key=lambda line: line.item.reason.get("rank", 0))
    others = sorted(
        (line for line in lines if not line.item.chosen), key=lambda line: line.item.reason.get("rank", 1e9)
    )
    return chosen, others


def _totals(chosen: list[Line]) -> dict:
    by_region: dict[str, int] = {}
    for line in chosen:
        by_region[line.region] = by_region.get(line.region, 0) + 1
    return {
        "naf_ha": sum(line.naf_m2 or 0 for line in chosen) / 10_000,
        "area_ha": sum(line.site.area_m2 or 0 for line in chosen) / 10_000,
        "by_region": sorted(by_region.items()),
    }


@login_required
@require_GET
def selection(request, pk: int):
    _viewer(request)
    chosen_selection = get_object_or_404(_selections(), pk=pk)
    chosen, others = _lines(chosen_selection)
    may_adopt = perms.can_adopt_selection(request.user) and not _adopted_by_own_side(chosen_selection, request.user)
    context = {
        "selection": chosen_selection,
        "chosen": chosen,
        "near_misses": [line for line in others if line.item.reason.get("kind") == "near_miss"],
        "excluded": [line for line in others if line.item.reason.get("kind") == "excluded"],
        "totals": _totals(chosen),
        "gap": (gap := chosen_selection.explanation.get("gap")),
        "gap_percent": gap * 100 if gap is not None else None,  # shown to the hundredth: a small gap is not « 0 % »
        "can_adopt": may_adopt,
        "is_bdt": perms.is_bdt(request.user),
        "to_shortlist": sum(line.site.label_state in SHORTLISTABLE for line in chosen),
        "can_shortlist": chosen_selection.adopted_at is not None and perms.can_steer_labelling(request.user),
        "breadcrumb_data": crumbs(chosen_selection.name, _list_crumb()),
    }
    return render(request, "sites/selection.html", context)


def _adopted_by_own_side(selection, user) -> bool:
    """The person's side (Banque des Territoires or ANCT) has adopted this selection already."""
    return bool(selection.adopted_by_bdt_id if perms.is_bdt(user) else selection.adopted_by_anct_id)


@login_required
@require_POST
def selection_adopt(request, pk: int):
    if not perms.can_adopt_selection(request.user):
        raise PermissionDenied("Seules l'ANCT et la Banque des Territoires adoptent une sélection.")
    chosen_selection = get_object_or_404(Selection, pk=pk)
    if chosen_selection.status != "optimal":
        messages.error(request, "Une sélection sans solution ne peut pas être adoptée.")
        return redirect("sites:selection", pk=pk)
    as_bdt = perms.is_bdt(request.user)
    if _adopted_by_own_side(chosen_selection, request.user):  # a second click, or two tabs: nothing to write
        messages.info(request, f"Sélection « {chosen_selection.name} » déjà adoptée de votre côté.")
        return redirect("sites:selection", pk=pk)
    solver.adopt(chosen_selection, request.user, as_bdt=as_bdt)
    who = "la Banque des Territoires" if as_bdt else "l'ANCT"
    messages.success(request, f"Sélection « {chosen_selection.name} » adoptée par {who}.")
    return redirect("sites:selection", pk=pk)


@login_required
@require_POST
def selection_shortlist(request, pk: int):
    """From the adopted selection to the labelling: ANCT shortlists its chosen sites in one step."""
    if not perms.can_steer_labelling(request.user):
        raise PermissionDenied("Seule l'ANCT présélectionne les sites pour la labellisation.")
    chosen_selection = get_object_or_404(Selection, pk=pk)
    if chosen_selection.adopted_at is None:
        messages.error(
            request, "Seule une sélection adoptée par l'ANCT et la Banque des Territoires engage la labellisation."
        )
        return redirect("sites:selection", pk=pk)
    done, left = solver.shortlist_chosen(chosen_selection, request.user)
    further = f" ; {left} site(s) déjà engagé(s) dans la labellisation, laissé(s) en l'état" if left else ""
    messages.success(request, f"{done} site(s) présélectionné(s) pour la labellisation{further}.")
    return redirect("sites:selection", pk=pk)


@login_required
@require_GET
def selection_compare(request):
    _viewer(request)
    try:
        pks = [int(request.GET.get(key, "")) for key in ("a", "b")]
    except ValueError:
        raise Http404("Choisissez deux sélections à comparer.") from None
    found = {s.pk: s for s in _selections().filter(pk__in=pks)}
    if len(found) != len(set(pks)) or not found:
        raise Http404("Sélection introuvable.")
    first, second = found[pks[0]], found[pks[1]]
    rows = SelectionItem.objects.filter(selection__in=[first, second], chosen=True).select_related("site")
    sites: dict[int, dict] = {}
    for item in rows:
        sites.setdefault(item.site_id, {"site": item.site})[item.selection_id] = True
    both = sorted((v["site"] for v in sites.values() if first.pk in v and second.pk in v), key=str)
    only_a = sorted((v["site"] for v in sites.values() if first.pk in v and second.pk not in v), key=str)
    only_b = sorted((v["site"] for v in sites.values() if second.pk in v and first.pk not in v), key=str)
    context = {
        "first": first, "second": second, "pair": [first, second], "both": both, "only_a": only_a, "only_b": only_b,
        "breadcrumb_data": crumbs("Comparer deux sélections", _list_crumb()),
    }  # fmt: skip
    return render(request, "sites/selection_compare.html", context)
