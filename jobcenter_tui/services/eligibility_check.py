"""The eligibility check of one record without opening the store (``jobcenter eligibility check``).

An answer depends on the record, the date and the configuration in force. The configuration is
the shipped tables plus at most two rows of the store (the switches and the LLSIL table): they are
read here with one plain SQLite read — no engine, no migration check, no key, no ORM — or, when
there is no store yet, the shipped defaults alone. The rules and the record's checks are the same
ones every other door uses (``services.eligibility`` imports them from here).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from importlib.resources import files
from typing import Any

from jobcenter_tui.config import Settings, check_private_store
from jobcenter_tui.domain.eligibility import (
    EligibilityConfig,
    EligibilityResult,
    build_config,
    evaluate,
    llsil_region_problems,
)
from jobcenter_tui.domain.eligibility.config import llsil_from_json
from jobcenter_tui.domain.lines import LineProblem, load_json
from jobcenter_tui.domain.record import RecordInvalid, SeekerRecord, as_of_problem, parse_record
from jobcenter_tui.services import DEMO_BUILDING, DEMO_MARKER
from jobcenter_tui.services.errors import StoreNotOpened

SWITCHES_KEY = "eligibility.switches"
LLSIL_KEY = "eligibility.llsil"


def shipped_data() -> dict[str, Any]:
    """The poverty tables and default switches shipped with the product."""
    return json.loads(files("jobcenter_tui.data").joinpath("eligibility.json").read_text(encoding="utf-8"))


def config_from_entries(entries: dict[str, Any]) -> EligibilityConfig:
    llsil_raw = entries.get(LLSIL_KEY)
    llsil = llsil_from_json(llsil_raw) if llsil_raw else None
    return build_config(shipped_data(), switches=entries.get(SWITCHES_KEY) or {}, llsil=llsil)


def llsil_problems(record: SeekerRecord, cfg: EligibilityConfig) -> list[dict[str, str]]:
    """``llsil_region`` must name a region of the configured LLSIL table (the rule is the domain's)."""
    return llsil_region_problems(record.llsil_region, cfg)


def _raw_region(data: str | dict[str, Any]) -> str | None:
    """The ``llsil_region`` of a record that failed validation elsewhere, so every bad field is named."""
    try:
        raw = load_json(data) if isinstance(data, str) else data
    except LineProblem:
        return None
    region = raw.get("llsil_region") if isinstance(raw, dict) else None
    return region if isinstance(region, str) and region else None


def validated_record(data: str | dict[str, Any], cfg: EligibilityConfig, today: date | None) -> SeekerRecord:
    """The record checked against the record layout *and* the configuration; RecordInvalid names each bad field."""
    try:
        record = parse_record(data, today)
    except RecordInvalid as exc:
        extra = [p for p in llsil_region_problems(_raw_region(data), cfg)
                 if not any(e["field"] == p["field"] for e in exc.errors)]
        raise RecordInvalid([*exc.errors, *extra]) from None
    problems = llsil_problems(record, cfg)
    if problems:
        raise RecordInvalid(problems)
    return record


def check_record(text: str, as_of: date, cfg: EligibilityConfig, today: date) -> EligibilityResult:
    """Evaluate one record given as JSON; nothing is stored. RecordInvalid names each bad field."""
    record = validated_record(text, cfg, today)
    if problem := as_of_problem(record.date_of_birth, as_of):
        raise RecordInvalid([{"field": "as_of", "message": problem}])
    return evaluate(record, as_of, cfg)


def today() -> date:
    return datetime.now(UTC).date()


def stored_entries(settings: Settings) -> dict[str, Any] | None:
    """The store's configuration rows by key, read with one plain SQLite read.

    ``{}`` when there is no store yet (the shipped defaults are in force); None when the store is not
    a local SQLite file (the caller opens it the usual way). A store others can read, or a half-built
    demo, is refused as everywhere else (:class:`StoreNotOpened`).
    """
    path = settings.sqlite_path
    if path is None or not settings.is_sqlite:
        return None
    if not path.exists():
        return {}
    check_private_store(path)
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=settings.busy_timeout)
    except sqlite3.Error:
        return None  # not openable this way: let the usual door say why
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "app_meta" in tables:
            marker = con.execute("SELECT value FROM app_meta WHERE key = ?", (DEMO_MARKER,)).fetchone()
            if marker is not None and marker[0] == DEMO_BUILDING:
                from jobcenter_tui.services.demo import HALF_BUILT_MESSAGE

                raise StoreNotOpened(HALF_BUILT_MESSAGE, 1)
        if "config_entry" not in tables:
            return {}
        rows = con.execute("SELECT key, value FROM config_entry WHERE key IN (?, ?)", (SWITCHES_KEY, LLSIL_KEY))
        return {key: json.loads(value) if isinstance(value, str) else value for key, value in rows}
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            from jobcenter_tui.services import STORE_BUSY_AT_OPEN

            raise StoreNotOpened(STORE_BUSY_AT_OPEN, 75) from None
        raise
    finally:
        con.close()
