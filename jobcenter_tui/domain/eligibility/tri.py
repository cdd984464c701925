"""Three-valued facts: true, false, or unknown because an answer is missing.

Kleene logic with bookkeeping: a false fact carries the reasons it failed, an unknown one the field
paths whose answers are missing, a true one any notes worth telling the seeker. ``all_`` is false
as soon as one part is false (failure beats missing), ``any_`` true as soon as one part is true.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fact:
    value: bool | None
    reasons: tuple[str, ...] = ()  # why false; or notes when true
    missing: tuple[str, ...] = ()  # field paths, when unknown


def yes(*notes: str) -> Fact:
    return Fact(True, tuple(n for n in notes if n))


def no(*reasons: str) -> Fact:
    return Fact(False, tuple(r for r in reasons if r))


def unknown(*paths: str, reason: str = "") -> Fact:
    return Fact(None, (reason,) if reason else (), tuple(paths))


def known(value: object, path: str, test: bool | None = None, *, if_false: str = "", if_true: str = "") -> Fact:
    """A fact about one answer: unknown when the answer is missing, else ``test`` (default: the value)."""
    if value is None:
        return unknown(path)
    result = bool(value) if test is None else test
    return Fact(True, (if_true,) if if_true else ()) if result else Fact(False, (if_false,) if if_false else ())


def _merge(items: list[tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in items:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)


def all_(*facts: Fact) -> Fact:
    falses = [f for f in facts if f.value is False]
    if falses:
        return Fact(False, _merge([f.reasons for f in falses]))
    unknowns = [f for f in facts if f.value is None]
    if unknowns:
        return Fact(None, _merge([f.reasons for f in unknowns]), _merge([f.missing for f in unknowns]))
    return Fact(True, _merge([f.reasons for f in facts]))


def any_(*facts: Fact, if_none: str = "") -> Fact:
    for f in facts:
        if f.value is True:
            return f
    unknowns = [f for f in facts if f.value is None]
    if unknowns:
        return Fact(None, _merge([f.reasons for f in unknowns]), _merge([f.missing for f in unknowns]))
    return Fact(False, (if_none,) if if_none else _merge([f.reasons for f in facts]))
