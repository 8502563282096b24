"""Permission-matrix entries of the budget's envelopes pages (merged into tests/permissions.py EXPECTATIONS).

The matrix's budget (`world_budget`): year 2024 delegated to régions 84 and 27, then the investments of région 84 to
the département 01; one commitment on that départemental envelope for ti-8401 and one on région 27's envelope for
ti-2701, both committed; one Rebond designation. A page about an object is requested once per target territory:
ti-8401 → the département 01 envelope (seen by ANCT, operators, région 84 and département 01), ti-2701 → région 27's
(seen by ANCT, operators and région 27). Territory teams never reach the budget pages (403).
"""

import datetime
from decimal import Decimal

from tests.permissions import BUILT, LOGIN, NATIONAL, Rule

VIEWERS = NATIONAL | {"operator", "region_84", "region_27", "departement_01"}
# Who sees the envelope (and its commitment) built for each target territory.
SEES = {
    "ti-8401": NATIONAL | {"operator", "region_84", "departement_01"},
    "ti-2701": NATIONAL | {"operator", "region_27"},
}
# Who may commit on it (and edit, commit, cancel, pay its commitment).
COMMITS = {"ti-8401": NATIONAL | {"region_84", "departement_01"}, "ti-2701": NATIONAL | {"region_27"}}
# Who may delegate from it (a départemental envelope: nobody) and change its amounts (whoever delegated it).
DELEGATES = {"ti-8401": frozenset(), "ti-2701": NATIONAL | {"region_27"}}
CHANGES = {"ti-8401": NATIONAL | {"region_84"}, "ti-2701": NATIONAL}
YEAR = 2024
BENEFICIARY = {"ti-8401": "Scierie du Bugey", "ti-2701": "Lunetterie du Jura"}


def world_budget() -> dict:
    if "budget" not in BUILT:
        from pilote.budget.enums import ActionType
        from pilote.budget.models import Commitment, ShockDesignation
        from pilote.core.models import User
        from pilote.territories.models import Territory
        from tests.budget.factories import budget_year

        national = User.objects.get(username="national")
        tree = budget_year(YEAR, actor=national)
        region_84 = tree.regions[ActionType.INVESTMENTS, "84"]
        envelopes = {
            "ti-8401": region_84.delegate(
                actor=national, ae=Decimal(300_000), cp=Decimal(300_000), departement_code="01"
            ),
            "ti-2701": tree.regions[ActionType.INVESTMENTS, "27"],
        }
        commitments = {}
        for code, envelope in envelopes.items():
            commitments[code] = Commitment.objects.create_for(
                envelope,
                actor=national,
                territory=Territory.objects.get(phase__slug="2023-2027", code=code),
                amount=Decimal(10_000),
                label="Machine",
                beneficiary_name=BENEFICIARY[code],
                commit_on=datetime.date(YEAR, 3, 1),
            )
        shock = ShockDesignation.objects.create(
            territory=Territory.objects.get(phase__slug="2023-2027", code="ti-2701"),
            decided_on=datetime.date(YEAR, 1, 15),
            decision="Comité du 15 janvier",
            decided_by=national,
        )
        BUILT["budget"] = {"envelopes": envelopes, "commitments": commitments, "shock": shock}
    return BUILT["budget"]


def _envelope(territory) -> dict:
    return {"pk": world_budget()["envelopes"][territory.code].pk}


def _commitment(territory) -> dict:
    return {"pk": world_budget()["commitments"][territory.code].pk}


def _viewer(role: str):
    """The login page for visitors, 403 for who may not view the budget, None for the budget's viewers."""
    if role == "anonymous":
        return LOGIN
    return None if role in VIEWERS else 403


def _among(allowed: dict, role: str, code: str) -> int:
    if role in allowed[code]:
        return 200
    return 403 if role in SEES[code] else 404


def page(*, steer_post: bool = False, **options) -> Rule:
    """A page every viewer of the budget reads; with `steer_post`, an empty POST is refused as invalid (400) for ANCT
    and forbidden (403) for the others."""
    post = (lambda role, code: _viewer(role) or (400 if role in NATIONAL else 403)) if steer_post else None
    return Rule(lambda role, code: _viewer(role) or 200, post=post, **options)


def object_page(kwargs, allowed: dict | None = None, **options) -> Rule:
    """A page about one object: 200 for who sees it (and, with `allowed`, may act on it), 403 for the rest of its
    viewers, 404 outside; an empty POST is refused as invalid (400) for the allowed ones."""
    allowed = allowed or SEES

    def expect(role, code):
        return _viewer(role) or _among(allowed, role, code)

    def post(role, code):
        answer = expect(role, code)
        return 400 if answer == 200 else answer

    return Rule(expect, kwargs, post=post if allowed is not SEES else None, **options)


def action(kwargs, allowed: dict | None) -> Rule:
    """A POST-only action: GET answers 405 to viewers; an empty POST is invalid (400) for the allowed ones."""

    def post(role, code):
        if allowed is None:  # ANCT only, whatever the object
            return _viewer(role) or (400 if role in NATIONAL else 403)
        return _viewer(role) or (400 if role in allowed[code] else 403 if role in SEES[code] else 404)

    return Rule(lambda role, code: _viewer(role) or 405, kwargs, post=post)


def _shock(territory) -> dict:
    return {"pk": world_budget()["shock"].pk}


def _beneficiaries_seen(role: str, code) -> list[str]:
    return [name for c, name in BENEFICIARY.items() if role in SEES[c]]


def _beneficiaries_unseen(role: str, code) -> list[str]:
    return [name for c, name in BENEFICIARY.items() if role not in SEES[c]]


EXPECTATIONS: dict = {
    "budget:years": page(setup=world_budget, contains="Enveloppes du programme"),
    "budget:year_open": Rule(
        lambda role, code: _viewer(role) or 405,
        post=lambda role, code: _viewer(role) or (400 if role in NATIONAL else 403),
    ),
    "budget:year": page(kwargs={"year": YEAR}, setup=world_budget, contains="Enveloppes 2024"),
    "budget:envelope": object_page(_envelope, contains="Investissements productifs"),
    "budget:envelope_delegate": object_page(_envelope, DELEGATES),
    "budget:envelope_edit": object_page(_envelope, CHANGES),
    "budget:commitment_create": object_page(_envelope, COMMITS),
    "budget:commitments": page(setup=world_budget, contains=_beneficiaries_seen, excludes=_beneficiaries_unseen),
    "budget:commitment": object_page(_commitment, contains=lambda role, code: BENEFICIARY[code]),
    "budget:commitment_edit": object_page(_commitment, COMMITS),
    "budget:commitment_commit": action(_commitment, COMMITS),
    "budget:commitment_cancel": action(_commitment, COMMITS),
    "budget:payment_create": object_page(_commitment, COMMITS),
    "budget:parameters": page(steer_post=True, contains="à confirmer par l'ANCT"),
    "budget:shocks": page(steer_post=True, setup=world_budget, contains="Nouveau Jura"),
    "budget:shock_end": action(_shock, None),
}
