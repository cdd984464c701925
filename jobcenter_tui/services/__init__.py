"""Use cases: the only door to the store. One unit of work per method, permission check and
audit row inside the same transaction; results are plain view models, never live ORM rows."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from sqlalchemy import text

from jobcenter_tui.config import Settings, check_private_store, ensure_private_dir, load_settings
from jobcenter_tui.db.engine import Database
from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.services.crypto import KeyFileError, Keyring

if TYPE_CHECKING:
    from jobcenter_tui.services.audit import AuditCheckpoint


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
        self.password_hasher = password_hasher or PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
        from jobcenter_tui.services.audit_service import AuditService
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

        self.staff = StaffService(self)
        self.seekers = SeekerService(self)
        self.audit = AuditService(self)
        self.demo = DemoService(self)
        self.eligibility = EligibilityService(self)
        self.search = SearchService(self)
        self.registration = RegistrationService(self)
        self.duplicates = DuplicateReview(self)
        self.program_registration = ProgramRegistrationService(self)
        self.enrollments = EnrollmentService(self)
        self.service_records = ServiceRecordService(self)
        self.plans = PlanService(self)
        self.documents = DocumentService(self)
        self.notes = NoteService(self)
        self.occupations = OccupationService(self)
        self.industries = IndustryService(self)
        self.employers = EmployerService(self)
        self.postings = PostingService(self)
        self.resumes = ResumeService(self)
        self.jobs = JobSearchService(self)
        self.referrals = ReferralService(self)

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
