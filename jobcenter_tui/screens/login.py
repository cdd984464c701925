"""Sign-in: user name and password, checked by the services off the UI thread.

The staff console draws this screen before its store is open (the app opens it in a thread while
the person types). Sign-in waits for the store: "Opening the store…" shows only when the person
submits before it is ready. What stops the store from opening is said here, in plain words.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller

OPENING = "Opening the store…"


class LoginScreen(ServiceCaller, Screen[None]):
    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("escape", "clear", "Clear", id="login.clear")]

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.message = message  # why the last session ended, when the console ended it (the idle lock)
        self._waiting: tuple[str, str] | None = None  # submitted before the store was open

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static("jobcenter", id="login-title")
            yield Static("American Job Center case management — staff sign-in", id="login-subtitle")
            yield Label("User name", classes="field-label")
            yield Input(id="username", placeholder="user name", max_length=64)
            yield Label("Password", classes="field-label")
            yield Input(id="password", placeholder="password", password=True, max_length=256)
            yield Label(self.message, id="login-error", markup=False)
            yield Button("Sign in", id="sign-in", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.store_changed()
        start = getattr(self.app, "open_store_when_drawn", None)
        if start is not None:  # the staff console opens its store once this screen is on the terminal
            self.call_after_refresh(start)

    def _store(self) -> tuple[bool, str | None]:
        """(open?, why it cannot open) — an app handed its services is always open."""
        app = self.app
        error = getattr(app, "store_error", None)
        return getattr(app, "store_open", True), (str(error) if error is not None else None)

    def store_changed(self) -> None:
        """The app opened the store, or could not: go on with a waiting sign-in, or say why."""
        is_open, error = self._store()
        if error is not None:
            self._waiting = None
            self.query_one("#login-error", Label).update(error)
            self.query_one("#sign-in", Button).disabled = True
        elif is_open and self._waiting is not None:
            username, password = self._waiting
            self._waiting = None
            self._check(username, password)

    @on(Input.Submitted, "#username")
    def _to_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        error = self.query_one("#login-error", Label)
        if not username.strip() or not password:
            error.update("Type your user name and password.")
            self.query_one("#username" if not username.strip() else "#password", Input).focus()
            return
        is_open, problem = self._store()
        if problem is not None:
            error.update(problem)
            return
        self.query_one("#sign-in", Button).disabled = True
        if not is_open:
            error.update(OPENING)
            self._waiting = (username, password)
            return
        self._check(username, password)

    def _check(self, username: str, password: str) -> None:
        self.query_one("#login-error", Label).update("Checking…")
        os_user, terminal = self.app.os_user, self.app.terminal  # type: ignore[attr-defined]
        self.call_service(lambda s, _: s.staff.login(username, password, os_user=os_user, terminal=terminal),
                          done=self._signed_in, failed=self._refused, group="login", exclusive=True)

    def _signed_in(self, actor: Actor) -> None:
        self.query_one("#sign-in", Button).disabled = False
        self.query_one("#password", Input).value = ""
        self.app.signed_in(actor)  # type: ignore[attr-defined]

    def _refused(self, failure: Failure) -> bool:
        """A refused sign-in clears the password; a busy store keeps it, so Enter tries again."""
        self.query_one("#sign-in", Button).disabled = False
        password = self.query_one("#password", Input)
        if failure.kind != "busy":
            password.value = ""
        self.query_one("#login-error", Label).update(failure.message)
        password.focus()
        return True

    def action_clear(self) -> None:
        if self._waiting is not None:  # a sign-in waiting for the store is given up
            self._waiting = None
            self.query_one("#sign-in", Button).disabled = False
        self.query_one("#username", Input).value = ""
        self.query_one("#password", Input).value = ""
        self.query_one("#login-error", Label).update("")
        self.query_one("#username", Input).focus()
        self.store_changed()  # what stops the store from opening stays said
