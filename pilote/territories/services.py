"""Use cases on territories that other apps call (a campaign validating a perimeter change)."""

from datetime import date

from django.conf import settings
from django.db import transaction

from pilote.core.audit import record
from pilote.geography.projection import edition_index, expand

from .enums import MemberKind
from .figures import current_versions
from .importers import PerimeterFileError
from .models import PerimeterMember, PerimeterVersion, ResolvedCommune, Territory
from .resolution import ensure_resolved, resolve_versions

SOURCE = "pilote-campagne"


def communes_of_other_territories(territory: Territory, edition: int, among=None) -> dict[str, str]:
    """Commune code → code of the other territory of the same phase that holds it today (on `edition`); only the
    communes `among` when given (a handful instead of the whole phase's 18,000 rows)."""
    others = current_versions().filter(territory__phase_id=territory.phase_id).exclude(territory=territory)
    ensure_resolved(list(others), edition)
    rows = ResolvedCommune.objects.filter(resolution__edition_id=edition, resolution__version__in=others)
    if among is not None:
        rows = rows.filter(code__in=sorted(among))
    return dict(rows.values_list("code", "resolution__version__territory__code"))


def _validate(territory: Territory, members: list[tuple[str, str]], edition: int) -> None:
    """Like importers.validate: every member exists in the edition; no commune already in another territory."""
    index = edition_index(edition)
    communes = [code for kind, code in members if kind == MemberKind.COMMUNE]
    epcis = [code for kind, code in members if kind == MemberKind.EPCI]
    resolved, unknown_communes, unknown_epcis = expand(index, communes=communes, epcis=epcis)
    problems = [f"commune {c} absente du COG {edition}" for c in unknown_communes]
    problems += [f"EPCI {s} absent du COG {edition}" for s in unknown_epcis]
    if not resolved:
        problems.append("aucune commune")
    owners = communes_of_other_territories(territory, edition)
    problems += [f"commune {c} déjà dans le territoire {owners[c]}" for c in sorted(resolved) if c in owners]
    if problems:
        raise PerimeterFileError(f"{territory.code} : périmètre refusé, rien n'a été écrit", problems)


def perimeter_version_create(
    *,
    territory: Territory,
    members: list[tuple[str, str]],
    edition: int,
    reason: str,
    valid_on: date,
    actor,
) -> PerimeterVersion:
    """Write the next perimeter version of `territory` and resolve it, so that every page reads it at once."""
    _validate(territory, members, edition)
    with transaction.atomic():
        last = territory.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = PerimeterVersion.objects.create(
            territory=territory,
            number=last + 1,
            edition_id=edition,
            valid_on=valid_on,
            reason=reason[:300],
            source=SOURCE,
        )
        PerimeterMember.objects.bulk_create(
            PerimeterMember(version=version, kind=kind, code=code) for kind, code in sorted(set(members))
        )
        for target in sorted({edition, settings.DEFAULT_EDITION}):
            resolve_versions([version], edition=target)
        record(
            actor=actor,
            action="perimeter_version.create",
            obj=version,
            changes={"number": [last or None, version.number], "members": [None, len(members)]},
            **territory.audit_scope(),
        )
    return version
