"""Reading and checking the audit log: the keyed chain inside the store and the checkpoint outside it."""

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
        checkpoint = self._s.audit_checkpoint
        with self._s.unit(actor) as session:
            return verify_chain(session, audit_key=self._s.db.audit_key, checkpoint=checkpoint,
                                keyed_from=checkpoint.keyed_from if checkpoint is not None else 1)
