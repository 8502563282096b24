"""The labelling of a site with Banque des Territoires: its page (state, opinions, steps, milestones), each step of the
workflow, an opinion, a milestone, and the dashboard of the labelled sites. Out of scope → 404; in scope but not
allowed → 403; bad input → the page again with the reason (400), nothing written."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pilote.core.breadcrumbs import crumbs
from pilote.core.history import everything
from pilote.core.models import AuditEvent
from pilote.core.versioning import EditConflict, conflict_status

from .. import inbox, perms, public
from ..dashboard import dashboard
from ..enums import LabelState, MilestoneKind
from ..forms.dashboard import DashboardFilterForm
from ..forms.labelling import LabelOpinionForm, LabelStepForm, MilestoneForm
from ..labelling import TransitionRefused, give_opinion
from ..models import LabelOpinionRequest, Milestone, Site


def _site_or_404(user, identifier: str) -> Site:
    site = get_object_or_404(Site, identifier=identifier)
    if not perms.can_see_labelling(user, site):
        raise Http404("Site hors de votre périmètre.")
    return site


def _context(request, site: Site, **extra) -> dict:
    user, today = request.user, timezone.localdate()
    milestones = {m.kind: m for m in site.milestones.all()}
    requests = list(site.opinion_requests.select_related("organisation", "given_by").order_by("pk"))
    events = AuditEvent.objects.filter(object_type="sites.site", object_id=str(site.pk)).select_related("actor")
    return {
        "site": site,
        "today": today,
        "transitions": site.label_transitions(user),
        "step_form": LabelStepForm(),
        "requests": [(r, r.is_late(today), perms.can_give_label_opinion(user, r) and not r.kind) for r in requests],
        "opinion_form": LabelOpinionForm(),
        "milestone_forms": [
            (kind, label, MilestoneForm(instance=milestones.get(kind) or Milestone(site=site, kind=kind), prefix=kind))
            for kind, label in MilestoneKind.choices
        ]
        if site.label_state == LabelState.LABELLED and perms.can_edit_milestones(user, site)
        else [],
        "milestones": [(label, milestones.get(kind)) for kind, label in MilestoneKind.choices],
        "history": everything().history(events[:50]),
        "breadcrumb_data": crumbs(
            f"Labellisation – {site.name}", (reverse("sites:label_dashboard"), "Sites labellisés")
        )
        if perms.can_see_dashboard(user)
        else crumbs(f"Labellisation – {site.name}"),
        **extra,
    }


@login_required
@require_GET
def label_site(request, identifier: str):
    site = _site_or_404(request.user, identifier)
    return render(request, "sites/label_site.html", _context(request, site))


@login_required
@require_POST
def label_step(request, identifier: str, name: str):
    site = _site_or_404(request.user, identifier)
    form = LabelStepForm(request.POST)
    try:
        if not form.is_valid():
            raise TransitionRefused("Vérifiez la date limite des avis.")
        site.run_label(name, by=request.user, **form.cleaned_data)
    except TransitionRefused as refusal:
        context = _context(request, site, refusal=str(refusal), step_form=form)
        return render(request, "sites/label_site.html", context, status=403 if refusal.forbidden else 400)
    messages.success(request, f"Site « {site.get_label_state_display()} ».")
    return redirect("sites:label_site", identifier=site.identifier)


@login_required
@require_POST
def label_opinion(request, pk: int):
    opinion = get_object_or_404(LabelOpinionRequest.objects.select_related("site", "organisation"), pk=pk)
    site = opinion.site
    if not (perms.can_see_labelling(request.user, site) or perms.can_give_label_opinion(request.user, opinion)):
        raise Http404("Avis hors de votre périmètre.")
    form = LabelOpinionForm(request.POST)
    try:
        if not form.is_valid():
            raise TransitionRefused("Choisissez un avis : favorable, favorable avec réserves ou défavorable.")
        give_opinion(opinion, by=request.user, **form.cleaned_data)
    except TransitionRefused as refusal:
        if not perms.can_see_labelling(request.user, site):
            raise PermissionDenied(str(refusal)) from refusal
        context = _context(request, site, refusal=str(refusal), opinion_form=form)
        return render(request, "sites/label_site.html", context, status=403 if refusal.forbidden else 400)
    messages.success(request, "Avis rendu.")
    if not perms.can_see_labelling(request.user, site):
        return redirect("sites:todo")  # the opinions still awaited from the organisation
    return redirect("sites:label_site", identifier=site.identifier)


@login_required
@require_POST
def label_milestone(request, identifier: str, kind: str):
    site = _site_or_404(request.user, identifier)
    if kind not in MilestoneKind.values:
        raise Http404("Étape inconnue.")
    if not perms.can_edit_milestones(request.user, site):
        raise PermissionDenied("Seuls l'ANCT, Banque des Territoires et l'équipe du territoire suivent ces étapes.")
    if site.label_state != LabelState.LABELLED:
        context = _context(request, site, refusal="Les étapes se suivent une fois le site labellisé.")
        return render(request, "sites/label_site.html", context, status=400)
    milestone = Milestone.objects.filter(site=site, kind=kind).first() or Milestone(site=site, kind=kind)
    form = MilestoneForm(request.POST, instance=milestone, prefix=kind)
    if form.is_valid():
        try:
            form.save(by=request.user)
        except EditConflict as conflict:
            context = _context(request, site, refusal=conflict.message)
            return render(request, "sites/label_site.html", context, status=409)
        messages.success(request, "Étape enregistrée.")
        return redirect("sites:label_site", identifier=site.identifier)
    context = _context(request, site, refusal="L'étape n'a pas été enregistrée : corrigez le formulaire.")
    context["milestone_forms"] = [(k, label, form if k == kind else f) for k, label, f in context["milestone_forms"]]
    return render(request, "sites/label_site.html", context, status=conflict_status(form, 400))


@login_required
@require_GET
def label_dashboard(request):
    if not perms.can_see_dashboard(request.user):
        raise PermissionDenied(
            "Le tableau de bord des sites labellisés est réservé à l'ANCT et à Banque des Territoires."
        )
    board = dashboard(timezone.localdate())
    form = DashboardFilterForm(request.GET or None, board=board)
    valid = form.is_bound and form.is_valid()
    context = {
        "board": board,
        "form": form,
        "rows": form.filter(board.rows) if valid else ([] if form.is_bound else board.rows),
        "filters": form.summary() if valid else "",
        "breadcrumb_data": crumbs("Sites labellisés : vers « prêt à accueillir »"),
    }
    return render(request, "sites/label_dashboard.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def label_todo(request):
    """What waits for the person on the sites: opinions of their organisation, sites to shortlist or to decide."""
    user, today = request.user, timezone.localdate()
    opinions = list(inbox.awaited_opinions(user))
    shortlist, decide = list(inbox.to_shortlist(user)), list(inbox.to_decide(user))
    sites = [r.site for r in opinions] + shortlist + decide
    names = public.commune_names(site.commune_code for site in sites) if sites else {}

    def commune(site) -> str:
        return f"{names.get(site.commune_code, '')} ({site.commune_code})".strip()

    context = {
        "opinions": [(r, commune(r.site), r.is_late(today)) for r in opinions],
        "to_shortlist": [(site, commune(site)) for site in shortlist],
        "to_decide": [(site, commune(site)) for site in decide],
        "has_organisation": bool(user.organisation_id),
        "steers": perms.can_steer_labelling(user),
        "decides": perms.can_decide_labelling(user),
        "breadcrumb_data": crumbs("Sites : à traiter"),
    }
    return render(request, "sites/label_todo.html", context)
