"""The models of the territories app, one module per concern; every name is importable from here.

- `territories`: the programme's phases and their territories;
- `perimeters`: a territory's perimeter versions and their members;
- `resolutions`: a perimeter version resolved on an edition of the geography;
- `governance`: binôme, chef de projet, steering committee, partners.
"""

from .governance import Binome, CommitteeMember, Partner, ProjectLead
from .perimeters import PerimeterMember, PerimeterVersion, PerimeterVersionQuerySet
from .resolutions import Resolution, ResolutionQuerySet, ResolvedCommune, ResolvedEpci
from .territories import Area, Phase, Territory, TerritoryQuerySet

__all__ = [
    "Area",
    "Binome",
    "CommitteeMember",
    "Partner",
    "PerimeterMember",
    "PerimeterVersion",
    "PerimeterVersionQuerySet",
    "Phase",
    "ProjectLead",
    "Resolution",
    "ResolutionQuerySet",
    "ResolvedCommune",
    "ResolvedEpci",
    "Territory",
    "TerritoryQuerySet",
]
