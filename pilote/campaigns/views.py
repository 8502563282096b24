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

from pilote.core.attachments import AttachmentForm
from pilote.core.audit import record
from pilote.core.breadcrumbs import crumbs
from pilote.core.exports import append_rows, csv_response, xlsx_response
from pilote.core.history import everything
from pilote.core.models import AuditEvent
from pilote.core.pdf import pdf_response
from pilote.core.versioning import conflict_status
from pilote.geography.projection import edition_index
from pilote.territories.figures import place_names
from pilote.territories.perms import can_review
from pilote.territories.svg import perimeter_svg

from . import notifications, perms
from .dashboard import EXPORT_HEADER, dashboard, export_rows, files_of
from .enums import FileState
from .forms import (
    AskOpinionForm,
    CampaignForm,
    ExtendOpinionForm,
    MessageForm,
    OpinionForm,
    PerimeterRequestForm,
    ReopenForm,
    SendBackForm,
    SubmitForm,
    TransitionForm,
    ValidateForm,
)
from .history import commune_names, epci_names
from .inbox import PAGE_SIZE as INBOX_PAGE_SIZE
from .inbox import InboxFilterForm, inbox
from .models import (
    ApprovedRecord,
    Campaign,
    FileAttachment,
    FileEvent,
    FileMessage,
    FileReadMark,
    OpinionRequest,
    PerimeterChangeRequest,
    TerritoryFile,
    TransitionRefused,
)
from .perimeter import (
    before_after_geojson,
    composition,
    current_communes,
    nearby_communes_geojson,
    request_lines,
    search_places,
)
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
    # Unread messages of the files of this page: one query, whatever the page.
    unread = dict(
        TerritoryFile.objects.filter(pk__in=[file.pk for file in page.object_list])
        .order_by()
        .with_unread(user)
        .values_list("pk", "unread")
    )
    for file in page.object_list:
        file.region_name = regions.get(file.territory.region_code, file.territory.region_code)
        file.unread = unread.get(file.pk, 0)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaigns": campaigns,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
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
    thread = _thread(file, user)
    record = ApprovedRecord.objects.filter(file=file).first()
    return {
        "record": record,
        **(_record_context(record) if record else {}),
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
        "diff": (record.changes() if record else file_diff(file)) if perms.can_see_review(user, file) else None,
        "can_edit": perms.can_edit_file(user, file),
        "can_ask": perms.can_ask_opinion(user, file),
        "ask_form": AskOpinionForm() if perms.can_ask_opinion(user, file) else None,
        "can_reopen": perms.can_reopen(user, file),
        "reopen_form": ReopenForm(),
        "submission_open": file.submission_open(),
        "submit_blocked": _submit_blocked(user, file, transitions, perimeter),
        "thread": thread,
        "unread_count": sum(item["unread"] for item in thread),
        "message_form": MessageForm(),
        "attachments": list(file.attachments.active()),
        "attachment_form": AttachmentForm() if perms.can_attach(user, file) else None,
        "attachment_upload_url": reverse("campaigns:file_attachment_add", args=[file.pk]),
        "breadcrumb_data": crumbs(str(file.territory), _campaigns_crumb()),
    }


def _thread(file: TerritoryFile, user) -> list[dict]:
    """The file's messages, each marked unread when it is newer than the person's read mark and not theirs; reading
    the page moves the mark to the last one (after the marks of this page are taken)."""
    read_up_to = FileReadMark.of(file, user)
    posted = list(FileMessage.objects.filter(file=file).select_related("author"))
    if posted and posted[-1].pk > read_up_to:
        FileReadMark.move(file, user, posted[-1].pk)
    return [{"message": m, "unread": m.pk > read_up_to and m.author_id != user.pk} for m in posted]


def _record_context(record: ApprovedRecord) -> dict:
    """What ANCT approved, as frozen at validation: the perimeter's figures and changes, its contour drawn."""
    return {
        "approved": record.perimeter_changes(),
        "approved_map": perimeter_svg(
            record.perimeter_geojson, label=f"Périmètre validé de {record.file.territory.name}"
        ),
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
        if name in DECISIONS and name in dict(file.available_transitions(request.user)):  # through file_decide
            raise TransitionRefused(f"Confirmez la décision sur sa page « {file.TRANSITIONS[name]} ».")
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


# ANCT's decisions, each through a confirmation page that says where the opinions stand: url name → form.
DECISIONS = {"validate": ValidateForm, "send_back": SendBackForm}


@login_required
@require_http_methods(["GET", "POST"])
def file_validate(request, pk: int):
    return _decide(request, pk, "validate")


@login_required
@require_http_methods(["GET", "POST"])
def file_send_back(request, pk: int):
    return _decide(request, pk, "send_back")


def _decide(request, pk: int, name: str):
    """The confirmation page of a decision: opinions missing, late, reserved or unfavourable, what changes; the
    decision itself once its form is valid (the file's own rule refuses what the form would have refused)."""
    file = _file_or_404(request.user, pk)
    if name not in dict(file.available_transitions(request.user)):
        raise PermissionDenied("Seule l'ANCT valide ou renvoie un dossier, et seulement pendant son instruction.")
    standing = file.opinion_standing()
    bound = request.POST if request.method == "POST" else None
    form = ValidateForm(bound, standing=standing) if name == "validate" else SendBackForm(bound)
    refusal = None
    if request.method == "POST" and form.is_valid():
        options = (
            {"acknowledged_missing": form.cleaned_data.get("acknowledge_missing", False)} if name == "validate" else {}
        )
        try:
            file.run(name, by=request.user, comment=form.cleaned_data["comment"], **options)
        except TransitionRefused as refused:
            refusal = str(refused)
        else:
            messages.success(request, f"Dossier « {file.get_state_display()} ».")
            return redirect("campaigns:file", pk=file.pk)
    perimeter = getattr(file, "perimeter_request", None)
    context = {
        "file": file,
        "territory": file.territory,
        "name": name,
        "label": file.TRANSITIONS[name],
        "standing": standing,
        "form": form,
        "refusal": refusal,
        "diff": file_diff(file),
        "perimeter": perimeter if perimeter is not None and perimeter.has_changes else None,
        "check": perimeter.checks() if perimeter is not None and perimeter.has_changes else None,
        "breadcrumb_data": crumbs(
            file.TRANSITIONS[name], _campaigns_crumb(), (reverse("campaigns:file", args=[file.pk]), str(file.territory))
        ),
    }
    return render(request, "campaigns/decide.html", context, status=400 if form.errors or refusal else 200)


@login_required
@require_GET
def file_receipt_pdf(request, pk: int):
    """The receipt of the last submission: what the team sent (the snapshots taken then), when, by whom."""
    file = _file_or_404(request.user, pk)
    event = FileEvent.objects.filter(file=file, target=FileState.SUBMITTED).select_related("actor").last()
    if not file.submitted_at or event is None:
        raise Http404("Ce dossier n'a pas encore été déposé.")
    perimeter = PerimeterChangeRequest.objects.filter(file=file).first()
    context = {
        "file": file,
        "territory": file.territory,
        "event": event,
        "fiches": sorted(file.proposed_plan.get("fiches", {}).values(), key=lambda f: f["title"]),
        "governance": file.proposed_governance,
        "perimeter": perimeter if perimeter is not None and perimeter.has_changes else None,
        "names": _perimeter_names(perimeter) if perimeter is not None else {},
    }
    name = f"recepisse-{file.territory.code}-{file.submitted_at:%Y%m%d}.pdf"
    return pdf_response("campaigns/receipt_pdf.html", context, filename=name, request=request)


def _perimeter_names(perimeter: PerimeterChangeRequest) -> dict:
    """The request's EPCI and communes by name and code, for print."""
    sirens = set(perimeter.add_epcis) | set(perimeter.remove_epcis)
    codes = set(perimeter.add_communes) | set(perimeter.remove_communes)
    epcis, communes = epci_names(sirens), commune_names(codes)
    return {
        "add_epcis": [epcis.get(s, s) for s in perimeter.add_epcis],
        "remove_epcis": [epcis.get(s, s) for s in perimeter.remove_epcis],
        "add_communes": [communes.get(c, c) for c in perimeter.add_communes],
        "remove_communes": [communes.get(c, c) for c in perimeter.remove_communes],
    }


@login_required
@require_GET
def file_record_pdf(request, pk: int):
    """What ANCT approved, as frozen at validation (`ApprovedRecord`)."""
    file = _file_or_404(request.user, pk)
    record = ApprovedRecord.objects.filter(file=file).select_related("approved_by").first()
    if record is None:
        raise Http404("Ce dossier n'a pas été validé.")
    context = {
        "file": file,
        "territory": file.territory,
        "record": record,
        "fiches": sorted(record.plan.get("fiches", {}).values(), key=lambda f: f["title"]),
        "changes": record.changes(),
        **_record_context(record),
    }
    name = f"version-validee-{file.territory.code}-{record.approved_at:%Y%m%d}.pdf"
    return pdf_response("campaigns/record_pdf.html", context, filename=name, request=request)


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
@require_POST
def file_attachment_add(request, pk: int):
    file = _file_or_404(request.user, pk)
    if not perms.can_attach(request.user, file):
        raise PermissionDenied("Seule l'équipe ajoute des pièces à son dossier tant qu'elle le remplit.")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _file_context(request, file) | {"attachment_form": form}
        return render(request, "campaigns/file.html", context, status=400)
    attachment = FileAttachment.attach(by=request.user, form=form, file=file)
    messages.success(request, f"Pièce jointe ajoutée : « {attachment.title} ».")
    return redirect(reverse("campaigns:file", args=[file.pk]) + "#attachments")


def _attachment_or_404(user, pk: int, attachment: int) -> FileAttachment:
    """An active attachment of a file this person sees; a removed one only for ANCT and the reviewers."""
    file = _file_or_404(user, pk)
    found = get_object_or_404(FileAttachment.objects.select_related("file__territory__phase"), file=file, pk=attachment)
    if found.removed_at is not None and not can_review(user, file.territory):
        raise Http404("Pièce jointe retirée")
    return found


@login_required
@require_GET
def file_attachment(request, pk: int, attachment: int):
    return _attachment_or_404(request.user, pk, attachment).download()


@login_required
@require_POST
def file_attachment_remove(request, pk: int, attachment: int):
    found = _attachment_or_404(request.user, pk, attachment)
    if found.removed_at is not None:
        raise Http404("Pièce jointe déjà retirée")
    if not perms.can_attach(request.user, found.file):
        raise PermissionDenied("Seule l'équipe retire des pièces de son dossier tant qu'elle le remplit.")
    found.remove(by=request.user)
    messages.success(request, f"Pièce jointe retirée : « {found.title} ».")
    return redirect(reverse("campaigns:file", args=[pk]) + "#attachments")


@login_required
@require_http_methods(["GET", "POST"])
def file_perimeter(request, pk: int):
    """Edit the perimeter change request by name; « Vérifier », « Ajouter », « Retirer » and the « drop » buttons
    show the lists, the checks and the map without saving; « Enregistrer » saves."""
    file = _file_or_404(request.user, pk)
    instance = PerimeterChangeRequest.objects.filter(file=file).first() or PerimeterChangeRequest(file=file)
    if request.method == "POST" and not perms.can_edit_file(request.user, file):
        raise PermissionDenied("Seule l'équipe du territoire modifie sa demande, tant que le dossier n'est pas déposé.")
    form = PerimeterRequestForm(request.POST if request.method == "POST" else None, instance=instance)
    valid = request.method == "POST" and form.is_valid()  # also what « Ajouter », « Retirer », « Vérifier » show
    if valid and "save" in request.POST and form.save(request.user) is not None:
        messages.success(request, "Demande de modification du périmètre enregistrée.")
        return redirect("campaigns:file", pk=file.pk)
    proposal = form.instance  # as posted (lists updated by the form), or as saved
    result = proposal.checks()
    edition = settings.DEFAULT_EDITION
    index, departements = edition_index(edition), place_names(edition).departements
    context = {
        "file": file,
        "territory": file.territory,
        "form": form,
        "check": result,
        "composition": composition(result.before.communes, index, departements),
        "lines": request_lines(proposal, index, departements),
        "can_edit": perms.can_edit_file(request.user, file),
        "preview": before_after_geojson(proposal),  # json_script
        "breadcrumb_data": crumbs(
            "Périmètre", _campaigns_crumb(), (reverse("campaigns:file", args=[file.pk]), str(file.territory))
        ),
    }
    status = conflict_status(form, 400 if form.errors else 200)
    return render(request, "campaigns/perimeter.html", context, status=status)


@login_required
@require_GET
def file_perimeter_places(request, pk: int):
    """EPCI and communes matching `q` (name, INSEE code or SIREN), with their département, for the combobox."""
    file = _file_or_404(request.user, pk)
    text = request.GET.get("q", "").strip()[:100]
    if len(text) < 2:
        return JsonResponse({"results": []})
    edition = settings.DEFAULT_EDITION
    index = edition_index(edition)
    inside = current_communes(file.territory, edition)
    found = search_places(text, edition, place_names(edition).departements)
    return JsonResponse({"results": [p.as_json(inside, index) for p in found]})


@login_required
@require_GET
def file_perimeter_communes(request, pk: int):
    """The communes of and around the territory, clickable on the request's map (GeoJSON)."""
    file = _file_or_404(request.user, pk)
    proposal = PerimeterChangeRequest.objects.filter(file=file).first()
    return JsonResponse(nearby_communes_geojson(proposal, file.territory))


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
        notifications.opinion_given(opinion, by=user)


@login_required
@require_POST
def file_message(request, pk: int):
    """Post a message on the file: whoever may see it (others get 404). The participants are e-mailed."""
    file = _file_or_404(request.user, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        context = _file_context(request, file) | {"message_form": form}
        return render(request, "campaigns/file.html", context, status=400)
    FileMessage.post(file, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, "Message envoyé.")
    return redirect(reverse("campaigns:file", args=[file.pk]) + "#messages")


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
