"""Social Security numbers: validation, normalisation and masking.

An ``Ssn`` never shows its digits by accident: ``str()``, ``repr()`` and f-strings all give the
masked form, so an SSN that ends up in a log line or in a traceback's locals stays masked. Only
``reveal()`` returns the digits, and only code that must store or export them calls it.
"""

from __future__ import annotations

import re
from typing import NoReturn

_PUNCT = re.compile(r"[\s-]")
MASK_NONE = "—"


class SsnError(ValueError):
    """The text is not a valid SSN; the message never repeats the digits."""


def normalize_ssn(text: str) -> str:
    """Return the 9 digits of ``NNN-NN-NNNN`` or ``NNNNNNNNN``; raise SsnError otherwise."""
    digits = _PUNCT.sub("", text.strip())
    if not (len(digits) == 9 and digits.isdigit()):
        raise SsnError("must be 9 digits, written NNN-NN-NNNN or NNNNNNNNN")
    if not re.fullmatch(r"\d{3}-\d{2}-\d{4}|\d{9}", text.strip()):
        raise SsnError("must be written NNN-NN-NNNN or NNNNNNNNN")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area == "000" or area == "666" or area >= "900":
        raise SsnError("is not a valid SSN: the first three digits cannot be 000, 666 or 900-999")
    if group == "00":
        raise SsnError("is not a valid SSN: the middle two digits cannot be 00")
    if serial == "0000":
        raise SsnError("is not a valid SSN: the last four digits cannot be 0000")
    return digits


def mask_last4(last4: str | None) -> str:
    """The masked form shown everywhere: ``***-**-1234``."""
    if not last4:
        return MASK_NONE
    return f"***-**-{last4}"


class Ssn:
    """A valid SSN whose digits are only given out by ``reveal()``."""

    __slots__ = ("_digits",)

    def __init__(self, text: str) -> None:
        self._digits = normalize_ssn(text)

    @property
    def last4(self) -> str:
        return self._digits[5:]

    @property
    def masked(self) -> str:
        return mask_last4(self.last4)

    def reveal(self) -> str:
        """The digits, formatted ``NNN-NN-NNNN``. Call only to store, export or show on request."""
        d = self._digits
        return f"{d[:3]}-{d[3:5]}-{d[5:]}"

    def digits(self) -> str:
        return self._digits

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Ssn({self.masked!r})"

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ssn) and other._digits == self._digits

    def __hash__(self) -> int:
        return hash(("ssn", self._digits))

    def __reduce__(self) -> NoReturn:  # pickling must not leak either
        raise TypeError("Ssn values are not picklable")


SSN_PATTERN = re.compile(r"(?<!\d)(\d{3})[- ]?(\d{2})[- ]?(\d{4})(?!\d)")


def redact_ssns(text: str) -> str:
    """Replace anything that looks like an SSN in free text (log lines) with a mask."""
    return SSN_PATTERN.sub("***-**-****", text)
