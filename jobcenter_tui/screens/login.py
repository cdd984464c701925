"""Sign-in: user name and password, checked by the services off the UI thread."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.widgets.service_call import Failure, ServiceCaller


class LoginScreen(ServiceCaller, Screen[None]):
    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("escape", "clear", "Clear", id="login.clear")]

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.message = message  # why the last session ended, when the console ended it (the idle lock)

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
        error.update("Checking…")
        self.query_one("#sign-in", Button).disabled = True
        self._check(username, password)

    def _check(self, username: str, password: str) -> None:
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
        self.query_one("#username", Input).value = ""
        self.query_one("#password", Input).value = ""
        self.query_one("#login-error", Label).update("")
        self.query_one("#username", Input).focus()
