"""Staff accounts: creation, roles and grants, sign-in with throttling."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, select

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
from jobcenter_tui.domain.passwords import lockout_delay, password_problems
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
        # verified against when the account does not exist, so both cost the same time
        self._dummy_hash = self._hasher.hash("not-a-real-password-for-timing")

    # --- accounts ------------------------------------------------------------------------------

    def _validate_new(self, username: str, display_name: str, password: str, roles: list[str], session: Session) -> None:
        errors: dict[str, str] = {}
        if not USERNAME_RE.fullmatch(username):
            errors["username"] = "must be 2-64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter"
        if not display_name.strip():
            errors["display_name"] = "must not be blank"
        problems = password_problems(password, username)
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
        with self._s.db.session(write=True) as session:
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
        with self._s.db.session() as session:
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
        with self._s.db.session(write=True) as session:
            staff = self._get(session, username)
            if staff.username == actor.username and status == "disabled":
                raise ServiceError("You cannot disable your own account")
            old = staff.status
            staff.status = status
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
        with self._s.db.session(write=True) as session:
            staff = self._get(session, username)
            if role is not None:
                if session.get(Role, role) is None:
                    known = ", ".join(sorted(session.exec(select(Role.name)).all()))
                    raise InvalidInput({"role": f"unknown role {role}; roles are {known}"})
                row = session.get(StaffRole, (staff.id, role))
                if revoke and row:
                    session.delete(row)
                elif not revoke and not row:
                    session.add(StaffRole(staff_id=staff.id, role=role))
                what = {"role": role}
            else:
                if program not in PROGRAM_CODES:
                    raise InvalidInput({"program": f"unknown program {program}; programs are {', '.join(PROGRAM_CODES)}"})
                if level not in {lv.value for lv in ProgramLevel}:
                    raise InvalidInput({"level": "must be view, edit or create"})
                grant = session.get(StaffProgramPrivilege, (staff.id, program, level))
                if revoke and grant:
                    session.delete(grant)
                elif not revoke and not grant:
                    session.add(StaffProgramPrivilege(staff_id=staff.id, program=program, level=level))
                what = {"program": program, "level": level}
            append_audit(
                session, actor, "staff.revoke" if revoke else "staff.grant", at=self._s.now(),
                entity="staff", entity_id=staff.username, changes=what,
            )
            session.flush()
            return self._view(session, staff)

    def reset_password(self, actor: Actor, username: str, new_password: str) -> None:
        """Set a new password (an administrator's reset, or the staff member's own change)."""
        if normalize_username(username) != actor.username:
            actor.require(Privilege.STAFF_MANAGE)
        with self._s.db.session(write=True) as session:
            staff = self._get(session, username)
            problems = password_problems(new_password, staff.username)
            if problems:
                raise InvalidInput({"password": "; ".join(problems)})
            staff.password_hash = self._hasher.hash(new_password)
            session.add(staff)
            throttle = session.get(LoginThrottle, staff.username)
            if throttle:
                session.delete(throttle)
            append_audit(
                session, actor, "staff.reset_password", at=self._s.now(), entity="staff", entity_id=staff.username,
                changes={"password": {"old": "[redacted]", "new": "[redacted]"}},
            )

    # --- sign-in -------------------------------------------------------------------------------

    def login(self, username: str, password: str, *, os_user: str = "", terminal: str = "") -> Actor:
        """Check a sign-in and return the actor; raise LoginFailed with the same words for any failure."""
        name = normalize_username(username)[:64]
        now = self._s.now()
        outcome: Actor | LoginFailed
        with self._s.db.session(write=True) as session:
            throttle = session.get(LoginThrottle, name)
            wait = 0
            if throttle and throttle.failures and throttle.last_failure_at:
                until = throttle.last_failure_at + lockout_delay(throttle.failures)
                if now < until:
                    wait = int((until - now).total_seconds()) + 1
            probe = Actor(username=name, display_name=name, os_user=os_user, terminal=terminal)
            if wait:
                append_audit(session, probe, "login.throttled", at=now, entity="staff", entity_id=name, staff="")
                outcome = LoginFailed(f"Too many failed sign-ins. Try again in {wait} seconds.", wait)
            else:
                staff = session.exec(select(Staff).where(Staff.username == name)).first()
                ok = self._verify(staff.password_hash if staff else self._dummy_hash, password)
                if staff is None or not ok or staff.status != "active":
                    throttle = throttle or LoginThrottle(username=name)
                    throttle.failures += 1
                    throttle.last_failure_at = now
                    session.add(throttle)
                    append_audit(session, probe, "login.failed", at=now, entity="staff", entity_id=name, staff="")
                    delay = int(lockout_delay(throttle.failures).total_seconds())
                    message = SIGN_IN_FAILED
                    if delay:
                        message += f" Too many failed sign-ins: wait {delay} seconds before the next try."
                    outcome = LoginFailed(message, delay)
                else:
                    if throttle:
                        session.delete(throttle)
                    if self._hasher.check_needs_rehash(staff.password_hash):
                        staff.password_hash = self._hasher.hash(password)
                    staff.last_login_at = now
                    session.add(staff)
                    outcome = self._actor(session, staff, os_user=os_user, terminal=terminal)
                    append_audit(session, outcome, "login", at=now, entity="staff", entity_id=name)
        if isinstance(outcome, LoginFailed):
            raise outcome
        return outcome

    def logout(self, actor: Actor) -> None:
        with self._s.db.session(write=True) as session:
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
        with self._s.db.session(write=True) as session:
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
        with self._s.db.session(write=True) as session:
            append_audit(session, actor, "session.lock", at=self._s.now(), entity="staff", entity_id=actor.username,
                         changes={"idle_minutes": idle_minutes})

    def unlock(self, actor: Actor, password: str) -> UnlockOutcome:
        """Check the password typed on the lock screen; audited either way.

        Wrong passwords are counted from this terminal's audit rows since it locked (or signed in),
        so the count lives in the store, not the screen. The ``UNLOCK_TRIES``-th wrong one, or an
        account disabled meanwhile, ends the session (audited as a logout).
        """
        with self._s.db.session() as session:
            staff = session.exec(select(Staff).where(Staff.username == actor.username)).first()
            hashed, active = (staff.password_hash, staff.status == "active") if staff else (self._dummy_hash, False)
        ok = self._verify(hashed, password)  # outside the write lock: Argon2 takes a while on purpose
        now = self._s.now()
        with self._s.db.session(write=True) as session:
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
