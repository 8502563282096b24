"""The budget demo on the real territories: seeded through every rule of the model, read back by the dashboard, then
rolled back with the test's transaction (the kept real-data database is left as it was)."""

from decimal import Decimal

import pytest
from django.db.models import Count
from django.urls import reverse

from pilote.budget import demo
from pilote.budget.consistency import inconsistencies
from pilote.budget.enums import ActionType, CommitmentStatus, EnvelopeLevel
from pilote.budget.models import Commitment, Envelope
from pilote.core.enums import Role
from pilote.core.models import RoleAssignment, User
from pilote.territories.models import Territory

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def test_the_budget_demo_funds_every_real_territory_within_every_rule(settings, client):
    settings.DEMO_MODE = True
    anct = User.objects.create(username="demo-anct", first_name="Camille", last_name="Démo ANCT")
    RoleAssignment.objects.create(user=anct, role=Role.NATIONAL)
    assert demo.seed(log=lambda *args: None) > 1000

    territories = Territory.objects.filter(phase__slug="2023-2027", withdrawn_on=None).count()
    assert territories == 183
    leads = (
        Commitment.objects.committed()
        .filter(action_type=ActionType.PROJECT_LEADS)
        .values("year")
        .annotate(territories=Count("territory", distinct=True))
    )
    assert {row["year"]: row["territories"] for row in leads} == {2023: 183, 2024: 183, 2025: 183}
    assert Commitment.objects.filter(status=CommitmentStatus.PROPOSED, year=2025).exists()
    assert not Commitment.objects.filter(is_demo=False).exists()
    assert all(label.endswith("(démo)") for label in Commitment.objects.values_list("label", flat=True))
    programmes = Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME).values_list("ae_amount", flat=True)
    assert sorted(programmes) == [Decimal("100000000.00")] * 3
    assert inconsistencies() == []

    client.force_login(anct)
    body = client.get(reverse("budget:dashboard")).content.decode()
    assert "300\u202f000\u202f000\u00a0€" in body or "300\u202f000\u202f000 €" in body  # 3 × 100 M€ allocated
