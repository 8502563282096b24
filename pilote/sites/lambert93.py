"""Lambert-93 (EPSG:2154) to longitude/latitude (RGF93 ≈ WGS84), the inverse conformal conic projection of the IGN
(note NTG_71, algorithms ALG0004 and ALG0001). CNIG files written by French local authorities often carry Lambert-93
coordinates in their GeoJSON; a map needs degrees. Millimetre-exact, without a projection library."""

import math

E = 0.0818191910428158  # first eccentricity of the GRS80 ellipsoid
N = 0.7256077650532670
C = 11754255.426096
XS, YS = 700000.0, 12655612.049876
LON0 = math.radians(3.0)


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    dx, dy = x - XS, y - YS
    radius = math.hypot(dx, dy)
    gamma = math.atan(dx / -dy)
    isometric = -math.log(radius / C) / N
    lat = 2 * math.atan(math.exp(isometric)) - math.pi / 2
    for _ in range(20):
        previous = lat
        sin = E * math.sin(lat)
        lat = 2 * math.atan(((1 + sin) / (1 - sin)) ** (E / 2) * math.exp(isometric)) - math.pi / 2
        if abs(lat - previous) < 1e-12:
            break
    return math.degrees(LON0 + gamma / N), math.degrees(lat)


def looks_projected(x: float, y: float) -> bool:
    """Degrees stay within ±180/±90; Lambert-93 metres over France are in the hundreds of thousands and millions."""
    return abs(x) > 180 or abs(y) > 90
