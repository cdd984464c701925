"""The root of every refusal: what a person is told in words, never an incident.

Rules in ``domain`` and use cases in ``services`` refuse with subclasses of :class:`Refusal`; the
console shows their message as it is and keeps what was typed. Anything else that escapes a use
case is a bug and becomes an incident (logged, with an id the person can quote).
"""

from __future__ import annotations


class Refusal(Exception):
    """A rule or a use case said no; the message is written for the person at the screen."""
