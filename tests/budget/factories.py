"""Budget trees for the tests, built through the model's own methods (so every rule is exercised)."""

from dataclasses import dataclass
from decimal import Decimal

from pilote.budget.enums import ActionType
from pilote.budget.models import Envelope
from pilote.core.enums import Role
from pilote.territories.models import Territory
from tests.core.factories import user_with_role

PHASE = "2023-2027"


@dataclass
class Tree:
    programme: Envelope
    national: dict[str, Envelope]  # action type → envelope
    regions: dict[tuple[str, str], Envelope]  # (action type, région) → envelope


def euros(value) -> Decimal:
    return Decimal(str(value))


def anct():
    return user_with_role(Role.NATIONAL)


def budget_year(
    year=2024, *, total=100_000_000, national=20_000_000, region=1_000_000, regions=("84", "27"), actor=None
):
    """A year's programme, every action type nationally, delegated to the tiny France's régions; AE = CP."""
    actor = actor or anct()
    programme = Envelope.objects.open_year(year=year, ae=euros(total), cp=euros(total), actor=actor)
    tree = Tree(programme, {}, {})
    for action_type in ActionType.values:
        env = programme.delegate(actor=actor, ae=euros(national), cp=euros(national), action_type=action_type)
        tree.national[action_type] = env
        for code in regions:
            tree.regions[action_type, code] = env.delegate(
                actor=actor, ae=euros(region), cp=euros(region), region_code=code
            )
    return tree


def territory(code="ti-8401") -> Territory:
    return Territory.objects.get(phase__slug=PHASE, code=code)
