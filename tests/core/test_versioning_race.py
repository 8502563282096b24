"""The one way to refuse a stale edit (pilote.core.versioning) under real concurrency: N threads save the same object
from the same revision at once; exactly one wins, the others are refused with nothing written, and the audit trail
holds one row. Runs on SQLite (a file copy of the test database, tests/race.py) and on PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection

from pilote.budget.consistency import inconsistencies
from pilote.budget.enums import ActionType
from pilote.budget.models import Envelope
from pilote.core.models import AuditEvent, User
from pilote.core.versioning import EditConflict
from pilote.plans.forms import FicheActionForm
from pilote.plans.models import FicheAction
from pilote.territories.models import Territory

from ..budget.factories import anct, budget_year, euros
from ..core.factories import UserFactory
from ..plans.factories import FicheFactory
from ..race import THREADS, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("threads_database")]


def test_threads_write_to_a_database_they_share():
    """On SQLite the race runs on a file, not on the shared-cache memory database that would refuse writers."""
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"].endswith("threads.sqlite3")
    UserFactory(username="seen-by-threads")
    assert race(lambda i: lambda: User.objects.filter(username="seen-by-threads").count()) == [1] * THREADS


def test_of_n_threads_saving_a_fiche_from_the_same_revision_exactly_one_wins(mini_world):
    territory = Territory.objects.get(phase__slug="2023-2027", code="ti-8401")
    fiche = FicheFactory(territory=territory, title="Friche Arnaud")
    actor = UserFactory()

    def save(i):
        opened = FicheAction.objects.get(pk=fiche.pk)  # every thread opened the form on revision 1
        data = {name: getattr(opened, name) for name in ("description", "priority", "status", "lead_organisation")}
        data |= {"title": f"Friche Arnaud, version {i}", "started_on": "2024-01-01", "ended_on": "2026-12-31"}
        data |= {"total_cost": "120000", "revision": "1", **management("financeurs"), **management("indicateurs")}
        form = FicheActionForm(data, instance=opened, territory=territory, actor=actor)
        assert form.is_valid(), form.errors
        return lambda: (form.save(), form.conflict)

    results = race(save)
    assert not [r for r in results if isinstance(r, Exception)], results
    winners = [saved for saved, conflict in results if saved is not None]
    refused = [conflict for saved, conflict in results if saved is None]
    assert (len(winners), len(refused)) == (1, THREADS - 1)
    assert all(conflict is not None and conflict.revision == 2 for conflict in refused)
    saved = FicheAction.objects.get(pk=fiche.pk)
    assert (saved.title, saved.revision) == (winners[0].title, 2)
    assert AuditEvent.objects.filter(action="fiche.update").count() == 1


def test_of_n_threads_setting_an_envelope_from_the_same_revision_exactly_one_wins(mini_world):
    tree = budget_year(2024)
    actor = anct()
    region = tree.regions[ActionType.INVESTMENTS, "84"]

    def set_amounts(i):
        mine = Envelope.objects.get(pk=region.pk)
        ae = euros(1_000_000 + 10_000 * (i + 1))
        return lambda: mine.set_amounts(actor=actor, ae=ae, cp=mine.cp_amount, revision=mine.revision)

    results = race(set_amounts)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, EditConflict)]
    assert not unexpected, unexpected
    refused = [r for r in results if isinstance(r, EditConflict)]
    assert len(refused) == THREADS - 1
    after = Envelope.objects.get(pk=region.pk)
    assert after.revision == region.revision + 1
    assert after.ae_amount > euros(1_000_000) and (after.ae_amount - euros(1_000_000)) % Decimal(10_000) == 0
    assert AuditEvent.objects.filter(action="budget.envelope_amounts", object_id=str(region.pk)).count() == 1
    assert inconsistencies() == []  # the parent gave exactly the winner's increase


def management(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
