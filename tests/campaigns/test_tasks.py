"""The daily reminders as a background task that schedules its own next run (database backend)."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilote.campaigns.models import OpinionRequest
from pilote.campaigns.tasks import next_run, schedule_reminders, send_due_reminders

from .conftest import asked_of, fresh

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_next_run_is_the_next_reminder_hour_local_time(settings):
    settings.REMINDERS_HOUR = 7
    before = datetime.datetime(2026, 11, 30, 6, 30, tzinfo=PARIS)
    after = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
    assert next_run(before) == datetime.datetime(2026, 11, 30, 7, 0, tzinfo=PARIS)
    assert next_run(after) == datetime.datetime(2026, 12, 1, 7, 0, tzinfo=PARIS)


def test_the_immediate_backend_of_the_tests_schedules_nothing(db):
    assert schedule_reminders() is None


@pytest.mark.django_db(transaction=True)
def test_scheduled_once_then_each_run_schedules_the_next(file, people):
    file.run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    late = timezone.localdate() - datetime.timedelta(days=1)
    OpinionRequest.objects.filter(pk=asked_of(file, people["dep01"]).pk).update(deadline=late)
    mail.outbox.clear()
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("send_opinion_reminders", "--schedule", stdout=open("/dev/null", "w"))
        call_command("send_opinion_reminders", "--schedule", stdout=open("/dev/null", "w"))  # idempotent
        [waiting] = DBTaskResult.objects.all()
        assert waiting.task_path == send_due_reminders.module_path and waiting.run_after > timezone.now()
        DBTaskResult.objects.update(run_after=timezone.now())  # the morning has come
        call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
        assert DBTaskResult.objects.get(pk=waiting.pk).status == "SUCCESSFUL"
        [tomorrow] = DBTaskResult.objects.filter(status="READY", task_path=send_due_reminders.module_path)
        assert timezone.localtime(tomorrow.run_after).date() == timezone.localdate() + datetime.timedelta(days=1)
        # the reminder's e-mail was queued by the run, and sent by the same batch of the worker
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("[Pilote TI] Avis en retard : Ain industriel (ti-8401)", [people["dep01"].email])
    ]
