"""Job matching rules: how close an occupation is, how far a job is, what a wage is per hour,
and how a referral may move. Pure: the services feed it rows and dates.

SOC 2018 codes are ``NN-NNNN``: the detailed occupation; its first six characters (``51-412``)
name the broad group, its first five (``51-41``) the minor group.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal

HOURS_PER_YEAR = 2080  # 40 hours x 52 weeks: how a yearly wage is compared with an hourly one
EARTH_RADIUS_MILES = 3958.8
MAX_PAGE = 50

# How well a posting's occupation matches the occupations wanted (lower is better).
EXACT, BROAD, MINOR, KEYWORD = 0, 1, 2, 3
TIER_LABELS = {EXACT: "same occupation", BROAD: "same broad group", MINOR: "same minor group", KEYWORD: "words"}

SOC_PATTERN = re.compile(r"\d{2}-\d{4}")

JOB_TYPES = ("full_time", "part_time", "temporary", "seasonal", "internship")
WAGE_UNITS = ("hour", "week", "month", "year")
LEAD_CHANNELS = ("email", "phone", "in_person", "text")

REFERRED = "referred"
REFERRAL_OUTCOMES = ("hired", "not_hired", "no_show", "declined", "position_filled")
REFERRAL_STATUSES = (REFERRED, *REFERRAL_OUTCOMES)
STAFF_REFERRAL_ONLY = "staff_referral_only"


def is_soc(code: str) -> bool:
    return bool(SOC_PATTERN.fullmatch(code))


def broad_group(code: str) -> str:
    return code[:6]


def minor_group(code: str) -> str:
    return code[:5]


def soc_tier(posting_soc: str | None, wanted: Iterable[str]) -> int | None:
    """The best match of ``posting_soc`` against any wanted code, or None when none is in its minor group."""
    if not posting_soc:
        return None
    best: int | None = None
    for code in wanted:
        if code == posting_soc:
            return EXACT
        if broad_group(code) == broad_group(posting_soc):
            tier = BROAD
        elif minor_group(code) == minor_group(posting_soc):
            tier = MINOR
        else:
            continue
        best = tier if best is None else min(best, tier)
    return best


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) that holds every point within ``miles``: a cheap SQL prefilter."""
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    cos = max(0.01, math.cos(math.radians(lat)))
    dlon = min(180.0, math.degrees(miles / (EARTH_RADIUS_MILES * cos)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def hourly(amount: Decimal | float | None, unit: str | None) -> Decimal | None:
    """A wage per hour, so an hourly and a yearly wage compare (2080 hours a year)."""
    if amount is None:
        return None
    value = Decimal(str(amount))
    factor = {"hour": Decimal(1), "week": Decimal(40), "month": Decimal(HOURS_PER_YEAR) / 12,
              "year": Decimal(HOURS_PER_YEAR)}.get(unit or "hour", Decimal(1))
    return (value / factor).quantize(Decimal("0.01"))


def rank_key(tier: int, distance: float | None, posted_ordinal: int, key: str) -> tuple[int, float, int, str]:
    """Better occupation match first, then nearer, then newer (then a stable tie-break)."""
    return (tier, distance if distance is not None else math.inf, -posted_ordinal, key)


class ReferralMoveError(ValueError):
    """A referral outcome that cannot be recorded from where the referral stands."""


def check_referral_outcome(current: str, outcome: str) -> None:
    """An open referral gets one outcome; an outcome is final (a new referral starts again)."""
    if outcome not in REFERRAL_OUTCOMES:
        raise ReferralMoveError(f"the outcome must be one of {', '.join(REFERRAL_OUTCOMES)}")
    if current != REFERRED:
        raise ReferralMoveError(f"this referral already has its outcome ({current.replace('_', ' ')})")
