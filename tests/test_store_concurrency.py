"""Many sessions on one store: nothing lost when two people touch the same record."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import select

from jobcenter_tui.db.models import JobSeeker
from jobcenter_tui.services import system_actor


@pytest.fixture
def seeker_id(services) -> str:  # type: ignore[no-untyped-def]
    services.seekers.import_records(system_actor(), ['{"first_name":"Dana","last_name":"Reyes","date_of_birth":"1979-04-02"}'])
    with services.db.session() as s:
        return s.exec(select(JobSeeker.id)).one()


def test_a_stale_save_raises_instead_of_overwriting(services, seeker_id) -> None:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        mine = s.exec(select(JobSeeker).where(JobSeeker.id == seeker_id)).one()
    # someone else saves first
    with services.db.session(write=True) as s:
        theirs = s.exec(select(JobSeeker).where(JobSeeker.id == seeker_id)).one()
        theirs.preferred_language = "es"
    # my save, based on the old version, is refused
    with pytest.raises(StaleDataError):
        with services.db.session(write=True) as s:
            mine = s.merge(mine, load=False)
            mine.preferred_language = "vi"
    with services.db.session() as s:
        row = s.exec(select(JobSeeker).where(JobSeeker.id == seeker_id)).one()
    assert row.preferred_language == "es" and row.version == 2


def test_concurrent_read_modify_write_keeps_every_update(services, seeker_id) -> None:  # type: ignore[no-untyped-def]
    """BEGIN IMMEDIATE serialises writers: 8 threads x 5 increments = 40, none lost."""

    def work() -> None:
        for _ in range(5):
            with services.db.session(write=True) as s:
                n = s.execute(text("SELECT employment_weeks_unemployed FROM job_seeker WHERE id = :i"), {"i": seeker_id}).scalar() or 0
                s.execute(text("UPDATE job_seeker SET employment_weeks_unemployed = :n WHERE id = :i"), {"n": n + 1, "i": seeker_id})

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with services.db.session() as s:
        assert s.execute(text("SELECT employment_weeks_unemployed FROM job_seeker")).scalar() == 40


def test_a_failed_unit_of_work_leaves_nothing(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError):
        with services.db.session(write=True) as s:
            s.execute(text("INSERT INTO app_meta(key, value) VALUES ('x', 'y')"))
            raise RuntimeError("boom")
    with services.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM app_meta WHERE key = 'x'")).scalar() == 0
