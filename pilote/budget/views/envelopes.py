"""Pages that allocate, commit and pay: the years and their envelope trees, an envelope (delegate, change its
amounts, commit on it), the commitments (list, detail, edit, commit, cancel, pay), the rules' parameters and the
territories designated for Rebond industriel.

Only people who may view the budget reach them (403 for the others); envelopes and commitments are read through
their `visible_to(user)` (outside it: 404); what the role may not do answers 403; a refused rule re-displays the
form with its French reason (400, nothing written); a stale edit answers 409 with the saved values."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.core.breadcrumbs import crumbs
from pilote.core.models import AuditEvent
from pilote.territories.figures import place_names

from .. import perms
from ..dashboard import CommitmentFilterForm
from ..enums import CommitmentStatus, EnvelopeLevel
from ..forms import (
    CancelForm,
    CommitForm,
    CommitmentCreateForm,
    CommitmentEditForm,
    DelegateForm,
    EnvelopeAmountsForm,
    ParametersForm,
    PaymentForm,
    ShockEndForm,
    ShockForm,
    YearOpenForm,
    territories_for,
)
from ..history import history
from ..models import Commitment, Envelope, Parameters, ShockDesignation
from ..money import euros
from . import budget_page

PAGE_SIZE = 50
ENVELOPE_COMMITMENTS_SHOWN = 100


def _deny_unless(allowed: bool, reason: str) -> None:
    if not allowed:
        raise PermissionDenied(reason)


def _years_crumb() -> tuple[str, str]:
    return reverse("budget:years"), "Enveloppes"


def _commitments_crumb() -> tuple[str, str]:
    return reverse("budget:commitments"), "Engagements"


def _names() -> tuple[dict[str, str], dict[str, str]]:
    return place_names(settings.DEFAULT_EDITION)


def _envelope_row(envelope: Envelope, names: tuple[dict, dict]) -> dict:
    """The envelope as the one row of its figures table (`row_list`), and its name for titles (`row`)."""
    row = Row(envelope, envelope.describe(*names))
    return {"row": row, "row_list": [row]}


def _share(used: Decimal, amount: Decimal) -> Decimal | None:
    return (used * 100 / amount).quantize(Decimal("0.1")) if amount else None


@dataclass
class Row:
    """An envelope as a line of a table: its name, its depth in the tree, the share of AE and CP used."""

    envelope: Envelope
    name: str
    depth: int = 0

    @property
    def ae_share(self):
        return _share(self.envelope.ae_used, self.envelope.ae_amount)

    @property
    def cp_share(self):
        return _share(self.envelope.cp_used, self.envelope.cp_amount)

    @property
    def indent(self) -> int:
        return min(self.depth, 3) * 3


def tree_rows(envelopes: list[Envelope], names) -> list[Row]:
    """Depth-first rows: each envelope followed by its children; envelopes whose parent is not in the list are roots
    (a regional reviewer's tree starts at their régions)."""
    ids = {e.pk for e in envelopes}
    children: dict[int | None, list[Envelope]] = {}
    for envelope in envelopes:
        children.setdefault(envelope.parent_id if envelope.parent_id in ids else None, []).append(envelope)
    rows: list[Row] = []

    def walk(envelope: Envelope, depth: int) -> None:
        rows.append(Row(envelope, envelope.describe(*names), depth))
        for child in children.get(envelope.pk, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return rows


# --- years ----------------------------------------------------------------------------------------------------------


def _years_context(request, form: YearOpenForm | None = None) -> dict:
    visible = Envelope.objects.visible_to(request.user)
    # The tops of what the user sees: the programme for ANCT, their régions' envelopes for a regional reviewer…
    tops = (
        visible.exclude(parent__in=visible)
        .values("year")
        .annotate(
            ae_amount=Sum("ae_amount"),
            ae_used=Sum("ae_used"),
            cp_amount=Sum("cp_amount"),
            cp_used=Sum("cp_used"),
            count=Count("id"),
        )
        .order_by("-year")
    )
    years = [
        y
        | {"ae_remaining": y["ae_amount"] - y["ae_used"], "cp_remaining": y["cp_amount"] - y["cp_used"]}
        | {"ae_share": _share(y["ae_used"], y["ae_amount"]), "cp_share": _share(y["cp_used"], y["cp_amount"])}
        for y in tops
    ]
    can_steer = perms.can_steer(request.user)
    return {
        "years": years,
        "sees_everything": perms.sees_whole_budget(request.user),
        "can_steer": can_steer,
        "form": form or (YearOpenForm() if can_steer else None),
        "section": "envelopes",
        "breadcrumb_data": crumbs("Enveloppes"),
    }


@budget_page
@require_GET
def years(request):
    return render(request, "budget/years.html", _years_context(request))


@budget_page
@require_POST
def year_open(request):
    _deny_unless(perms.can_steer(request.user), "Seule l'ANCT ouvre le budget d'une année.")
    form = YearOpenForm(request.POST)
    if form.is_valid() and form.save(request.user) is not None:
        messages.success(request, f"Budget {form.cleaned_data['year']} ouvert.")
        return redirect("budget:year", year=form.cleaned_data["year"])
    return render(request, "budget/years.html", _years_context(request, form), status=400)


@budget_page
@require_GET
def year(request, year: int):
    if not Envelope.objects.filter(year=year, level=EnvelopeLevel.PROGRAMME).exists():
        raise Http404("Aucun budget ouvert pour cette année.")
    envelopes = list(Envelope.objects.visible_to(request.user).of_year(year))
    context = {
        "year": year,
        "rows": tree_rows(envelopes, _names()),
        "section": "envelopes",
        "breadcrumb_data": crumbs(str(year), _years_crumb()),
    }
    return render(request, "budget/year.html", context)


# --- one envelope ---------------------------------------------------------------------------------------------------


def _envelope_or_404(user, pk: int) -> Envelope:
    return get_object_or_404(Envelope.objects.visible_to(user).select_related("parent"), pk=pk)


def _envelope_crumbs(envelope: Envelope, names, current: str | None = None) -> dict:
    links = [_years_crumb(), (reverse("budget:year", args=[envelope.year]), str(envelope.year))]
    name = envelope.describe(*names)
    if current is None:
        return crumbs(name, *links)
    return crumbs(current, *links, (reverse("budget:envelope", args=[envelope.pk]), name))


@budget_page
@require_GET
def envelope(request, pk: int):
    envelope = _envelope_or_404(request.user, pk)
    names = _names()
    user = request.user
    commitments = envelope.commitments.select_related("territory__phase").order_by("-created_at", "-id")
    children = Envelope.objects.visible_to(user).filter(parent=envelope)
    events = AuditEvent.objects.filter(object_type="budget.envelope", object_id=str(envelope.pk))
    context = {
        "envelope": envelope,
        **_envelope_row(envelope, names),
        "parent": Row(envelope.parent, envelope.parent.describe(*names)) if envelope.parent_id else None,
        "parent_visible": Envelope.objects.visible_to(user).filter(pk=envelope.parent_id).exists(),
        "children": [Row(child, child.describe(*names)) for child in children],
        "commitments": with_region_names(commitments[:ENVELOPE_COMMITMENTS_SHOWN], names[0]),
        "commitments_count": commitments.count(),
        "shown": ENVELOPE_COMMITMENTS_SHOWN,
        "history": history(events.select_related("actor")[:100]),
        "can_delegate": perms.can_delegate(user, envelope),
        "can_change_amounts": perms.can_change_amounts(user, envelope),
        "can_commit": perms.can_commit(user, envelope),
        "section": "envelopes",
        "breadcrumb_data": _envelope_crumbs(envelope, names),
    }
    return render(request, "budget/envelope.html", context)


@budget_page
@require_http_methods(["GET", "POST"])
def envelope_delegate(request, pk: int):
    envelope = _envelope_or_404(request.user, pk)
    _deny_unless(perms.can_delegate(request.user, envelope), "Vous ne pouvez pas déléguer cette enveloppe.")
    names = _names()
    form = DelegateForm(request.POST if request.method == "POST" else None, envelope=envelope, regions=names[0])
    if request.method == "POST" and form.is_valid() and (child := form.save(request.user)) is not None:
        messages.success(request, f"Enveloppe déléguée : {child.describe(*names)}.")
        return redirect("budget:envelope", pk=envelope.pk)
    context = {
        "envelope": envelope,
        **_envelope_row(envelope, names),
        "form": form,
        "section": "envelopes",
        "breadcrumb_data": _envelope_crumbs(envelope, names, "Déléguer"),
    }
    return render(request, "budget/envelope_delegate.html", context, status=form.status)


@budget_page
@require_http_methods(["GET", "POST"])
def envelope_edit(request, pk: int):
    envelope = _envelope_or_404(request.user, pk)
    _deny_unless(
        perms.can_change_amounts(request.user, envelope),
        "Seul qui a délégué cette enveloppe en modifie les montants.",
    )
    names = _names()
    form = EnvelopeAmountsForm(request.POST if request.method == "POST" else None, envelope=envelope)
    if request.method == "POST" and form.is_valid() and form.save(request.user):
        messages.success(request, "Montants de l'enveloppe enregistrés.")
        return redirect("budget:envelope", pk=envelope.pk)
    context = {
        "envelope": envelope,
        **_envelope_row(envelope, names),
        "form": form,
        "section": "envelopes",
        "breadcrumb_data": _envelope_crumbs(envelope, names, "Modifier les montants"),
    }
    return render(request, "budget/envelope_edit.html", context, status=form.status)


# --- commitments ------------------------------------------------------------------------------------------------------


@budget_page
@require_GET
def commitments(request):
    names = _names()
    form = CommitmentFilterForm(request.GET, regions=names[0])
    rows = form.filter().commitments(Commitment.objects.visible_to(request.user))
    page = Paginator(rows.select_related("territory", "envelope").order_by("-year", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": with_region_names(page.object_list, names[0]),
        "query": query.urlencode(),
        "section": "commitments",
        "breadcrumb_data": crumbs("Engagements"),
    }
    return render(request, "budget/commitments.html", context, status=400 if form.errors else 200)


NATIONAL_ENVELOPE = "Enveloppe nationale"  # the région of a commitment on a national envelope: none


def with_region_names(commitments, regions: dict[str, str]) -> list[tuple[Commitment, str]]:
    return [(c, regions.get(c.region_code, c.region_code) or NATIONAL_ENVELOPE) for c in commitments]


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
    envelope = _envelope_or_404(request.user, pk)
    _deny_unless(perms.can_commit(request.user, envelope), "Vous ne pouvez pas engager sur cette enveloppe.")
    names = _names()
    form = CommitmentCreateForm(
        request.POST if request.method == "POST" else None, envelope=envelope, territory_ids=territories_for(envelope)
    )
    if request.method == "POST" and form.is_valid() and (commitment := form.save(request.user)) is not None:
        done = "engagé" if commitment.status == CommitmentStatus.COMMITTED else "enregistré comme proposé"
        messages.success(request, f"Engagement {done} : {euros(commitment.amount)} pour {commitment.territory}.")
        return redirect("budget:commitment", pk=commitment.pk)
    context = {
        "envelope": envelope,
        **_envelope_row(envelope, names),
        "form": form,
        "section": "envelopes",
        "breadcrumb_data": _envelope_crumbs(envelope, names, "Nouvel engagement"),
    }
    return render(request, "budget/commitment_create.html", context, status=form.status)


def _commitment_context(request, commitment: Commitment, **forms) -> dict:
    user = request.user
    names = _names()
    lines = list(commitment.cofinancing.all())
    events = AuditEvent.objects.filter(object_type="budget.commitment", object_id=str(commitment.pk))
    can_edit = perms.can_edit_commitment(user, commitment)
    return {
        "commitment": commitment,
        "envelope_row": Row(commitment.envelope, commitment.envelope.describe(*names)),
        "place": f"région {names[0].get(commitment.region_code, commitment.region_code)}"
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
    _deny_unless(perms.can_edit_commitment(request.user, commitment), "Vous ne pouvez pas modifier cet engagement.")
    ids = territories_for(commitment.envelope, also=commitment.territory_id)
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
    _deny_unless(perms.can_edit_commitment(request.user, commitment), "Vous ne pouvez pas modifier cet engagement.")
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
    _deny_unless(perms.can_pay(request.user, commitment), "Seul un engagement engagé se paie, par qui peut engager.")
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


# --- parameters and Rebond industriel ---------------------------------------------------------------------------------


@budget_page
@require_http_methods(["GET", "POST"])
def parameters(request):
    can_edit = perms.can_steer(request.user)
    if request.method == "POST":
        _deny_unless(can_edit, "Seule l'ANCT modifie les paramètres des règles.")
    current = Parameters.current()
    form = ParametersForm(request.POST if request.method == "POST" else None, parameters=current)
    if request.method == "POST" and form.is_valid() and form.save(request.user):
        messages.success(request, "Paramètres enregistrés.")
        return redirect("budget:parameters")
    saved = Parameters.objects.get(pk=current.pk) if form.conflict else current
    events = AuditEvent.objects.filter(object_type="budget.parameters").select_related("actor")[:50]
    context = {
        "parameters": saved,
        "fields": [
            Parameters._meta.get_field(name) for name in ("project_lead_state_share_max", "project_lead_yearly_cap")
        ],
        "form": form if can_edit else None,
        "errors": form.non_field_errors(),
        "history": history(events),
        "section": "parameters",
        "breadcrumb_data": crumbs("Paramètres des règles"),
    }
    return render(request, "budget/parameters.html", context, status=form.status)


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
    _deny_unless(perms.can_steer(request.user), "Seule l'ANCT désigne les territoires touchés par un choc industriel.")
    form = ShockForm(request.POST)
    if form.is_valid():
        shock = form.save(request.user)
        messages.success(request, f"{shock.territory} désigné pour Rebond industriel.")
        return redirect("budget:shocks")
    return render(request, "budget/shocks.html", _shocks_context(request, form=form), status=400)


@budget_page
@require_POST
def shock_end(request, pk: int):
    _deny_unless(perms.can_steer(request.user), "Seule l'ANCT met fin à une désignation.")
    shock = get_object_or_404(ShockDesignation.objects.select_related("territory__phase"), pk=pk)
    form = ShockEndForm(request.POST, shock=shock)
    if form.is_valid():
        form.save(request.user)
        messages.success(request, f"Fin de la désignation de {shock.territory} enregistrée.")
        return redirect("budget:shocks")
    context = _shocks_context(request, end_form=form, ending=shock.pk)
    return render(request, "budget/shocks.html", context, status=400)
