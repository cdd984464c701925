"""Sign-in: user name and password, checked by the services off the UI thread."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from jobcenter_tui.domain.permissions import Actor
from jobcenter_tui.services.errors import LoginFailed


class LoginScreen(Screen[None]):
    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("escape", "clear", "Clear", id="login.clear")]

    class Result(Message):
        def __init__(self, actor: Actor | None, error: str | None) -> None:
            super().__init__()
            self.actor = actor
            self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static("jobcenter", id="login-title")
            yield Static("American Job Center case management — staff sign-in", id="login-subtitle")
            yield Label("User name", classes="field-label")
            yield Input(id="username", placeholder="user name", max_length=64)
            yield Label("Password", classes="field-label")
            yield Input(id="password", placeholder="password", password=True, max_length=256)
            yield Label("", id="login-error", markup=False)
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

    @work(thread=True, exclusive=True, group="login")
    def _check(self, username: str, password: str) -> None:
        app = self.app
        try:
            actor = app.services.staff.login(username, password, os_user=app.os_user, terminal=app.terminal)  # type: ignore[attr-defined]
            self.post_message(self.Result(actor, None))
        except LoginFailed as exc:
            self.post_message(self.Result(None, str(exc)))

    def on_login_screen_result(self, message: Result) -> None:
        self.query_one("#sign-in", Button).disabled = False
        password = self.query_one("#password", Input)
        password.value = ""
        if message.actor is None:
            self.query_one("#login-error", Label).update(message.error or "Sign-in failed.")
            password.focus()
            return
        self.app.signed_in(message.actor)  # type: ignore[attr-defined]

    def action_clear(self) -> None:
        self.query_one("#username", Input).value = ""
        self.query_one("#password", Input).value = ""
        self.query_one("#login-error", Label).update("")
        self.query_one("#username", Input).focus()
