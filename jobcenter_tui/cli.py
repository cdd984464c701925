"""The ``jobcenter`` command. Heavy imports happen inside each command so ``--help`` is instant."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from datetime import date

    from jobcenter_tui.domain.eligibility import EligibilityResult
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services

T = TypeVar("T")

app = typer.Typer(
    help="jobcenter: case management for American Job Center staff. Run without a command to open the console.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold personal data
    rich_markup_mode=None,
)
db_app = typer.Typer(help="The store: migrations.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff accounts, roles and program access.", no_args_is_help=True)
seekers_app = typer.Typer(help="Job seeker records: import and export (JSON Lines, the record layout).", no_args_is_help=True)
postings_app = typer.Typer(help="Job postings (job orders): import and export.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
key_app = typer.Typer(help="The store's master key.", no_args_is_help=True)
eligibility_app = typer.Typer(help="Which programs a job seeker is potentially eligible for, and why.", no_args_is_help=True)
config_app = typer.Typer(help="Eligibility configuration: switches and the LLSIL table.", no_args_is_help=True)
exits_app = typer.Typer(help="The 90-day exit rule.", no_args_is_help=True)
occupations_app = typer.Typer(help="Occupations (SOC 2018): search, and the state's O*NET titles.", no_args_is_help=True)
naics_app = typer.Typer(help="Industries (NAICS 2022): search.", no_args_is_help=True)
jobs_app = typer.Typer(help="Job search over active postings, and candidates for a posting.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(staff_app, name="staff")
app.add_typer(seekers_app, name="seekers")
app.add_typer(postings_app, name="postings")
app.add_typer(audit_app, name="audit")
app.add_typer(key_app, name="key")
app.add_typer(eligibility_app, name="eligibility")
app.add_typer(config_app, name="config")
app.add_typer(exits_app, name="exits")
app.add_typer(occupations_app, name="occupations")
app.add_typer(naics_app, name="naics")
app.add_typer(jobs_app, name="jobs")


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _open(*, half_built_ok: bool = False) -> Services:
    from jobcenter_tui.config import load_settings
    from jobcenter_tui.logs import configure_logging
    from jobcenter_tui.services import open_store
    from jobcenter_tui.services.errors import StoreNotOpened

    settings = load_settings()
    configure_logging(settings.logs_dir)
    try:
        return open_store(settings, half_built_ok=half_built_ok)
    except StoreNotOpened as exc:
        _fail(str(exc), exc.exit_code)


@contextmanager
def _session(*, half_built_ok: bool = False) -> Iterator[tuple[Services, Actor]]:
    """The store opened for one command, acting as the operator at this terminal.

    A half-built demo store (a killed ``jobcenter demo``) is refused: only ``demo`` may open it, to finish it.
    """
    from jobcenter_tui.services import system_actor

    services = _open(half_built_ok=half_built_ok)
    try:
        yield services, system_actor()
    finally:
        services.close()


def _read_password(from_stdin: bool, prompt: str = "Password") -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            _fail("--password-stdin: no password on standard input", 2)
        return line.rstrip("\r\n")
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _handle(fn: Callable[[], T]) -> T:
    """Run a service call and turn its refusals into a message and an exit status."""
    from jobcenter_tui.domain.lines import printable
    from jobcenter_tui.services.errors import InvalidInput, PermissionDenied, ServiceError

    try:
        return fn()
    except InvalidInput as exc:
        for field, message in exc.errors.items():
            typer.echo(printable(f"{field}: {message}", 1000), err=True)
        raise typer.Exit(2) from None
    except (ServiceError, PermissionDenied) as exc:
        _fail(printable(str(exc), 1000), 1)


@app.callback(invoke_without_command=True)
def console(ctx: typer.Context) -> None:
    """Open the console (sign in as a staff member)."""
    if ctx.invoked_subcommand is not None:
        return
    from jobcenter_tui.app import run_console

    status = run_console()  # draws the sign-in screen first, opens the store behind it
    if status:
        raise typer.Exit(status)


@app.command()
def kiosk(
    office: str | None = typer.Option(None, "--office", help="Office code given to registrations made here "
                                         "(default: the JOBCENTER_OFFICE environment variable)"),
    idle_seconds: float = typer.Option(120, "--idle-seconds", min=10, help="Back to the welcome screen after this long idle"),
) -> None:
    """Self-service registration for a resource-room terminal: no sign-in, no search, no other records."""
    import os

    from jobcenter_tui.config import ENV_OFFICE

    office = (office or os.environ.get(ENV_OFFICE) or "").strip()
    if not office:  # every registration must say where it was made
        _fail(f"The kiosk needs its office: jobcenter kiosk --office CODE (or set {ENV_OFFICE}).", 2)
    if len(office) > 20:
        _fail("--office: an office code has at most 20 characters.", 2)
    with _session() as (services, _):
        from jobcenter_tui.app import KioskApp

        KioskApp(services, idle_seconds=idle_seconds, office=office).run()


@app.command()
def init(
    admin: str = typer.Option(..., "--admin", help="User name of the first administrator"),
    name: str = typer.Option("Administrator", "--name", help="The administrator's display name"),
    office: str | None = typer.Option(None, "--office", help="Office code"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password as one line on stdin"),
) -> None:
    """Create the store and its first administrator."""
    with _session() as (services, actor):
        if services.staff.count():
            _fail("The store already has staff accounts; use 'jobcenter staff add'.", 1)
        password = _read_password(password_stdin)
        view = _handle(lambda: services.staff.add(actor, admin, name, password, ["admin"], office, audit_action="staff.init"))
        typer.echo(f"Store ready at {services.settings.database_url}; administrator {view.username} created.")


@app.command()
def demo(
    seekers: int = typer.Option(2000, "--seekers", min=0, help="How many job seekers to generate"),
    seed: int = typer.Option(2026, "--seed", help="Seed: the same seed gives the same store"),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing (and succeed) when the store already holds data"),
) -> None:
    """Fill an empty store with realistic demo data and demo staff accounts (a half-built one is built again)."""
    from jobcenter_tui.services.demo import DEMO_COMPLETE, HALF_BUILT, HOLDS_DATA

    with _session(half_built_ok=True) as (services, actor):
        state = services.demo.state()
        if state in (DEMO_COMPLETE, HOLDS_DATA):
            if if_empty:
                if state == DEMO_COMPLETE:
                    _print_demo_accounts()
                else:
                    typer.echo("The store already holds data; no demo data added.")
                return
            _fail("The store already holds staff or job seekers; demo data goes only into an empty store.", 1)
        if state == HALF_BUILT:
            typer.echo("The demo store was interrupted before it was complete; building it again.", err=True)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("Job seekers", total=seekers)
            counts = _handle(lambda: services.demo.seed(actor, seekers=seekers, seed=seed,
                                                        progress=lambda done, total: bar.update(task, completed=done)))
        typer.echo("Demo store ready: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        _print_demo_accounts()


def _print_demo_accounts() -> None:
    from jobcenter_tui.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    typer.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for acct in DEMO_ACCOUNTS:
        typer.echo(f"  {acct.username:<11} {acct.role:<13} office {acct.office}")


# --- db ------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the store's tables up to this version of jobcenter."""
    from jobcenter_tui.services.store import upgrade_store

    rev = upgrade_store()
    typer.echo(f"Store at revision {rev.after}" + ("" if rev.before == rev.after else f" (was {rev.before or 'empty'})"))


# --- staff ---------------------------------------------------------------------------------------


@staff_app.command("add")
def staff_add(
    username: str,
    name: str = typer.Option(..., "--name", help="Display name"),
    role: list[str] = typer.Option(..., "--role", help="Role (repeat for several): front_desk, case_manager, supervisor, admin"),
    office: str | None = typer.Option(None, "--office"),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
) -> None:
    """Create a staff account."""
    with _session() as (services, actor):
        password = _read_password(password_stdin)
        view = _handle(lambda: services.staff.add(actor, username, name, password, role, office))
        typer.echo(f"Created {view.username} ({', '.join(view.roles)})")


@staff_app.command("list")
def staff_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List staff accounts with their roles and program grants."""
    with _session() as (services, actor):
        views = _handle(lambda: services.staff.list(actor))
        if as_json:
            typer.echo(json.dumps([{"username": v.username, "display_name": v.display_name, "office": v.office,
                                    "status": v.status, "roles": list(v.roles), "programs": list(v.programs)} for v in views]))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("user", "name", "office", "status", "roles", "program grants", "last sign-in")
        for v in views:
            table.add_row(v.username, v.display_name, v.office or "", v.status, ", ".join(v.roles),
                          ", ".join(v.programs), v.last_login_at.strftime("%Y-%m-%d %H:%M") if v.last_login_at else "")
        Console(markup=False, highlight=False).print(table)


@staff_app.command("disable")
def staff_disable(username: str, reason: str | None = typer.Option(None, "--reason")) -> None:
    """Disable an account: it can no longer sign in."""
    with _session() as (services, actor):
        _handle(lambda: services.staff.set_status(actor, username, "disabled", reason))
        typer.echo(f"Disabled {username}")


@staff_app.command("enable")
def staff_enable(username: str) -> None:
    """Enable a disabled account again."""
    with _session() as (services, actor):
        _handle(lambda: services.staff.set_status(actor, username, "active"))
        typer.echo(f"Enabled {username}")


def _grant(username: str, role: str | None, program: str | None, level: str | None, revoke: bool) -> None:
    with _session() as (services, actor):
        view = _handle(lambda: services.staff.grant(actor, username, role=role, program=program, level=level, revoke=revoke))
        typer.echo(f"{view.username}: roles {', '.join(view.roles) or '-'}; program grants {', '.join(view.programs) or '-'}")


@staff_app.command("grant")
def staff_grant(
    username: str,
    role: str | None = typer.Option(None, "--role", help="Give a role"),
    program: str | None = typer.Option(None, "--program", help="Give access to one program (with --level)"),
    level: str | None = typer.Option(None, "--level", help="view, edit or create"),
) -> None:
    """Give a role, or a level of access to one program."""
    _grant(username, role, program, level, False)


@staff_app.command("revoke")
def staff_revoke(
    username: str,
    role: str | None = typer.Option(None, "--role"),
    program: str | None = typer.Option(None, "--program"),
    level: str | None = typer.Option(None, "--level"),
) -> None:
    """Take back a role or a program grant."""
    _grant(username, role, program, level, True)


@staff_app.command("reset-password")
def staff_reset_password(username: str, password_stdin: bool = typer.Option(False, "--password-stdin")) -> None:
    """Set a new password for an account (and clear its failed sign-ins)."""
    with _session() as (services, actor):
        password = _read_password(password_stdin, "New password")
        _handle(lambda: services.staff.reset_password(actor, username, password))
        typer.echo(f"Password reset for {username}")


# --- seekers -------------------------------------------------------------------------------------


def _read_import(file: Path) -> bytes:
    """The file's bytes (each line is decoded on its own later); exit 2 when it cannot be read at all."""
    from jobcenter_tui.domain.lines import printable

    try:
        data = file.read_bytes()
    except OSError as exc:
        typer.echo(json.dumps({"error": f"cannot read {printable(str(file))}: {exc.strerror or type(exc).__name__}"}), err=True)
        raise typer.Exit(2) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (or UTF-32): every line would be refused
        typer.echo(json.dumps({"error": f"cannot read {printable(str(file))}: it is UTF-16 text; save it as UTF-8"}), err=True)
        raise typer.Exit(2)
    return data


def _import_done(summary: Any) -> NoReturn:
    """Print the JSON summary; exit 0, 1 when a line was rejected, 75 when the store was busy (run it again)."""
    typer.echo(json.dumps(summary.as_json()))
    if summary.busy or not summary.audited:
        typer.echo("store busy: another session held the store's write lock too long. Run the same import again "
                   "to finish it; the lines already saved are skipped.", err=True)
        raise typer.Exit(75)  # EX_TEMPFAIL: try again later
    raise typer.Exit(1 if summary.rejected else 0)


@seekers_app.command("import")
def seekers_import(file: Path = typer.Argument(..., help="JSON Lines file, one record per line")) -> None:
    """Import records. Prints a JSON summary; exit 1 when a line was rejected, 2 when the file is unreadable,
    75 when the store stayed busy (run the same import again: the lines already saved are skipped)."""
    data = _read_import(file)
    with _session() as (services, actor):
        summary = _handle(lambda: services.seekers.import_file(actor, data, source=str(file)))
    _import_done(summary)


@seekers_app.command("export")
def seekers_export(out: Path | None = typer.Option(None, "--out", help="File to write (mode 0600); default stdout")) -> None:
    """Export every record as JSON Lines (full SSNs: keep the file safe)."""
    with _session() as (services, actor):
        lines = _handle(lambda: services.seekers.export_records(actor, destination=str(out or "stdout")))
        _write_lines(lines, out, "records")


def _write_lines(lines: Iterable[str], out: Path | None, what: str) -> None:
    """JSON Lines to stdout, or to ``out``: 0600, written whole or not at all (``write_privately``)."""
    from jobcenter_tui.config import write_privately

    if out is None:
        _warn_if_stdout_is_a_file()
        for line in lines:
            sys.stdout.write(line + "\n")
        return
    count = 0
    try:
        with write_privately(out) as fh:
            for line in lines:
                fh.write((line + "\n").encode("utf-8"))
                count += 1
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}", 2)
    typer.echo(f"Exported {count} {what} to {out}", err=True)


def _warn_if_stdout_is_a_file() -> None:
    """``> file`` makes a file with the shell's umask, not 0600: say so (the export still goes on)."""
    import os
    import stat

    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
    except (OSError, AttributeError, ValueError):
        return  # not a real descriptor (a test runner's buffer)
    if stat.S_ISREG(mode):
        typer.echo("Warning: standard output is a file; jobcenter does not control its permissions "
                   f"(now {stat.S_IMODE(mode):o}) and it will hold personal data. "
                   "Use --out FILE for a file only you can read (0600).", err=True)


# --- postings ------------------------------------------------------------------------------------


@postings_app.command("import")
def postings_import(
    file: Path = typer.Argument(..., help="CSV (header row of field names) or JSON Lines, one posting a line"),
    fmt: str | None = typer.Option(None, "--format", help="csv or jsonl (default: by the file's suffix; .csv is CSV)"),
) -> None:
    """Import postings. Prints a JSON summary; exit 1 when a line was rejected, 2 when the file is unreadable,
    75 when the store stayed busy (run the same import again: the lines already saved are skipped)."""
    kind = (fmt or ("csv" if file.suffix.lower() == ".csv" else "jsonl")).lower()
    if kind not in ("csv", "jsonl"):
        _fail("--format must be csv or jsonl", 2)
    data = _read_import(file)
    with _session() as (services, actor):
        summary = _handle(lambda: services.postings.import_file(actor, data, fmt=kind, source=str(file)))
    _import_done(summary)


@postings_app.command("export")
def postings_export(out: Path | None = typer.Option(None, "--out", help="File to write (mode 0600); default stdout")) -> None:
    """Export every posting as JSON Lines (the import's fields, employer by id and FEIN)."""
    with _session() as (services, actor):
        lines = _handle(lambda: services.postings.export_records(actor, destination=str(out or "stdout")))
        _write_lines(lines, out, "postings")


# --- backup and restore ------------------------------------------------------------------------------


@app.command()
def backup(out: Path | None = typer.Option(None, "--out", help="File to write (mode 0600); default "
                                           "$JOBCENTER_HOME/backups/jobcenter-YYYYmmdd-HHMMSS.backup")) -> None:
    """Back up the store while others keep working: checked, then encrypted under the store's key."""
    from jobcenter_tui.services.backup import create_backup

    with _session() as (services, actor):
        result = _handle(lambda: create_backup(services, actor, out))
    rate = result.store_bytes / 1e6 / max(result.seconds, 1e-6)
    typer.echo(f"Backup written to {result.path} ({result.size / 1e6:.1f} MB; integrity ok; "
               f"{result.audit_rows} audit rows verified; {result.seconds:.1f} s, {rate:.0f} MB/s). "
               "Keep the key file too, somewhere else: the backup cannot be read without it.")


@app.command()
def restore(
    file: Path = typer.Argument(..., help="A file made by 'jobcenter backup'"),
    yes: bool = typer.Option(False, "--yes", help="Do not ask before replacing the store"),
) -> None:
    """Replace the store with a backup (stop the consoles first). The current store is kept aside."""
    from jobcenter_tui.config import UnsafeFileError, check_private_store, load_settings
    from jobcenter_tui.logs import configure_logging
    from jobcenter_tui.services import system_actor
    from jobcenter_tui.services.backup import RESTORE_NOT_SQLITE, inspect_backup, restore_backup
    from jobcenter_tui.services.crypto import KeyFileError, Keyring

    settings = load_settings()
    configure_logging(settings.logs_dir)
    if settings.sqlite_path is None:
        _fail(RESTORE_NOT_SQLITE, 1)
    try:
        check_private_store(settings.sqlite_path)
        keyring = Keyring.load(settings.key_file)
    except (KeyFileError, UnsafeFileError) as exc:
        _fail(str(exc), 2)
    header = _handle(lambda: inspect_backup(file, keyring))
    if not yes:
        typer.confirm(f"Replace the store at {settings.sqlite_path or settings.database_url} with the backup made "
                      f"{header.made_at:%Y-%m-%d %H:%M} UTC? The current store is kept beside it.", abort=True)
    result = _handle(lambda: restore_backup(settings, keyring, file, system_actor()))
    kept = f"; the store it replaced is kept as {result.kept_aside}" if result.kept_aside else ""
    typer.echo(f"Store restored from {file} (made {result.made_at:%Y-%m-%d %H:%M} UTC; integrity ok; "
               f"{result.audit_rows} audit rows verified){kept}.")


# --- audit ---------------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 when a row was changed, removed or reordered."""
    with _session() as (services, actor):
        report = services.audit.verify(actor)
    if report.ok:
        typer.echo(f"Audit log intact: {report.rows} rows, hash chain verified with the store's audit key.")
        if report.checkpoint:
            typer.echo(report.checkpoint)
        return
    if report.first_bad_id is None:
        _fail(f"Audit log CANNOT BE TRUSTED: it {report.problem}.", 1)
    _fail(f"Audit log TAMPERED: row {report.first_bad_id} {report.problem}.", 1)


# --- key -----------------------------------------------------------------------------------------


@key_app.command("rotate")
def key_rotate() -> None:
    """Re-encrypt every SSN under a new master key; the old key file is kept aside. Close every console first."""
    from jobcenter_tui.services.keys import rotate_key

    with _session() as (services, actor):
        done = _handle(lambda: rotate_key(services, actor))
    typer.echo(f"Key rotated: {done.ssns} SSNs re-encrypted under key {done.new_key} (was {done.old_key}). "
               f"The old key file is kept at {done.old_key_file}; keep it with the backups made before today.")


# --- eligibility ---------------------------------------------------------------------------------


def _as_of(text: str | None) -> date | None:
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"--as-of: must be a date written YYYY-MM-DD, not {text!r}", 2)


def _print_result(result: EligibilityResult, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.as_json()))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from jobcenter_tui.domain.programs import program_name
    from jobcenter_tui.domain.questions import labels_for, readable

    low = {True: "yes", False: "no", None: "unknown"}[result.low_income]
    table = Table(title=f"Eligibility on {result.as_of.isoformat()} - age {result.age}, low income {low}",
                  caption=f"rules {result.rules_version}", show_lines=True)
    table.add_column("Program")
    table.add_column("Status")
    table.add_column("Why / what is missing")
    styles = {"eligible": "green", "ineligible": "red", "needs_information": "yellow"}
    for p in result.programs:
        details = [readable(r) for r in p.reasons]
        if p.missing:  # people read labels; the JSON above keeps the paths
            details.append("missing: " + labels_for(p.missing))
        extra = []
        if p.category:
            extra.append(p.category)
        if p.priority_of_service is not None:
            extra.append(f"priority {p.priority_of_service}")
        extra.extend(p.limitations)
        status = p.status.replace("_", " ") + (f" ({', '.join(extra)})" if extra else "")
        table.add_row(Text(program_name(p.program)), Text(status, style=styles[p.status]), Text("\n".join(details)))
    Console(highlight=False).print(table)


@eligibility_app.command("check")
def eligibility_check(
    as_of: str | None = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD (default today)"),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON of the spec"),
) -> None:
    """Evaluate one record (the record layout, JSON) read from standard input."""
    from jobcenter_tui.config import UnsafeFileError, load_settings
    from jobcenter_tui.domain.lines import BOM, LineProblem, decode_line, printable
    from jobcenter_tui.domain.record import RecordInvalid
    from jobcenter_tui.services.eligibility_check import check_record, config_from_entries, stored_entries, today
    from jobcenter_tui.services.errors import StoreNotOpened

    day = _as_of(as_of)
    data = sys.stdin.buffer.read()
    try:  # the configuration in force, read without opening the store (a stateless command)
        entries = stored_entries(load_settings())
    except UnsafeFileError as exc:
        _fail(str(exc), 2)
    except StoreNotOpened as exc:
        _fail(str(exc), exc.exit_code)
    if entries is None:  # not a local SQLite store: read it through the services
        with _session() as (services, _):
            entries = services.eligibility.settings_entries()
    try:
        try:
            text = decode_line(data.removeprefix(BOM))
        except LineProblem as exc:
            raise RecordInvalid([{"field": "(record)", "message": exc.message}]) from None
        result = check_record(text, day or today(), config_from_entries(entries), today())
    except RecordInvalid as exc:
        from jobcenter_tui.domain.questions import label_for

        for error in exc.errors:  # the path (for scripts), then the label and the words (for people)
            typer.echo(printable(f"{error['field']}: {label_for(error['field'])} {error['message']}", 1000), err=True)
        raise typer.Exit(2) from None
    _print_result(result, as_json)


@eligibility_app.command("show")
def eligibility_show(
    seeker_id: str = typer.Argument(..., help="The job seeker's record id"),
    as_of: str | None = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD (default today)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Evaluate a stored job seeker."""
    day = _as_of(as_of)
    with _session() as (services, actor):
        result = _handle(lambda: services.eligibility.show(actor, seeker_id, day or services.today()))
    _print_result(result, as_json)


# --- config ----------------------------------------------------------------------------------------


@config_app.command("show")
def config_show() -> None:
    """The switches, poverty tables and LLSIL regions in force, and the rules version."""
    with _session() as (services, _):
        typer.echo(json.dumps({**services.eligibility.settings(), "resume_required": services.resumes.is_required(),
                               "idle_lock_minutes": services.staff.idle_lock_minutes()}, indent=2))


@config_app.command("set")
def config_set(
    key: str = typer.Argument(..., help="work_authorization_required, dw_min_age, wp_min_age, isy_disability_max_age, "
                                        "eligibility_valid_days, resume_required or idle_lock_minutes"),
    value: str = typer.Argument(..., help='A JSON value: 16, true, or {"WP": false}'),
) -> None:
    """Change an eligibility switch, resume_required (job leads and referrals need a published resume), or
    idle_lock_minutes (minutes without a key before a staff console locks, 1-60, default 15)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        _fail(f"{key}: {value!r} is not a JSON value (numbers as 16, switches as true/false)", 2)
    with _session() as (services, actor):
        if key == "resume_required":  # a case-work switch, not an eligibility rule: no new rules version
            _handle(lambda: services.resumes.set_required(actor, parsed))
            typer.echo(f"{key} set to {str(parsed).lower()}")
            return
        if key == "idle_lock_minutes":  # a console setting, not an eligibility rule
            minutes = _handle(lambda: services.staff.set_idle_lock_minutes(actor, parsed))
            typer.echo(f"{key} set to {minutes}")
            return
        cfg = _handle(lambda: services.eligibility.set_switch(actor, key, parsed))
        typer.echo(f"{key} set; rules version now {cfg.version}")


@config_app.command("llsil")
def config_llsil(file: Path = typer.Argument(..., help="CSV: region,1,2,...,N[,each_additional]")) -> None:
    """Load the state's LLSIL 70% table (region x family size -> dollars), replacing the one before."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {file}: {getattr(exc, 'strerror', None) or type(exc).__name__}", 2)
    with _session() as (services, actor):
        table = _handle(lambda: services.eligibility.load_llsil(actor, text, source=str(file)))
        typer.echo(f"LLSIL table loaded: {len(table.regions)} regions ({', '.join(sorted(table.regions))})")


@exits_app.command("run")
def exits_run(as_of: str | None = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD (default today)")) -> None:
    """Close every open enrollment with 90 days without a participation service. Safe to run again.

    Writes in small transactions (200 enrollments each), so staff can keep working while it runs.
    """
    day = _as_of(as_of)
    with _session() as (services, actor):
        run = services.enrollments.exit_run(actor, day or services.today())
    for enrollment_id, seeker_id, exit_date in run.closed:
        typer.echo(f"closed {enrollment_id} (job seeker {seeker_id}), exit date {exit_date}")
    typer.echo(f"{len(run.closed)} enrollment(s) closed")
    typer.echo(f"{run.examined} open enrollment(s) examined; {run.write_transactions} write transaction(s), "
               f"longest {run.longest_write_seconds * 1000:.0f} ms", err=True)


# --- occupations and industries -------------------------------------------------------------------


def _print_matches(matches: list[Any], as_json: bool, none: str) -> None:
    if as_json:
        typer.echo(json.dumps([m.as_json() for m in matches]))
        return
    if not matches:
        typer.echo(none)
        return
    width = max(len(m.code) for m in matches)
    for m in matches:
        also = f"  (also: {m.also})" if m.also else ""
        typer.echo(f"{m.code:<{width}}  {m.title}{also}")


@occupations_app.command("search")
def occupations_search(
    text: str = typer.Argument(..., help="Words (welder) or a code (51-4121), or a group (51-41)"),
    limit: int = typer.Option(20, "--limit", min=1, max=200),
    all_levels: bool = typer.Option(False, "--all-levels", help="Also the major, minor and broad groups"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Find SOC 2018 occupations, best match first (the state's O*NET titles are searched too)."""
    with _session() as (services, actor):
        matches = _handle(lambda: services.occupations.search(actor, text, limit=limit, all_levels=all_levels))
    _print_matches(matches, as_json, f"No occupation matches {text!r}: try fewer words, or a code such as 51-4121")


@occupations_app.command("import")
def occupations_import(file: Path = typer.Argument(..., help="O*NET 'Occupation Data' (tab-separated: code, title, description)")) -> None:
    """Load the state's O*NET titles and descriptions, replacing those before. A bad line refuses the file."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {file}: {getattr(exc, 'strerror', None) or type(exc).__name__}", 2)
    with _session() as (services, actor):
        result = _handle(lambda: services.occupations.import_onet(actor, text, source=str(file)))
    typer.echo(f"{result.loaded} O*NET occupations loaded for {result.occupations} SOC occupations "
               f"({result.replaced} replaced)")


@naics_app.command("search")
def naics_search(
    text: str = typer.Argument(..., help="Words (software) or a code (3361, 31-33)"),
    limit: int = typer.Option(20, "--limit", min=1, max=200),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Find NAICS 2022 industries, best match first."""
    with _session() as (services, actor):
        matches = _handle(lambda: services.industries.search(actor, text, limit=limit))
    _print_matches(matches, as_json, f"No industry matches {text!r}: try fewer words, or a code such as 3361")
@jobs_app.command("search")
def jobs_search(
    soc: list[str] = typer.Option([], "--soc", help="Occupation code NN-NNNN (repeat for several); ranks exact, broad, minor group"),
    words: str = typer.Option("", "--words", help="Words of the title or description"),
    zip_code: str = typer.Option("", "--zip", help="5-digit ZIP code the radius is around"),
    miles: int | None = typer.Option(None, "--miles", help="Radius in miles (default 25 with --zip)"),
    min_wage: str = typer.Option("", "--min-wage", help="Lowest wage wanted, dollars"),
    per: str = typer.Option("hour", "--per", help="What --min-wage is per: hour or year (2080 hours a year)"),
    job_type: str = typer.Option("", "--job-type", help="full_time, part_time, temporary, seasonal or internship"),
    page: int = typer.Option(1, "--page", min=1, help="Page number (50 postings a page)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Active postings, best match first: same occupation, broad group, minor group, words only; nearer; newer."""
    from jobcenter_tui.services.job_search import JobCriteria, parse_wage

    try:
        wage = parse_wage(min_wage)
    except ValueError as exc:
        _fail(f"min_wage: {exc}", 2)
    criteria = JobCriteria(soc_codes=tuple(soc), words=words, zip=zip_code, miles=miles, min_wage=wage, wage_unit=per,
                           job_type=job_type)
    with _session() as (services, actor):
        result = _handle(lambda: services.jobs.search(actor, criteria, page=page - 1))
    if as_json:
        typer.echo(json.dumps({"page": page, "has_more": result.has_more, "postings": [
            {"id": r.id, "title": r.title, "employer": r.employer, "soc_code": r.soc_code, "place": r.place,
             "wage": r.wage, "job_type": r.job_type, "posted_date": r.posted_date.isoformat() if r.posted_date else None,
             "miles": r.miles, "match": r.match, "staff_referral_only": r.staff_referral_only} for r in result.rows]}, indent=2))
        return
    for r in result.rows:
        where = f"{r.miles:.1f} mi" if r.miles is not None else r.place
        typer.echo(f"{r.id[:8]}  {r.title[:34]:34}  {r.employer[:24]:24}  {where:>10}  {r.wage}  {r.match}")
    typer.echo(result.message)


@jobs_app.command("candidates")
def jobs_candidates(
    posting_id: str = typer.Argument(..., help="The posting's id"),
    miles: int = typer.Option(25, "--miles", help="Radius in miles around the posting"),
    anywhere: bool = typer.Option(False, "--anywhere", help="No radius"),
    page: int = typer.Option(1, "--page", min=1),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Job seekers authorized to work who look for the posting's occupation (or whose published resume shows it)."""
    with _session() as (services, actor):
        result = _handle(lambda: services.jobs.candidates(actor, posting_id, miles=None if anywhere else miles, page=page - 1))
    if as_json:
        typer.echo(json.dumps({"posting": posting_id, "title": result.title, "has_more": result.has_more, "candidates": [
            {"seeker_id": c.seeker_id, "name": c.name, "place": c.place, "miles": c.miles, "match": c.match,
             "from_resume": c.from_resume} for c in result.rows]}, indent=2))
        return
    typer.echo(result.title)
    for c in result.rows:
        where = f"{c.miles:.1f} mi" if c.miles is not None else c.place
        typer.echo(f"{c.seeker_id[:8]}  {c.name[:30]:30}  {where:>10}  {c.match}")
    typer.echo(result.message)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
