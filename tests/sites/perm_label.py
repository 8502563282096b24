"""Permission matrix entries of the labelling and of « proposer un site » (issue 11, slabel). The site of the matrix
lies in commune 01004 (Delta: département 01, région 84, ti-8401): seen by ANCT, the reviewers of 01 and 84 and the
team of ti-8401; its milestones are kept by ANCT and that team; the matrix's operator is not Banque des Territoires.
Tests: tests/sites/test_labelling.py, tests/sites/test_proposal.py."""

from tests.permissions import BUILT, LOGIN, NATIONAL, Rule, only

IDENTIFIER = "MATRICE-1"
SEES_SITE = NATIONAL | {"region_84", "departement_01", "team_8401"}
KEEPS_MILESTONES = NATIONAL | {"team_8401"}
PROPOSES = SEES_SITE | {"region_27", "team_2701"}


def matrix_site():
    if "site" not in BUILT:
        from tests.sites.conftest import make_site

        BUILT["site"] = make_site(IDENTIFIER, name="Friche de la matrice")
    return BUILT["site"]


def matrix_opinion():
    if "label_opinion" not in BUILT:
        from datetime import date

        from pilote.core.models import User
        from pilote.sites.labelling import bdt_organisation
        from pilote.sites.models import LabelOpinionRequest

        BUILT["label_opinion"] = LabelOpinionRequest.objects.create(
            site=matrix_site(),
            organisation=bdt_organisation(),
            deadline=date(2099, 1, 1),
            asked_by=User.objects.get(username="national"),
        )
    return BUILT["label_opinion"]


def _signed(role):
    return LOGIN if role == "anonymous" else None


def _sees(role, allowed=200, denied=404):
    return _signed(role) or (allowed if role in SEES_SITE else denied)


SITE = {"identifier": IDENTIFIER}
EXPECTATIONS = {
    "sites:label_site": Rule(lambda r, c: _sees(r), SITE, contains="Friche de la matrice", setup=matrix_site),
    # An empty POST of a step: ANCT would shortlist (not posted); the rest of the site's scope may not (403).
    "sites:label_step": Rule(
        lambda r, c: _signed(r) or 405,
        {**SITE, "name": "shortlist"},
        setup=matrix_site,
        post=lambda r, c: None if r in NATIONAL else _sees(r, 403),
    ),
    # An empty opinion: refused as invalid (400) for who sees the site, 404 for the others.
    "sites:label_opinion": Rule(
        lambda r, c: _signed(r) or 405, lambda t: {"pk": matrix_opinion().pk}, post=lambda r, c: _sees(r, 400)
    ),
    # A milestone of a site not labelled yet: 400 for who keeps them, 403 for the rest of the scope, 404 outside.
    "sites:label_milestone": Rule(
        lambda r, c: _signed(r) or 405,
        {**SITE, "kind": "servicing"},
        setup=matrix_site,
        post=lambda r, c: _signed(r) or (400 if r in KEEPS_MILESTONES else _sees(r, 403)),
    ),
    "sites:label_dashboard": only(NATIONAL, contains="Sites labellisés"),
    "sites:propose": Rule(
        lambda r, c: _signed(r) or (200 if r in PROPOSES else 403),
        contains="Proposer un site",
        post=lambda r, c: _signed(r) or (400 if r in PROPOSES else 403),
    ),
    # Without a commune named: 404 (the map stays on France) for who proposes sites.
    "sites:propose_commune": Rule(lambda r, c: _signed(r) or (404 if r in PROPOSES else 403)),
}
