"""Eligibility configuration as data: switches, HHS poverty tables, the state's LLSIL table.

Parsed from plain dicts and text (the caller reads the files), so a new year's table is a data
change. ``fingerprint()`` identifies rules and tables together for ``rules_version``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from jobcenter_tui.domain.programs import PROGRAM_CODES

RULES_REVISION = "2026.2"  # bump when the rules in rules.py change meaning

SWITCH_DEFAULTS: dict[str, Any] = {
    "work_authorization_required": True,
    "dw_min_age": 18,
    "wp_min_age": 14,
    "isy_disability_max_age": 21,
    "eligibility_valid_days": 45,
}
# WIOA §129(a)(1)(C)(i): the extension serves in-school youth with a disability past 21, never below it.
SWITCH_MINIMUMS: dict[str, int] = {"isy_disability_max_age": 21}


class ConfigError(ValueError):
    """A configuration value or file is wrong; ``errors`` names each place."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class AreaGuideline:
    sizes: tuple[int, ...]  # family sizes 1..len(sizes)
    each_additional: int

    def for_family(self, size: int) -> int:
        if size <= len(self.sizes):
            return self.sizes[size - 1]
        return self.sizes[-1] + (size - len(self.sizes)) * self.each_additional


@dataclass(frozen=True)
class PovertyTable:
    name: str  # "HHS 2026"
    effective: date
    areas: dict[str, AreaGuideline]  # "contiguous", "AK", "HI"
    source: str = ""

    def guideline(self, state: str | None, size: int) -> int:
        area = self.areas.get(state or "", self.areas["contiguous"])
        return area.for_family(size)


@dataclass(frozen=True)
class LlsilTable:
    """70% of the Lower Living Standard Income Level: region × family size → dollars."""

    regions: dict[str, AreaGuideline]
    name: str = "LLSIL 70%"

    def amount(self, region: str, size: int) -> int | None:
        area = self.regions.get(region)
        if area is None:
            return None
        if size > len(area.sizes) and not area.each_additional:
            return None
        return area.for_family(size)


@dataclass(frozen=True)
class EligibilityConfig:
    work_authorization_required: dict[str, bool] = field(default_factory=lambda: {p: True for p in PROGRAM_CODES})
    dw_min_age: int = 18
    wp_min_age: int = 14
    isy_disability_max_age: int = 21
    eligibility_valid_days: int = 45
    poverty_tables: tuple[PovertyTable, ...] = ()
    llsil: LlsilTable | None = None
    version: str = ""
    # What the rules derive from this configuration for one ``as_of`` (rules.py fills it on first use):
    # thresholds, dates, answers already worked out. Not part of the configuration's value.
    plans: dict[date, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def table_for(self, as_of: date) -> PovertyTable | None:
        """The poverty table in force on ``as_of``: the latest one effective on or before it."""
        chosen = None
        for table in self.poverty_tables:
            if table.effective <= as_of and (chosen is None or table.effective > chosen.effective):
                chosen = table
        return chosen


def llsil_region_problems(region: str | None, cfg: EligibilityConfig) -> list[dict[str, str]]:
    """A record's ``llsil_region`` must name a row of the configured LLSIL table (rules 2026.2).

    A region the rules cannot look up would silently fall back to the HHS guideline, so such a
    record is invalid rather than evaluated.
    """
    if region is None:
        return []
    if cfg.llsil is None:
        return [{"field": "llsil_region", "message": "no LLSIL table is configured (jobcenter config llsil FILE)"}]
    if region not in cfg.llsil.regions:
        known = ", ".join(sorted(cfg.llsil.regions))
        return [{"field": "llsil_region", "message": f"is not a region of the LLSIL table; regions are {known}"}]
    return []


def _area(raw: Any, where: str, errors: list[str]) -> AreaGuideline | None:
    try:
        sizes = tuple(int(v) for v in raw["sizes"])
        extra = int(raw.get("each_additional", 0))
    except (KeyError, TypeError, ValueError):
        errors.append(f"{where}: needs 'sizes' (a list of dollars) and 'each_additional'")
        return None
    if not sizes or any(v <= 0 for v in sizes) or extra < 0:
        errors.append(f"{where}: amounts must be positive")
        return None
    return AreaGuideline(sizes, extra)


def parse_switches(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate switch values; unknown keys and wrong types are errors."""
    errors: list[str] = []
    out = dict(SWITCH_DEFAULTS)
    for key, value in raw.items():
        if key not in SWITCH_DEFAULTS:
            errors.append(f"{key}: unknown setting; settings are {', '.join(SWITCH_DEFAULTS)}")
        elif key == "work_authorization_required":
            if isinstance(value, bool):
                out[key] = value
            elif isinstance(value, dict) and all(k in PROGRAM_CODES and isinstance(v, bool) for k, v in value.items()):
                out[key] = value
            else:
                errors.append(f"{key}: must be true, false, or an object of program code → true/false")
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 365 * 5:
            errors.append(f"{key}: must be a whole number")
        elif value < SWITCH_MINIMUMS.get(key, 0):
            errors.append(f"{key}: must be {SWITCH_MINIMUMS[key]} or more")
        else:
            out[key] = value
    if errors:
        raise ConfigError(errors)
    return out


def build_config(data: dict[str, Any], switches: dict[str, Any] | None = None, llsil: LlsilTable | None = None) -> EligibilityConfig:
    """Build the configuration from the shipped data file's content plus the store's overrides."""
    errors: list[str] = []
    merged = parse_switches({**data.get("switches", {}), **(switches or {})})
    tables = []
    for i, raw in enumerate(data.get("poverty_tables", [])):
        where = f"poverty_tables[{i}]"
        try:
            effective = date.fromisoformat(raw["effective"])
        except (KeyError, TypeError, ValueError):
            errors.append(f"{where}.effective: must be a date YYYY-MM-DD")
            continue
        areas = {}
        for name, area_raw in raw.get("areas", {}).items():
            area = _area(area_raw, f"{where}.areas.{name}", errors)
            if area:
                areas[name] = area
        if "contiguous" not in areas:
            errors.append(f"{where}.areas: needs a 'contiguous' table")
            continue
        tables.append(PovertyTable(str(raw.get("name", effective.year)), effective, areas, str(raw.get("source", ""))))
    if errors:
        raise ConfigError(errors)
    war = merged["work_authorization_required"]
    war_map = {p: war for p in PROGRAM_CODES} if isinstance(war, bool) else {p: bool(war.get(p, True)) for p in PROGRAM_CODES}
    config = EligibilityConfig(
        work_authorization_required=war_map,
        dw_min_age=merged["dw_min_age"],
        wp_min_age=merged["wp_min_age"],
        isy_disability_max_age=merged["isy_disability_max_age"],
        eligibility_valid_days=merged["eligibility_valid_days"],
        poverty_tables=tuple(sorted(tables, key=lambda t: t.effective)),
        llsil=llsil,
    )
    return _with_version(config)


def _with_version(config: EligibilityConfig) -> EligibilityConfig:
    from dataclasses import replace

    payload = json.dumps(
        {
            "war": config.work_authorization_required,
            "dw": config.dw_min_age,
            "wp": config.wp_min_age,
            "isy": config.isy_disability_max_age,
            "valid": config.eligibility_valid_days,
            "tables": [(t.name, t.effective.isoformat(), {k: (v.sizes, v.each_additional) for k, v in sorted(t.areas.items())})
                       for t in config.poverty_tables],
            "llsil": {k: (v.sizes, v.each_additional) for k, v in sorted(config.llsil.regions.items())} if config.llsil else None,
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()[:10]
    return replace(config, version=f"{RULES_REVISION}+{digest}")


def parse_llsil_csv(text: str) -> LlsilTable:
    """Read a state's LLSIL 70% table.

    Header: ``region,1,2,...,N[,each_additional]``; one row per region, dollars per family size.
    Every bad cell is reported with its line number.
    """
    errors: list[str] = []
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ConfigError(["the file is empty; expected a header 'region,1,2,3,...'"])
    header = [c.strip().lower() for c in rows[0]]
    extra = header[-1] == "each_additional"
    size_cols = header[1:-1] if extra else header[1:]
    if not header or header[0] != "region" or not size_cols or size_cols != [str(i) for i in range(1, len(size_cols) + 1)]:
        raise ConfigError(["line 1: header must be 'region,1,2,...,N' with an optional last column 'each_additional'"])
    regions: dict[str, AreaGuideline] = {}
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if len(cells) != len(header):
            errors.append(f"line {number}: has {len(cells)} columns, the header has {len(header)}")
            continue
        region = cells[0]
        if not region or region in seen:
            errors.append(f"line {number}: region {'is empty' if not region else region + ' appears twice'}")
            continue
        seen.add(region)
        try:
            values = [Decimal(c.replace(",", "").replace("$", "")) for c in cells[1:]]
        except InvalidOperation:
            errors.append(f"line {number}: every amount must be a number of dollars")
            continue
        sizes = values[:-1] if extra else values
        if any(v <= 0 for v in sizes) or (extra and values[-1] < 0):
            errors.append(f"line {number}: amounts must be positive")
            continue
        if any(b < a for a, b in zip(sizes, sizes[1:])):
            errors.append(f"line {number}: amounts must not fall as the family grows")
            continue
        regions[region] = AreaGuideline(tuple(int(round(v)) for v in sizes), int(round(values[-1])) if extra else 0)
    if errors:
        raise ConfigError(errors)
    if not regions:
        raise ConfigError(["the file has a header but no regions"])
    return LlsilTable(regions)


def llsil_to_json(table: LlsilTable) -> dict[str, Any]:
    return {name: {"sizes": list(a.sizes), "each_additional": a.each_additional} for name, a in table.regions.items()}


def llsil_from_json(raw: dict[str, Any]) -> LlsilTable:
    errors: list[str] = []
    regions = {}
    for name, value in raw.items():
        area = _area(value, f"llsil.{name}", errors)
        if area:
            regions[name] = area
    if errors:
        raise ConfigError(errors)
    return LlsilTable(regions)
