"""What staff typed into the search box, understood: a name, an SSN, a date of birth, a phone…

One box, no modes: the text is read as a record id (or its first 8 or more characters, as Case
Details shows it), an email address, a phone number, a full SSN
or its last four digits, a date of birth (``1979-04-02`` or ``04/02/1979``), or name fragments —
or a mix of name, date of birth and last four ("reyes 1979-04-02", "6789 04/02/1979").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from jobcenter_tui.domain.ssn import Ssn, SsnError

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SSN = re.compile(r"\d{3}-\d{2}-\d{4}|\d{9}")
_PHONE_CHARS = re.compile(r"[\d\s().+\-]+")
# the start of a record id (a UUID written 8-4-4-4-12): at least its first 8 hex digits
_RECORD_PREFIX = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{0,4}){0,3}(?:-[0-9a-f]{0,12})?-?", re.IGNORECASE)


@dataclass(frozen=True)
class SearchQuery:
    kind: str  # empty | record_id | email | phone | ssn | name (name may carry dob / last4 filters)
    name_terms: tuple[str, ...] = ()
    date_of_birth: date | None = None
    ssn: Ssn | None = None
    last4: str | None = None
    phone: str | None = None
    email: str | None = None
    record_id: str | None = None
    record_prefix: str | None = None  # the first characters of a record id, lower case
    problems: tuple[str, ...] = field(default=())

    @property
    def uses_ssn(self) -> bool:
        """A search by SSN or its last four is audited."""
        return self.ssn is not None or self.last4 is not None

    def describe(self) -> str:
        parts = []
        if self.record_id:
            parts.append("record id")
        if self.record_prefix:
            parts.append(f"record id starting {self.record_prefix}")
        if self.email:
            parts.append(f"email {self.email}")
        if self.phone:
            parts.append(f"phone {self.phone[:3]}-{self.phone[3:6]}-{self.phone[6:]}")
        if self.ssn is not None:
            parts.append(f"SSN {self.ssn.masked}")
        if self.last4:
            parts.append(f"SSN ending {self.last4}")
        if self.date_of_birth:
            parts.append(f"born {self.date_of_birth.isoformat()}")
        if self.name_terms:
            parts.append("name " + " ".join(self.name_terms))
        return ", ".join(parts)


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` or ``MM/DD/YYYY``; None when it is not a real date in either form."""
    text = text.strip()
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        m = _US_DATE.fullmatch(text)
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None
    return None


def _record_id(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def record_prefix_of(text: str) -> str | None:
    """The text as the start of a record id (8 or more of its characters), or None."""
    text = text.strip()
    return text.lower() if _RECORD_PREFIX.fullmatch(text) else None


def parse_query(text: str) -> SearchQuery:
    text = text.strip()
    if not text:
        return SearchQuery("empty")
    record_id = _record_id(text)
    if record_id is not None:
        return SearchQuery("record_id", record_id=record_id)
    if record_prefix_of(text) and (any(c.isdigit() for c in text) or "-" in text):
        # 8 digits alone are no date in either written form and no SSN, so they can only be this;
        # a word of the letters a-f ("defaced") stays a name (the search tries it as a record id after)
        return SearchQuery("record_id", record_prefix=text.lower())
    if "@" in text and " " not in text:
        return SearchQuery("email", email=text.lower())
    digits = re.sub(r"\D", "", text)
    if _PHONE_CHARS.fullmatch(text) and (len(digits) == 10 or (len(digits) == 11 and digits.startswith("1"))) \
            and not _SSN.fullmatch(text):
        return SearchQuery("phone", phone=digits[-10:])
    names: list[str] = []
    dob: date | None = None
    ssn: Ssn | None = None
    last4: str | None = None
    problems: list[str] = []
    for token in text.split():
        day = parse_date(token)
        if day is not None:
            dob = day
        elif _SSN.fullmatch(token):
            try:
                ssn = Ssn(token)
            except SsnError as exc:
                problems.append(f"Not a valid SSN ({str(exc).split(': ', 1)[-1]})")
        elif re.fullmatch(r"\d{4}", token):
            last4 = token
        elif re.fullmatch(r"[\d/\-]+", token):
            problems.append(f"{token!r} is not a date (YYYY-MM-DD or MM/DD/YYYY), an SSN or its last four digits")
        else:
            names.extend(t for t in re.findall(r"[^\W_]+(?:['’][^\W_]+)*", token))
    if ssn is not None and not names and dob is None and last4 is None:
        return SearchQuery("ssn", ssn=ssn, problems=tuple(problems))
    return SearchQuery("name", name_terms=tuple(names), date_of_birth=dob, ssn=ssn, last4=last4, problems=tuple(problems))
