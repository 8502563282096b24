"""E-mail reminders for opinions past or near their deadline, at most one per request and per day."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from pilote.core.models import User

from .enums import FileState
from .models import OpinionRequest


def due_requests(today: date, days: int):
    """Pending requests of files under review, due within `days` days or late, not reminded today."""
    return (
        OpinionRequest.objects.pending()
        .filter(file__state=FileState.IN_REVIEW, deadline__lte=today + timedelta(days=days))
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
        .select_related("file__territory", "file__campaign", "organisation")
    )


def recipients(request: OpinionRequest) -> list[str]:
    """The members of the organisation asked."""
    users = User.objects.filter(organisation_id=request.organisation_id)
    return sorted(set(users.filter(is_active=True).exclude(email="").values_list("email", flat=True)))


def message(request: OpinionRequest, today: date) -> tuple[str, str]:
    territory, late = request.file.territory, request.deadline < today
    subject = f"[Pilote TI] {'Avis en retard' if late else 'Avis attendu'} : {territory.name} ({territory.code})"
    when = "était attendu" if late else "est attendu"
    url = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("campaigns:file", args=[request.file_id])
    body = (
        f"Bonjour,\n\nVotre avis sur le dossier de {territory.name} ({territory.code}), campagne "
        f"« {request.file.campaign.name} », {when} le {request.deadline:%d/%m/%Y}.\n\n"
        f"Pour le rendre : {url}\n\nL'équipe Pilote TI"
    )
    return subject, body


def send_reminders(*, today: date, days: int = 3, dry_run: bool = False) -> list[tuple[OpinionRequest, list[str]]]:
    sent = []
    for request in due_requests(today, days):
        emails = recipients(request)
        if not emails:
            continue
        if not dry_run:
            subject, body = message(request, today)
            send_mail(subject, body, None, emails)
            OpinionRequest.objects.filter(pk=request.pk).update(last_reminded_on=today)
        sent.append((request, emails))
    return sent
