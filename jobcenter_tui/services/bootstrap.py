"""Reference data every store holds: programs, default roles and the service catalog.

Written when missing, never overwritten, so a state's edits to its catalog or roles survive an
upgrade.
"""

from __future__ import annotations

from sqlmodel import Session, select

from jobcenter_tui.db.models import Program, Role, RolePrivilege, RoleProgramLevel, ServiceCatalogEntry
from jobcenter_tui.domain.catalog import SERVICE_CATALOG
from jobcenter_tui.domain.permissions import DEFAULT_ROLES, Privilege
from jobcenter_tui.domain.programs import PROGRAMS


def ensure_reference_data(session: Session) -> bool:
    """Insert the missing reference rows; return whether anything was added."""
    added = False
    have_programs = set(session.exec(select(Program.code)).all())
    for order, p in enumerate(PROGRAMS):
        if p.code.value not in have_programs:
            session.add(Program(code=p.code.value, name=p.name, sort_order=order))
            added = True
    have_roles = set(session.exec(select(Role.name)).all())
    if "admin" in have_roles:  # the administrator holds every privilege, including ones added later
        held = set(session.exec(select(RolePrivilege.privilege).where(RolePrivilege.role == "admin")).all())
        missing = sorted(set(map(str, Privilege)) - held)
        for priv in missing:
            session.add(RolePrivilege(role="admin", privilege=priv))
            added = True
        if missing:  # a role's privileges changed: its holders' open sessions end (services.unit)
            from jobcenter_tui.services.staff import role_access_changed

            session.flush()
            role_access_changed(session, "admin")
    for role in DEFAULT_ROLES:
        if role.name in have_roles:
            continue
        session.add(Role(name=role.name, description=role.description))
        session.flush()
        for priv in sorted(role.privileges):
            session.add(RolePrivilege(role=role.name, privilege=str(priv)))
        for level in sorted(role.program_levels):
            session.add(RoleProgramLevel(role=role.name, level=str(level)))
        added = True
    have_codes = set(session.exec(select(ServiceCatalogEntry.code)).all())
    for entry in SERVICE_CATALOG:
        if entry.code not in have_codes:
            session.add(
                ServiceCatalogEntry(
                    code=entry.code,
                    name=entry.name,
                    category=entry.category,
                    extends_participation=entry.extends_participation,
                    holds_clock=entry.holds_clock,
                )
            )
            added = True
    return added
