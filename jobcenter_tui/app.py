"""The console: a Textual app that gets its services from the caller (never builds its own).

The error policy lives here, once for the staff console and the kiosk: the console never exits on
an error. Refusals and a busy store reach the person as messages (``show_failure``); a bug becomes
an incident — logged without local variables, personal data masked — and a dialog with its id.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterable
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.worker import WorkerFailed

from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.domain.session_lock import IDLE_LOCK_DEFAULT_MINUTES, UnlockOutcome, is_idle
from jobcenter_tui.services import Services, kiosk_actor, os_identity
from jobcenter_tui.services.errors import SessionEnded, StoreNotOpened
from jobcenter_tui.widgets.service_call import Failure, call_service, describe_failure

if TYPE_CHECKING:
    from jobcenter_tui.screens.lock import LockScreen

IDLE_CHECK_SECONDS = 5.0  # how often the staff console looks at the idle clock
IDLE_INPUT = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)  # what counts as "not idle"


def _header_teardown_race(error: BaseException) -> bool:
    """Textual 8.2.8's Header updates its title from a watcher that can run after the header's children
    are gone (a screen popped while a title changes — the kiosk's idle reset under load). It catches
    ``NoScreen`` there but not ``NoMatches``; nothing is lost, so it is not an incident."""
    from textual.css.query import NoMatches

    if not isinstance(error, NoMatches):
        return False
    frames = traceback.extract_tb(error.__traceback__)
    return any(f.filename.replace("\\", "/").endswith("textual/widgets/_header.py") and f.name == "set_title" for f in frames)


class ConsoleApp(App[None]):
    """What both consoles share: services, the signed-in actor, and the one error policy."""

    CSS_PATH = "app.tcss"
    TITLE = "jobcenter"

    def __init__(self, services: Services | None, *, actor: Actor | None = None) -> None:
        super().__init__()
        self._services = services
        self.actor: Actor | None = actor
        self.incidents: list[str] = []  # ids of this session's incidents (tests assert there are none)

    @property
    def services(self) -> Services:
        """The open store's services (the staff console opens the store behind its sign-in screen:
        nothing asks for them before sign-in, which waits for the store)."""
        if self._services is None:
            raise RuntimeError("the store is not open yet")
        return self._services

    @services.setter
    def services(self, services: Services) -> None:
        self._services = services

    def record_incident(self, error: BaseException, where: str) -> str:
        """Log the bug (no locals, personal data masked) and return the id the person may quote."""
        from jobcenter_tui.config import load_settings
        from jobcenter_tui.logs import record_incident

        settings = self._services.settings if self._services is not None else load_settings()
        incident_id = record_incident(settings.logs_dir, error, where=where)
        self.incidents.append(incident_id)
        return incident_id

    def show_failure(self, failure: Failure) -> None:
        """A refusal or a busy store as a notification; an incident as a dialog with its id."""
        if failure.is_incident:
            from jobcenter_tui.screens.incident import IncidentDialog

            self.bell()
            self.push_screen(IncidentDialog(failure.incident_id or "?"))
            return
        self.notify(failure.message, severity="warning" if failure.kind in ("refused", "invalid") else "error",
                    timeout=8, markup=False)

    async def _dispatch_message(self, message: Message) -> None:
        """A bug in an app-level handler or action must not stop the app's own message loop."""
        try:
            await super()._dispatch_message(message)
        except Exception as error:  # noqa: BLE001 - the console never exits on an error
            self._handle_exception(error)

    def _handle_exception(self, error: Exception) -> None:
        """Textual exits on an unhandled exception; we keep running and say what happened.

        Service calls go through ``call_service``, so what reaches here is a bug in the UI itself
        (or a refusal raised on the UI thread by mistake). It is shown, never printed with locals.
        """
        if isinstance(error, WorkerFailed):
            error = error.error if isinstance(error.error, Exception) else error
        if _header_teardown_race(error):
            return
        try:
            self.show_failure(describe_failure(error, self, "ui"))
        except Exception:  # noqa: BLE001 - the policy itself failed: fall back to a clean exit, no locals
            super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual prints crash tracebacks *with local variables*; locals may hold personal data."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()


def open_console_store() -> Services:
    """The store as the staff console opens it (behind the sign-in screen, in a thread)."""
    from jobcenter_tui.config import load_settings
    from jobcenter_tui.logs import configure_logging
    from jobcenter_tui.services import open_store

    settings = load_settings()
    configure_logging(settings.logs_dir)
    return open_store(settings)


def run_console() -> int:
    """``jobcenter`` with no command: the staff console. Returns the exit status (what stopped the
    store from opening was said on the sign-in screen, and is said again on stderr for the shell)."""
    app = JobCenterApp()
    try:
        app.run()
    finally:
        if app.store_open:
            app.services.close()
    if app.store_error is not None:
        sys.stderr.write(f"{app.store_error}\n")
        return app.store_error.exit_code
    return 0


class JobCenterApp(ConsoleApp):
    """Sign-in first; everything after it runs as the signed-in staff member.

    Given no services, the console draws the sign-in screen first and opens the store (migration
    check, key, reference data) in a thread worker while the person types; sign-in waits for it.
    What stops the store from opening is said on the sign-in screen (``store_error``).

    After ``idle_lock_minutes`` (the store's setting, default 15) without a key or a click, a lock
    screen covers the console and asks the password again. While it is up, nothing of the work
    underneath reaches the screen: screens the work underneath opens and closes, and its
    notifications, wait until the lock is lifted (and are dropped when the lock signs the person out).
    """

    BINDINGS = [
        Binding("f2", "search", "Search", id="app.search", priority=True),
        Binding("f3", "register", "Register", id="app.register", priority=True),
        Binding("f4", "employers", "Employers", id="app.employers", priority=True),
        Binding("f10", "sign_out", "Sign out", id="app.sign_out", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, services: Services | None = None, *, actor: Actor | None = None,
                 clock: Callable[[], float] = monotonic, idle_lock_minutes: float | None = None,
                 open_store: Callable[[], Services] = open_console_store) -> None:
        super().__init__(services, actor=actor)
        self._open_store = open_store
        self.store_error: StoreNotOpened | None = None  # why the store could not be opened (shown at sign-in)
        self._opening = False
        self.os_user, self.terminal = os_identity()
        self._clock = clock  # seconds, monotonic; tests pass their own
        self._last_input = clock()
        self._idle_minutes_given = idle_lock_minutes  # None: the store's setting, read at sign-in
        self.idle_lock_minutes: float = idle_lock_minutes or IDLE_LOCK_DEFAULT_MINUTES
        self.lock_screen: LockScreen | None = None  # while the console is locked
        self._held: list[Callable[[], object]] = []  # screen changes and notices asked for while locked

    def on_mount(self) -> None:
        self.set_interval(IDLE_CHECK_SECONDS, self._check_idle)
        if self.actor is not None:
            self._open_main()
        else:
            from jobcenter_tui.screens.login import LoginScreen

            self.push_screen(LoginScreen())

    def open_store_when_drawn(self) -> None:
        """Called by the sign-in screen once it is drawn: open the store behind it (once)."""
        if self._services is None and self.store_error is None and not self._opening:
            self._opening = True
            self._start_opening()

    # --- the store, opened behind the sign-in screen ------------------------------------------------

    @property
    def store_open(self) -> bool:
        return self._services is not None

    def _start_opening(self) -> None:
        self.run_worker(self._open_in_thread, name="open the store", group="open-store", thread=True,
                        exit_on_error=False)

    def _open_in_thread(self) -> None:
        try:
            services = self._open_store()
        except StoreNotOpened as refusal:
            self.call_from_thread(self._store_refused, refusal)
        except Exception as error:  # noqa: BLE001 - a bug: an incident with its id, never a traceback
            incident_id = self.record_incident(error, "open the store")
            self.call_from_thread(self._store_refused, StoreNotOpened(
                f"The store could not be opened (incident {incident_id}); tell your administrator.", 1))
        else:
            self.call_from_thread(self._store_opened, services)

    def _store_opened(self, services: Services) -> None:
        self.services = services
        self._store_changed()

    def _store_refused(self, refusal: StoreNotOpened) -> None:
        self.store_error = refusal
        self._store_changed()

    def _store_changed(self) -> None:
        from jobcenter_tui.screens.login import LoginScreen

        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.store_changed()

    def signed_in(self, actor: Actor) -> None:
        """Called by the sign-in screen once the services accepted the staff member."""
        self.actor = actor
        self._open_main()

    def _open_main(self) -> None:
        from jobcenter_tui.screens.main import MainScreen

        assert self.actor is not None
        office = f" · office {self.actor.office}" if self.actor.office else ""
        self.sub_title = f"{self.actor.display_name}{office}"
        self._last_input = self._clock()
        if self._idle_minutes_given is None:
            call_service(self, lambda s, _: s.staff.idle_lock_minutes(), done=self._set_idle_minutes, group="idle-lock",
                         description="idle lock setting")
        if len(self.screen_stack) > 1:
            self.switch_screen(MainScreen())
        else:
            self.push_screen(MainScreen())

    def _set_idle_minutes(self, minutes: int) -> None:
        self.idle_lock_minutes = minutes

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer and palette show only keys that work here, for this staff member."""
        if self.lock_screen is not None:  # locked: no F-key, no palette opens anything over the lock
            return action in ("quit", "help_quit")
        if action in ("search", "register", "sign_out", "employers") and self.actor is None:
            return False
        if action == "employers" and self.actor is not None:
            return any(self.actor.can(p) for p in ("seeker.view", "employer.manage", "posting.manage"))
        if action == "register" and self.actor is not None and not self.actor.can("seeker.create"):
            return False
        return True

    def action_search(self) -> None:
        """F2 from anywhere after sign-in."""
        from jobcenter_tui.screens.search import SearchScreen

        if self.actor is None or isinstance(self.screen, SearchScreen):
            return
        self.push_screen(SearchScreen())

    def action_register(self) -> None:
        """F3: the registration wizard, staff-assisted."""
        from jobcenter_tui.screens.registration import RegistrationScreen

        if self.actor is None or isinstance(self.screen, RegistrationScreen):
            return
        if not self.actor.can("seeker.create"):
            return
        self.push_screen(RegistrationScreen(audience="staff"), self._registered)

    def action_employers(self) -> None:
        """F4: employers and job postings, for staff who serve seekers or manage employers/postings."""
        from jobcenter_tui.screens.employers import EmployersScreen

        if self.actor is None or isinstance(self.screen, EmployersScreen) or not self.check_action("employers", ()):
            return
        self.push_screen(EmployersScreen())

    def _registered(self, outcome: tuple[str, str] | None) -> None:
        if outcome is None:
            return
        kind, seeker_id = outcome
        if kind == "created":
            self.notify("Registered.", markup=False)
        self.open_case(seeker_id)

    def open_case(self, seeker_id: str) -> None:
        from jobcenter_tui.screens.case_details import CaseDetailsScreen

        self.push_screen(CaseDetailsScreen(seeker_id))

    def action_sign_out(self) -> None:
        """F10 from any screen: back to sign-in; whatever was open is closed."""
        actor = self.actor
        if actor is None or self.lock_screen is not None:
            return
        call_service(self, lambda services, _: services.staff.logout(actor), group="sign-out",
                     description="sign out")
        self._to_sign_in()

    def _to_sign_in(self, message: str = "") -> None:
        from jobcenter_tui.screens.login import LoginScreen

        self.actor = None
        self.sub_title = ""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen(message))

    def sign_out(self) -> None:
        self.action_sign_out()

    def show_failure(self, failure: Failure) -> None:
        """An ended session (account disabled or its access changed) goes back to sign-in, saying why."""
        if isinstance(failure.refusal, SessionEnded):
            if self.actor is not None:
                self.action_sign_out()
                self.notify(failure.message, severity="error", timeout=10, markup=False)
            return
        super().show_failure(failure)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every key binding of the current screen too: one list, never out of step."""
        yield from super().get_system_commands(screen)
        entries = getattr(screen, "palette_entries", None)
        if entries is not None:  # a screen of panes lists the actions of every pane, in view or not
            for title, help_text, callback in entries():
                yield SystemCommand(title, help_text, callback)
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled or binding.action == "quit":
                continue
            if entries is not None and active.node not in (screen, self):
                continue  # a pane's key: already listed by the screen, under the pane's name
            seen.add(binding.action)
            yield SystemCommand(binding.description, f"Key: {key}", partial(self.run_action, binding.action, active.node))


    # --- the idle lock ----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, IDLE_INPUT):
            self._last_input = self._clock()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self.actor is None or self.lock_screen is not None:
            return
        if is_idle(self._last_input, self._clock(), self.idle_lock_minutes):
            self.lock()

    def lock(self) -> None:
        """Cover the console and ask the password again (audited); the screens underneath stay as they are."""
        from jobcenter_tui.screens.lock import LockScreen

        actor = self.actor
        if actor is None or self.lock_screen is not None:
            return
        self.clear_notifications()  # a toast may name someone
        self.lock_screen = LockScreen(actor.display_name)
        super().push_screen(self.lock_screen, self._lock_closed)
        minutes = self.idle_lock_minutes
        call_service(self, lambda s, a: s.staff.lock(a, minutes), group="session-lock", description="lock")

    def _lock_closed(self, outcome: UnlockOutcome | None) -> None:
        """The lock screen closed itself: unlocked (replay what waited) or signed out (drop it)."""
        self.lock_screen = None
        self._last_input = self._clock()
        held, self._held = self._held, []
        if outcome is not None and outcome.signed_out:  # the services audited the logout
            self._to_sign_in(outcome.message)
            return
        for step in held:
            step()

    def push_screen(self, screen: Any, callback: Any = None, wait_for_dismiss: bool = False, *,
                    mode: str | None = None) -> Any:
        """While locked, a screen the work underneath opens waits for the unlock (never above the lock)."""
        from jobcenter_tui.screens.incident import IncidentDialog

        if self.lock_screen is None or wait_for_dismiss or isinstance(screen, IncidentDialog):
            return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)  # type: ignore[call-overload]
        self._held.append(partial(super().push_screen, screen, callback, mode=mode))
        return AwaitMount(self.screen, [])

    def pop_screen(self) -> AwaitComplete:
        """While locked, only the lock closes the lock: a screen underneath that closes itself waits."""
        lock = self.lock_screen
        if lock is None or self.screen is not lock or lock.finished:
            return super().pop_screen()
        self._held.append(super().pop_screen)
        return AwaitComplete(_nothing())

    def notify(self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        """While locked, notices wait for the unlock: a toast over the lock could name someone."""
        if self.lock_screen is not None:
            self._held.append(partial(super().notify, message, title=title, severity=severity, timeout=timeout,
                                      markup=markup))
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


async def _nothing() -> None:
    """A step already done (what ``pop_screen`` returns when the pop waits for the unlock)."""


class KioskApp(ConsoleApp):
    """A resource-room terminal: the self-service wizard and nothing else.

    No sign-in, no search, no command palette, no way to any other record. After Save, or after
    ``idle_seconds`` without a key press, it returns to the welcome screen and forgets the answers.
    """

    SUB_TITLE = "Self-service registration"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="kiosk.quit", priority=True, show=False)]

    def __init__(self, services: Services, *, idle_seconds: float = 120, office: str | None = None,
                 clock: Callable[[], float] = monotonic) -> None:
        super().__init__(services, actor=kiosk_actor(office))
        self.idle_seconds = idle_seconds
        self._clock = clock  # seconds, monotonic; tests pass their own
        self._last_input = clock()

    def on_mount(self) -> None:
        from jobcenter_tui.screens.kiosk_welcome import KioskWelcomeScreen

        self.push_screen(KioskWelcomeScreen())
        self.set_interval(min(1.0, self.idle_seconds / 4), self._check_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = self._clock()
        await super().on_event(event)

    def start_registration(self) -> None:
        from jobcenter_tui.screens.kiosk_welcome import KioskWelcomeScreen
        from jobcenter_tui.screens.registration import RegistrationScreen

        if isinstance(self.screen, KioskWelcomeScreen):
            self.screen.clear_thanks()
        self._last_input = self._clock()
        self.push_screen(RegistrationScreen(audience="all"), self._done)

    def _done(self, outcome: tuple[str, str] | None) -> None:
        from jobcenter_tui.screens.kiosk_welcome import KioskWelcomeScreen

        if outcome and outcome[0] == "created" and isinstance(self.screen, KioskWelcomeScreen):
            self.screen.thank()  # no name on a shared screen

    def _check_idle(self) -> None:
        """Two minutes without a key: back to the welcome screen, answers discarded."""
        from jobcenter_tui.screens.kiosk_welcome import KioskWelcomeScreen

        if self._clock() - self._last_input < self.idle_seconds:
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, KioskWelcomeScreen):
            self.screen.clear_thanks()
