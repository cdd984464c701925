"""Eligibility as a use case: the configuration in force, checks, stored determinations.

Every eligibility answer the product gives comes from ``domain.eligibility.evaluate``; this module
only supplies its inputs (the record, the date, the configuration) and keeps the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from jobcenter_tui.db.models import ConfigEntry, EligibilityDetermination
from jobcenter_tui.domain.eligibility import EligibilityConfig, EligibilityResult, evaluate
from jobcenter_tui.domain.eligibility.config import (
    SWITCH_DEFAULTS,
    ConfigError,
    LlsilTable,
    llsil_to_json,
    parse_llsil_csv,
    parse_switches,
)
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.domain.record import as_of_problem
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.common import (
    LLSIL_KEY,
    SWITCHES_KEY,
    config_entries,
    determination_row,
    eligibility_config,
    next_sequence,
    stored_record,
)
from jobcenter_tui.services.eligibility_check import check_record, llsil_problems, validated_record  # noqa: F401
from jobcenter_tui.services.errors import InvalidInput

if TYPE_CHECKING:
    from jobcenter_tui.services import Services


@dataclass(frozen=True)
class DeterminationView:
    id: str
    seeker_id: str
    as_of: date
    rules_version: str
    determined_at: datetime
    determined_by: str | None
    result: dict[str, Any]

    def program_status(self, code: str) -> str:
        for p in self.result["programs"]:
            if p["program"] == code:
                return str(p["status"])
        raise KeyError(code)


def _view(row: EligibilityDetermination) -> DeterminationView:
    return DeterminationView(row.id, row.seeker_id, row.as_of, row.rules_version, row.determined_at,
                             row.determined_by, row.result)


class EligibilityService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # --- configuration -----------------------------------------------------------------------

    def config(self) -> EligibilityConfig:
        """The configuration in force (a use case already in a unit of work calls ``common.eligibility_config``)."""
        with self._s.db.session() as session:
            return eligibility_config(session)

    def settings_entries(self) -> dict[str, Any]:
        """The store's configuration rows by key (what ``config_from_entries`` builds the configuration from)."""
        with self._s.db.session() as session:
            return config_entries(session)

    def settings(self) -> dict[str, Any]:
        """The switches in force and where the tables come from (for ``config show``)."""
        cfg = self.config()
        return {
            "rules_version": cfg.version,
            "switches": {
                "work_authorization_required": cfg.work_authorization_required,
                "dw_min_age": cfg.dw_min_age,
                "wp_min_age": cfg.wp_min_age,
                "isy_disability_max_age": cfg.isy_disability_max_age,
                "eligibility_valid_days": cfg.eligibility_valid_days,
            },
            "poverty_tables": [{"name": t.name, "effective": t.effective.isoformat(), "source": t.source}
                               for t in cfg.poverty_tables],
            "llsil_regions": sorted(cfg.llsil.regions) if cfg.llsil else [],
        }

    def set_switch(self, actor: Actor, key: str, value: Any) -> EligibilityConfig:
        actor.require(Privilege.CONFIG_MANAGE)
        if key not in SWITCH_DEFAULTS:
            raise InvalidInput({key: f"unknown setting; settings are {', '.join(SWITCH_DEFAULTS)}"})
        with self._s.unit(actor, write=True) as session:
            entry = session.get(ConfigEntry, SWITCHES_KEY)
            current = dict(entry.value) if entry else {}
            try:
                parse_switches({**current, key: value})
            except ConfigError as exc:
                raise InvalidInput({key: exc.errors[0].split(": ", 1)[-1]}) from None
            old = current.get(key, SWITCH_DEFAULTS[key])
            current[key] = value
            self._put(session, actor, SWITCHES_KEY, current, {key: {"old": old, "new": value}})
            return eligibility_config(session)

    def load_llsil(self, actor: Actor, text: str, *, source: str = "") -> LlsilTable:
        actor.require(Privilege.CONFIG_MANAGE)
        try:
            table = parse_llsil_csv(text)
        except ConfigError as exc:
            raise InvalidInput({f"llsil[{i}]": e for i, e in enumerate(exc.errors)}) from None
        with self._s.unit(actor, write=True) as session:
            self._put(session, actor, LLSIL_KEY, llsil_to_json(table),
                      {"regions": sorted(table.regions), "source": source[:200]})
        return table

    def _put(self, session: Session, actor: Actor, key: str, value: Any, changes: dict[str, Any]) -> None:
        entry = session.get(ConfigEntry, key)
        if entry is None:
            entry = ConfigEntry(key=key, value=value)
        entry.value = value
        entry.updated_at = self._s.now()
        entry.updated_by = actor.username
        session.add(entry)
        append_audit(session, actor, "config.set", at=self._s.now(), entity="config", entity_id=key, changes=changes)

    # --- answers -----------------------------------------------------------------------------

    def check(self, text: str, as_of: date) -> EligibilityResult:
        """Evaluate one record given as JSON (``eligibility check``); nothing is stored."""
        return check_record(text, as_of, self.config(), self._s.today())

    def preview(self, data: dict[str, Any], as_of: date | None = None) -> EligibilityResult:
        """What the rules say about answers not yet saved (the wizard's review page)."""
        cfg = self.config()
        return evaluate(validated_record(data, cfg, self._s.today()), as_of or self._s.today(), cfg)

    def show(self, actor: Actor, seeker_id: str, as_of: date) -> EligibilityResult:
        """Evaluate a stored seeker now, without storing a determination (the view is audited)."""
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor, write=True) as session:
            record = stored_record(session, seeker_id, self._s.keyring)
            if problem := as_of_problem(record.date_of_birth, as_of):
                raise InvalidInput({"as_of": problem})
            result = evaluate(record, as_of, eligibility_config(session))
            append_audit(session, actor, "eligibility.show", at=self._s.now(), entity="job_seeker", entity_id=seeker_id,
                         changes={"as_of": as_of.isoformat()})
            return result

    def determine(self, actor: Actor, seeker_id: str, as_of: date | None = None) -> DeterminationView:
        """Evaluate and keep the result with its inputs, rules version, date and staff member."""
        actor.require(Privilege.SEEKER_VIEW)
        as_of = as_of or self._s.today()
        with self._s.unit(actor, write=True) as session:
            record = stored_record(session, seeker_id, self._s.keyring)
            if problem := as_of_problem(record.date_of_birth, as_of):
                raise InvalidInput({"as_of": problem})
            cfg = eligibility_config(session)
            row = EligibilityDetermination(**determination_row(record, seeker_id, evaluate(record, as_of, cfg), actor, self._s.now()),
                                           sequence=next_sequence(session))
            session.add(row)
            session.flush()
            append_audit(session, actor, "eligibility.determine", at=self._s.now(), entity="job_seeker",
                         entity_id=seeker_id, changes={"determination": row.id, "as_of": as_of.isoformat(),
                                                       "rules_version": row.rules_version})
            return _view(row)

    def latest(self, actor: Actor, seeker_id: str) -> DeterminationView | None:
        actor.require(Privilege.SEEKER_VIEW)
        with self._s.unit(actor) as session:
            row = session.exec(
                select(EligibilityDetermination)
                .where(EligibilityDetermination.seeker_id == seeker_id)
                .order_by(EligibilityDetermination.sequence.desc())  # type: ignore[attr-defined]
                .limit(1)
            ).first()
            return _view(row) if row else None

    def is_stale(self, view: DeterminationView, today: date | None = None) -> bool:
        """Older than ``eligibility_valid_days``: it must be redone before enrolling."""
        today = today or self._s.today()
        return (today - view.as_of).days > self.config().eligibility_valid_days

