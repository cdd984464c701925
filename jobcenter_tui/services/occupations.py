"""Occupations: search SOC 2018 by code or words (with the state's O*NET titles), and load those titles.

Searching is open to everyone signed in and to the kiosk (a job seeker picks the occupations they
want); loading a state's titles needs ``config.manage`` and is audited. The imported rows are read
once and kept with the shipped classification until another import changes them (any process:
the count and newest import time of the table tell).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert
from sqlmodel import select

from jobcenter_tui.db.models import OccupationTitle
from jobcenter_tui.domain.occupations import Classification, Found, extra_texts, parse_onet, soc_2018
from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.errors import InvalidInput

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

MAX_RESULTS = 200


@dataclass(frozen=True)
class OccupationMatch:
    """One result, as a picker shows it: "51-4121 Welders, Cutters, Solderers, and Brazers"."""

    code: str
    title: str
    level: str
    match: str  # code, group, title, words, alternate title, description
    also: str | None = None  # the state's title that matched, when it was not the SOC title

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "title": self.title, "level": self.level, "match": self.match}
        if self.also:
            out["also"] = self.also
        return out

    @staticmethod
    def of(found: Found) -> OccupationMatch:
        o = found.occupation
        return OccupationMatch(o.code, o.title, o.level, found.match, found.also)


@dataclass(frozen=True)
class OnetImport:
    loaded: int
    replaced: int
    occupations: int  # distinct SOC codes the file covers


class OccupationService:
    def __init__(self, services: Services) -> None:
        self._s = services
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, datetime | None], Classification] | None = None

    def search(self, actor: Actor, text: str, *, limit: int = 20, all_levels: bool = False) -> list[OccupationMatch]:
        """Detailed occupations for a code, a group (``51-41``) or words; with ``all_levels`` the groups too."""
        levels = None if all_levels else ("detailed",)
        found = self._classification().search(text, limit=max(1, min(limit, MAX_RESULTS)), levels=levels)
        return [OccupationMatch.of(f) for f in found]

    def titles(self, actor: Actor, soc_code: str) -> list[tuple[str, str, str]]:
        """The state's (O*NET code, title, description) lines for one SOC code."""
        with self._s.unit(actor) as session:
            rows = session.exec(select(OccupationTitle).where(OccupationTitle.soc_code == soc_code)
                                .order_by(OccupationTitle.onet_code)).all()
            return [(r.onet_code, r.title, r.description) for r in rows]

    def import_onet(self, actor: Actor, text: str, *, source: str = "") -> OnetImport:
        """Replace the state's titles with an O*NET "Occupation Data" file; any bad line refuses it all.

        All or nothing, because the file is one release of O*NET: half of it would leave the search
        with two releases mixed. Refusals name each bad line by number.
        """
        actor.require(Privilege.CONFIG_MANAGE)
        good, bad = parse_onet(text)
        if bad:
            raise InvalidInput({f"line {n}": message for n, message in sorted(bad.items())})
        if not good:
            raise InvalidInput({"file": "no occupations in the file (expected O*NET-SOC Code, Title, Description)"})
        now = self._s.now()
        with self._s.unit(actor, write=True) as session:
            replaced = session.exec(select(func.count()).select_from(OccupationTitle)).one()
            session.execute(delete(OccupationTitle))
            session.execute(insert(OccupationTitle), [
                {"onet_code": g.onet_code, "soc_code": g.soc_code, "title": g.title, "description": g.description,
                 "imported_at": now, "imported_by": actor.username} for g in good])
            result = OnetImport(len(good), int(replaced), len({g.soc_code for g in good}))
            append_audit(session, actor, "occupations.import", at=now, entity="occupation_title", entity_id=None,
                         changes={"loaded": result.loaded, "replaced": result.replaced, "source": source[:200]})
        return result

    def _classification(self) -> Classification:
        """SOC 2018 with the imported titles, rebuilt only when the table changed."""
        with self._s.db.session() as session:
            count, newest = session.execute(
                select(func.count(), func.max(OccupationTitle.imported_at)).select_from(OccupationTitle)).one()
            stamp = (int(count), newest)
            with self._lock:
                if self._cached is not None and self._cached[0] == stamp:
                    return self._cached[1]
            if count == 0:
                built = soc_2018()
            else:
                rows = session.execute(select(OccupationTitle.onet_code, OccupationTitle.title,
                                              OccupationTitle.description)).all()
                built = soc_2018().with_extra(extra_texts((r[0], r[1], r[2]) for r in rows))
        with self._lock:
            self._cached = (stamp, built)
        return built
