"""Between the record layout and the ``job_seeker`` row: one mechanism for every field.

Top-level fields map to columns of the same name; each nested section ``S`` maps its field ``f``
to column ``S_f``. The SSN becomes ciphertext plus blind indexes, the phone its 10 digits.
Export builds the canonical JSON directly from the row (unanswered fields left out), so an
exported record imported again comes back unchanged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jobcenter_tui.db.models import JobSeeker
from jobcenter_tui.domain.record import SECTIONS, SeekerRecord, format_phone
from jobcenter_tui.services.crypto import Keyring

_SPECIAL = {"id", "ssn", "phone"} | set(SECTIONS)
TOP_LEVEL = [name for name in SeekerRecord.model_fields if name not in _SPECIAL]
SECTION_COLUMNS: dict[str, list[tuple[str, str]]] = {
    section: [(field, f"{section}_{field}") for field in model.model_fields]
    for section, model in SECTIONS.items()
}


def _plain(value: Any) -> Any:
    """A model value as the store keeps it (lists of sub-models as JSON dicts)."""
    if isinstance(value, list):
        return [v.model_dump(mode="json", exclude_none=True) if hasattr(v, "model_dump") else v for v in value]
    return value


_SECTION_NONE: dict[str, dict[str, None]] = {s: dict.fromkeys(c for _, c in f) for s, f in SECTION_COLUMNS.items()}


def record_columns(record: SeekerRecord, keyring: Keyring) -> dict[str, Any]:
    """Every column a record sets, including None for the fields it leaves unanswered.

    Read from the models' ``__dict__`` (where pydantic keeps field values): an import maps every
    record through here, so the per-field cost is kept to a dictionary lookup.
    """
    values = record.__dict__
    cols: dict[str, Any] = {}
    for name in TOP_LEVEL:
        value = values[name]
        cols[name] = _plain(value) if value.__class__ is list else value
    ssn = values["ssn"]
    if ssn is not None:
        cols["ssn_cipher"] = keyring.encrypt(ssn)
        cols["ssn_index"] = keyring.blind_index(ssn)
        cols["ssn_last4_index"] = keyring.last4_index(ssn.last4)
    else:
        cols["ssn_cipher"] = cols["ssn_index"] = cols["ssn_last4_index"] = None
    phone, email = values["phone"], values["email"]
    cols["phone"] = phone.replace("-", "") if phone else None
    cols["email_lower"] = email.lower() if email else None
    for section, fields in SECTION_COLUMNS.items():
        sub = values[section]
        if sub is None:
            cols.update(_SECTION_NONE[section])
            continue
        sub_values = sub.__dict__
        for field, column in fields:
            value = sub_values[field]
            cols[column] = _plain(value) if value.__class__ is list else value
    if cols.get("account_type") is None:
        cols["account_type"] = "staff_assisted"
    return cols


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_record_dict(row: JobSeeker, keyring: Keyring, *, reveal_ssn: bool = True) -> dict[str, Any]:
    """The canonical interchange form of a stored seeker, in record-layout order."""
    out: dict[str, Any] = {}
    for name in SeekerRecord.model_fields:
        if name == "id":
            value: Any = row.id
        elif name == "ssn":
            if row.ssn_cipher is None:
                continue
            ssn = keyring.decrypt(row.ssn_cipher)
            value = ssn.reveal() if reveal_ssn else ssn.masked
        elif name == "phone":
            value = format_phone(row.phone) if row.phone else None
        elif name in SECTION_COLUMNS:
            sub = {f: _json_value(getattr(row, c)) for f, c in SECTION_COLUMNS[name]}
            value = {k: v for k, v in sub.items() if v is not None} or None
        else:
            value = _json_value(getattr(row, name))
        if value is not None:
            out[name] = value
    return out
