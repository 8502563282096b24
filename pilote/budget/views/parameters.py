"""The page of the rules' parameters: everyone who may view the budget reads them, ANCT changes them (a stale edit
answers 409 with the saved values)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pilote.core.breadcrumbs import crumbs
from pilote.core.models import AuditEvent

from .. import perms
from ..forms.parameters import ParametersForm
from ..history import history
from ..models import Parameters
from . import budget_page, deny_unless


@budget_page
@require_http_methods(["GET", "POST"])
def parameters(request):
    can_edit = perms.can_steer(request.user)
    if request.method == "POST":
        deny_unless(can_edit, "Seule l'ANCT modifie les paramètres des règles.")
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
