"""Fixtures shared by the budget tests: the 2024 programme delegated to the tiny France's régions, who acts on it."""

import pytest

from pilote.budget.enums import ActionType

from .factories import anct, budget_year


@pytest.fixture
def tree(people):
    """The 2024 programme (see `budget_year`), opened and delegated by the ANCT person of `people`."""
    return budget_year(2024, actor=people["anct"])


@pytest.fixture
def actor(tree):
    return anct()


@pytest.fixture
def region84(tree):
    return tree.regions[ActionType.INVESTMENTS, "84"]


@pytest.fixture
def national(client, mini_world):
    """An ANCT person, signed in."""
    user = anct()
    client.force_login(user)
    return user
