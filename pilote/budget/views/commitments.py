"""Pages that commit and pay: the commitments (list, detail, create on an envelope, edit, commit, cancel) and
their payments.

Commitments are read through `Commitment.objects.visible_to(user)` (outside it: 404); what the role may not do answers
403; a refused rule re-displays the form with its French reason (400, nothing written); a stale edit answers 409."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.core.breadcrumbs import crumbs
from pilote.core.models import AuditEvent

from .. import perms
from ..dashboard import CommitmentFilterForm
from ..enums import CommitmentStatus
from ..forms.commitments import (
    CancelForm,
    CommitForm,
    CommitmentCreateForm,
    CommitmentEditForm,
    PaymentForm,
)
from ..history import history
from ..models import Commitment
from ..money import euros
from . import NATIONAL_ENVELOPE, budget_page, default_place_names, deny_unless, with_region_names
from .envelopes import EnvelopeRow, envelope_crumbs, envelope_or_404, envelope_row_context

PAGE_SIZE = 50


def _commitments_crumb() -> tuple[str, str]:
    return reverse("budget:commitments"), "Engagements"


@budget_page
@require_GET
def commitments(request):
    names = default_place_names()
    form = CommitmentFilterForm(request.GET, regions=names.regions)
    rows = form.filter().commitments(Commitment.objects.visible_to(request.user))
    page = Paginator(rows.select_related("territory", "envelope").order_by("-year", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": with_region_names(page.object_list, names.regions),
        "query": query.urlencode(),
        "section": "commitments",
        "breadcrumb_data": crumbs("Engagements"),
    }
    return render(request, "budget/commitments.html", context, status=400 if form.errors else 200)


def _commitment_or_404(user, pk: int) -> Commitment:
    rows = Commitment.objects.visible_to(user).select_related("envelope__parent", "territory__phase", "fiche")
    return get_object_or_404(rows, pk=pk)


def _commitment_crumbs(commitment: Commitment, current: str | None = None) -> dict:
    title = f"Engagement n° {commitment.pk}"
    if current is None:
        return crumbs(title, _commitments_crumb())
    return crumbs(current, _commitments_crumb(), (reverse("budget:commitment", args=[commitment.pk]), title))


@budget_page
@require_http_methods(["GET", "POST"])
def commitment_create(request, pk: int):
    envelope = envelope_or_404(request.user, pk)
    deny_unless(perms.can_commit(request.user, envelope), "Vous ne pouvez pas engager sur cette enveloppe.")
    names = default_place_names()
    ids = envelope.territory_ids()
    data = request.POST if request.method == "POST" else None
    form = CommitmentCreateForm(data, envelope=envelope, territory_ids=ids)
    if form.is_choosing_territory:
        form = form.unbound_copy(envelope=envelope, territory_ids=ids)
    elif request.method == "POST" and form.is_valid() and (commitment := form.save(request.user)) is not None:
        done = "engagé" if commitment.status == CommitmentStatus.COMMITTED else "enregistré comme proposé"
        messages.success(request, f"Engagement {done} : {euros(commitment.amount)} pour {commitment.territory}.")
        return redirect("budget:commitment", pk=commitment.pk)
    context = {
        "envelope": envelope,
        **envelope_row_context(envelope, names),
        "form": form,
        "section": "envelopes",
        "breadcrumb_data": envelope_crumbs(envelope, names, "Nouvel engagement"),
    }
    return render(request, "budget/commitment_create.html", context, status=form.status)


def _commitment_context(request, commitment: Commitment, **forms) -> dict:
    user = request.user
    names = default_place_names()
    lines = list(commitment.cofinancing.all())
    events = AuditEvent.objects.filter(object_type="budget.commitment", object_id=str(commitment.pk))
    can_edit = perms.can_edit_commitment(user, commitment)
    return {
        "commitment": commitment,
        "envelope_row": EnvelopeRow(commitment.envelope, commitment.envelope.describe(*names)),
        "place": f"région {names.regions.get(commitment.region_code, commitment.region_code)}"
        if commitment.region_code
        else NATIONAL_ENVELOPE.lower(),
        "lines": lines,
        "state_total": commitment.state_total,
        "partners_total": commitment.cofinancing_partners,
        "leverage": commitment.leverage,
        "payments": list(commitment.payments.all()),
        "history": history(events.select_related("actor")[:200]),
        "can_edit": can_edit,
        "can_pay": perms.can_pay(user, commitment),
        "commit_form": forms.get("commit_form") or CommitForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "is_proposed": commitment.status == CommitmentStatus.PROPOSED,
        "section": "commitments",
        "breadcrumb_data": _commitment_crumbs(commitment),
    }


@budget_page
@require_GET
def commitment(request, pk: int):
    commitment = _commitment_or_404(request.user, pk)
    return render(request, "budget/commitment.html", _commitment_context(request, commitment))


@budget_page
@require_http_methods(["GET", "POST"])
def commitment_edit(request, pk: int):
    commitment = _commitment_or_404(request.user, pk)
    deny_unless(perms.can_edit_commitment(request.user, commitment), "Vous ne pouvez pas modifier cet engagement.")
    ids = commitment.envelope.territory_ids(also=commitment.territory_id)
    data = request.POST if request.method == "POST" else None
    form = CommitmentEditForm(data, commitment=commitment, territory_ids=ids)
    if request.method == "POST" and form.is_valid() and form.save(request.user):
        messages.success(request, "Engagement modifié.")
        return redirect("budget:commitment", pk=commitment.pk)
    context = {
        "commitment": commitment,
        "form": form,
        "section": "commitments",
        "breadcrumb_data": _commitment_crumbs(commitment, "Modifier"),
    }
    return render(request, "budget/commitment_edit.html", context, status=form.status)


def _commitment_action(request, pk: int, form_class, key: str, done: str):
    commitment = _commitment_or_404(request.user, pk)
    deny_unless(perms.can_edit_commitment(request.user, commitment), "Vous ne pouvez pas modifier cet engagement.")
    form = form_class(request.POST)
    if form.is_valid() and form.save(commitment, request.user):
        messages.success(request, done)
        return redirect("budget:commitment", pk=commitment.pk)
    commitment = _commitment_or_404(request.user, pk)
    context = _commitment_context(request, commitment, **{key: form})
    context["refusal"] = form.non_field_errors()
    return render(request, "budget/commitment.html", context, status=form.status)


@budget_page
@require_POST
def commitment_commit(request, pk: int):
    return _commitment_action(request, pk, CommitForm, "commit_form", "Engagement engagé : les AE sont consommées.")


@budget_page
@require_POST
def commitment_cancel(request, pk: int):
    return _commitment_action(request, pk, CancelForm, "cancel_form", "Engagement annulé.")


@budget_page
@require_http_methods(["GET", "POST"])
def payment_create(request, pk: int):
    commitment = _commitment_or_404(request.user, pk)
    deny_unless(perms.can_pay(request.user, commitment), "Seul un engagement engagé se paie, par qui peut engager.")
    form = PaymentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and (payment := form.save(commitment, request.user)):
        messages.success(request, f"Paiement enregistré : {payment}.")
        return redirect("budget:commitment", pk=commitment.pk)
    context = {
        "commitment": commitment,
        "form": form,
        "section": "commitments",
        "breadcrumb_data": _commitment_crumbs(commitment, "Paiement"),
    }
    return render(request, "budget/payment_create.html", context, status=form.status)
