"""A small pool of sites for the tests of the public pages and of the API: two sites in ti-8401 (one labelled, with
an availability milestone and the territory's contact address), one in the Jura, unscored."""

import datetime

from pilote.sites.enums import LabelState, MethodStatus, MilestoneKind, SiteKind, SiteOrigin
from pilote.sites.models import Milestone, QualificationMethod, Site, SiteScore
from pilote.territories.models import Binome, Territory

PHASE = "2023-2027"


def fact(value, source="Cartofriches (Cerema)", date="2024-03-10"):
    return {"value": value, "source": source, "date": date}


def make_site(identifier, *, name=None, kind=SiteKind.BROWNFIELD, commune="01001", region="84", territory="ti-8401",
              state=LabelState.POOL, area=20_000.0, **fields):  # fmt: skip
    return Site.objects.create(
        identifier=identifier, name=name or f"Site {identifier}", kind=kind, origin=SiteOrigin.CARTOFRICHES,
        latitude=46.2, longitude=5.2, area_m2=area, commune_code=commune, departement_code=commune[:2],
        region_code=region, territories={PHASE: territory} if territory else {}, label_state=state, **fields,
    )  # fmt: skip


def published(number=1) -> QualificationMethod:
    return QualificationMethod.objects.create(number=number, status=MethodStatus.PUBLISHED)


def score(method, site, value, reliability=0.8):
    SiteScore.objects.create(method=method, site=site, score=value, reliability=reliability)


def build_pool():
    method = published()
    a = make_site(
        "01001_1",
        name="Ancienne usine Alpha",
        facts={"pollution": fact(None), "pollution_known": fact(None), "zoning": fact("U")},
    )
    b = make_site("01002_2", name="Zone Beta", kind=SiteKind.ZONE_PLOT, commune="01002", state=LabelState.LABELLED,
                  facts={"pollution": fact("pollution inexistante"), "pollution_known": fact(False),
                         "networks": fact("eau, électricité, fibre")},
                  added_facts={"zoning": fact("AUx", source="Équipe Ain industriel", date="2026-11-02")})  # fmt: skip
    c = make_site("39002_3", name="Friche du Jura", commune="39002", region="27", territory="ti-2701", area=None)
    score(method, a, 40.0)
    score(method, b, 75.0, reliability=0.5)
    return method, a, b, c


def label_beta(pool):
    _, _, b, _ = pool
    territory = Territory.objects.get(phase__slug=PHASE, code="ti-8401")
    Binome.objects.create(
        territory=territory, elected_name="É", elected_function="Président", elected_organisation="CC Alpha",
        industrialist_name="I", industrialist_company="Usine", contact_email="contact@ain-industriel.fr",
    )  # fmt: skip
    Milestone.objects.create(site=b, kind=MilestoneKind.AVAILABILITY, planned_on=datetime.date(2027, 6, 1))
    return b
