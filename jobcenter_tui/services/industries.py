"""Industries: search NAICS 2022 by code or words (an employer's industry is picked, not typed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobcenter_tui.domain.occupations import naics_2022
from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.services.occupations import MAX_RESULTS, OccupationMatch

if TYPE_CHECKING:
    from jobcenter_tui.services import Services


class IndustryService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def search(self, actor: Actor, text: str, *, limit: int = 20) -> list[OccupationMatch]:
        """Industries for a code (``3361``, a sector ``31-33``: the code, then the codes under it) or words."""
        return [OccupationMatch.of(f) for f in naics_2022().search(text, limit=max(1, min(limit, MAX_RESULTS)))]

    def get(self, actor: Actor, code: str) -> OccupationMatch | None:
        found = naics_2022().get(code)
        return OccupationMatch(found.code, found.title, found.level, "code") if found else None
