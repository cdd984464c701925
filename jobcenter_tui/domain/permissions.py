"""Privileges, default roles and the question "may this staff member do that?".

Roles bundle privileges (spec: case-management.md, Staff, roles and privileges). Program access is
separate: per program a staff member holds any of ``view``, ``edit``, ``create`` for enrollments,
granted by a role (for every program) or one program at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from jobcenter_tui.domain.errors import Refusal
from jobcenter_tui.domain.programs import PROGRAM_CODES, program_name


class Privilege(StrEnum):
    SEEKER_VIEW = "seeker.view"
    SEEKER_CREATE = "seeker.create"
    SEEKER_EDIT = "seeker.edit"
    SEEKER_VIEW_SSN = "seeker.view_ssn"
    SEEKER_UPGRADE = "seeker.upgrade"  # take over a self-service account (staff-assisted from then on)
    SEEKER_MERGE = "seeker.merge"
    NOTE_DELETE = "note.delete"
    ENROLLMENT_REOPEN = "enrollment.reopen"
    EMPLOYER_MANAGE = "employer.manage"
    POSTING_MANAGE = "posting.manage"
    REPORT_EXPORT = "report.export"
    DATA_IMPORT = "data.import"
    STAFF_MANAGE = "staff.manage"
    AUDIT_VIEW = "audit.view"
    CONFIG_MANAGE = "config.manage"


class ProgramLevel(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    CREATE = "create"


ALL_LEVELS = frozenset(ProgramLevel)


@dataclass(frozen=True)
class RoleDefinition:
    name: str
    description: str
    privileges: frozenset[Privilege]
    program_levels: frozenset[ProgramLevel]  # held for every program


_P = Privilege
_FRONT = frozenset({_P.SEEKER_VIEW, _P.SEEKER_CREATE, _P.SEEKER_EDIT})
_CASE = _FRONT | {_P.SEEKER_VIEW_SSN, _P.SEEKER_UPGRADE}
_SUPER = _CASE | {
    _P.SEEKER_MERGE, _P.NOTE_DELETE, _P.ENROLLMENT_REOPEN, _P.EMPLOYER_MANAGE,
    _P.POSTING_MANAGE, _P.REPORT_EXPORT, _P.DATA_IMPORT, _P.AUDIT_VIEW,
}

DEFAULT_ROLES: tuple[RoleDefinition, ...] = (
    RoleDefinition(
        "front_desk",
        "Greets, searches, registers and updates job seekers; sees programs, enrolls no one",
        _FRONT,
        frozenset({ProgramLevel.VIEW}),
    ),
    RoleDefinition(
        "case_manager",
        "Runs cases: enrolls, records services, plans, documents and notes in every program",
        _CASE,
        ALL_LEVELS,
    ),
    RoleDefinition(
        "supervisor",
        "Case manager plus merges, reopenings, note deletion, employers, imports, exports, audit",
        _SUPER,
        ALL_LEVELS,
    ),
    RoleDefinition("admin", "Everything, including staff accounts", frozenset(Privilege), ALL_LEVELS),
)

ROLE_NAMES = tuple(r.name for r in DEFAULT_ROLES)


def role_definition(name: str) -> RoleDefinition:
    for r in DEFAULT_ROLES:
        if r.name == name:
            return r
    raise KeyError(name)


class PermissionDenied(Refusal):
    """The signed-in staff member may not do this; the message names what is missing in words.

    ``needed`` is what was missing, as an id (``seeker.view_ssn``, ``WIOA_DW:create``), for the
    audit row of the refused attempt; people see the message.
    """

    def __init__(self, message: str, needed: str = "") -> None:
        super().__init__(message)
        self.needed = needed


PRIVILEGE_LABELS: dict[str, str] = {
    Privilege.SEEKER_VIEW: "View job seekers",
    Privilege.SEEKER_CREATE: "Register job seekers",
    Privilege.SEEKER_EDIT: "Edit job seekers",
    Privilege.SEEKER_VIEW_SSN: "View full SSN",
    Privilege.SEEKER_UPGRADE: "Take over self-service accounts",
    Privilege.SEEKER_MERGE: "Merge records",
    Privilege.NOTE_DELETE: "Delete notes",
    Privilege.ENROLLMENT_REOPEN: "Reopen enrollments",
    Privilege.EMPLOYER_MANAGE: "Manage employers",
    Privilege.POSTING_MANAGE: "Manage job postings",
    Privilege.REPORT_EXPORT: "Export reports",
    Privilege.DATA_IMPORT: "Import data",
    Privilege.STAFF_MANAGE: "Manage staff",
    Privilege.AUDIT_VIEW: "View the audit log",
    Privilege.CONFIG_MANAGE: "Change the configuration",
}
LEVEL_LABELS: dict[str, str] = {ProgramLevel.VIEW: "view", ProgramLevel.EDIT: "edit", ProgramLevel.CREATE: "enroll in"}


def _program(code: str) -> str:
    try:
        return program_name(code)
    except KeyError:
        return code


def privilege_label(privilege: Privilege | str) -> str:
    """What a person calls a privilege ("View full SSN"); never the id."""
    return PRIVILEGE_LABELS.get(str(privilege), str(privilege).replace(".", " ").replace("_", " ").capitalize())


def missing_privilege(privilege: Privilege | str) -> PermissionDenied:
    return PermissionDenied(f"You do not have the \u201c{privilege_label(privilege)}\u201d privilege; "
                            "ask a supervisor if you need it.", needed=str(privilege))


def missing_program_level(program: str, level: ProgramLevel | str) -> PermissionDenied:
    what = LEVEL_LABELS.get(str(level), str(level))
    return PermissionDenied(f"You may not {what} {_program(program)} enrollments; ask a supervisor if you need to.",
                            needed=f"{program}:{level}")


@dataclass(frozen=True)
class Actor:
    """Who is doing a unit of work, with everything needed to decide and to audit it.

    ``kind`` is ``staff`` for a signed-in staff member and ``system`` for the command line run by
    an operator who already holds the store and its key file.
    """

    username: str
    display_name: str
    kind: str = "staff"
    staff_id: str | None = None
    office: str | None = None
    roles: frozenset[str] = frozenset()
    privileges: frozenset[str] = frozenset()
    program_levels: dict[str, frozenset[str]] = field(default_factory=dict)
    os_user: str = ""
    terminal: str = ""
    access_version: int | None = None  # the account's access version at sign-in (see Services.unit)

    def __hash__(self) -> int:
        return hash((self.kind, self.username))

    @property
    def is_system(self) -> bool:
        return self.kind == "system"

    def can(self, privilege: Privilege | str) -> bool:
        return self.is_system or str(privilege) in self.privileges

    def can_program(self, program: str, level: ProgramLevel | str) -> bool:
        return self.is_system or str(level) in self.program_levels.get(str(program), frozenset())

    def require(self, privilege: Privilege | str) -> None:
        if not self.can(privilege):
            raise missing_privilege(privilege)

    def require_program(self, program: str, level: ProgramLevel | str) -> None:
        if not self.can_program(program, level):
            raise missing_program_level(program, level)


def resolve_access(
    roles: set[str] | frozenset[str],
    extra_program_levels: list[tuple[str, str]] | tuple[tuple[str, str], ...] = (),
) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Combine a staff member's roles and single-program grants into what they may do."""
    privileges: set[str] = set()
    levels: dict[str, set[str]] = {code: set() for code in PROGRAM_CODES}
    for name in roles:
        try:
            role = role_definition(name)
        except KeyError:
            continue
        privileges |= {str(p) for p in role.privileges}
        for code in PROGRAM_CODES:
            levels[code] |= {str(lv) for lv in role.program_levels}
    for program, level in extra_program_levels:
        levels.setdefault(program, set()).add(level)
    return frozenset(privileges), {k: frozenset(v) for k, v in levels.items()}
