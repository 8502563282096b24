"""Rows of targeting built by the tests of the shocks (declared events, alerts, scores), through the models' fields:
the computation and the index are not needed to read them."""

import datetime

from pilote.core.models import User
from pilote.geography.models import Commune
from pilote.targeting.enums import AlertKind, EventKind, Level, MethodStatus
from pilote.targeting.models import Alert, Computation, IndustrialEvent, Method, MethodVersion, Score, Scoring

PHASE = "2023-2027"


def method_version(number: int = 1, *, slug: str = "indice-fragilite") -> MethodVersion:
    method, _ = Method.objects.get_or_create(slug=slug, defaults={"name": "Indice de fragilité"})
    version, _ = MethodVersion.objects.get_or_create(
        method=method, number=number, defaults={"status": MethodStatus.PUBLISHED}
    )
    return version


def scoring(version: MethodVersion, scores: dict[str, float | None], *, phase: str = PHASE) -> Scoring:
    """A scoring of `version` with the given scores of territories (code → score) of `phase`."""
    computation = Computation.objects.create(edition_id=2026)
    result = Scoring.objects.create(method_version=version, computation=computation)
    Score.objects.bulk_create(
        Score(scoring=result, level=Level.TERRITORY, phase_slug=phase, code=code, score=value)
        for code, value in scores.items()
    )
    return result


def alert(*, code: str = "ti-2701", level: str = Level.TERRITORY, version: MethodVersion | None = None) -> Alert:
    found = scoring(version or method_version(), {code: 1.5} if level == Level.TERRITORY else {})
    return Alert.objects.create(
        scoring=found,
        level=level,
        phase_slug=PHASE if level == Level.TERRITORY else "",
        code=code,
        region_code="27",
        kind=AlertKind.UNEMPLOYMENT_RISE,
        period="2023-T3",
        evidence={"écart au national (points)": 1.8, "seuil": 1.0},
    )


def event(*, commune: str = "39002", by: User | None = None, **values) -> IndustrialEvent:
    place = Commune.objects.of(2026).filter(code=commune).values("departement_code", "region_code").first()
    defaults = {
        "company": "Fonderie du Jura",
        "kind": EventKind.CLOSURE,
        "occurred_on": datetime.date(2025, 3, 14),
        "jobs_lost": 120,
        "declared_by": by or User.objects.filter(is_superuser=False).first() or User.objects.create(username="decl"),
    }
    return IndustrialEvent.objects.create(commune_code=commune, **place, **(defaults | values))
