"""The console: a Textual app that gets its services from the caller (never builds its own)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.services import Services, os_identity


class JobCenterApp(App[None]):
    """Sign-in first; everything after it runs as the signed-in staff member."""

    CSS_PATH = "app.tcss"
    TITLE = "jobcenter"
    BINDINGS = [
        Binding("f2", "search", "Search", id="app.search", priority=True),
        Binding("f3", "register", "Register", id="app.register", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, services: Services, *, actor: Actor | None = None) -> None:
        super().__init__()
        self.services = services
        self.actor: Actor | None = actor
        self.os_user, self.terminal = os_identity()

    def on_mount(self) -> None:
        if self.actor is not None:
            self._open_main()
        else:
            from jobcenter_tui.screens.login import LoginScreen

            self.push_screen(LoginScreen())

    def signed_in(self, actor: Actor) -> None:
        """Called by the sign-in screen once the services accepted the staff member."""
        self.actor = actor
        self._open_main()

    def _open_main(self) -> None:
        from jobcenter_tui.screens.main import MainScreen

        assert self.actor is not None
        office = f" · office {self.actor.office}" if self.actor.office else ""
        self.sub_title = f"{self.actor.display_name}{office}"
        if len(self.screen_stack) > 1:
            self.switch_screen(MainScreen())
        else:
            self.push_screen(MainScreen())

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
            self.notify("Registering job seekers needs the seeker.create privilege.", severity="warning", markup=False)
            return
        self.push_screen(RegistrationScreen(audience="staff"), self._registered)

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

    def sign_out(self) -> None:
        from jobcenter_tui.screens.login import LoginScreen

        if self.actor is not None:
            self.services.staff.logout(self.actor)
        self.actor = None
        self.sub_title = ""
        self.switch_screen(LoginScreen())

    def _fatal_error(self) -> None:
        """Textual prints crash tracebacks *with local variables*; locals may hold personal data."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every key binding of the current screen too: one list, never out of step."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or active.node is self:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, f"Key: {key}", partial(active.node.run_action, binding.action))
