"""SSN encryption: AES-256-GCM for the value, HMAC-SHA256 blind indexes for exact lookup.

The master key lives in a file beside the store (mode 0600) or at ``JOBCENTER_KEY_FILE``, never
in the database, so a copied database file alone reveals no SSN. Two sub-keys are derived from it
with HKDF, one to encrypt and one to index, so the index cannot be used to decrypt.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from hashlib import sha256
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jobcenter_tui.domain.ssn import Ssn
from jobcenter_tui.services.errors import ServiceError

_VERSION = b"\x01"
_NONCE = 12
_AAD = b"jobcenter:ssn:v1"


class KeyFileError(RuntimeError):
    """The key file is missing, unreadable, malformed or readable by others."""


class WrongKeyError(KeyFileError):
    """The key file holds a valid key, but not the one this store was written with."""


def key_tail(key_id: str) -> str:
    """The last four characters of a key identifier: enough for a person to tell keys apart."""
    return "…" + key_id[-4:]


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jobcenter", info=purpose).derive(master)


def new_master_key() -> bytes:
    return os.urandom(32)


def create_key_file(path: Path, master: bytes | None = None) -> None:
    """Write a master key (a new random one by default), readable by the owner only, flushed to
    disk; never overwrite an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.b64encode(master if master is not None else new_master_key()) + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_key_file(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"The key file {path} does not exist; run 'jobcenter init' first") from None
    except OSError as exc:
        raise KeyFileError(f"The key file {path} cannot be read: {exc.strerror}") from None
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise KeyFileError(f"The key file {path} is readable by other users; run: chmod 600 {path}")
    try:
        master = base64.b64decode(raw.strip(), validate=True)
    except ValueError:
        master = b""
    if len(master) != 32:
        raise KeyFileError(f"The key file {path} is not a jobcenter key")
    return master


def _audit_aad(keyed_from: int, legacy_rows: int) -> bytes:
    return f"jobcenter:audit-key:v1:{keyed_from}:{legacy_rows}".encode()


class Keyring:
    """Encrypts, decrypts and indexes SSNs with the store's key."""

    def __init__(self, master: bytes) -> None:
        self._aead = AESGCM(_derive(master, b"ssn-encryption"))
        self._mac_key = _derive(master, b"ssn-blind-index")
        self.backup_key = _derive(master, b"backup")
        """Encrypts backups (services/backup.py): derived, so the master key itself never leaves the key file."""
        self._audit_wrap = AESGCM(_derive(master, b"audit-key-wrap"))
        self.key_id = hmac.new(_derive(master, b"key-identifier"), b"jobcenter:key-id:v1", sha256).hexdigest()[:32]
        """Names the key without revealing it: stored with the store and its backups, so a store
        is never opened (nor a backup restored) with a different key."""

    @classmethod
    def load(cls, path: Path, *, create: bool = False) -> Keyring:
        if create and not path.exists():
            create_key_file(path)
        return cls(read_key_file(path))

    def __repr__(self) -> str:
        return "Keyring(<secret>)"

    def encrypt(self, ssn: Ssn) -> bytes:
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, ssn.digits().encode(), _AAD)

    def decrypt(self, blob: bytes) -> Ssn:
        if not blob or blob[:1] != _VERSION:
            raise ValueError("unknown SSN ciphertext version")
        nonce, body = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
        return Ssn(self._aead.decrypt(nonce, body, _AAD).decode())

    def last4(self, blob: bytes) -> str:
        """The last four digits alone, for the masked form on a page of search results.

        The ciphertext is authenticated and was only ever made by :meth:`encrypt` from a valid
        SSN, so the digits need not be checked again (the check cost more than the decryption).
        """
        if not blob or blob[:1] != _VERSION:
            raise ValueError("unknown SSN ciphertext version")
        return self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], _AAD)[-4:].decode()

    def wrap_audit_key(self, audit_key: bytes, keyed_from: int, legacy_rows: int) -> str:
        """The audit key sealed under this master key, for ``app_meta``.

        Where the keyed chain starts is sealed with it (as associated data), so moving that point in
        the store — to pass keyed rows off as unkeyed ones — makes the audit key unreadable.
        """
        nonce = os.urandom(_NONCE)
        sealed = self._audit_wrap.encrypt(nonce, audit_key, _audit_aad(keyed_from, legacy_rows))
        return json.dumps({"v": 1, "keyed_from": keyed_from, "legacy_rows": legacy_rows,
                           "wrapped": base64.b64encode(nonce + sealed).decode()})

    def unwrap_audit_key(self, stored: str) -> tuple[bytes, int, int]:
        """(audit key, first keyed sequence number, rows before it); raises ValueError if the stored
        value was not sealed by this key or was altered."""
        try:
            data = json.loads(stored)
            keyed_from, legacy_rows = int(data["keyed_from"]), int(data["legacy_rows"])
            raw = base64.b64decode(data["wrapped"])
            key = self._audit_wrap.decrypt(raw[:_NONCE], raw[_NONCE:], _audit_aad(keyed_from, legacy_rows))
        except Exception as exc:  # noqa: BLE001 - InvalidTag, bad JSON, missing field: all mean "not ours"
            raise ValueError("the stored audit key cannot be opened with this key") from exc
        return key, keyed_from, legacy_rows

    def _mac(self, label: str, value: str) -> str:
        return hmac.new(self._mac_key, f"{label}:{value}".encode(), sha256).hexdigest()

    def blind_index(self, ssn: Ssn) -> str:
        """Equal SSNs give equal indexes; the index reveals nothing without the key."""
        return self._mac("ssn", ssn.digits())

    def last4_index(self, last4: str) -> str:
        return self._mac("last4", last4)


class StoreKeyChanged(ServiceError):
    """The store's key was rotated after this process opened it: writing now would use the old key."""

    def __init__(self) -> None:
        super().__init__("The store's key was changed ('jobcenter key rotate') after this program started, so "
                         "nothing was saved. Close it and start it again.")
