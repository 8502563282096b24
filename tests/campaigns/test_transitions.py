"""The file's workflow: who may do what, in which state, before which deadline; each step leaves its history."""

import datetime

import pytest
from django.utils import timezone

from pilote.campaigns.enums import FileState
from pilote.campaigns.models import FileEvent, TransitionRefused
from pilote.core.models import AuditEvent

from ..plans.factories import FicheFactory
from .conftest import fresh


def _move(file, *steps, by):
    for step in steps:
        options = (
            {"acknowledged_missing": True} if step == "validate" else {}
        )  # opinions: tests/campaigns/test_decide.py
        file.run(step, by=by, comment=f"étape {step}", **options)
    return fresh(file)


def test_opening_a_campaign_gives_each_territory_a_draft_file(campaign):
    assert sorted(campaign.files.values_list("territory__code", "state")) == [
        ("ti-2701", FileState.DRAFT),
        ("ti-8401", FileState.DRAFT),
    ]
    assert AuditEvent.objects.filter(action="campaign.open").count() == 1


def test_the_team_submits_its_file_with_a_snapshot_of_its_plan(file, people):
    fiche = FicheFactory(territory=file.territory, title="École de production")
    file = _move(file, "submit", by=people["team"])
    assert file.state == FileState.SUBMITTED
    assert file.proposed_plan["fiches"][str(fiche.pk)]["title"] == "École de production"
    event = FileEvent.objects.get(file=file)
    assert (event.actor, event.source, event.target) == (people["team"], FileState.DRAFT, FileState.SUBMITTED)
    audit = AuditEvent.objects.get(action=f"campaign_file.{FileState.SUBMITTED}")
    assert (audit.actor, audit.territory_code, audit.changes) == (
        people["team"],
        "ti-8401",
        {"state": [FileState.DRAFT, FileState.SUBMITTED]},
    )


@pytest.mark.parametrize("who", ["anct", "other_team", "dep01", "region84", "operator", "nobody"])
def test_only_the_territory_team_submits(file, people, who):
    with pytest.raises(TransitionRefused, match="droit"):
        file.run("submit", by=people[who])
    assert fresh(file).state == FileState.DRAFT
    assert not FileEvent.objects.exists()


def test_no_submission_after_the_deadline_until_anct_reopens(file, people):
    campaign = file.campaign
    campaign.submission_deadline = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()
    file = fresh(file)
    with pytest.raises(TransitionRefused, match="date limite de dépôt"):
        file.run("submit", by=people["team"])
    file.reopen(by=people["anct"], until=timezone.localdate() + datetime.timedelta(days=3))
    file = _move(fresh(file), "submit", by=people["team"])
    assert file.state == FileState.SUBMITTED
    assert list(FileEvent.objects.values_list("comment", flat=True))[0].startswith("Dépôt rouvert")


@pytest.mark.parametrize("step", ["start_review", "validate", "send_back"])
@pytest.mark.parametrize("who", ["team", "dep01", "region84", "operator"])
def test_only_anct_reviews(file, people, step, who):
    file = _move(file, "submit", by=people["team"])
    if step == "validate":
        file = _move(file, "start_review", by=people["anct"])
    with pytest.raises(TransitionRefused, match="droit"):
        file.run(step, by=people[who], comment="non")


def test_anct_starts_the_review_and_asks_prefectures_and_regions(file, people):
    file = _move(file, "submit", by=people["team"])
    file = _move(file, "start_review", by=people["anct"])
    assert file.state == FileState.IN_REVIEW
    requests = file.opinion_requests.select_related("organisation")
    asked = sorted(
        (r.organisation.kind, r.organisation.departement_code or r.organisation.region_code, r.deadline)
        for r in requests
    )
    deadline = file.campaign.opinion_deadline
    assert asked == [
        ("conseil_regional", "27", deadline),
        ("conseil_regional", "84", deadline),
        ("prefecture_departement", "01", deadline),
        ("prefecture_departement", "39", deadline),
        ("prefecture_region", "27", deadline),
        ("prefecture_region", "84", deadline),
    ]


def test_sent_back_with_comments_then_submitted_again_then_validated(file, people):
    file = _move(file, "submit", by=people["team"])
    file = _move(file, "start_review", by=people["anct"])
    file.run("send_back", by=people["anct"], comment="Précisez le financement du chef de projet.")
    file = fresh(file)
    assert (file.state, file.review_comment) == (FileState.TO_COMPLETE, "Précisez le financement du chef de projet.")
    file = _move(file, "submit", by=people["team"])
    file = _move(file, "start_review", "validate", by=people["anct"])
    assert file.state == FileState.VALIDATED and file.validated_at
    path = list(FileEvent.objects.filter(file=file).values_list("source", "target"))
    assert path == [
        (FileState.DRAFT, FileState.SUBMITTED),
        (FileState.SUBMITTED, FileState.IN_REVIEW),
        (FileState.IN_REVIEW, FileState.TO_COMPLETE),
        (FileState.TO_COMPLETE, FileState.SUBMITTED),
        (FileState.SUBMITTED, FileState.IN_REVIEW),
        (FileState.IN_REVIEW, FileState.VALIDATED),
    ]
    assert file.opinion_requests.count() == 6  # asked once, not again on the second review


def test_sending_back_needs_a_comment(file, people):
    file = _move(file, "submit", by=people["team"])
    with pytest.raises(TransitionRefused, match="compléter"):
        file.run("send_back", by=people["anct"], comment="  ")
    assert fresh(file).state == FileState.SUBMITTED


@pytest.mark.parametrize(
    "state_steps, step",
    [
        ([], "start_review"),
        ([], "validate"),
        ([], "send_back"),
        (["submit"], "validate"),
        (["submit"], "submit"),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(file, people, state_steps, step):
    file = _move(file, *state_steps, by=people["team"])
    who = people["team"] if step == "submit" else people["anct"]
    with pytest.raises(TransitionRefused, match="le dossier est"):
        file.run(step, by=who, comment="x")


def test_a_validated_file_is_closed(file, people):
    file = _move(file, "submit", by=people["team"])
    file = _move(file, "start_review", "validate", by=people["anct"])
    for step, who in [("submit", "team"), ("send_back", "anct"), ("start_review", "anct")]:
        with pytest.raises(TransitionRefused):
            file.run(step, by=people[who], comment="x")


def test_available_transitions_depend_on_who_and_state(file, people):
    assert file.available_transitions(people["team"]) == [("submit", "Déposer le dossier")]
    assert file.available_transitions(people["anct"]) == []
    file = _move(file, "submit", by=people["team"])
    assert [n for n, _ in file.available_transitions(people["anct"])] == ["start_review", "send_back"]
    assert file.available_transitions(people["team"]) == []
