import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from jobcenter_tui.domain.ssn import Ssn, SsnError, mask_last4, normalize_ssn, redact_ssns
from jobcenter_tui.services import open_services, system_actor
from jobcenter_tui.services.crypto import KeyFileError, Keyring, create_key_file


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("219-09-9999", True), ("219099999", True), ("078-05-1120", True),
        ("000-12-3456", False), ("666-12-3456", False), ("900-12-3456", False), ("999-12-3456", False),
        ("123-00-4567", False), ("123-45-0000", False), ("12-345-6789", False), ("123 45 6789", False),
        ("12345678", False), ("1234567890", False), ("abc-de-fghi", False),
    ],
)
def test_ssn_validation(text: str, ok: bool) -> None:
    if ok:
        assert len(normalize_ssn(text)) == 9
    else:
        with pytest.raises(SsnError):
            normalize_ssn(text)


def test_ssn_value_never_shows_digits_by_accident() -> None:
    ssn = Ssn("219-09-9999")
    assert str(ssn) == "***-**-9999"
    assert repr(ssn) == "Ssn('***-**-9999')"
    assert f"{ssn}" == "***-**-9999"
    assert "219" not in repr({"ssn": ssn})
    assert ssn.reveal() == "219-09-9999"
    assert mask_last4(None) == "—"


def test_redact_ssns_in_free_text() -> None:
    assert redact_ssns("seeker 219-09-9999 and 219099999") == "seeker ***-**-**** and ***-**-****"
    assert redact_ssns("phone 785-555-0143") == "phone 785-555-0143"


def test_round_trip_and_blind_index(tmp_path: Path) -> None:
    key = tmp_path / "k"
    create_key_file(key)
    ring = Keyring.load(key)
    a, b = Ssn("219-09-9999"), Ssn("219099999")
    blob1, blob2 = ring.encrypt(a), ring.encrypt(b)
    assert blob1 != blob2  # random nonce
    assert b"219099999" not in blob1
    assert ring.decrypt(blob1) == a
    assert ring.blind_index(a) == ring.blind_index(b)
    assert ring.blind_index(a) != ring.blind_index(Ssn("219-09-9998"))
    assert ring.last4_index("9999") == ring.last4_index(a.last4)
    other = tmp_path / "k2"
    create_key_file(other)
    assert Keyring.load(other).blind_index(a) != ring.blind_index(a)
    with pytest.raises(InvalidTag):
        Keyring.load(other).decrypt(blob1)


def test_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    key = tmp_path / "sub" / "k"
    create_key_file(key)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    before = key.read_bytes()
    with pytest.raises(FileExistsError):
        create_key_file(key)
    assert key.read_bytes() == before
    key.chmod(0o644)
    with pytest.raises(KeyFileError, match="readable by other users"):
        Keyring.load(key)
    key.chmod(0o600)
    key.write_text("garbage")
    with pytest.raises(KeyFileError, match="not a jobcenter key"):
        Keyring.load(key)


def test_store_keeps_no_ssn_digits_and_refuses_to_lose_its_key(services, home: Path) -> None:  # type: ignore[no-untyped-def]
    line = '{"first_name":"Dana","last_name":"Reyes","date_of_birth":"1979-04-02","ssn":"219-09-9999"}'
    services.seekers.import_records(system_actor(), [line])
    services.close()
    raw = (home / "jobcenter.db").read_bytes()
    wal = home / "jobcenter.db-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"219099999" not in raw and b"219-09-9999" not in raw
    (home / "jobcenter.key").unlink()
    with pytest.raises(KeyFileError, match="missing"):
        open_services()


def test_key_id_names_the_key_without_revealing_it() -> None:
    import os as _os

    from jobcenter_tui.services.crypto import Keyring as _Keyring

    master = _os.urandom(32)
    same, other = _Keyring(master), _Keyring(_os.urandom(32))
    assert _Keyring(master).key_id == same.key_id
    assert other.key_id != same.key_id
    assert len(same.key_id) == 32 and master.hex()[:32] != same.key_id
