"""The store itself, for the command line: bring its tables up to this version.

The CLI reaches the store only through services, like the screens do; this is the door for
``jobcenter db upgrade``, which must work before there is a key file or any staff account.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobcenter_tui.config import Settings, load_settings
from jobcenter_tui.db.engine import Database
from jobcenter_tui.db.migrate import current_revision, upgrade


@dataclass(frozen=True)
class StoreRevision:
    """Where the store was before an upgrade (None: empty) and where it is now."""

    before: str | None
    after: str | None


def upgrade_store(settings: Settings | None = None) -> StoreRevision:
    """Run the migrations on the store named by the settings (a no-op when it is current)."""
    db = Database((settings or load_settings()).database_url)
    try:
        before = current_revision(db)
        upgrade(db)
        return StoreRevision(before=before, after=current_revision(db))
    finally:
        db.dispose()
