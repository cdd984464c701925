"""Where a ZIP code is: offline reference data from the ``zipcodes`` package (no network).

Loaded once per process on first use (about half a second), then held sorted by latitude so the
ZIPs within a radius are found by bisecting a band, not by scanning the country.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

from jobcenter_tui.domain.jobs import bounding_box, haversine_miles


@lru_cache(maxsize=1)
def _zips() -> tuple[dict[str, tuple[float, float, str, str]], list[tuple[float, float, str]]]:
    import zipcodes

    by_zip: dict[str, tuple[float, float, str, str]] = {}
    for z in zipcodes.list_all():
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (KeyError, TypeError, ValueError):
            continue
        by_zip[z["zip_code"]] = (lat, lon, z.get("city") or "", z.get("state") or "")
    ordered = sorted((lat, lon, code) for code, (lat, lon, _, _) in by_zip.items())
    return by_zip, ordered


def zip_point(zip_code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a 5-digit ZIP, or None for one the data does not know."""
    if not zip_code:
        return None
    found = _zips()[0].get(zip_code.strip()[:5])
    return (found[0], found[1]) if found else None


def is_known_zip(zip_code: str) -> bool:
    return zip_point(zip_code) is not None


def city_point(city: str, state: str) -> tuple[float, float] | None:
    """The middle of a city's ZIPs (the average of their points), or None when there is no such city."""
    city_key, state_key = city.strip().casefold(), state.strip().upper()
    points = [(lat, lon) for lat, lon, c, s in _zips()[0].values() if s == state_key and c.casefold() == city_key]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def zips_within(lat: float, lon: float, miles: float) -> dict[str, float]:
    """Every ZIP within ``miles`` of a point, with its distance in miles."""
    ordered = _zips()[1]
    south, north, west, east = bounding_box(lat, lon, miles)
    lo = bisect.bisect_left(ordered, (south, -1000.0, ""))
    hi = bisect.bisect_right(ordered, (north, 1000.0, "~"))
    out = {}
    for zlat, zlon, code in ordered[lo:hi]:
        if west <= zlon <= east:
            d = haversine_miles(lat, lon, zlat, zlon)
            if d <= miles:
                out[code] = round(d, 1)
    return out
