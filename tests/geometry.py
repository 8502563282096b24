"""What a GIS tool asks of a published geometry: valid for GEOS, RFC 7946 winding (exteriors counterclockwise,
holes clockwise)."""

import orjson
import shapely


def problems(geometry) -> list[str]:
    """Reasons a GeoJSON geometry (dict or text) would be rejected; empty when it is publishable."""
    shape = shapely.from_geojson(geometry if isinstance(geometry, str | bytes) else orjson.dumps(geometry))
    found = [] if shape.is_valid else [shapely.is_valid_reason(shape)]
    for polygon in shapely.get_parts(shape):
        if not polygon.exterior.is_ccw:
            found.append("exterior ring clockwise")
        found += ["hole counterclockwise" for ring in polygon.interiors if ring.is_ccw]
    return found


def collection_problems(collection: dict) -> dict[str, list[str]]:
    """Problems by feature (its `code` property, else its position) of a FeatureCollection."""
    found = {}
    for i, feature in enumerate(collection["features"]):
        if feature["geometry"] and (reasons := problems(feature["geometry"])):
            found[feature["properties"].get("code", str(i))] = reasons
    return found
