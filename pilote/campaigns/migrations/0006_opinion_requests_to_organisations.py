"""Every opinion request is addressed to an organisation: a request made to « the reviewers of département 01 » goes
to the préfecture de département of 01, one made to « région 84 » to the organisation of whoever answered it (the
SGAR, the conseil régional or the DREETS of that région), else to the SGAR — the State's regional opinion that
`ask_state_services` meant. Missing organisations are created, named from the default edition when it is imported.
An organisation asked twice on one file keeps one request (the answered one), as the new constraint wants. On a file
still under review, the other side of a shared « Région (NN) » request (SGAR or conseil régional) is asked too, with
the same deadline."""

from django.conf import settings
from django.db import migrations
from django.db.models import F

DEPARTEMENT_REVIEWER, REGION_REVIEWER = "departement_reviewer", "region_reviewer"
PREFECTURE_DEPARTEMENT, PREFECTURE_REGION = "prefecture_departement", "prefecture_region"
CONSEIL_REGIONAL = "conseil_regional"
REGIONAL = ("prefecture_region", "dreets", "conseil_regional")
# How services were named when this migration was written (frozen here: a migration does not read today's code).
PREFIXES = {
    PREFECTURE_DEPARTEMENT: "Préfecture de département",
    PREFECTURE_REGION: "Préfecture de région (SGAR)",
    "dreets": "DREETS",
    CONSEIL_REGIONAL: "Conseil régional",
}


def organisation_name(kind: str, code: str, place: str) -> str:
    return f"{PREFIXES[kind]} – {place} ({code})" if place else f"{PREFIXES[kind]} ({code})"


def _names(apps, model: str) -> dict[str, str]:
    rows = apps.get_model("geography", model).objects.filter(edition_id=settings.DEFAULT_EDITION)
    return dict(rows.values_list("code", "name"))


def to_organisations(apps, schema_editor):
    OpinionRequest = apps.get_model("campaigns", "OpinionRequest")
    Organisation = apps.get_model("core", "Organisation")
    requests = OpinionRequest.objects.filter(organisation__isnull=True).select_related(
        "file", "opinion__author__organisation"
    )
    if not requests.exists():
        return
    names = {"departement_code": _names(apps, "Departement"), "region_code": _names(apps, "Region")}

    def service(kind: str, key: str, code: str):
        found = Organisation.objects.filter(kind=kind, **{key: code}).order_by("pk").first()
        return found or Organisation.objects.create(
            kind=kind, name=organisation_name(kind, code, names[key].get(code, "")), **{key: code}
        )

    shared = []  # the « Région (NN) » requests of files still under review: both sides of the région get their own
    for request in requests:
        if request.role == REGION_REVIEWER and request.file.state == "en_instruction":
            shared.append(request)
        if request.role == DEPARTEMENT_REVIEWER:
            request.organisation = service(PREFECTURE_DEPARTEMENT, "departement_code", request.departement_code)
        else:
            opinion = getattr(request, "opinion", None)
            answered_by = opinion.author.organisation if opinion is not None else None
            if answered_by is not None and answered_by.kind in REGIONAL and answered_by.region_code == request.region_code:
                request.organisation = answered_by
            else:
                request.organisation = service(PREFECTURE_REGION, "region_code", request.region_code)
        request.save(update_fields=["organisation"])
    _drop_unanswered_duplicates(OpinionRequest)
    for request in shared:
        for kind in (PREFECTURE_REGION, CONSEIL_REGIONAL):
            organisation = service(kind, "region_code", request.region_code)
            if not OpinionRequest.objects.filter(file_id=request.file_id, organisation=organisation).exists():
                OpinionRequest.objects.create(
                    file_id=request.file_id,
                    organisation=organisation,
                    deadline=request.deadline,
                    asked_by_id=request.asked_by_id,
                )


def _drop_unanswered_duplicates(OpinionRequest):
    """An organisation could be asked twice on one file before: keep the answered request, else the first asked."""
    seen = set()
    for request in OpinionRequest.objects.order_by("file_id", "organisation_id", F("opinion").asc(nulls_last=True), "id"):
        key = (request.file_id, request.organisation_id)
        if key in seen and not hasattr(request, "opinion"):
            request.delete()
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_approved_record"),
        ("core", "0004_organisation_one_service_per_place"),
        ("geography", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_organisations, migrations.RunPython.noop)]
