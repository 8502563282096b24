"""Campaign pages: list and opening (ANCT), dashboard and exports, a territory's file, its perimeter change
request, opinions and history. Out of scope → 404; in scope but not allowed → 403; bad input → the form again."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from pilote.core.audit import record
from pilote.core.breadcrumbs import crumbs
from pilote.core.exports import append_rows, csv_response, xlsx_response
from pilote.core.history import everything
from pilote.core.models import AuditEvent
from pilote.core.versioning import conflict_status
from pilote.territories.figures import place_names

from . import perms
from .dashboard import EXPORT_HEADER, dashboard, export_rows, files_of
from .forms import (
    AskOpinionForm,
    CampaignForm,
    ExtendOpinionForm,
    OpinionForm,
    PerimeterRequestForm,
    ReopenForm,
    SubmitForm,
    TransitionForm,
)
from .inbox import PAGE_SIZE as INBOX_PAGE_SIZE
from .inbox import InboxFilterForm, inbox, todo_items
from .models import Campaign, FileEvent, OpinionRequest, PerimeterChangeRequest, TerritoryFile, TransitionRefused
from .perimeter import before_after_geojson
from .review import file_diff, submission_recap
from .services import campaign_open


def _campaigns_crumb() -> tuple[str, str]:
    return reverse("campaigns:list"), "Campagnes"


def _file_or_404(user, pk: int) -> TerritoryFile:
    files = TerritoryFile.objects.visible_to(user).select_related("campaign", "territory__phase")
    return get_object_or_404(files, pk=pk)


def _campaign_or_404(user, pk: int) -> Campaign:
    campaign = get_object_or_404(Campaign, pk=pk)
    if not perms.can_view_dashboard(user):
        raise PermissionDenied("Le tableau de bord est réservé à l'ANCT et aux services instructeurs.")
    return campaign


@login_required
@require_GET
def campaign_list(request):
    """The inbox: what waits for the person first (`inbox.inbox`), filtered and paginated, then the campaigns."""
    user = request.user
    campaigns = Campaign.objects.select_related("phase")
    if not perms.can_open_campaign(user):
        campaigns = campaigns.filter(files__in=TerritoryFile.objects.visible_to(user)).distinct()
    campaigns = list(campaigns)
    regions, departements = place_names(settings.DEFAULT_EDITION)
    form = InboxFilterForm(request.GET, campaigns=campaigns, regions=regions, departements=departements)
    page = Paginator(form.filter(inbox(user)), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    for file in page.object_list:
        file.region_name = regions.get(file.territory.region_code, file.territory.region_code)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaigns": campaigns,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "todo": [item for item in todo_items(user) if item.count],
        "can_open": perms.can_open_campaign(user),
        "can_dashboard": perms.can_view_dashboard(user),
        "breadcrumb_data": crumbs("Campagnes"),
    }
    return render(request, "campaigns/list.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    if not perms.can_open_campaign(request.user):
        raise PermissionDenied("Seule l'ANCT ouvre une campagne.")
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = campaign_open(
            name=data["name"],
            phase=data["phase"],
            territories=data["territories"],
            submission_deadline=data["submission_deadline"],
            opinion_deadline=data["opinion_deadline"],
            actor=request.user,
        )
        messages.success(request, f"Campagne ouverte : {campaign.files.count()} dossier(s) créé(s).")
        return redirect("campaigns:dashboard", pk=campaign.pk)
    context = {"form": form, "breadcrumb_data": crumbs("Ouvrir une campagne", _campaigns_crumb())}
    return render(request, "campaigns/create.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def campaign_dashboard(request, pk: int):
    campaign = _campaign_or_404(request.user, pk)
    context = {"campaign": campaign, **dashboard(campaign, request.user)}
    context["breadcrumb_data"] = crumbs(campaign.name, _campaigns_crumb())
    return render(request, "campaigns/dashboard.html", context)


def _export(request, pk: int) -> tuple[Campaign, list[list]]:
    campaign = _campaign_or_404(request.user, pk)
    regions, _ = place_names(settings.DEFAULT_EDITION)
    return campaign, export_rows(files_of(campaign, request.user), regions)


@login_required
@require_GET
def campaign_export_csv(request, pk: int):
    campaign, rows = _export(request, pk)
    return csv_response(f"campagne_{campaign.pk}_dossiers.csv", EXPORT_HEADER, rows)


@login_required
@require_GET
def campaign_export_xlsx(request, pk: int):
    campaign, rows = _export(request, pk)
    book = Workbook()
    sheet = book.active
    sheet.title = "Dossiers"
    append_rows(sheet, [EXPORT_HEADER, *rows])
    return xlsx_response(book, f"campagne_{campaign.pk}_dossiers.xlsx")


def _file_context(request, file: TerritoryFile) -> dict:
    user = request.user
    requests = list(file.opinion_requests.select_related("organisation", "opinion__author"))
    # The instance the workflow's conditions read too: its checks are computed once (they project the perimeter).
    perimeter = getattr(file, "perimeter_request", None)
    transitions = file.available_transitions(user)
    return {
        "file": file,
        "campaign": file.campaign,
        "territory": file.territory,
        "transitions": transitions,
        "transition_form": TransitionForm(),
        "requests": [
            {
                "request": r,
                "can_answer": perms.can_give_opinion(user, r),
                "extend_form": ExtendOpinionForm(request=r) if perms.can_extend_opinion(user, r) else None,
            }
            for r in requests
        ],
        "opinion_form": OpinionForm(),
        "perimeter": perimeter,
        "check": perimeter.checks() if perimeter else None,
        "diff": file_diff(file) if perms.can_see_review(user, file) else None,
        "can_edit": perms.can_edit_file(user, file),
        "can_ask": perms.can_ask_opinion(user, file),
        "ask_form": AskOpinionForm() if perms.can_ask_opinion(user, file) else None,
        "can_reopen": perms.can_reopen(user, file),
        "reopen_form": ReopenForm(),
        "submission_open": file.submission_open(),
        "submit_blocked": _submit_blocked(user, file, transitions, perimeter),
        "breadcrumb_data": crumbs(str(file.territory), _campaigns_crumb()),
    }


def _submit_blocked(user, file: TerritoryFile, transitions, perimeter) -> list[str]:
    """Why the team of a draft cannot submit (the workflow's conditions hide « Déposer »), in French; [] otherwise."""
    if not perms.can_edit_file(user, file) or any(name == "submit" for name, _ in transitions):
        return []
    reasons = []
    if not file.submission_open():
        reasons.append(
            f"La date limite de dépôt ({file.campaign.submission_deadline:%d/%m/%Y}) est passée : "
            "demandez à l'ANCT de rouvrir le dépôt."
        )
    if perimeter is not None and perimeter.checks().errors:
        reasons.append(
            "La demande de modification du périmètre contient des erreurs : "
            + " ".join(perimeter.checks().errors)
            + " Corrigez la demande de modification du périmètre, ou videz-la, puis déposez le dossier."
        )
    return reasons


@login_required
@require_GET
def file_detail(request, pk: int):
    file = _file_or_404(request.user, pk)
    return render(request, "campaigns/file.html", _file_context(request, file))


@login_required
@require_POST
def file_transition(request, pk: int, name: str):
    file = _file_or_404(request.user, pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        if name == "submit" and perms.can_edit_file(request.user, file):  # only through the recap (file_submit)
            raise TransitionRefused("Confirmez le dépôt sur la page récapitulative « Déposer le dossier ».")
        file.run(name, by=request.user, comment=form.cleaned_data.get("comment", ""))
    except TransitionRefused as refusal:
        context = _file_context(request, file)
        context["refusal"] = str(refusal)
        context["transition_form"] = form
        return render(request, "campaigns/file.html", context, status=403 if refusal.forbidden else 400)
    messages.success(request, f"Dossier « {file.get_state_display()} ».")
    return redirect("campaigns:file", pk=file.pk)


@login_required
@require_http_methods(["GET", "POST"])
def file_submit(request, pk: int):
    """The recap of what « Déposer » sends, and the submission itself once the team ticked the confirmation."""
    file = _file_or_404(request.user, pk)
    if not perms.can_edit_file(request.user, file):
        raise PermissionDenied(
            "Seule l'équipe du territoire dépose son dossier, tant qu'il est brouillon ou à compléter."
        )
    form = SubmitForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            file.run("submit", by=request.user, comment=form.cleaned_data["comment"])
        except TransitionRefused as refused:
            refusal = str(refused)
        else:
            messages.success(request, "Dossier déposé : l'ANCT et les services instructeurs peuvent l'examiner.")
            return redirect("campaigns:file", pk=file.pk)
    context = {
        "file": file,
        "territory": file.territory,
        "form": form,
        "refusal": refusal,
        **submission_recap(file),
        "breadcrumb_data": crumbs(
            "Déposer", _campaigns_crumb(), (reverse("campaigns:file", args=[file.pk]), str(file.territory))
        ),
    }
    return render(request, "campaigns/submit.html", context, status=400 if form.errors or refusal else 200)


@login_required
@require_POST
def file_reopen(request, pk: int):
    file = _file_or_404(request.user, pk)
    if not perms.can_reopen(request.user, file):
        raise PermissionDenied("Seule l'ANCT rouvre le dépôt d'un dossier non déposé.")
    form = ReopenForm(request.POST)
    if not form.is_valid():
        context = _file_context(request, file) | {"reopen_form": form}
        return render(request, "campaigns/file.html", context, status=400)
    file.reopen(by=request.user, until=form.cleaned_data["until"])
    messages.success(request, "Dépôt rouvert.")
    return redirect("campaigns:file", pk=file.pk)


@login_required
@require_http_methods(["GET", "POST"])
def file_perimeter(request, pk: int):
    """Edit the perimeter change request; `check` shows the checks and the map without saving."""
    file = _file_or_404(request.user, pk)
    instance = PerimeterChangeRequest.objects.filter(file=file).first() or PerimeterChangeRequest(file=file)
    if request.method == "POST" and not perms.can_edit_file(request.user, file):
        raise PermissionDenied("Seule l'équipe du territoire modifie sa demande, tant que le dossier n'est pas déposé.")
    form = PerimeterRequestForm(request.POST if request.method == "POST" else None, instance=instance)
    result = None
    if request.method == "POST" and form.is_valid():
        if "save" not in request.POST:
            result = form.instance.checks()
        elif form.save(request.user) is not None:
            messages.success(request, "Demande de modification du périmètre enregistrée.")
            return redirect("campaigns:file", pk=file.pk)
    elif instance.pk:
        result = instance.checks()
    context = {
        "file": file,
        "territory": file.territory,
        "form": form,
        "check": result,
        "can_edit": perms.can_edit_file(request.user, file),
        "preview": before_after_geojson(form.instance) if result else None,  # json_script
        "breadcrumb_data": crumbs(
            "Périmètre", _campaigns_crumb(), (reverse("campaigns:file", args=[file.pk]), str(file.territory))
        ),
    }
    status = conflict_status(form, 400 if form.errors else 200)
    return render(request, "campaigns/perimeter.html", context, status=status)


@login_required
@require_GET
def file_perimeter_geojson(request, pk: int):
    file = _file_or_404(request.user, pk)
    proposal = PerimeterChangeRequest.objects.filter(file=file).first()
    if proposal is None:
        raise Http404("Aucune demande de modification du périmètre")
    return JsonResponse(before_after_geojson(proposal))


@login_required
@require_POST
def opinion_ask(request, pk: int):
    file = _file_or_404(request.user, pk)
    if not perms.can_ask_opinion(request.user, file):
        raise PermissionDenied("Seule l'ANCT demande un avis, pendant l'instruction.")
    form = AskOpinionForm(request.POST)
    if not form.is_valid():
        return render(request, "campaigns/file.html", _file_context(request, file) | {"ask_form": form}, status=400)
    try:
        OpinionRequest.ask_organisation(
            file,
            organisation=form.cleaned_data["organisation"],
            deadline=form.cleaned_data["deadline"],
            by=request.user,
        )
    except TransitionRefused as refusal:
        form.add_error("organisation", str(refusal))
        return render(request, "campaigns/file.html", _file_context(request, file) | {"ask_form": form}, status=400)
    messages.success(request, "Avis demandé.")
    return redirect("campaigns:file", pk=file.pk)


@login_required
@require_POST
def opinion_give(request, pk: int):
    opinion_request = get_object_or_404(_visible_requests(request.user), pk=pk)
    if opinion_request.is_late():
        messages.error(
            request,
            f"La date limite de cet avis ({opinion_request.deadline:%d/%m/%Y}) est passée : il n'est plus accepté. "
            "L'ANCT peut prolonger le délai.",
        )
        return render(request, "campaigns/file.html", _file_context(request, opinion_request.file), status=403)
    if not perms.can_give_opinion(request.user, opinion_request):
        raise PermissionDenied("Cet avis ne vous est pas demandé, ou il n'est plus attendu.")
    form = OpinionForm(request.POST)
    if not form.is_valid():
        context = _file_context(request, opinion_request.file) | {"opinion_form": form, "answering": pk}
        return render(request, "campaigns/file.html", context, status=400)
    _give(opinion_request, form, request.user)
    messages.success(request, "Avis enregistré.")
    return redirect("campaigns:file", pk=opinion_request.file_id)


@login_required
@require_POST
def opinion_extend(request, pk: int):
    opinion_request = get_object_or_404(_visible_requests(request.user), pk=pk)
    if not perms.can_extend_opinion(request.user, opinion_request):
        raise PermissionDenied("Seule l'ANCT prolonge le délai d'un avis encore attendu, pendant l'instruction.")
    form = ExtendOpinionForm(request.POST, request=opinion_request)
    if not form.is_valid():
        context = _file_context(request, opinion_request.file)
        for item in context["requests"]:
            if item["request"].pk == pk:
                item["extend_form"] = form
        return render(request, "campaigns/file.html", context, status=400)
    opinion_request.extend_deadline(deadline=form.cleaned_data["deadline"], by=request.user)
    messages.success(request, f"Délai de l'avis prolongé jusqu'au {opinion_request.deadline:%d/%m/%Y}.")
    return redirect("campaigns:file", pk=opinion_request.file_id)


def _visible_requests(user):
    return OpinionRequest.objects.filter(file__in=TerritoryFile.objects.visible_to(user)).select_related(
        "file__territory__phase", "file__campaign"
    )


def _give(opinion_request, form, user) -> None:
    territory = opinion_request.file.territory
    with transaction.atomic():
        opinion = form.save(commit=False)
        opinion.request, opinion.author = opinion_request, user
        opinion.save()
        record(
            actor=user,
            action="opinion.give",
            obj=opinion,
            changes={"kind": [None, opinion.kind], "text": [None, opinion.text]},
            **territory.audit_scope(),
        )


@login_required
@require_GET
def file_history(request, pk: int):
    file = _file_or_404(request.user, pk)
    territory = file.territory
    audit = AuditEvent.objects.filter(phase_slug=territory.phase.slug, territory_code=territory.code)
    context = {
        "file": file,
        "territory": territory,
        "events": list(FileEvent.objects.filter(file=file).select_related("actor")),
        "history": everything().history(audit.select_related("actor")[:500]),
        "breadcrumb_data": crumbs(
            "Historique", _campaigns_crumb(), (reverse("campaigns:file", args=[file.pk]), str(territory))
        ),
    }
    return render(request, "campaigns/history.html", context)
