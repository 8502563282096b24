"""Pages that allocate: the years and their envelope trees, an envelope (see it, delegate it, change its amounts).

Only people who may view the budget reach them (403 for the others); envelopes are read through their
`visible_to(user)` (outside it: 404); what the role may not do answers 403; a refused rule re-displays the form with
its French reason (400, nothing written); a stale edit answers 409 with the saved values."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.core.breadcrumbs import crumbs
from pilote.core.models import AuditEvent

from .. import perms
from ..enums import EnvelopeLevel
from ..forms.envelopes import DelegateForm, EnvelopeAmountsForm, YearOpenForm
from ..history import history
from ..models import Envelope
from . import budget_page, default_place_names, deny_unless, with_region_names

ENVELOPE_COMMITMENTS_SHOWN = 100


def _years_crumb() -> tuple[str, str]:
    return reverse("budget:years"), "Enveloppes"


def envelope_row_context(envelope: Envelope, names: tuple[dict, dict]) -> dict:
    """The envelope as the one row of its figures table (`row_list`), and its name for titles (`row`)."""
    row = EnvelopeRow(envelope, envelope.describe(*names))
    return {"row": row, "row_list": [row]}


def _share(used: Decimal, amount: Decimal) -> Decimal | None:
    return (used * 100 / amount).quantize(Decimal("0.1")) if amount else None


@dataclass
class EnvelopeRow:
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


def tree_rows(envelopes: list[Envelope], names) -> list[EnvelopeRow]:
    """Depth-first rows: each envelope followed by its children; envelopes whose parent is not in the list are roots
    (a regional reviewer's tree starts at their régions)."""
    ids = {e.pk for e in envelopes}
    children: dict[int | None, list[Envelope]] = {}
    for envelope in envelopes:
        children.setdefault(envelope.parent_id if envelope.parent_id in ids else None, []).append(envelope)
    rows: list[EnvelopeRow] = []

    def walk(envelope: Envelope, depth: int) -> None:
        rows.append(EnvelopeRow(envelope, envelope.describe(*names), depth))
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
    deny_unless(perms.can_steer(request.user), "Seule l'ANCT ouvre le budget d'une année.")
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
        "rows": tree_rows(envelopes, default_place_names()),
        "section": "envelopes",
        "breadcrumb_data": crumbs(str(year), _years_crumb()),
    }
    return render(request, "budget/year.html", context)


# --- one envelope ---------------------------------------------------------------------------------------------------


def envelope_or_404(user, pk: int) -> Envelope:
    return get_object_or_404(Envelope.objects.visible_to(user).select_related("parent"), pk=pk)


def envelope_crumbs(envelope: Envelope, names, current: str | None = None) -> dict:
    links = [_years_crumb(), (reverse("budget:year", args=[envelope.year]), str(envelope.year))]
    name = envelope.describe(*names)
    if current is None:
        return crumbs(name, *links)
    return crumbs(current, *links, (reverse("budget:envelope", args=[envelope.pk]), name))


@budget_page
@require_GET
def envelope(request, pk: int):
    envelope = envelope_or_404(request.user, pk)
    names = default_place_names()
    user = request.user
    commitments = envelope.commitments.select_related("territory__phase").order_by("-created_at", "-id")
    children = Envelope.objects.visible_to(user).filter(parent=envelope)
    events = AuditEvent.objects.filter(object_type="budget.envelope", object_id=str(envelope.pk))
    context = {
        "envelope": envelope,
        **envelope_row_context(envelope, names),
        "parent": EnvelopeRow(envelope.parent, envelope.parent.describe(*names)) if envelope.parent_id else None,
        "parent_visible": Envelope.objects.visible_to(user).filter(pk=envelope.parent_id).exists(),
        "children": [EnvelopeRow(child, child.describe(*names)) for child in children],
        "commitments": with_region_names(commitments[:ENVELOPE_COMMITMENTS_SHOWN], names.regions),
        "commitments_count": commitments.count(),
        "shown": ENVELOPE_COMMITMENTS_SHOWN,
        "history": history(events.select_related("actor")[:100]),
        "can_delegate": perms.can_delegate(user, envelope),
        "can_change_amounts": perms.can_change_amounts(user, envelope),
        "can_commit": perms.can_commit(user, envelope),
        "section": "envelopes",
        "breadcrumb_data": envelope_crumbs(envelope, names),
    }
    return render(request, "budget/envelope.html", context)


@budget_page
@require_http_methods(["GET", "POST"])
def envelope_delegate(request, pk: int):
    envelope = envelope_or_404(request.user, pk)
    deny_unless(perms.can_delegate(request.user, envelope), "Vous ne pouvez pas déléguer cette enveloppe.")
    names = default_place_names()
    form = DelegateForm(request.POST if request.method == "POST" else None, envelope=envelope, regions=names.regions)
    if request.method == "POST" and form.is_valid() and (child := form.save(request.user)) is not None:
        messages.success(request, f"Enveloppe déléguée : {child.describe(*names)}.")
        return redirect("budget:envelope", pk=envelope.pk)
    context = {
        "envelope": envelope,
        **envelope_row_context(envelope, names),
        "form": form,
        "section": "envelopes",
        "breadcrumb_data": envelope_crumbs(envelope, names, "Déléguer"),
    }
    return render(request, "budget/envelope_delegate.html", context, status=form.status)


@budget_page
@require_http_methods(["GET", "POST"])
def envelope_edit(request, pk: int):
    envelope = envelope_or_404(request.user, pk)
    deny_unless(
        perms.can_change_amounts(request.user, envelope),
        "Seul qui a délégué cette enveloppe en modifie les montants.",
    )
    names = default_place_names()
    form = EnvelopeAmountsForm(request.POST if request.method == "POST" else None, envelope=envelope)
    if request.method == "POST" and form.is_valid() and form.save(request.user):
        messages.success(request, "Montants de l'enveloppe enregistrés.")
        return redirect("budget:envelope", pk=envelope.pk)
    context = {
        "envelope": envelope,
        **envelope_row_context(envelope, names),
        "form": form,
        "section": "envelopes",
        "breadcrumb_data": envelope_crumbs(envelope, names, "Modifier les montants"),
    }
    return render(request, "budget/envelope_edit.html", context, status=form.status)
