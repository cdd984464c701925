"""Search, registration, duplicates and demographics through the services."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from jobcenter_tui.domain.permissions import PermissionDenied
from jobcenter_tui.services import kiosk_actor, system_actor
from jobcenter_tui.services.errors import InvalidInput, ServiceError, StaleRecord
from jobcenter_tui.services.registration import DuplicatesFound

DANA = {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1979-04-02", "ssn": "219-09-9999",
        "phone": "785-555-0143", "email": "dana.reyes@example.org", "sex": "female",
        "address": {"city": "Topeka", "state": "KS", "zip": "66603"}}
LUIS = {"first_name": "Luis", "last_name": "Núñez", "date_of_birth": "1988-10-12", "phone": "316-555-0101"}


@pytest.fixture
def staff(services, admin):  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.staff.add(admin, "fd", "Pat Front", "tall maple river lantern", ["front_desk"], office="TOP")
    return services.staff.actor_for("cm"), services.staff.actor_for("fd")


@pytest.fixture
def people(services, staff):  # type: ignore[no-untyped-def]
    cm, _ = staff
    dana = services.registration.register(cm, DANA)
    luis = services.registration.register(cm, LUIS)
    return dana.id, luis.id


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("reyes", ["Dana"]), ("REY", ["Dana"]), ("dan rey", ["Dana"]), ("rey dan", ["Dana"]), ("nunez", ["Luis"]),
        ("Núñez", ["Luis"]), ("219-09-9999", ["Dana"]), ("219099999", ["Dana"]), ("9999", ["Dana"]),
        ("1979-04-02", ["Dana"]), ("04/02/1979", ["Dana"]), ("(785) 555-0143", ["Dana"]), ("7855550143", ["Dana"]),
        ("DANA.REYES@example.org", ["Dana"]), ("9999 1979-04-02", ["Dana"]), ("reyes 04/02/1979", ["Dana"]),
        ("smith", []), ("9998", []), ("1979-04-03", []),
    ],
)
def test_search_understands_what_is_typed(services, staff, people, typed: str, who: list[str]) -> None:  # type: ignore[no-untyped-def]
    _, fd = staff
    page = services.search.search(fd, typed)
    assert [r.name.split(", ")[1] for r in page.rows] == who, page.message
    if who:
        assert page.rows[0].ssn_masked in ("***-**-9999", "—") and "219" not in page.rows[0].ssn_masked
    else:
        assert "No job seeker matches" in page.message


def test_search_by_record_id_and_empty_state(services, staff, people) -> None:  # type: ignore[no-untyped-def]
    _, fd = staff
    assert [r.id for r in services.search.search(fd, people[1]).rows] == [people[1]]
    assert "Type a name" in services.search.search(fd, "  ").message
    assert "not a date" in services.search.search(fd, "13/45/2000").message


def test_search_by_ssn_is_audited_without_the_digits(services, staff, people) -> None:  # type: ignore[no-untyped-def]
    _, fd = staff
    services.search.search(fd, "219-09-9999")
    services.search.search(fd, "reyes")
    with services.db.session() as s:
        rows = s.execute(text("SELECT action, changes FROM audit_log WHERE action = 'seeker.search_ssn'")).all()
    assert len(rows) == 1 and "9999" not in rows[0][1] and "219" not in rows[0][1]


def test_search_pages(services, staff) -> None:  # type: ignore[no-untyped-def]
    cm, fd = staff
    lines = [json.dumps({"first_name": f"Ann{i}", "last_name": "Smith", "date_of_birth": f"19{50 + i % 40}-01-01"}) for i in range(120)]
    services.seekers.import_records(system_actor(), lines)
    first = services.search.search(fd, "smith", page_size=50)
    second = services.search.search(fd, "smith", page=1, page_size=50)
    third = services.search.search(fd, "smith", page=2, page_size=50)
    assert (len(first.rows), first.has_more, len(second.rows), second.has_more, len(third.rows), third.has_more) == (50, True, 50, True, 20, False)
    assert not {r.id for r in first.rows} & {r.id for r in second.rows}


def test_same_ssn_is_always_refused(services, staff, people) -> None:  # type: ignore[no-untyped-def]
    cm, _ = staff
    twin = {**DANA, "first_name": "Other", "date_of_birth": "1990-01-01", "phone": None, "email": None}
    with pytest.raises(DuplicatesFound) as exc:
        services.registration.register(cm, {k: v for k, v in twin.items() if v is not None}, distinct_from=(people[0],))
    assert exc.value.candidates[0].reasons == ("same SSN",)


def test_same_dob_similar_name_asks_then_records_the_decision(services, staff, people) -> None:  # type: ignore[no-untyped-def]
    cm, _ = staff
    again = {"first_name": "Dana", "last_name": "Reyez", "date_of_birth": "1979-04-02"}
    with pytest.raises(DuplicatesFound) as exc:
        services.registration.register(cm, again)
    assert [c.id for c in exc.value.candidates] == [people[0]]
    assert exc.value.candidates[0].ssn_masked == "***-**-9999"
    created = services.registration.register(cm, again, distinct_from=(people[0],))
    with services.db.session() as s:
        decision = s.execute(text("SELECT status, created_by FROM possible_duplicate WHERE seeker_id = :i"), {"i": created.id}).one()
    assert tuple(decision) == ("distinct", "cm")


def test_twins_with_different_first_names_and_ssns_are_not_duplicates(services, staff) -> None:  # type: ignore[no-untyped-def]
    cm, _ = staff
    services.registration.register(cm, {"first_name": "Ana", "last_name": "Reyes", "date_of_birth": "2001-03-03", "ssn": "219-09-1111",
                                        "phone": "785-555-0199"})
    assert services.registration.find_duplicates(cm, {"first_name": "Maria", "last_name": "Reyes", "date_of_birth": "2001-03-03",
                                                      "ssn": "219-09-2222", "phone": "785-555-0199"}) == []
    services.registration.register(cm, {"first_name": "Maria", "last_name": "Reyes", "date_of_birth": "2001-03-03",
                                        "ssn": "219-09-2222", "phone": "785-555-0199"})


def test_kiosk_registration_never_shows_or_blocks_but_leaves_it_for_staff(services, staff, people) -> None:  # type: ignore[no-untyped-def]
    kiosk = kiosk_actor()
    made = services.registration.register(kiosk, {**DANA, "account_type": "staff_assisted"})
    assert made.account_type == "self_service" and made.possible_duplicates == 1
    with services.db.session() as s:
        row = s.execute(text("SELECT ssn_index, office FROM job_seeker WHERE id = :i"), {"i": made.id}).one()
        open_ = s.execute(text("SELECT count(*) FROM possible_duplicate WHERE status = 'open'")).scalar()
    assert row[0] is None and open_ == 1  # the SSN stays with the existing record
    with pytest.raises(PermissionDenied):
        services.search.search(kiosk, "reyes")


def test_registration_validates_and_names_fields(services, staff) -> None:  # type: ignore[no-untyped-def]
    cm, _ = staff
    with pytest.raises(InvalidInput) as exc:
        services.registration.register(cm, {"first_name": "A", "last_name": "B", "date_of_birth": "2999-01-01",
                                            "case_manager": "ghost"})
    assert "date_of_birth" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        services.registration.register(cm, {"first_name": "A", "last_name": "B", "date_of_birth": "1999-01-01",
                                            "case_manager": "ghost"})
    assert "case_manager" in exc.value.errors
    made = services.registration.register(cm, {"first_name": "A", "last_name": "B", "date_of_birth": "1999-01-01"})
    detail = services.seekers.get(cm, made.id)
    assert detail.record["office"] == "TOP" and detail.account_type == "staff_assisted"
    assert services.eligibility.latest(cm, made.id) is not None


def test_update_audits_old_and_new_reruns_eligibility_and_refuses_stale(services, staff, people, clock) -> None:  # type: ignore[no-untyped-def]
    cm, fd = staff
    dana = services.seekers.get(cm, people[0])
    assert dana.ssn_masked == "***-**-9999" and "219" not in json.dumps(dana.record)
    before = services.eligibility.latest(cm, people[0])
    clock.advance(minutes=5)
    updated = services.seekers.update(fd, people[0], {"phone": "785-555-0100", "income.annual_family_income": 20000,
                                                      "income.family_size": 3}, expected_version=dana.version)
    assert updated.record["phone"] == "785-555-0100" and updated.version == dana.version + 1
    after = services.eligibility.latest(cm, people[0])
    assert after is not None and before is not None and after.id != before.id and after.result["low_income"] is True
    history = services.seekers.history(cm, people[0])
    change = next(h for h in history if h.action == "seeker.update")
    assert change.changes["fields"]["phone"] == {"old": "785-555-0143", "new": "785-555-0100"}
    assert change.changes["fields"]["income.annual_family_income"] == {"old": None, "new": "[redacted]"}
    with pytest.raises(StaleRecord):
        services.seekers.update(cm, people[0], {"phone": "785-555-0111"}, expected_version=dana.version)
    with pytest.raises(InvalidInput) as exc:
        services.seekers.update(cm, people[0], {"address.zip": "123"}, expected_version=updated.version)
    assert "address.zip" in exc.value.errors
    assert services.seekers.get(cm, people[0]).record["address"]["zip"] == "66603"  # nothing half-written


def test_upgrade_to_staff_assisted_is_one_way_and_audited(services, staff) -> None:  # type: ignore[no-untyped-def]
    cm, _ = staff
    made = services.registration.register(kiosk_actor(), {"first_name": "Kim", "last_name": "Lee", "date_of_birth": "2000-02-02"})
    detail = services.seekers.get(cm, made.id)
    assert detail.account_type == "self_service"
    upgraded = services.seekers.upgrade_to_staff_assisted(cm, made.id, expected_version=detail.version, reason="came to the desk")
    assert upgraded.account_type == "staff_assisted"
    with pytest.raises(ServiceError):
        services.seekers.upgrade_to_staff_assisted(cm, made.id, expected_version=upgraded.version)
    with pytest.raises(InvalidInput):
        services.seekers.update(cm, made.id, {"account_type": "self_service"}, expected_version=upgraded.version)
    assert any(h.action == "seeker.upgrade" for h in services.seekers.history(cm, made.id))


def test_reveal_ssn_needs_privilege_and_reason(services, staff, people) -> None:  # type: ignore[no-untyped-def]
    cm, fd = staff
    with pytest.raises(PermissionDenied):
        services.seekers.reveal_ssn(fd, people[0], "verifying identity")
    with pytest.raises(InvalidInput):
        services.seekers.reveal_ssn(cm, people[0], "")
    assert services.seekers.reveal_ssn(cm, people[0], "UI claim verification") == "219-09-9999"
    with services.db.session() as s:
        reason = s.execute(text("SELECT reason FROM audit_log WHERE action = 'seeker.reveal_ssn'")).scalar()
    assert reason == "UI claim verification"
