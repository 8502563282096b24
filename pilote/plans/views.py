"""Pages of a territory's working space: its action plan, fiches, spreadsheet export/import, and its governance.

Every territory is fetched through `Territory.objects.in_scope_of(user)` (outside the scope: 404); changes need
`perms.edit_refusal` to be None (in scope without it, or while the territory's file is under review: 403)."""

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.core.attachments import AttachmentForm
from pilote.core.formats import euros
from pilote.core.models import AuditEvent
from pilote.core.uploads import MB
from pilote.core.versioning import conflict_status
from pilote.territories.models import Binome, ProjectLead, Territory
from pilote.territories.perms import can_edit_territory_work

from . import spreadsheet
from .enums import FicheStatus
from .forms import FicheActionForm, PlanFilterForm, PlanImportForm
from .governance_forms import GovernanceForm, ProjectLeadChangeForm, ProjectLeadForm
from .history import history as history_rows
from .models import FicheAction, FicheAttachment
from .perms import edit_refusal
from .snapshot import governance_snapshot

PAGE_SIZE = 100  # fiches a page of the plan: a plan may hold 2,000 (spreadsheet.MAX_FICHES)
ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


class _Refused(PermissionDenied):
    """A refusal whose French reason the 403 page shows (the generic handler hides every reason)."""


def _shows_refusal(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Refused as refusal:
            return render(request, "403.html", {"reason": str(refusal)}, status=403)

    return wrapped


def _territory(request, phase: str, code: str, *, edit: bool = False) -> Territory:
    territories = Territory.objects.in_scope_of(request.user).select_related("phase")
    territory = get_object_or_404(territories, phase__slug=phase, code=code)
    if edit and (refusal := edit_refusal(request.user, territory)):
        raise _Refused(refusal)
    return territory


def _context(request, territory: Territory, **extra) -> dict:
    refusal = edit_refusal(request.user, territory)
    # A team locked out reads why (a file under review); others who never edit read nothing.
    lock = refusal if refusal and can_edit_territory_work(request.user, territory) else None
    return {"territory": territory, "can_edit": refusal is None, "lock": lock, **extra}


@login_required
@require_GET
def plan(request, phase, code):
    territory = _territory(request, phase, code)
    form = PlanFilterForm(request.GET or None)
    fiches = form.filter(FicheAction.objects.of(territory).with_number()).annotate(
        secured=Coalesce(Sum("funders__amount", filter=Q(funders__is_secured=True)), ZERO),
        expected=Coalesce(Sum("funders__amount", filter=Q(funders__is_secured=False)), ZERO),
    )
    page = Paginator(fiches.order_by("id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(request, territory, form=form, page=page, query=query.urlencode())
    return render(request, "plans/plan.html", context)


def _fiche(territory: Territory, pk: int) -> FicheAction:
    return get_object_or_404(FicheAction.objects.of(territory).with_number(), pk=pk)


def _fiche_context(request, territory: Territory, fiche: FicheAction, form: AttachmentForm | None = None) -> dict:
    fiche.territory = territory  # already fetched, with its phase
    every = list(fiche.attachments.select_related("uploaded_by"))  # removed ones too: they stay in the history
    attachments = [attachment for attachment in every if attachment.removed_at is None]
    for attachment in every:
        attachment.fiche = fiche  # its URLs name the territory: no query per row
    events = AuditEvent.objects.filter(
        Q(object_type="plans.ficheaction", object_id=str(fiche.pk))
        | Q(object_type="plans.ficheattachment", object_id__in=[str(a.pk) for a in every])
    ).select_related("actor")
    context = _context(request, territory, fiche=fiche, history=history_rows(events), attachments=attachments)
    if context["can_edit"]:
        context["attachment_form"] = form or AttachmentForm()
        context["attachment_upload_url"] = reverse(
            "plans:fiche_attachment_add", args=[territory.phase.slug, territory.code, fiche.pk]
        )
    return context


@login_required
@require_GET
def fiche_detail(request, phase, code, pk):
    territory = _territory(request, phase, code)
    fiche = _fiche(territory, pk)
    return render(request, "plans/fiche_detail.html", _fiche_context(request, territory, fiche))


@login_required
@require_POST
@_shows_refusal
def fiche_attachment_add(request, phase, code, pk):
    territory = _territory(request, phase, code, edit=True)
    fiche = _fiche(territory, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _fiche_context(request, territory, fiche, form)
        return render(request, "plans/fiche_detail.html", context, status=400)
    attachment = FicheAttachment.attach(by=request.user, form=form, fiche=fiche)
    messages.success(request, f"Pièce jointe ajoutée : « {attachment.title} ».")
    return redirect(reverse("plans:fiche", args=[phase, code, pk]) + "#attachments")


def _attachment(territory: Territory, pk: int, attachment: int) -> FicheAttachment:
    """An attachment still active of a fiche of the territory (fetched in the person's scope), else 404."""
    rows = FicheAttachment.objects.active().select_related("fiche__territory__phase")
    return get_object_or_404(rows, fiche__territory=territory, fiche_id=pk, pk=attachment)


@login_required
@require_GET
def fiche_attachment(request, phase, code, pk, attachment):
    return _attachment(_territory(request, phase, code), pk, attachment).download()


@login_required
@require_POST
@_shows_refusal
def fiche_attachment_remove(request, phase, code, pk, attachment):
    found = _attachment(_territory(request, phase, code, edit=True), pk, attachment)
    found.remove(by=request.user)
    messages.success(request, f"Pièce jointe retirée : « {found.title} ».")
    return redirect(reverse("plans:fiche", args=[phase, code, pk]) + "#attachments")


@login_required
@require_http_methods(["GET", "POST"])
@_shows_refusal
def fiche_edit(request, phase, code, pk=None):
    territory = _territory(request, phase, code, edit=True)
    fiche = _fiche(territory, pk) if pk else FicheAction(territory=territory)
    form = FicheActionForm(
        request.POST if request.method == "POST" else None, instance=fiche, territory=territory, actor=request.user
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if saved is not None:
            messages.success(request, f"La fiche « {saved.title} » est enregistrée.")
            return redirect("plans:fiche", phase=phase, code=code, pk=saved.pk)
    context = _context(request, territory, form=form, fiche=fiche)
    return render(request, "plans/fiche_form.html", context, status=conflict_status(form))


@login_required
@require_GET
def export_xlsx(request, phase, code):
    territory = _territory(request, phase, code)
    response = HttpResponse(
        spreadsheet.export_xlsx(territory),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan_{territory.code}_{territory.phase.slug}.xlsx"'
    return response


@login_required
@require_GET
def export_csv(request, phase, code):
    territory = _territory(request, phase, code)
    response = HttpResponse(spreadsheet.export_csv(territory), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan_{territory.code}_{territory.phase.slug}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@_shows_refusal
def plan_import(request, phase, code):
    territory = _territory(request, phase, code, edit=True)
    form = PlanImportForm(
        *((request.POST, request.FILES) if request.method == "POST" else (None, None)),
        territory=territory,
        actor=request.user,
    )
    counts = None
    if request.method == "POST" and form.is_valid():
        counts = form.save()
    status = 400 if form.is_bound and form.errors else 200
    limits = {
        "max_mb": spreadsheet.LIMITS.max_bytes // MB,
        "fiches": spreadsheet.MAX_FICHES,
        "lines_per_fiche": spreadsheet.MAX_LINES_PER_FICHE,
    }
    context = _context(request, territory, form=form, counts=counts, limits=limits)
    return render(request, "plans/plan_import.html", context, status=status)


def territory_contact_section(territory) -> dict:
    """« Qui contacter » on the territory's public page (declared in PlansConfig.page_sections): the territory's
    generic address only, never a person's contact details."""
    address = Binome.objects.filter(territory=territory).values_list("contact_email", flat=True).first()
    return {"template": "plans/_territory_contact.html", "contact_email": address or ""}


@login_required
@require_GET
def governance(request, phase, code):
    territory = _territory(request, phase, code)
    leads = list(ProjectLead.objects.filter(territory=territory))
    events = AuditEvent.objects.filter(
        phase_slug=territory.phase.slug, territory_code=territory.code, object_type__startswith="territories."
    ).select_related("actor")[:50]
    context = _context(
        request,
        territory,
        binome=getattr(territory, "binome", None),
        current_lead=next((lead for lead in leads if lead.ended_on is None), None),
        leads=leads,
        committee=territory.committee_members.all(),
        partners=territory.partners.all(),
        history=history_rows(events),
    )
    return render(request, "plans/governance.html", context)


def _governance_form(request, phase, code, form_class, template: str):
    territory = _territory(request, phase, code, edit=True)
    form = form_class(request.POST if request.method == "POST" else None, territory=territory, actor=request.user)
    if request.method == "POST" and form.is_valid() and form.save() is not None:
        return redirect("plans:governance", phase=phase, code=code)
    return render(request, template, _context(request, territory, form=form), status=conflict_status(form))


@login_required
@require_http_methods(["GET", "POST"])
@_shows_refusal
def governance_edit(request, phase, code):
    return _governance_form(request, phase, code, GovernanceForm, "plans/governance_form.html")


@login_required
@require_http_methods(["GET", "POST"])
@_shows_refusal
def project_lead_edit(request, phase, code):
    return _governance_form(request, phase, code, ProjectLeadForm, "plans/project_lead_form.html")


@login_required
@require_http_methods(["GET", "POST"])
@_shows_refusal
def project_lead_change(request, phase, code):
    return _governance_form(request, phase, code, ProjectLeadChangeForm, "plans/project_lead_form.html")


def territory_sheet_section(territory) -> dict:
    """The plan and the governance on the territory's « Fiche territoire » PDF (declared in PlansConfig.sheet_sections):
    fiches by status and their total cost, the binôme, the chef de projet, the committee and the partners, from the
    governance snapshot, which holds no contact details."""
    fiches = list(
        FicheAction.objects.of(territory).order_by("priority", "title").values("title", "status", "total_cost")
    )
    statuses = dict(FicheStatus.choices)
    by_status = {label: sum(1 for f in fiches if f["status"] == code) for code, label in statuses.items()}
    return {
        "template": "plans/_sheet_plan.html",
        "fiches": [{**f, "status": statuses.get(f["status"], f["status"])} for f in fiches],
        "by_status": {label: n for label, n in by_status.items() if n},
        "total_cost": euros(sum((f["total_cost"] for f in fiches if f["total_cost"] is not None), Decimal(0))),
        "governance": governance_snapshot(territory),
    }
