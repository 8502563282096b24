"""E-mail notifications (pilote.core.notifications): one row per recipient written with the change, sent by a
background task only once the change's transaction commits."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from pilote.core.models import Notification
from pilote.core.notifications import deliver_notification, notify

from .factories import UserFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _notify(*people):
    return notify(
        people,
        kind="test.event",
        subject="Dossier déposé : L'Ain (ti-8401)",
        template="campaigns/emails/message.txt",
        context={
            "message": {"author": "Camille <Martin>", "body": "Bonjour & bienvenue"},
            "file": {"territory": {"name": "L'Ain", "code": "ti-8401"}, "campaign": {"name": "2026"}},
        },
        url="/espace/campagnes/dossiers/1/",
    )


@pytest.mark.django_db
def test_a_notification_is_sent_as_text_and_html_once_the_change_commits(django_capture_on_commit_callbacks):
    person = UserFactory(first_name="Zoé", last_name="Durand")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(person)
        assert mail.outbox == []  # not before the commit
    [message] = mail.outbox
    assert message.to == [person.email]
    assert message.subject == "[Pilote TI] Dossier déposé : L'Ain (ti-8401)"
    assert message.body.startswith("Bonjour Zoé Durand,\n\nCamille <Martin> a écrit sur le dossier de L'Ain (ti-8401)")
    assert "Pour voir la page : http://localhost:8000/espace/campagnes/dossiers/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Camille &lt;Martin&gt; a écrit" in html and "Bonjour &amp; bienvenue" in html  # escaped once
    assert 'href="http://localhost:8000/espace/campagnes/dossiers/1/"' in html
    row = Notification.objects.get(recipient=person)
    assert (row.kind, row.status, row.sent_at is not None) == ("test.event", "Envoyée", True)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_nor_kept_when_the_transaction_rolls_back():
    person = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(person)
        raise RuntimeError("the change fails after the notification was written")
    assert mail.outbox == []
    assert Notification.objects.count() == 0
    with transaction.atomic():
        _notify(person)
    assert [m.to for m in mail.outbox] == [[person.email]]


@pytest.mark.django_db
def test_each_person_once_inactive_ones_skipped_no_address_said(django_capture_on_commit_callbacks):
    person, gone, silent = UserFactory(), UserFactory(is_active=False), UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify(person, person, gone, silent)
    assert sorted(r.recipient_id for r in rows) == sorted([person.pk, silent.pk])
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert Notification.objects.get(recipient=silent).status == "Non envoyée : pas d'adresse e-mail"


@pytest.mark.django_db
def test_a_mail_server_failure_is_kept_on_the_row(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(person)
    assert Notification.objects.get(recipient=person).status.startswith("Non envoyée : échec de l'envoi (")


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_task_waits_for_the_worker():
    person = UserFactory()
    with override_settings(TASKS=DATABASE_TASKS):
        with transaction.atomic():
            [row] = _notify(person)
            assert DBTaskResult.objects.count() == 0  # enqueued only after the commit
        queued = DBTaskResult.objects.get()
        assert queued.task_path == deliver_notification.module_path
        assert queued.args_kwargs == {"args": [row.pk], "kwargs": {}}
        assert mail.outbox == []  # nothing sent by the web process itself
        call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Notification.objects.get().sent_at is not None
    assert deliver_notification.call(row.pk) == "absente ou déjà envoyée"  # a task run twice sends once
    assert len(mail.outbox) == 1
