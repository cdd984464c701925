"""Reading and checking the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobcenter_tui.domain.permissions import Actor, Privilege
from jobcenter_tui.services.audit import ChainReport, verify_chain

if TYPE_CHECKING:
    from jobcenter_tui.services import Services


class AuditService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def verify(self, actor: Actor) -> ChainReport:
        actor.require(Privilege.AUDIT_VIEW)
        with self._s.unit(actor) as session:
            return verify_chain(session)
