"""E-mail notifications, the one way every app tells people that something happened.

`notify()` writes one `Notification` per recipient, its French text and HTML rendered from Django templates, in the
caller's transaction; once that transaction commits, one background task per row (`deliver_notification`, Django's
tasks framework through the django-tasks backport) sends it through Django's e-mail backend. A rolled-back change
therefore sends nothing and leaves no row, and a slow or unreachable mail server never delays a page. With the
database backend (settings `TASKS`) the tasks wait in the database for `manage.py db_worker`, so several app servers
and workers share one PostgreSQL; a task that fails keeps its traceback there and the row says « Non envoyée »."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import Notification

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """A link that works from a mailbox: the site's address (settings.SITE_URL) before the path."""
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def notify(recipients: Iterable, *, kind: str, subject: str, template: str, context: dict, url: str = "") -> list:
    """E-mail `recipients` (users; each once, inactive ones skipped) about an event. `template` renders the body's
    paragraphs (plain text, French) from `context` + `recipient`; `components/_email.txt` and `components/_email.html`
    wrap it with the greeting, the link to `url` and the signature."""
    people = {user.pk: user for user in recipients if user.is_active}
    rows = [
        _render(user, kind=kind, subject=subject, template=template, context=context, url=url)
        for user in people.values()
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: [deliver_notification.enqueue(pk) for pk in ids])
    return rows


def _render(user, *, kind: str, subject: str, template: str, context: dict, url: str) -> Notification:
    body = render_to_string(template, {**context, "recipient": user}).strip()
    frame = {"subject": subject, "body": body, "recipient": user, "url": absolute(url) if url else ""}
    return Notification(
        recipient=user,
        kind=kind,
        subject=f"[Pilote TI] {subject}"[:200],
        text=render_to_string("components/_email.txt", frame),
        html=render_to_string("components/_email.html", frame),
        url=url,
    )


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one notification (idempotent: an already sent one is not sent again). Run by the worker."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.sent_at:
        return "absente ou déjà envoyée"
    return send(notification)


def send(notification: Notification) -> str:
    email = notification.recipient.email
    if not email:
        Notification.objects.filter(pk=notification.pk).update(error="pas d'adresse e-mail")
        return "pas d'adresse"
    message = EmailMultiAlternatives(notification.subject, notification.text, None, [email])
    message.attach_alternative(notification.html, "text/html")
    try:
        message.send()
    except Exception as error:  # the row says why; the task is marked failed with its traceback
        Notification.objects.filter(pk=notification.pk).update(error=f"échec de l'envoi ({type(error).__name__})")
        raise
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now(), error="")
    return "envoyée"
