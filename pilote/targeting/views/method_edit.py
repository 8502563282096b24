"""ANCT publishes a new version of the fragility index's method; past versions and their scores never change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pilote.core.breadcrumbs import crumbs

from .. import perms
from ..forms.method import MethodVersionForm


@login_required
@require_http_methods(["GET", "POST"])
def method_edit(request):
    if not perms.can_edit_method(request.user):
        raise PermissionDenied("Seule l'ANCT publie une nouvelle version de la méthode.")
    form = MethodVersionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        version = form.save(request.user)
        messages.success(request, f"Version {version.number} de la méthode publiée.")
        return redirect("targeting:method_edit")
    context = {
        "form": form,
        "latest": form.latest,
        "breadcrumb_data": crumbs("Nouvelle version de la méthode"),
    }
    return render(request, "targeting/method_edit.html", context, status=400 if form.errors else 200)
