"""Words for what the services return as codes or paths: the panes show these, never the codes."""

from __future__ import annotations

from jobcenter_tui.domain.enrollment import EXIT_REASONS, VERIFIED_ITEMS
from jobcenter_tui.domain.questions import label_for

ELIGIBILITY_WORDS = {"eligible": "eligible", "ineligible": "ineligible", "needs_information": "needs info"}
_VERIFIED = dict(VERIFIED_ITEMS)


def answers_needed(paths: tuple[str, ...] | list[str]) -> str:
    """Missing answers named by their questions' labels ("Weeks unemployed, Date of dislocation")."""
    return ", ".join(label_for(p) for p in paths)


def verified_items(keys: list[str] | tuple[str, ...]) -> str:
    return ", ".join(_VERIFIED.get(k, k.replace("_", " ")) for k in keys)


def exit_reason(key: str | None) -> str:
    return EXIT_REASONS.get(key or "", (key or "").replace("_", " "))


def words(code: str | None) -> str:
    """A stored code in words: ``in_progress`` → "in progress"."""
    return (code or "").replace("_", " ")
