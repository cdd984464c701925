"""Staff accounts: creation, roles and grants, sign-in with throttling."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from jobcenter_tui.db.models import (
    AuditEntry,
    ConfigEntry,
    LoginThrottle,
    Role,
    RolePrivilege,
    RoleProgramLevel,
    Staff,
    StaffProgramPrivilege,
    StaffRole,
)
from jobcenter_tui.domain.passwords import (
    FAILURE_MEMORY,
    FailureCount,
    after_failure,
    is_locked,
    password_problems,
    throttle_name,
    throttle_source,
    wait_seconds,
)
from jobcenter_tui.domain.permissions import Actor, Privilege, ProgramLevel
from jobcenter_tui.domain.programs import PROGRAM_CODES
from jobcenter_tui.domain.session_lock import (
    IDLE_LOCK_DEFAULT_MINUTES,
    IDLE_LOCK_KEY,
    UNLOCK_TRIES,
    UnlockOutcome,
    idle_lock_problem,
    unlock_outcome,
)
from jobcenter_tui.services.audit import append_audit
from jobcenter_tui.services.errors import InvalidInput, LoginFailed, NotFound, ServiceError

if TYPE_CHECKING:
    from jobcenter_tui.services import Services

USERNAME_RE = re.compile(r"[a-z][a-z0-9._-]{1,63}")
SIGN_IN_FAILED = "Sign-in failed: the user name or password is not right."
LOCKED = ("Sign-in refused: too many failed sign-ins for this user name. "
          "Ask an administrator to reset the password.")
_THROTTLE = LoginThrottle.__table__  # type: ignore[attr-defined]
# The throttle's statements, built once: a sign-in storm (10,000 names) costs SQL, not statement building.
_AT = _THROTTLE.c.last_failure_at.type
_READ_COUNTS = sa.text("SELECT source, failures, last_failure_at, consecutive FROM login_throttle "
                       "WHERE username = :key AND source IN ('', :source)").columns(last_failure_at=_AT)
_INSERT_COUNT = sa.text("INSERT INTO login_throttle (username, source, failures, last_failure_at, consecutive) "
                        "VALUES (:key, :source, :failures, :at, :consecutive)").bindparams(sa.bindparam("at", type_=_AT))
_UPDATE_COUNT = sa.text("UPDATE login_throttle SET failures = :failures, last_failure_at = :at, consecutive = :consecutive "
                        "WHERE username = :key AND source = :source").bindparams(sa.bindparam("at", type_=_AT))
_DELETE_COUNT = sa.text("DELETE FROM login_throttle WHERE username = :key AND source = :source")
_PRUNE_EXPIRED = sa.text("DELETE FROM login_throttle WHERE source <> '' AND last_failure_at < :cutoff"
                         ).bindparams(sa.bindparam("cutoff", type_=_AT))
_COUNT_SOURCES = sa.text("SELECT count(*) FROM login_throttle WHERE source <> ''")
_OLDEST_SOURCES = sa.text("SELECT username, source FROM login_throttle WHERE source <> '' "
                          "ORDER BY last_failure_at LIMIT :n")
MAX_SOURCE_ROWS = 5000  # per-source throttle rows kept at most (the oldest go first); account rows are kept


def access_changed(session: Session, *staff_ids: str) -> None:
    """What these accounts may do changed: their open sessions end at their next unit of work."""
    if staff_ids:
        session.execute(update(Staff).where(col(Staff.id).in_(staff_ids))
                        .values(access_version=Staff.access_version + 1)
                        .execution_options(synchronize_session=False))


def role_access_changed(session: Session, role: str) -> None:
    """A role's privileges changed: every account holding it signs in again."""
    access_changed(session, *session.exec(select(StaffRole.staff_id).where(StaffRole.role == role)).all())


@dataclass(frozen=True)
class StaffView:
    username: str
    display_name: str
    office: str | None
    status: str
    roles: tuple[str, ...]
    programs: tuple[str, ...]  # "WIOA_DW:create" grants beyond the roles
    last_login_at: datetime | None


def normalize_username(text: str) -> str:
    return text.strip().lower()


class StaffService:
    def __init__(self, services: Services) -> None:
        self._s = services
        self._hasher: PasswordHasher = services.password_hasher
        self._dummy: str | None = None

    @property
    def _dummy_hash(self) -> str:
        """Verified against when the account does not exist, so both cost the same time. Made at the
        first sign-in that needs it (never at start-up: hashing costs as much as a sign-in)."""
        if self._dummy is None:
            self._dummy = self._hasher.hash("not-a-real-password-for-timing")
        return self._dummy

    # --- accounts ------------------------------------------------------------------------------

    def _validate_new(self, username: str, display_name: str, password: str, roles: list[str], session: Session) -> None:
        errors: dict[str, str] = {}
        if not USERNAME_RE.fullmatch(username):
            errors["username"] = "must be 2-64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter"
        if not display_name.strip():
            errors["display_name"] = "must not be blank"
        problems = password_problems(password, username, display_name)
        if problems:
            errors["password"] = "; ".join(problems)
        known = set(session.exec(select(Role.name)).all())
        unknown = [r for r in roles if r not in known]
        if unknown:
            errors["roles"] = f"unknown role(s) {', '.join(unknown)}; roles are {', '.join(sorted(known))}"
        if errors:
            raise InvalidInput(errors)

    def count(self) -> int:
        with self._s.db.session() as session:
            return session.exec(select(func.count()).select_from(Staff)).one()

    def add(
        self,
        actor: Actor,
        username: str,
        display_name: str,
        password: str,
        roles: list[str],
        office: str | None = None,
        *,
        audit_action: str = "staff.add",
    ) -> StaffView:
        actor.require(Privilege.STAFF_MANAGE)
        username = normalize_username(username)
        with self._s.unit(actor, write=True) as session:
            self._validate_new(username, display_name, password, roles, session)
            if session.exec(select(Staff).where(Staff.username == username)).first():
                raise InvalidInput({"username": f"an account named {username} already exists"})
            staff = Staff(
                username=username,
                display_name=display_name.strip(),
                office=office,
                password_hash=self._hasher.hash(password),
            )
            session.add(staff)
            session.flush()
            for role in roles:
                session.add(StaffRole(staff_id=staff.id, role=role))
            append_audit(
                session, actor, audit_action, at=self._s.now(), entity="staff", entity_id=username,
                changes={"roles": sorted(roles), "office": office, "display_name": display_name.strip()},
            )
            session.flush()
            return self._view(session, staff)

    def list(self, actor: Actor) -> list[StaffView]:
        actor.require(Privilege.STAFF_MANAGE)
        with self._s.unit(actor) as session:
            return [self._view(session, s) for s in session.exec(select(Staff).order_by(Staff.username)).all()]

    def _get(self, session: Session, username: str) -> Staff:
        staff = session.exec(select(Staff).where(Staff.username == normalize_username(username))).first()
        if staff is None:
            raise NotFound(f"No staff account named {normalize_username(username)}")
        return staff

    def set_status(self, actor: Actor, username: str, status: str, reason: str | None = None) -> StaffView:
        actor.require(Privilege.STAFF_MANAGE)
        if status not in ("active", "disabled"):
            raise InvalidInput({"status": "must be active or disabled"})
        with self._s.unit(actor, write=True) as session:
            staff = self._get(session, username)
            if staff.username == actor.username and status == "disabled":
                raise ServiceError("You cannot disable your own account")
            old = staff.status
            staff.status = status
            if old != status:
                staff.access_version += 1
            session.add(staff)
            append_audit(
                session, actor, f"staff.{'disable' if status == 'disabled' else 'enable'}", at=self._s.now(),
                entity="staff", entity_id=staff.username, changes={"status": {"old": old, "new": status}}, reason=reason,
            )
            session.flush()
            return self._view(session, staff)

    def grant(
        self,
        actor: Actor,
        username: str,
        *,
        role: str | None = None,
        program: str | None = None,
        level: str | None = None,
        revoke: bool = False,
    ) -> StaffView:
        """Give (or take back) a role, or one level of access to one program."""
        actor.require(Privilege.STAFF_MANAGE)
        if (role is None) == (program is None):
            raise InvalidInput({"grant": "give either a role, or a program with a level"})
        with self._s.unit(actor, write=True) as session:
            staff = self._get(session, username)
            if role is not None:
                if session.get(Role, role) is None:
                    known = ", ".join(sorted(session.exec(select(Role.name)).all()))
                    raise InvalidInput({"role": f"unknown role {role}; roles are {known}"})
                row = session.get(StaffRole, (staff.id, role))
                if revoke and row:
                    session.delete(row)
                    staff.access_version += 1
                elif not revoke and not row:
                    session.add(StaffRole(staff_id=staff.id, role=role))
                    staff.access_version += 1
                what = {"role": role}
            else:
                if program not in PROGRAM_CODES:
                    raise InvalidInput({"program": f"unknown program {program}; programs are {', '.join(PROGRAM_CODES)}"})
                if level not in {lv.value for lv in ProgramLevel}:
                    raise InvalidInput({"level": "must be view, edit or create"})
                grant = session.get(StaffProgramPrivilege, (staff.id, program, level))
                if revoke and grant:
                    session.delete(grant)
                    staff.access_version += 1
                elif not revoke and not grant:
                    session.add(StaffProgramPrivilege(staff_id=staff.id, program=program, level=level))
                    staff.access_version += 1
                what = {"program": program, "level": level}
            session.add(staff)
            append_audit(
                session, actor, "staff.revoke" if revoke else "staff.grant", at=self._s.now(),
                entity="staff", entity_id=staff.username, changes=what,
            )
            session.flush()
            return self._view(session, staff)

    def reset_password(self, actor: Actor, username: str, new_password: str) -> None:
        """Set a new password (an administrator's reset, or the staff member's own change).

        Every open session of the account ends (its own too: it signs in again with the new one),
        and its failed sign-ins are forgotten, which also lifts the 100-failure lock.
        """
        if normalize_username(username) != actor.username:
            actor.require(Privilege.STAFF_MANAGE)
        with self._s.unit(actor, write=True) as session:
            staff = self._get(session, username)
            problems = password_problems(new_password, staff.username, staff.display_name)
            if problems:
                raise InvalidInput({"password": "; ".join(problems)})
            staff.password_hash = self._hasher.hash(new_password)
            staff.access_version += 1
            session.add(staff)
            session.execute(delete(LoginThrottle).where(col(LoginThrottle.username) == staff.username))
            append_audit(
                session, actor, "staff.reset_password", at=self._s.now(), entity="staff", entity_id=staff.username,
                changes={"password": {"old": "[redacted]", "new": "[redacted]"}},
            )

    # --- sign-in -------------------------------------------------------------------------------

    def login(self, username: str, password: str, *, os_user: str = "", terminal: str = "") -> Actor:
        """Check a sign-in and return the actor; raise LoginFailed with the same words for any failure.

        Throttled per account and per source (domain/passwords.py); a name without an account is
        counted in a shared bucket and answered with exactly the same words and waits.
        """
        name = normalize_username(username)[:64]
        dummy = self._dummy_hash  # made before the look-up: the first sign-in costs the same, name or no name
        now = self._s.now()
        source = throttle_source(terminal)
        outcome: Actor | LoginFailed
        with self._s.db.session(write=True) as session:
            staff = session.exec(select(Staff).where(Staff.username == name)).first()
            key = throttle_name(name, staff is not None)
            counts = self._counts(session, key, source)
            account, from_here = counts
            probe = Actor(username=name, display_name=name, os_user=os_user, terminal=terminal)
            wait = wait_seconds(account, from_here, now)
            if is_locked(account):
                append_audit(session, probe, "login.throttled", at=now, entity="staff", entity_id=name, staff="",
                             changes={"locked": True})
                outcome = LoginFailed(LOCKED)
            elif wait:
                append_audit(session, probe, "login.throttled", at=now, entity="staff", entity_id=name, staff="")
                outcome = LoginFailed(f"Too many failed sign-ins. Try again in {wait} seconds.", wait)
            else:
                ok = self._verify(staff.password_hash if staff else dummy, password)
                if staff is None or not ok or staff.status != "active":
                    account, from_here = self._count_failure(session, key, source, now, counts)
                    append_audit(session, probe, "login.failed", at=now, entity="staff", entity_id=name, staff="",
                                 changes={"locked": True} if is_locked(account) else None)
                    delay = wait_seconds(account, from_here, now)
                    message = SIGN_IN_FAILED
                    if is_locked(account):
                        message = LOCKED
                    elif delay:
                        message += f" Too many failed sign-ins: wait {delay} seconds before the next try."
                    outcome = LoginFailed(message, delay)
                else:
                    for where in ("", source):  # the other sources' failures stay counted
                        session.execute(_DELETE_COUNT, {"key": key, "source": where})
                    if self._hasher.check_needs_rehash(staff.password_hash):
                        staff.password_hash = self._hasher.hash(password)
                    staff.last_login_at = now
                    session.add(staff)
                    outcome = self._actor(session, staff, os_user=os_user, terminal=terminal)
                    append_audit(session, outcome, "login", at=now, entity="staff", entity_id=name)
        if isinstance(outcome, LoginFailed):
            raise outcome
        return outcome

    def _counts(self, session: Session, key: str, source: str) -> tuple[FailureCount | None, FailureCount | None]:
        """(account-wide, this source's) failure counts of throttle name ``key``: one indexed read."""
        found = {row.source: FailureCount(row.failures, row.last_failure_at, row.consecutive)
                 for row in session.execute(_READ_COUNTS, {"key": key, "source": source})}
        return found.get(""), found.get(source)

    def _count_failure(self, session: Session, key: str, source: str, now: datetime,
                       counts: tuple[FailureCount | None, FailureCount | None] | None = None,
                       ) -> tuple[FailureCount, FailureCount]:
        """Count one failed sign-in of throttle name ``key`` from ``source``; return both new counts."""
        before = counts if counts is not None else self._counts(session, key, source)
        after = after_failure(before[0], now), after_failure(before[1], now)
        for old, where, count in zip(before, ("", source), after, strict=True):
            session.execute(_INSERT_COUNT if old is None else _UPDATE_COUNT,
                            {"key": key, "source": where, "failures": count.failures, "at": count.last_failure_at,
                             "consecutive": count.consecutive})
        if before[1] is None:
            # Per-source rows are only a finer throttle: forget expired ones, and keep at most
            # MAX_SOURCE_ROWS (the oldest go) so that many names or addresses cannot grow the table.
            session.execute(_PRUNE_EXPIRED, {"cutoff": now - FAILURE_MEMORY})
            excess = session.execute(_COUNT_SOURCES).scalar_one() - MAX_SOURCE_ROWS
            if excess > 0:
                for username, old_source in session.execute(_OLDEST_SOURCES, {"n": excess}).all():
                    session.execute(_DELETE_COUNT, {"key": username, "source": old_source})
        return after

    def logout(self, actor: Actor) -> None:
        with self._s.db.session(write=True) as session:  # unit-of-work: none (a disabled account may still sign out)
            append_audit(session, actor, "logout", at=self._s.now(), entity="staff", entity_id=actor.username)

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self._hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def actor_for(self, username: str, *, os_user: str = "", terminal: str = "") -> Actor:
        """The actor of an existing account, without a password (tests, trusted local tools)."""
        with self._s.db.session() as session:
            return self._actor(session, self._get(session, username), os_user=os_user, terminal=terminal)

    def _actor(self, session: Session, staff: Staff, *, os_user: str, terminal: str) -> Actor:
        roles = frozenset(session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff.id)).all())
        privileges = frozenset(
            session.exec(select(RolePrivilege.privilege).where(RolePrivilege.role.in_(roles))).all()  # type: ignore[attr-defined]
        ) if roles else frozenset()
        role_levels = set(
            session.exec(select(RoleProgramLevel.level).where(RoleProgramLevel.role.in_(roles))).all()  # type: ignore[attr-defined]
        ) if roles else set()
        levels: dict[str, set[str]] = {code: set(role_levels) for code in PROGRAM_CODES}
        for program, level in session.exec(
            select(StaffProgramPrivilege.program, StaffProgramPrivilege.level).where(
                StaffProgramPrivilege.staff_id == staff.id
            )
        ).all():
            levels.setdefault(program, set()).add(level)
        return Actor(
            username=staff.username,
            display_name=staff.display_name,
            kind="staff",
            staff_id=staff.id,
            office=staff.office,
            roles=roles,
            privileges=privileges,
            program_levels={k: frozenset(v) for k, v in levels.items()},
            os_user=os_user,
            terminal=terminal,
            access_version=staff.access_version,
        )

    def _view(self, session: Session, staff: Staff) -> StaffView:
        roles = tuple(sorted(session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff.id)).all()))
        grants = tuple(
            sorted(
                f"{p}:{lv}"
                for p, lv in session.exec(
                    select(StaffProgramPrivilege.program, StaffProgramPrivilege.level).where(
                        StaffProgramPrivilege.staff_id == staff.id
                    )
                ).all()
            )
        )
        return StaffView(staff.username, staff.display_name, staff.office, staff.status, roles, grants, staff.last_login_at)

    # --- the idle lock (kept together at the end of the class) -------------------------------------

    def idle_lock_minutes(self) -> int:
        """Minutes without a key before the staff console locks (``idle_lock_minutes``, default 15)."""
        with self._s.db.session() as session:
            entry = session.get(ConfigEntry, IDLE_LOCK_KEY)
        value = entry.value if entry is not None else None
        return value if value is not None and idle_lock_problem(value) is None else IDLE_LOCK_DEFAULT_MINUTES

    def set_idle_lock_minutes(self, actor: Actor, value: object) -> int:
        """Change the idle lock for every console of this store; audited."""
        actor.require(Privilege.CONFIG_MANAGE)
        problem = idle_lock_problem(value)
        if problem:
            raise InvalidInput({IDLE_LOCK_KEY: problem})
        assert isinstance(value, int)
        with self._s.unit(actor, write=True) as session:
            entry = session.get(ConfigEntry, IDLE_LOCK_KEY)
            old = entry.value if entry is not None else IDLE_LOCK_DEFAULT_MINUTES
            entry = entry or ConfigEntry(key=IDLE_LOCK_KEY, value=value)
            entry.value, entry.updated_at, entry.updated_by = value, self._s.now(), actor.username
            session.add(entry)
            append_audit(session, actor, "config.set", at=self._s.now(), entity="config", entity_id=IDLE_LOCK_KEY,
                         changes={IDLE_LOCK_KEY: {"old": old, "new": value}})
        return value

    def lock(self, actor: Actor, idle_minutes: float) -> None:
        """The console locked itself after ``idle_minutes`` without a key; audited."""
        with self._s.unit(actor, write=True) as session:
            append_audit(session, actor, "session.lock", at=self._s.now(), entity="staff", entity_id=actor.username,
                         changes={"idle_minutes": idle_minutes})

    def unlock(self, actor: Actor, password: str) -> UnlockOutcome:
        """Check the password typed on the lock screen; audited either way.

        Wrong passwords are counted from this terminal's audit rows since it locked (or signed in),
        so the count lives in the store, not the screen. The ``UNLOCK_TRIES``-th wrong one, or an
        account disabled meanwhile, ends the session (audited as a logout).
        """
        with self._s.db.session() as session:  # unit-of-work: none (unlock itself signs a disabled account out)
            staff = session.exec(select(Staff).where(Staff.username == actor.username)).first()
            hashed, active = (staff.password_hash, staff.status == "active") if staff else (self._dummy_hash, False)
        ok = self._verify(hashed, password)  # outside the write lock: Argon2 takes a while on purpose
        now = self._s.now()
        with self._s.db.session(write=True) as session:  # unit-of-work: none (as above)
            recent = session.exec(
                select(AuditEntry.action).where(
                    AuditEntry.entity == "staff", AuditEntry.entity_id == actor.username,
                    AuditEntry.terminal == actor.terminal,
                    AuditEntry.action.in_(("session.lock", "session.unlock", "session.unlock_failed", "login")),  # type: ignore[attr-defined]
                ).order_by(AuditEntry.id.desc()).limit(UNLOCK_TRIES + 1)  # type: ignore[union-attr]
            ).all()
            before = 0
            for action in recent:
                if action != "session.unlock_failed":
                    break
                before += 1
            outcome = unlock_outcome(ok and active, before)
            if not active:
                outcome = UnlockOutcome(False, outcome.failures, True)
            if outcome.unlocked:
                append_audit(session, actor, "session.unlock", at=now, entity="staff", entity_id=actor.username)
            else:
                append_audit(session, actor, "session.unlock_failed", at=now, entity="staff", entity_id=actor.username,
                             changes={"failures": outcome.failures})
            if outcome.signed_out:
                append_audit(session, actor, "logout", at=now, entity="staff", entity_id=actor.username,
                             reason="too many wrong passwords on the lock screen" if active else "account disabled")
        return outcome
