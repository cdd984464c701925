"""Is this new registration probably someone we already have?

Probable match (spec, issue 4): the same SSN; or the same date of birth with a similar name; or
the same phone or email. Two records that both carry an SSN and the SSNs differ are different
people whatever else they share (twins, a family sharing a phone).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

FIRST_NAME_SIMILAR = 80
LAST_NAME_SIMILAR = 80


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    date_of_birth: date | None
    ssn_index: str | None = None
    phone: str | None = None
    email: str | None = None


def fold(name: str) -> str:
    """Lower case, accents removed, only letters: "Núñez-Ortiz" → "nunezortiz"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalpha()).lower()


def similar_names(a: Person, b: Person) -> bool:
    first_a, first_b, last_a, last_b = fold(a.first_name), fold(b.first_name), fold(a.last_name), fold(b.last_name)
    if not (first_a and first_b and last_a and last_b):
        return False
    from rapidfuzz import fuzz  # only registrations and imports compare names: the console need not load it

    def firsts(x: str, y: str) -> bool:
        return fuzz.ratio(x, y) >= FIRST_NAME_SIMILAR or (min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)))

    straight = fuzz.ratio(last_a, last_b) >= LAST_NAME_SIMILAR and firsts(first_a, first_b)
    swapped = fuzz.ratio(last_a, first_b) >= LAST_NAME_SIMILAR and fuzz.ratio(first_a, last_b) >= LAST_NAME_SIMILAR
    return straight or swapped


def match_reasons(new: Person, old: Person) -> list[str]:
    """Why ``old`` may be the same person as ``new``; empty when it is not a probable match."""
    if new.ssn_index and old.ssn_index:
        return ["same SSN"] if new.ssn_index == old.ssn_index else []
    reasons = []
    if new.date_of_birth and new.date_of_birth == old.date_of_birth and similar_names(new, old):
        reasons.append("same date of birth and a similar name")
    if new.phone and new.phone == old.phone:
        reasons.append("same phone")
    if new.email and old.email and new.email.lower() == old.email.lower():
        reasons.append("same email")
    return reasons
