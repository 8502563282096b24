"""Is a perimeter plausible? Communes far from the rest of their territory, outside its départements.

ANCT files are built by hand and by joins on names: the end-2022 polygons of Grand-Orly Seine Bièvre (Val-de-Marne)
carry the other communes named Fresnes (Loir-et-Cher, Yonne, Côte-d'Or) and Morangis (Marne). Such a commune sits
alone, hundreds of kilometres away, in a département the territory does not touch. A territory may legitimately
be in pieces (an enclave, a métropole joined to EPCI 40 km away), so a commune is flagged only when all hold: its
group of contiguous communes is farther than `FAR_KM` from the territory's main group, is not made of whole EPCI,
and the commune's département is not one of the main group's. When the main group holds a commune of the same
name, the flag says so: a homonym.
"""

import math
from dataclasses import dataclass

import numpy as np
import shapely

from pilote.geography.projection import EditionIndex

FAR_KM = 30  # farther than any enclave or EPCI gap of the real files; a homonym is typically 100 km or more away
CONTIGUOUS_KM = 1  # simplified contours of neighbours may leave slivers between them
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Outlier:
    code: str
    name: str
    departement: str
    distance_km: int
    homonym_of: str = ""  # code of the commune of the same name in the territory's main group

    def describe(self) -> str:
        text = (
            f"commune {self.code} {self.name} ({self.departement}) à {self.distance_km} km du reste du territoire, "
            "hors de ses départements"
        )
        return text + (f" : homonyme de la commune {self.homonym_of}" if self.homonym_of else "")


def outliers(communes: set[str], index: EditionIndex, contours: dict) -> list[Outlier]:
    """The implausible communes of a perimeter given as current communes of `index`, with their contours."""
    codes = sorted(c for c in communes if c in contours and c in index.communes)
    if len(codes) < 2:
        return []
    shapes = _in_km([contours[c] for c in codes])
    groups = _groups(shapes)
    main = max(groups, key=lambda g: (len(g), -min(g)))
    main_tree = shapely.STRtree([shapes[i] for i in main])
    main_departements = {index.communes[codes[i]].departement for i in main}
    main_names = {index.communes[codes[i]].name: codes[i] for i in main}
    found = []
    for group in groups:
        if group is main or _whole_epcis({codes[i] for i in group}, index):
            continue
        distance = min(main_tree.query_nearest([shapes[i] for i in group], return_distance=True)[1])
        for i in group:
            facts = index.communes[codes[i]]
            if distance > FAR_KM and facts.departement not in main_departements:
                found.append(
                    Outlier(codes[i], facts.name, facts.departement, round(distance), main_names.get(facts.name, ""))
                )
    return found


def _whole_epcis(codes: set[str], index: EditionIndex) -> bool:
    sirens = set().union(*(index.epcis_of.get(c, set()) for c in codes))
    return bool(sirens) and all(index.epci_members[s] <= codes for s in sirens)


def _in_km(geometries: list) -> list:
    """Equirectangular projection around the perimeter's mean latitude: enough to compare tens of kilometres."""
    latitude = float(np.mean(shapely.get_y(shapely.centroid(geometries))))
    scale = math.cos(math.radians(latitude)) * KM_PER_DEGREE
    return list(shapely.transform(np.array(geometries), lambda xy: xy * (scale, KM_PER_DEGREE)))


def _groups(shapes: list) -> list[list[int]]:
    """Connected groups of contours closer than CONTIGUOUS_KM to each other (union-find over an STRtree)."""
    parent = list(range(len(shapes)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = shapely.STRtree(shapes).query(shapes, predicate="dwithin", distance=CONTIGUOUS_KM)
    for a, b in zip(*pairs, strict=True):
        parent[root(a)] = root(b)
    groups = {}
    for i in range(len(shapes)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
