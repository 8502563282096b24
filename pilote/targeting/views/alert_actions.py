"""What ANCT does with one shock alert: its page of follow-up (the evidence, who followed it up, its history) with
« Désigner Rebond industriel » (a budget page, reached by its URL name) and « Écarter » (here). The list of alerts
is `views/alerts.py`. ANCT only: 403 for the other signed-in people. Bad input → 400 with French errors, nothing
written."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from pilote.core.breadcrumbs import crumbs
from pilote.core.models import AuditEvent
from pilote.core.perms import is_national

from ..enums import AlertStatus
from ..forms.alerts import AlertDismissForm
from ..history import history
from ..models import Alert


@login_required
@require_http_methods(["GET", "POST"])
def alert_follow_up(request, pk: int):
    if not is_national(request.user):
        raise PermissionDenied("Seule l'ANCT donne suite aux alertes de choc industriel.")
    alert = get_object_or_404(Alert.objects.select_related("scoring__method_version__method", "reviewed_by"), pk=pk)
    form = AlertDismissForm(request.POST if request.method == "POST" else None, alert=alert)
    if request.method == "POST" and form.is_valid() and form.save(request.user):
        messages.success(request, "Alerte écartée.")
        return redirect("targeting:alert_follow_up", pk=alert.pk)
    events = AuditEvent.objects.filter(object_type="targeting.alert", object_id=str(alert.pk)).select_related("actor")
    context = {
        "alert": alert,
        "form": form if alert.status == AlertStatus.OPEN else None,
        "history": history(events[:50]),
        "breadcrumb_data": crumbs(f"Alerte {alert.code} ({alert.period})"),
    }
    return render(request, "targeting/alert_follow_up.html", context, status=400 if form.errors else 200)
