"""« Proposer un site »: a territory team or a State service proposes a site in its scope — the commune by name, a
point or a polygon drawn on the map, the area, the facts with their source. A site of the same identifier is refused
(it exists: the page links to it); a site of the same commune less than 200 m away is flagged, and proposed only once
the person confirms it is another one."""

import copy
import json
import math

import shapely
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from pilote.core.audit import record
from pilote.core.forms import DsfrForm
from pilote.geography.contours import load_geometries
from pilote.territories.search import communes_named

from .. import facts, perms
from ..enums import LabelState, SiteKind, SiteOrigin
from ..models import Site
from ..places import place_of
from ..scoring import latest_method, score_pool

DUPLICATE_METRES = 200
# How far outside the named commune's contour a site may be placed, in degrees (about 500 m north–south): the stored
# contours are simplified to about 50 m, and a site may straddle the commune's limit.
COMMUNE_MARGIN_DEGREES = 0.005
EARTH_RADIUS = 6_371_000
TRISTATE = [("", "inconnu"), ("yes", "oui"), ("no", "non")]
POLLUTION_WORDS = ("pollution inexistante", "pollution traitée", "pollution peu probable", "pollution supposée",
                   "pollution avérée")  # fmt: skip  # the CNIG Friches words, as Cartofriches writes them
OWNER_TYPES = ("personne morale", "personne physique", "personne physique, personne morale")


def _choices(key: str, codes) -> list[tuple[str, str]]:
    return [("", "inconnu")] + [(code, facts.reading(key, code) or code) for code in codes]


# The facts a proposal may carry: key → field, named by `facts.LABELS`, in the words the qualification method reads
# (scoring.py; a test checks every value). A fact left empty stays unknown, never « non ».
FACTS = {
    "former_activity": forms.CharField(max_length=200),
    "owner_type": forms.ChoiceField(choices=_choices("owner_type", OWNER_TYPES)),
    "land_control": forms.ChoiceField(choices=_choices("land_control", facts.VALUES["land_control"])),
    "zoning": forms.CharField(max_length=50),
    "pollution": forms.ChoiceField(choices=_choices("pollution", POLLUTION_WORDS)),
    "networks": forms.ChoiceField(choices=TRISTATE),
    "motorway_distance_m": forms.FloatField(min_value=0),
    "flood_risk": forms.ChoiceField(choices=TRISTATE),
    "protected_area": forms.ChoiceField(choices=TRISTATE),
    "rail_freight": forms.ChoiceField(choices=TRISTATE),
}


def fact_value(cleaned):
    """A fact's value from its cleaned field: « oui » / « non » as True / False, the rest as it is."""
    return {"yes": True, "no": False}.get(cleaned, cleaned) if isinstance(cleaned, str) else cleaned


def metres_between(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(math.sqrt(a))


def ring_of(polygon: str) -> list:
    """The outer ring of a GeoJSON Polygon, checked: ≥ 4 positions, closed, in WGS84 bounds (ValidationError)."""
    try:
        shape = json.loads(polygon)
        ring = shape["coordinates"][0] if shape.get("type") == "Polygon" else None
        valid = ring and len(ring) >= 4 and ring[0] == ring[-1]
        valid = valid and all(-180 <= float(x) <= 180 and -90 <= float(y) <= 90 for x, y in ring)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        valid = False
    if not valid:
        raise forms.ValidationError("Le contour dessiné n'est pas un polygone valide : dessinez-le à nouveau.")
    return [(float(x), float(y)) for x, y in ring]


def ring_area_and_centre(ring: list) -> tuple[float, float, float]:
    """Area in m² (local equirectangular projection, enough for a site) and the centre (lat, lon) of its vertices."""
    lat0 = sum(y for _, y in ring[:-1]) / (len(ring) - 1)
    lon0 = sum(x for x, _ in ring[:-1]) / (len(ring) - 1)
    kx = math.radians(1) * EARTH_RADIUS * math.cos(math.radians(lat0))
    ky = math.radians(1) * EARTH_RADIUS
    points = [((x - lon0) * kx, (y - lat0) * ky) for x, y in ring]
    twice = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False))
    return abs(twice) / 2, lat0, lon0


class SiteProposalForm(DsfrForm):
    name = forms.CharField(label="Nom du site", max_length=300)
    identifier = forms.CharField(
        label="Identifiant existant (facultatif)",
        help_text="Par exemple l'identifiant Cartofriches ou SITE-ECO du site, s'il en a un.",
        max_length=60,
        required=False,
    )
    kind = forms.ChoiceField(label="Nature", choices=SiteKind.choices)
    commune = forms.CharField(label="Commune (nom ou code INSEE)", max_length=200)
    latitude = forms.FloatField(label="Latitude", min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(label="Longitude", min_value=-180, max_value=180, required=False)
    polygon = forms.CharField(label="Contour dessiné", required=False, widget=forms.HiddenInput)
    area_m2 = forms.FloatField(
        label="Surface (m²)", min_value=1, required=False, help_text="Calculée d'après le contour si vide."
    )
    source = forms.CharField(
        label="Source des faits", max_length=200, required=False, help_text="Étude, cadastre, PLU, visite…"
    )
    source_date = forms.DateField(
        label="Date de la source", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confirm_duplicate = forms.BooleanField(
        label="Je confirme qu'il s'agit d'un autre site que ceux signalés ci-dessus", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.place, self.commune_label, self.duplicates = user, None, "", []
        for key, field in FACTS.items():
            field = copy.deepcopy(field)
            field.label, field.required = capfirst(facts.label(key)), False
            self.fields[f"fact_{key}"] = field

    def clean_commune(self):
        found = communes_named(self.cleaned_data["commune"], settings.DEFAULT_EDITION)
        if not found:
            raise forms.ValidationError("Aucune commune de ce nom : vérifiez l'orthographe ou donnez le code INSEE.")
        if len(found) > 1:
            codes = ", ".join(f"{c.name} ({c.code})" for c in found)
            raise forms.ValidationError(f"Plusieurs communes portent ce nom : {codes}. Donnez le code INSEE.")
        self.place, self.commune_label = place_of(found[0]), f"{found[0].name} ({found[0].code})"
        if not perms.proposal_in_scope(self.user, self.place):
            raise forms.ValidationError(
                "Cette commune n'est pas dans votre périmètre : vous ne pouvez pas y proposer de site."
            )
        return found[0].code

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip()
        existing = Site.objects.filter(identifier=identifier).first() if identifier else None
        if existing is not None:
            raise forms.ValidationError(
                f"Ce site existe déjà : {existing}. Complétez-le plutôt que de le proposer à nouveau."
            )
        return identifier

    def clean(self):
        data = super().clean()
        if data.get("polygon"):
            try:
                area, lat, lon = ring_area_and_centre(ring_of(data["polygon"]))
            except forms.ValidationError as error:
                self.add_error("polygon", error)
                return data
            if data.get("latitude") is None or data.get("longitude") is None:  # the polygon places the site
                data["latitude"], data["longitude"] = lat, lon
            if not data.get("area_m2"):
                data["area_m2"] = round(area)
        if data.get("latitude") is None or data.get("longitude") is None:
            raise forms.ValidationError("Placez le site sur la carte : un point ou un contour.")
        if self.place is not None and not self._in_commune(data["latitude"], data["longitude"]):
            raise forms.ValidationError(
                f"Le site placé sur la carte n'est pas dans la commune {self.commune_label} : placez-le dans la "
                "commune, ou corrigez le nom de la commune."
            )
        if any(data.get(f"fact_{key}") for key in FACTS) and not data.get("source"):
            self.add_error("source", "Indiquez la source des faits renseignés.")
        if self.place is not None and not self.errors:
            self.duplicates = self.nearby(data["latitude"], data["longitude"])
            if self.duplicates and not data.get("confirm_duplicate"):
                self.add_error(
                    "confirm_duplicate",
                    f"{len(self.duplicates)} site(s) à moins de {DUPLICATE_METRES} m dans la même commune : "
                    "vérifiez qu'il ne s'agit pas du même, puis confirmez.",
                )
        return data

    def _in_commune(self, lat: float, lon: float) -> bool:
        """Within the named commune's contour, or close to it; a commune without a stored contour cannot say no."""
        contour = load_geometries([self.place.commune]).get(self.place.commune)
        return contour is None or contour.buffer(COMMUNE_MARGIN_DEGREES).contains(shapely.Point(lon, lat))

    def nearby(self, lat: float, lon: float) -> list[Site]:
        same_commune = Site.objects.filter(commune_code=self.place.commune)
        return [s for s in same_commune if metres_between(lat, lon, s.latitude, s.longitude) < DUPLICATE_METRES]

    def facts(self) -> dict:
        day = self.cleaned_data.get("source_date") or timezone.localdate()
        facts = {}
        for key in FACTS:
            value = self.cleaned_data.get(f"fact_{key}")
            if value in ("", None):
                continue
            facts[key] = {"value": fact_value(value), "source": self.cleaned_data["source"], "date": day.isoformat()}
        return facts

    def save(self, *, by) -> Site:
        data = self.cleaned_data
        with transaction.atomic():
            site = Site.objects.create(
                identifier=data["identifier"] or self._new_identifier(),
                name=data["name"],
                kind=data["kind"],
                origin=SiteOrigin.PROPOSAL,
                latitude=data["latitude"],
                longitude=data["longitude"],
                polygon=data.get("polygon") or "",
                area_m2=data.get("area_m2"),
                added_facts=self.facts(),
                label_state=LabelState.PROPOSED,
                proposed_by=by,
                **self.place.as_fields(),
            )
            record(
                actor=by,
                action="site.proposed",
                obj=site,
                changes={
                    "name": [None, site.name],
                    "commune_code": [None, site.commune_code],
                    "area_m2": [None, site.area_m2],
                },
            )
            method = latest_method()
            if method is not None:  # scored at once under the current method, so that a selection can take it
                score_pool(method, sites=Site.objects.filter(pk=site.pk))
        return site

    def _new_identifier(self) -> str:
        """PROP-<commune>-<n>, the first n free (a count alone could meet a number left by a removed site)."""
        prefix = f"PROP-{self.place.commune}-"
        taken = set(Site.objects.filter(identifier__startswith=prefix).values_list("identifier", flat=True))
        number = len(taken) + 1
        while f"{prefix}{number}" in taken:
            number += 1
        return f"{prefix}{number}"
