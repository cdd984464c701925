"""Use cases: the only door to the store. One unit of work per method, permission check and
audit row inside the same transaction; results are plain view models, never live ORM rows.

Importing this package is cheap (the console's first frame imports it): SQLAlchemy, SQLModel,
Argon2 and the cipher are imported when a store is opened, not before.
"""

from __future__ import annotations

import functools
import getpass
import importlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from jobcenter_tui.config import Settings, check_private_store, ensure_private_dir, load_settings
from jobcenter_tui.domain.permissions import Actor, PermissionDenied
from jobcenter_tui.services.errors import SessionEnded, StoreBusy, StoreNotOpened, as_refusal

# Each use case's service: attribute of Services -> (module under jobcenter_tui.services, class).
_SERVICE_CLASSES: dict[str, tuple[str, str]] = {
    "staff": ("staff", "StaffService"),
    "seekers": ("seekers", "SeekerService"),
    "audit": ("audit_service", "AuditService"),
    "demo": ("demo", "DemoService"),
    "eligibility": ("eligibility", "EligibilityService"),
    "search": ("search", "SearchService"),
    "registration": ("registration", "RegistrationService"),
    "duplicates": ("registration", "DuplicateReview"),
    "program_registration": ("program_registration", "ProgramRegistrationService"),
    "enrollments": ("enrollments", "EnrollmentService"),
    "service_records": ("service_records", "ServiceRecordService"),
    "plans": ("plans", "PlanService"),
    "documents": ("documents", "DocumentService"),
    "notes": ("notes", "NoteService"),
    "occupations": ("occupations", "OccupationService"),
    "industries": ("industries", "IndustryService"),
    "employers": ("employers", "EmployerService"),
    "postings": ("postings", "PostingService"),
    "resumes": ("resumes", "ResumeService"),
    "jobs": ("job_search", "JobSearchService"),
    "referrals": ("referrals", "ReferralService"),
}

# services.demo's app_meta marker, "building" while a demo run is unfinished: read on every start
# without loading the demo generator (tests/test_startup.py keeps these equal to demo's own).
DEMO_MARKER, DEMO_BUILDING = "demo_store", "building"

# The use case being run (set by the refusal guard around each service method): what a refused
# attempt's audit row names — ("seekers.reveal_ssn", entity, entity id).
_ATTEMPT: ContextVar[tuple[str, str | None, str | None]] = ContextVar("jobcenter_attempt", default=("", None, None))
_ACCESS_CHECK_SQL = "SELECT status, access_version FROM staff WHERE id = :id"

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy import Connection
    from sqlmodel import Session

    from jobcenter_tui.db.engine import Database
    from jobcenter_tui.services.audit import AuditCheckpoint
    from jobcenter_tui.services.audit_service import AuditService
    from jobcenter_tui.services.crypto import Keyring
    from jobcenter_tui.services.demo import DemoService
    from jobcenter_tui.services.documents import DocumentService
    from jobcenter_tui.services.eligibility import EligibilityService
    from jobcenter_tui.services.employers import EmployerService
    from jobcenter_tui.services.enrollments import EnrollmentService
    from jobcenter_tui.services.industries import IndustryService
    from jobcenter_tui.services.job_search import JobSearchService
    from jobcenter_tui.services.notes import NoteService
    from jobcenter_tui.services.occupations import OccupationService
    from jobcenter_tui.services.plans import PlanService
    from jobcenter_tui.services.postings import PostingService
    from jobcenter_tui.services.program_registration import ProgramRegistrationService
    from jobcenter_tui.services.referrals import ReferralService
    from jobcenter_tui.services.registration import DuplicateReview, RegistrationService
    from jobcenter_tui.services.resumes import ResumeService
    from jobcenter_tui.services.search import SearchService
    from jobcenter_tui.services.seekers import SeekerService
    from jobcenter_tui.services.service_records import ServiceRecordService
    from jobcenter_tui.services.staff import StaffService


@functools.cache
def _access_check() -> Any:
    from sqlalchemy import text

    return text(_ACCESS_CHECK_SQL)


class AuditedRead:
    """What :meth:`Services.audited_read` yields: ``conn`` for the read and, as ``connection()`` and
    ``info`` (what the audit writer asks of a session), the write transaction of its audit rows."""

    def __init__(self, conn: Connection, info: dict[str, Any], begin_check: Callable[[], None] | None) -> None:
        self.conn = conn
        self.info = info
        self._begin_check = begin_check  # None: already inside a write transaction
        self._writing = False

    @property
    def writing(self) -> bool:
        """In its write transaction (and the session checked), or inside a unit of work already."""
        return self._writing or self._begin_check is None

    def connection(self) -> Connection:
        if self._begin_check is not None and not self._writing:
            self.conn.exec_driver_sql("BEGIN IMMEDIATE")
            self._writing = True
            self._begin_check()  # the session still stands, under the write lock
        return self.conn

    def commit(self) -> None:
        if self._writing:
            self._writing = False
            self.conn.exec_driver_sql("COMMIT")

    def rollback(self) -> None:
        if self._writing:
            self._writing = False
            self.info.pop("audit_head", None)
            self.conn.exec_driver_sql("ROLLBACK")


def utcnow() -> datetime:
    """Aware UTC: what the store holds (SQLModel refuses naive datetimes)."""
    return datetime.now(UTC)


def os_identity() -> tuple[str, str]:
    """(OS user, terminal) for the audit log."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    terminal = ""
    for stream in (sys.stdin, sys.stdout):
        try:
            if stream is not None and stream.isatty():
                terminal = os.ttyname(stream.fileno())
                break
        except (OSError, AttributeError, ValueError):
            continue
    ssh = os.environ.get("SSH_CONNECTION", "").split()
    if ssh:
        terminal = f"{terminal} ssh:{ssh[0]}".strip()
    return user[:64], terminal[:64]


def kiosk_actor(office: str | None = None) -> Actor:
    """A resource-room terminal: may create a self-service account and nothing else."""
    user, terminal = os_identity()
    return Actor(username="kiosk", display_name="Self-service kiosk", kind="kiosk", office=office,
                 privileges=frozenset({"seeker.create"}), os_user=user, terminal=terminal)


def system_actor() -> Actor:
    """The command line run by an operator who holds the store and its key file."""
    user, terminal = os_identity()
    return Actor(username=f"cli:{user}"[:64], display_name=f"Command line ({user})", kind="system", os_user=user, terminal=terminal)


class Services:
    """Everything a screen or a command needs, built once per process and handed down."""

    if TYPE_CHECKING:  # built on first use by ``__getattr__`` (see _SERVICE_CLASSES)
        staff: StaffService
        seekers: SeekerService
        audit: AuditService
        demo: DemoService
        eligibility: EligibilityService
        search: SearchService
        registration: RegistrationService
        duplicates: DuplicateReview
        program_registration: ProgramRegistrationService
        enrollments: EnrollmentService
        service_records: ServiceRecordService
        plans: PlanService
        documents: DocumentService
        notes: NoteService
        occupations: OccupationService
        industries: IndustryService
        employers: EmployerService
        postings: PostingService
        resumes: ResumeService
        jobs: JobSearchService
        referrals: ReferralService

    def __init__(
        self,
        settings: Settings,
        db: Database,
        keyring: Keyring,
        *,
        clock: Callable[[], datetime] = utcnow,
        password_hasher: PasswordHasher | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.keyring = keyring
        self.audit_checkpoint: AuditCheckpoint | None = None  # set by open_services with the store's audit key
        self.clock = clock
        if password_hasher is None:
            from argon2 import PasswordHasher

            password_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
        self.password_hasher = password_hasher
        self._building = threading.RLock()  # a service may use another while it is built

    def __getattr__(self, name: str) -> Any:
        """Each use-case service is built (and its module imported) when first used: a console that
        signs in, searches and opens a case never loads the demo generator, imports or documents."""
        where = _SERVICE_CLASSES.get(name)
        if where is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with self._building:
            built = self.__dict__.get(name)
            if built is None:
                module, cls = where
                built = getattr(importlib.import_module(f"jobcenter_tui.services.{module}"), cls)(self)
                self._guard_refusals(name, built)
                self.__dict__[name] = built
        return built

    # --- the unit of work ----------------------------------------------------------------------

    @contextmanager
    def unit(self, actor: Actor | None, *, write: bool = False) -> Iterator[Session]:
        """One transaction for ``actor``: the store's session, after checking the session still stands.

        For a signed-in staff member, one primary-key read in the same transaction checks that
        the account is still active and its access version is the one it signed in with; else
        :class:`SessionEnded`. A refusal for lack of privilege that escapes the unit is audited in
        a transaction of its own (this one rolls back).
        """
        try:
            with self.db.session(write=write) as session:
                self._check_access(session, actor)
                yield session
        except PermissionDenied as refusal:
            self.record_refusal(actor, refusal)
            raise

    @contextmanager
    def single_read(self, actor: Actor | None) -> Iterator[Connection]:
        """A connection for one read statement (search as you type), after the same access check."""
        with self.db.single_read() as conn:
            self._check_access(conn, actor)
            yield conn

    @contextmanager
    def audited_read(self, actor: Actor | None, *, locked: bool = False) -> Iterator[AuditedRead]:
        """A read whose audit rows are written on the same connection right after it (search).

        The read runs without a write lock (statements in autocommit, as ``single_read``); the
        first audit row begins the write transaction (``BEGIN IMMEDIATE``) and checks the session
        under it — the one primary-key read of staff of the call, before anything read is given
        back — and the block's end commits: no second connection or ORM session, which cost more
        than an exact-index lookup. ``locked``: begin (and check) first, so that the read is inside
        the audited transaction (SSN searches). An exception rolls the audit back. A block that
        appends no audit row checks the session at its end all the same.
        """
        if self.db.dialect != "sqlite":  # the plain unit of work: one write transaction around both
            with self.unit(actor, write=True) as session:
                yield AuditedRead(session.connection(), session.info, None)
            return
        with self.db.single_read() as conn:
            read = AuditedRead(conn, {"audit_key": self.db.audit_key, "key_id": self.db.key_id},
                               lambda: self._check_access(conn, actor))
            try:
                if locked:
                    read.connection()
                yield read
                if not read.writing:
                    self._check_access(conn, actor)
                read.commit()
            except BaseException:
                read.rollback()
                raise
        head = read.info.get("audit_head")
        if head is not None and self.db.after_audit_commit is not None:
            self.db.after_audit_commit(head)

    def _check_access(self, session: Session | Connection, actor: Actor | None) -> None:
        # An actor built by hand (tests, trusted tools) has no staff id: there is no session to end.
        if actor is None or actor.kind != "staff" or actor.staff_id is None:
            return
        from sqlmodel import Session

        conn = session.connection() if isinstance(session, Session) else session  # Core: no ORM round on each call
        row = conn.execute(_access_check(), {"id": actor.staff_id}).first()
        if row is None or row[0] != "active" or (actor.access_version is not None and row[1] != actor.access_version):
            raise SessionEnded()

    # --- refused attempts ----------------------------------------------------------------------

    def record_refusal(self, actor: Actor | None, refusal: PermissionDenied) -> None:
        """Audit a refused attempt once: who, which use case, what was missing — never personal data."""
        if getattr(refusal, "audited", False):
            return
        refusal.audited = True  # type: ignore[attr-defined]
        attempted, entity, entity_id = _ATTEMPT.get()
        from jobcenter_tui.services.audit import append_audit

        try:
            with self.db.session(write=True) as session:
                append_audit(session, actor, "access.refused", at=self.now(), entity=entity, entity_id=entity_id,
                             changes={"attempted": attempted or "(unnamed)", "needed": refusal.needed or None})
        except Exception as error:  # a busy store must not turn the refusal into another error
            if not isinstance(as_refusal(error), StoreBusy):
                raise

    def _guard_refusals(self, name: str, service: object) -> None:
        """Wrap each public method taking ``actor`` so a refusal raised before its unit opens is audited too."""
        for attr, fn in vars(type(service)).items():
            if attr.startswith("_") or not callable(fn) or not hasattr(fn, "__code__"):
                continue
            code = fn.__code__
            params = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
            if len(params) < 2 or params[1] != "actor":
                continue
            id_param = next((p for p in params[2:] if p.endswith("_id")), None)
            setattr(service, attr, self._guarded(getattr(service, attr), f"{name}.{attr}", id_param,
                                                 params.index(id_param) - 1 if id_param else -1))

    def _guarded(self, method: Callable[..., Any], label: str, id_param: str | None, id_index: int) -> Callable[..., Any]:
        entity = {"seeker": "job_seeker"}.get(id_param[:-3], id_param[:-3]) if id_param else None  # as the audit names it

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            entity_id = kwargs.get(id_param) if id_param else None
            if id_param and entity_id is None and 0 <= id_index < len(args):
                entity_id = args[id_index]
            token = _ATTEMPT.set((label, entity, str(entity_id)[:64] if isinstance(entity_id, str) else None))
            try:
                return method(*args, **kwargs)
            except PermissionDenied as refusal:
                self.record_refusal(args[0] if args else kwargs.get("actor"), refusal)
                raise
            finally:
                _ATTEMPT.reset(token)

        return call

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    def close(self) -> None:
        self.db.dispose()


def open_services(
    settings: Settings | None = None,
    *,
    upgrade: bool = True,
    clock: Callable[[], datetime] = utcnow,
    password_hasher: PasswordHasher | None = None,
) -> Services:
    """Open the store named by the settings: upgrade it, load (or make) its key, add reference data.

    A missing key file is created only while the store holds no encrypted SSN; otherwise it is an
    error, because a new key could never decrypt the old values. A key file that is not the store's
    own is refused (``WrongKeyError``) before anything is written.
    """
    from sqlalchemy import text

    from jobcenter_tui.db.engine import Database
    from jobcenter_tui.services.crypto import KeyFileError, Keyring

    settings = settings or load_settings()
    ensure_private_dir(settings.home)
    check_private_store(settings.sqlite_path)  # UnsafeFileError: others can read it
    db = Database(settings.database_url, busy_timeout=settings.busy_timeout)
    try:
        if upgrade:
            from jobcenter_tui.db.migrate import upgrade as upgrade_store

            upgrade_store(db)
        if not settings.key_file.exists():
            with db.session() as session:
                has_ssn = session.execute(
                    text("SELECT 1 FROM job_seeker WHERE ssn_cipher IS NOT NULL LIMIT 1")
                ).first()
            if has_ssn:
                raise KeyFileError(
                    f"The key file {settings.key_file} is missing but the store holds encrypted SSNs. "
                    "Restore the key file (or set JOBCENTER_KEY_FILE); a new key cannot read them."
                )
        keyring = Keyring.load(settings.key_file, create=True)
        from jobcenter_tui.services.keys import bind_store_key

        keys = bind_store_key(db, keyring, settings.key_file)  # refuses another store's key, writing nothing
        db.audit_key, db.key_id = keys.audit_key, keys.keyring.key_id
        db.after_audit_commit = keys.checkpoint.advance
        services = Services(settings, db, keys.keyring, clock=clock, password_hasher=password_hasher)
        services.audit_checkpoint = keys.checkpoint
        if upgrade:
            from jobcenter_tui.services.bootstrap import ensure_reference_data

            with db.session(write=True) as session:
                ensure_reference_data(session)
        return services
    except BaseException:
        db.dispose()
        raise


STORE_BUSY_AT_OPEN = ("store busy: another session held the store's write lock too long; nothing was done. "
                      "Try again in a moment.")


def _half_built(services: Services) -> bool:
    """``services.demo.is_half_built()`` without loading the demo generator on every start: one key lookup."""
    from sqlalchemy import text

    with services.db.session() as session:
        marker = session.execute(text("SELECT value FROM app_meta WHERE key = :key"), {"key": DEMO_MARKER}).scalar()
    return marker == DEMO_BUILDING


def open_store(settings: Settings | None = None, *, half_built_ok: bool = False, **options: Any) -> Services:
    """``open_services`` for the console and the commands: what stops the store from opening is
    :class:`StoreNotOpened` in plain words — another store's key, a store others can read, a busy
    store, a half-built demo (refused unless ``half_built_ok``: only ``demo`` may open it, to finish
    it). Anything else is a bug and is raised as it is."""
    from jobcenter_tui.config import UnsafeFileError
    from jobcenter_tui.services.crypto import KeyFileError

    try:
        services = open_services(settings, **options)
    except (KeyFileError, UnsafeFileError) as exc:
        raise StoreNotOpened(str(exc), 2) from None
    except Exception as exc:  # opening adds missing reference rows: another writer may hold the lock
        if isinstance(as_refusal(exc), StoreBusy):
            raise StoreNotOpened(STORE_BUSY_AT_OPEN, 75) from None
        raise
    try:
        if not half_built_ok and _half_built(services):
            from jobcenter_tui.services.demo import HALF_BUILT_MESSAGE

            raise StoreNotOpened(HALF_BUILT_MESSAGE, 1)
    except BaseException:
        services.close()
        raise
    return services
