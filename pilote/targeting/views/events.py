"""Declared industrial events: the list of one's scope (filters, paginated), declaring one, its page with its
history, editing it (stale edits: 409 with the conflict banner). Préfectures, regional services and ANCT only (403
for the other signed-in people); an event outside the scope is 404. Bad input → the form again with its French
errors (400), nothing written."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pilote.core.breadcrumbs import crumbs
from pilote.core.models import AuditEvent
from pilote.core.perms import is_national
from pilote.core.versioning import conflict_status
from pilote.geography.models import Commune

from .. import perms
from ..forms.events import EventFilterForm, IndustrialEventForm
from ..history import history
from ..models import IndustrialEvent

PAGE_SIZE = 50


def _declarant(request) -> None:
    if not perms.can_declare_events(request.user):
        raise PermissionDenied(
            "Les événements industriels déclarés sont réservés aux préfectures, aux services régionaux et à l'ANCT."
        )


def _events_crumb() -> tuple[str, str]:
    return reverse("targeting:events"), "Événements industriels déclarés"


def _event(request, pk: int) -> IndustrialEvent:
    _declarant(request)
    events = IndustrialEvent.objects.visible_to(request.user).select_related("declared_by", "organisation")
    return get_object_or_404(events, pk=pk)


def commune_names(codes) -> dict[str, str]:
    """Names of the communes on the platform's edition, one query."""
    rows = Commune.objects.of(settings.DEFAULT_EDITION).filter(code__in=set(codes), parent=None)
    return dict(rows.values_list("code", "name"))


@login_required
@require_GET
def events(request):
    _declarant(request)
    form = EventFilterForm(request.GET or None)
    rows = IndustrialEvent.objects.visible_to(request.user)
    if form.is_bound and form.is_valid():
        rows = form.filter(rows)
    elif form.is_bound:
        rows = rows.none()
    page = Paginator(rows.order_by("-occurred_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    names = commune_names(e.commune_code for e in page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(event, names.get(event.commune_code, event.commune_code)) for event in page],
        "query": query.urlencode(),
        "can_designate": is_national(request.user),
        "breadcrumb_data": crumbs("Événements industriels déclarés"),
    }
    return render(request, "targeting/events.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    _declarant(request)
    form = IndustrialEventForm(request.POST if request.method == "POST" else None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        messages.success(request, f"Événement « {event} » déclaré.")
        return redirect("targeting:event", pk=event.pk)
    context = {"form": form, "breadcrumb_data": crumbs("Déclarer un événement", _events_crumb())}
    return render(request, "targeting/event_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def event_detail(request, pk: int):
    event = _event(request, pk)
    events = AuditEvent.objects.filter(object_type="targeting.industrialevent", object_id=str(event.pk))
    context = {
        "event": event,
        "commune": commune_names([event.commune_code]).get(event.commune_code, ""),
        "can_edit": perms.can_edit_event(request.user, event),
        "can_designate": is_national(request.user),
        "history": history(events.select_related("actor")[:100]),
        "breadcrumb_data": crumbs(str(event), _events_crumb()),
    }
    return render(request, "targeting/event.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = _event(request, pk)
    form = IndustrialEventForm(request.POST if request.method == "POST" else None, instance=event, actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if saved is not None:
            messages.success(request, f"Événement « {saved} » enregistré.")
            return redirect("targeting:event", pk=saved.pk)
    context = {
        "form": form,
        "event": event,
        "breadcrumb_data": crumbs("Modifier", _events_crumb(), (reverse("targeting:event", args=[pk]), str(event))),
    }
    return render(
        request, "targeting/event_form.html", context, status=conflict_status(form, 400 if form.errors else 200)
    )
