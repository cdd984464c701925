"""The one way a screen or a pane calls a service: off the UI thread, every failure in words.

    self.call_service(lambda s, a: s.notes.add(a, seeker_id, ...), done=self._saved, failed=self._refused)

The call runs in a thread worker owned by the calling node (so it dies with its screen). Its
result comes back on the UI thread to ``done``. If it fails, ``failed`` (when given) gets a
:class:`Failure` — to mark fields or a status line; returning True says "I have shown it" — and
otherwise the person is told here:

- a refusal (permission, bad input, a rule, a record changed by someone else): a notification in
  the service's own words;
- a busy store: "The store is busy — try again", the form still filled;
- anything else is a bug: it is logged as an incident (no local variables, personal data masked)
  and an error dialog shows the incident id (always). The console never exits.

A result that arrives after a newer exclusive call of the same group started is dropped.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

from textual.worker import Worker, get_current_worker

from jobcenter_tui.services.errors import InvalidInput, Refusal, SessionEnded, StaleRecord, StoreBusy, as_refusal

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services

T = TypeVar("T")
Kind = Literal["refused", "invalid", "stale", "busy", "incident"]


@dataclass(frozen=True)
class Failure:
    """Why a service call did not succeed, in plain words for the person at the screen."""

    kind: Kind
    message: str
    field_errors: dict[str, str] = field(default_factory=dict)  # question path -> message (kind "invalid")
    incident_id: str | None = None
    refusal: Refusal | None = None  # the refusal itself, for screens that act on its details

    @property
    def is_incident(self) -> bool:
        return self.kind == "incident"


class FailureHost(Protocol):
    """What the console app offers the helper (the app layer implements it; widgets cannot import it)."""

    services: Services
    actor: Actor | None

    def record_incident(self, error: BaseException, where: str) -> str: ...
    def show_failure(self, failure: Failure) -> None: ...


def describe_failure(error: BaseException, host: FailureHost, where: str) -> Failure:
    """Classify ``error``; an incident is logged here (in the worker thread: file I/O off the UI)."""
    refusal = as_refusal(error)
    if refusal is None:
        incident = host.record_incident(error, where)
        return Failure("incident", f"Something went wrong (incident {incident}). Nothing was saved; what you "
                                   "typed is kept. Quote the incident id to your administrator.", incident_id=incident)
    if isinstance(refusal, StoreBusy):
        return Failure("busy", str(refusal), refusal=refusal)
    if isinstance(refusal, StaleRecord):
        return Failure("stale", str(refusal), refusal=refusal)
    if isinstance(refusal, InvalidInput):
        return Failure("invalid", _invalid_message(refusal.errors), dict(refusal.errors), refusal=refusal)
    errors = getattr(refusal, "errors", None)  # RecordInvalid: a list of {"field", "message"}
    if isinstance(errors, list) and all(isinstance(e, dict) and "field" in e for e in errors):
        fields = {e["field"]: e["message"] for e in errors}
        return Failure("invalid", _invalid_message(fields), fields, refusal=refusal)
    return Failure("refused", str(refusal), refusal=refusal)


def _invalid_message(errors: dict[str, str]) -> str:
    from jobcenter_tui.domain.questions import label_for, readable  # the record's labels: not needed for the first frame

    parts = [f"{label_for(path)}: {readable(message)}" for path, message in errors.items()]
    return "Fix the answers marked: " + "; ".join(parts) if parts else "Fix the answers marked."


def call_service(
    node: DOMNode,
    call: Callable[[Services, Actor], T],
    *,
    done: Callable[[T], Any] | None = None,
    failed: Callable[[Failure], Any] | None = None,
    group: str = "service",
    exclusive: bool = False,
    description: str = "",
) -> Worker[None]:
    """Run ``call(services, actor)`` in a thread worker of ``node``; see the module docstring."""
    host = cast(FailureHost, node.app)
    services, actor = host.services, host.actor
    where = description or f"{type(node).__name__}:{group}"

    async def deliver_done(result: T) -> None:
        if done is not None and node.is_attached:
            outcome = done(result)
            if inspect.isawaitable(outcome):
                await outcome

    async def deliver_failure(failure: Failure) -> None:
        if isinstance(failure.refusal, SessionEnded):  # not the screen's to handle: the app signs out
            host.show_failure(failure)
            return
        shown = False
        if failed is not None and node.is_attached:
            outcome = failed(failure)
            shown = bool(await outcome) if inspect.isawaitable(outcome) else bool(outcome)
        if not shown or failure.is_incident:
            host.show_failure(failure)

    def run() -> None:
        worker = get_current_worker()
        try:
            result = call(services, cast("Actor", actor))
        except Exception as error:  # noqa: BLE001 - every failure becomes words or an incident
            failure = describe_failure(error, host, where)
            if not worker.is_cancelled or failure.is_incident:
                node.app.call_from_thread(cast(Any, deliver_failure), failure)
            return
        if worker.is_cancelled:
            return
        try:
            node.app.call_from_thread(cast(Any, deliver_done), result)
        except Exception as error:  # noqa: BLE001 - a bug in the screen's callback: an incident, not a silent stop
            node.app.call_from_thread(host.show_failure, describe_failure(error, host, where + ":done"))

    return node.run_worker(run, name=where, group=group, exclusive=exclusive, thread=True, exit_on_error=False)


class Resilient:
    """Mixin for screens and widgets: a bug in one of its handlers does not stop it.

    Textual ends a node's message loop (and, by default, the app) on an unhandled exception; here
    it becomes an incident dialog (see the app's error policy) and the node goes on handling keys.
    """

    async def _dispatch_message(self, message: Any) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - the console never exits on an error
            cast("DOMNode", self).app._handle_exception(error)


class ServiceCaller(Resilient):
    """Mixin for screens and widgets: ``self.services``, ``self.actor`` and ``self.call_service``."""

    @property
    def services(self) -> Services:
        return cast(FailureHost, cast("DOMNode", self).app).services

    @property
    def actor(self) -> Actor:
        actor = cast(FailureHost, cast("DOMNode", self).app).actor
        assert actor is not None, "service calls happen after sign-in (or as the kiosk)"
        return actor

    def call_service(
        self,
        call: Callable[[Services, Actor], T],
        *,
        done: Callable[[T], Any] | None = None,
        failed: Callable[[Failure], Any] | None = None,
        group: str = "service",
        exclusive: bool = False,
        description: str = "",
    ) -> Worker[None]:
        return call_service(cast("DOMNode", self), call, done=done, failed=failed, group=group,
                            exclusive=exclusive, description=description)
