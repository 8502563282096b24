from pilote.plans import demo
from pilote.plans.models import FicheAction
from pilote.territories.models import Binome, ProjectLead


def test_demo_seeds_plausible_plans_and_governance_once(mini_world):
    demo.seed()
    counts = {code: FicheAction.objects.filter(territory__code=code).count() for code in ("ti-8401", "ti-2701")}
    assert all(5 <= n <= 25 for n in counts.values())
    assert not FicheAction.objects.filter(territory__phase__slug="2018-2022").exists()
    assert Binome.objects.count() == 2
    assert ProjectLead.objects.current().count() == 2 and ProjectLead.objects.count() == 4
    assert all("démonstration" in f.description for f in FicheAction.objects.all())
    assert all(f.ended_on >= f.started_on for f in FicheAction.objects.all())
    demo.seed()
    assert {code: FicheAction.objects.filter(territory__code=code).count() for code in counts} == counts
    assert Binome.objects.count() == 2
