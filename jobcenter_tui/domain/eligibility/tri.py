"""Three-valued facts: true, false, or unknown because an answer is missing.

Kleene logic with bookkeeping: a false fact carries the reasons it failed, an unknown one the field
paths whose answers are missing, a true one any notes worth telling the seeker. ``all_`` is false
as soon as one part is false (failure beats missing), ``any_`` true as soon as one part is true.
"""

from __future__ import annotations

from typing import NamedTuple


class Fact(NamedTuple):
    """A tuple, not a dataclass: the engine makes about a hundred per record."""

    value: bool | None
    reasons: tuple[str, ...] = ()  # why false; or notes when true
    missing: tuple[str, ...] = ()  # field paths, when unknown


TRUE = Fact(True)
FALSE = Fact(False)


def yes(*notes: str) -> Fact:
    return Fact(True, tuple(n for n in notes if n)) if notes else TRUE


def no(*reasons: str) -> Fact:
    return Fact(False, tuple(r for r in reasons if r)) if reasons else FALSE


def unknown(*paths: str, reason: str = "") -> Fact:
    return Fact(None, (reason,) if reason else (), tuple(paths))


def known(value: object, path: str, test: bool | None = None, *, if_false: str = "", if_true: str = "") -> Fact:
    """A fact about one answer: unknown when the answer is missing, else ``test`` (default: the value)."""
    if value is None:
        return Fact(None, (), (path,))
    if value if test is None else test:
        return Fact(True, (if_true,)) if if_true else TRUE
    return Fact(False, (if_false,)) if if_false else FALSE


def _merge(groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Concatenate without repeats, keeping order (the hot path has one or two short groups)."""
    if len(groups) == 1:
        return groups[0]
    out: list[str] = []
    for group in groups:
        for item in group:
            if item not in out:
                out.append(item)
    return tuple(out)


def all_(*facts: Fact) -> Fact:
    falses: list[tuple[str, ...]] = []
    unknown_reasons: list[tuple[str, ...]] = []
    unknown_missing: list[tuple[str, ...]] = []
    notes: list[tuple[str, ...]] = []
    for value, reasons, missing in facts:
        if value is False:
            falses.append(reasons)
        elif value is None:
            unknown_reasons.append(reasons)
            unknown_missing.append(missing)
        elif reasons:
            notes.append(reasons)
    if falses:
        return Fact(False, _merge(falses))
    if unknown_missing or unknown_reasons:
        return Fact(None, _merge(unknown_reasons), _merge(unknown_missing))
    return Fact(True, _merge(notes)) if notes else TRUE


def any_(*facts: Fact, if_none: str = "") -> Fact:
    unknown_reasons: list[tuple[str, ...]] = []
    unknown_missing: list[tuple[str, ...]] = []
    false_reasons: list[tuple[str, ...]] = []
    for fact in facts:
        value = fact[0]
        if value is True:
            return fact
        if value is None:
            unknown_reasons.append(fact[1])
            unknown_missing.append(fact[2])
        elif fact[1]:
            false_reasons.append(fact[1])
    if unknown_missing:
        return Fact(None, _merge(unknown_reasons), _merge(unknown_missing))
    if if_none:
        return Fact(False, (if_none,))
    return Fact(False, _merge(false_reasons)) if false_reasons else FALSE
