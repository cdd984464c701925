"""Job search ranking, candidates, leads, referrals (rules and refusals), introductions, the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from jobcenter_tui.db.geo import zip_point
from jobcenter_tui.db.models import AuditEntry, Employer, EmployerContact, JobPosting, Resume, ServiceRecord
from jobcenter_tui.domain.jobs import BROAD, EXACT, KEYWORD, MINOR, haversine_miles, hourly, soc_tier
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.errors import InvalidInput, ServiceError
from jobcenter_tui.services.job_search import JobCriteria

WELDER = {"id": "11111111-1111-4111-8111-111111111111", "first_name": "Wes", "last_name": "Welder",
          "date_of_birth": "1985-02-03", "sex": "male", "authorized_to_work": True,
          "selective_service": {"status": "registered"},
          "address": {"line1": "1 Main St", "city": "Topeka", "state": "KS", "zip": "66603"},
          "preferences": {"desired_occupations": [{"soc_code": "51-4121", "title": "Welders"}], "job_types": ["full_time"]}}
NOT_AUTHORIZED = {**WELDER, "id": "22222222-2222-4222-8222-222222222222", "first_name": "Nora", "last_name": "Noauth",
                  "sex": "female", "authorized_to_work": False}
LAWRENCE_WELDER = {**WELDER, "id": "33333333-3333-4333-8333-333333333333", "first_name": "Lee", "last_name": "Lawrence",
                   "address": {"line1": "2 Mass St", "city": "Lawrence", "state": "KS", "zip": "66044"}}
WICHITA_WELDER = {**WELDER, "id": "44444444-4444-4444-8444-444444444444", "first_name": "Wil", "last_name": "Wichita",
                  "address": {"line1": "3 Douglas Ave", "city": "Wichita", "state": "KS", "zip": "67202"}}

# (key, title, SOC, ZIP, wage low, wage high, unit, days ago, visibility, description)
POSTINGS = [
    ("exact_far", "Welder", "51-4121", "66044", 20, 26, "hour", 1, "public", "MIG welding"),
    ("exact_near", "Welder", "51-4121", "66603", 20, 26, "hour", 9, "public", "MIG welding"),
    ("exact_near_new", "Welder II", "51-4121", "66604", 20, 26, "hour", 0, "public", "TIG welding"),
    ("broad", "Welding Machine Operator", "51-4122", "66603", 18, 22, "hour", 0, "public", "machine welding"),
    ("minor", "Tool and Die Maker", "51-4111", "66603", 25, 30, "hour", 0, "public", "dies and tools"),
    ("other_group", "Machinist", "51-4041", "66603", 25, 30, "hour", 0, "public", "lathe work, some welding"),
    ("keyword_only", "Fabrication Helper", "47-3019", "66603", 15, 17, "hour", 4, "public", "helps the welding crew"),
    ("yearly", "Welding Supervisor", "51-1011", "66603", 52000, 62400, "year", 5, "public", "leads welding crew"),
    ("wichita", "Welder", "51-4121", "67202", 20, 26, "hour", 2, "public", "MIG welding"),
    ("staff_only", "Pipe Welder", "51-4121", "66603", 30, 34, "hour", 3, "staff_referral_only", "pipe welding"),
    ("closed", "Welder", "51-4121", "66603", 20, 26, "hour", 0, "public", "MIG welding"),
]


@pytest.fixture
def jobs(services, admin):  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    services.seekers.import_records(system_actor(), [json.dumps(r) for r in (WELDER, NOT_AUTHORIZED, LAWRENCE_WELDER,
                                                                             WICHITA_WELDER)])
    ids: dict[str, str] = {}
    today = services.today()
    with services.db.session(write=True) as session:
        emp = Employer(name="Prairie Steel", fein="481234567")
        session.add(emp)
        session.flush()
        session.add(EmployerContact(employer_id=emp.id, name="Hana Hiring", title="HR"))
        for key, title, soc, zip_code, low, high, unit, ago, visibility, words in POSTINGS:
            lat, lon = zip_point(zip_code) or (None, None)
            p = JobPosting(employer_id=emp.id, title=title, soc_code=soc, description=words, city="X", state="KS",
                           zip=zip_code, wage_min=Decimal(low), wage_max=Decimal(high), wage_unit=unit, job_type="full_time",
                           posted_date=today - timedelta(days=ago), status="filled" if key == "closed" else "active",
                           visibility=visibility, latitude=lat, longitude=lon)
            session.add(p)
            session.flush()
            ids[key] = p.id
        ids["employer"] = emp.id
    return services, services.staff.actor_for("cm"), ids


def _keys(page, ids) -> list[str]:  # type: ignore[no-untyped-def]
    back = {v: k for k, v in ids.items()}
    return [back[r.id] for r in page.rows]


@pytest.mark.parametrize(("criteria", "expected"), [
    # exact, then broad, then minor; each by distance (0 miles: both in 66603) then newest; no other minor group or closed one
    (JobCriteria(soc_codes=("51-4121",), zip="66603", miles=25),
     ["staff_only", "exact_near", "exact_near_new", "broad", "minor"]),
    # a wider radius reaches Lawrence (about 22 miles) but not Wichita
    (JobCriteria(soc_codes=("51-4121",), zip="66603", miles=40),
     ["staff_only", "exact_near", "exact_near_new", "exact_far", "broad", "minor"]),
    # no place: exact by newest, then broad, minor
    (JobCriteria(soc_codes=("51-4121",)),
     ["exact_near_new", "exact_far", "wichita", "staff_only", "exact_near", "broad", "minor"]),
    # words narrow; the occupation ranks what they found; words only last
    (JobCriteria(soc_codes=("51-4121",), words="weld", zip="66603", miles=10),
     ["staff_only", "exact_near", "exact_near_new", "broad", "other_group", "keyword_only", "yearly"]),
    # minimum wage per hour: 24 keeps 26, 30 and 34 an hour and 62,400 a year (30 an hour)
    (JobCriteria(soc_codes=("51-4121",), words="weld", zip="66603", miles=10, min_wage=Decimal(27)),
     ["staff_only", "other_group", "yearly"]),
    # a yearly minimum is per 2080 hours: 56,160 a year = 27 an hour
    (JobCriteria(words="weld", zip="66603", miles=10, min_wage=Decimal(56160), wage_unit="year"),
     ["other_group", "staff_only", "yearly"]),
])
def test_ranking(jobs, criteria, expected) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    page = services.jobs.search(cm, criteria)
    got = _keys(page, ids)
    if criteria.soc_codes:
        assert got == expected, got
    else:  # words only: every row is tier "words"; order is distance then newest
        assert set(got) == set(expected)


def test_match_labels_and_distance(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    rows = {r.id: r for r in services.jobs.search(cm, JobCriteria(soc_codes=("51-4121",), zip="66603", miles=40)).rows}
    assert rows[ids["exact_near"]].match == "same occupation" and rows[ids["exact_near"]].miles == 0.0
    assert rows[ids["broad"]].match == "same broad group"
    assert rows[ids["minor"]].match == "same minor group"
    assert 15 < (rows[ids["exact_far"]].miles or 0) <= 40


def test_staff_referral_only_postings_are_for_staff(jobs) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.domain.permissions import Actor

    services, cm, ids = jobs
    seeker_side = Actor(username="self", display_name="A job seeker", kind="self_service")
    found = [r.id for r in services.jobs.search(seeker_side, JobCriteria(soc_codes=("51-4121",))).rows]
    assert ids["staff_only"] not in found and ids["exact_near"] in found
    assert ids["staff_only"] in [r.id for r in services.jobs.search(cm, JobCriteria(soc_codes=("51-4121",))).rows]


def test_search_prefilled_from_the_record_and_bad_input(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, _ = jobs
    criteria = services.jobs.criteria_for(cm, WELDER["id"])
    assert criteria.soc_codes == ("51-4121",) and criteria.zip == "66603" and criteria.miles == 25
    assert criteria.job_type == "full_time"
    with pytest.raises(InvalidInput) as exc:
        services.jobs.search(cm, JobCriteria(soc_codes=("514121",), zip="00000", miles=0))
    assert set(exc.value.errors) == {"soc", "zip", "miles"}


def test_paging_caps_at_50(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, _ = jobs
    page = services.jobs.search(cm, JobCriteria(), page_size=3)
    assert len(page.rows) == 3 and page.has_more
    assert len(services.jobs.search(cm, JobCriteria(), page_size=500).rows) == 10  # every active posting, ≤ 50


def test_domain_rules() -> None:
    assert [soc_tier("51-4121", ["51-4121"]), soc_tier("51-4122", ["51-4121"]), soc_tier("51-4111", ["51-4121"]),
            soc_tier("51-4041", ["51-4121"])] == [EXACT, BROAD, MINOR, None]
    assert soc_tier("51-4111", ["29-1141", "51-4121"]) == MINOR and KEYWORD > MINOR
    assert hourly(Decimal(41600), "year") == Decimal("20.00") and hourly(Decimal(800), "week") == Decimal("20.00")
    assert 21 < haversine_miles(*zip_point("66603"), *zip_point("66044")) < 26  # type: ignore[misc]


def test_candidates_rank_and_refuse_the_unauthorized(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    near = services.jobs.candidates(cm, ids["exact_near"], miles=40)
    assert [c.seeker_id for c in near.rows] == [WELDER["id"], LAWRENCE_WELDER["id"]]  # not Nora (not authorized), not Wichita
    assert near.rows[0].match == "same occupation"
    broad = services.jobs.candidates(cm, ids["broad"], miles=None)
    assert {c.seeker_id for c in broad.rows} == {WELDER["id"], LAWRENCE_WELDER["id"], WICHITA_WELDER["id"]}
    assert all(c.match == "same broad group" for c in broad.rows)
    assert services.jobs.candidates(cm, ids["other_group"], miles=None).rows == ()


def test_candidates_from_a_published_resume(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    assert services.jobs.candidates(cm, ids["keyword_only"], miles=None).rows == ()
    with services.db.session(write=True) as session:
        session.add(Resume(seeker_id=WICHITA_WELDER["id"], title="Helper", published=True,
                           work_history=[{"employer": "Acme", "soc_code": "47-3019"}]))
    found = services.jobs.candidates(cm, ids["keyword_only"], miles=None).rows
    assert [c.seeker_id for c in found] == [WICHITA_WELDER["id"]] and found[0].from_resume


def test_a_resume_built_in_the_console_makes_a_candidate(jobs) -> None:  # type: ignore[no-untyped-def]
    """The resume builder names a work-history occupation ``soc``: published, it still reaches candidates."""
    services, cm, ids = jobs
    assert services.jobs.candidates(cm, ids["keyword_only"], miles=None).rows == ()
    made = services.resumes.create(cm, WICHITA_WELDER["id"], title="Helper", sections={
        "work_history": [{"employer": "Acme", "title": "Helper", "soc": "47-3019", "start": "2020", "end": "2024"}]})
    services.resumes.publish(cm, made.id, expected_version=made.version)
    found = services.jobs.candidates(cm, ids["keyword_only"], miles=None).rows
    assert [c.seeker_id for c in found] == [WICHITA_WELDER["id"]] and found[0].from_resume


def _codes(services, seeker_id):  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        return sorted(r.code for r in session.exec(select(ServiceRecord).where(ServiceRecord.seeker_id == seeker_id)).all())


def test_refer_records_b04_and_refuses_a_second_open_referral(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    ref = services.referrals.refer(cm, WELDER["id"], ids["exact_near"])
    assert ref.status == "referred" and _codes(services, WELDER["id"]) == ["B04"]
    with pytest.raises(ServiceError, match="already has an open referral"):
        services.referrals.refer(cm, WELDER["id"], ids["exact_near"])
    services.referrals.record_outcome(cm, ref.id, "no_show")
    again = services.referrals.refer(cm, WELDER["id"], ids["exact_near"])  # the first one is closed now
    assert again.id != ref.id
    with services.db.session() as session:  # each referral and outcome is in the record's History
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.entity_id == WELDER["id"])).all()]
    assert actions.count("job.referral") == 2 and actions.count("job.referral_outcome") == 1


def test_refer_refusals(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    with pytest.raises(ServiceError, match="not recorded as authorized to work"):
        services.referrals.refer(cm, NOT_AUTHORIZED["id"], ids["exact_near"])
    with pytest.raises(ServiceError, match="not active"):
        services.referrals.refer(cm, WELDER["id"], ids["closed"])
    assert _codes(services, NOT_AUTHORIZED["id"]) == [] and _codes(services, WELDER["id"]) == []


def test_resume_required_refuses_leads_and_referrals_without_a_published_resume(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    services.resumes.set_required(system_actor(), True)  # the state switch, as `jobcenter config set` sets it
    for act in (lambda: services.referrals.refer(cm, WELDER["id"], ids["exact_near"]),
                lambda: services.referrals.send_lead(cm, WELDER["id"], ids["exact_near"], channel="email")):
        with pytest.raises(ServiceError, match="no published resume"):
            act()
    assert _codes(services, WELDER["id"]) == []
    with services.db.session(write=True) as session:
        session.add(Resume(seeker_id=WELDER["id"], title="Welder", published=True))
    services.referrals.refer(cm, WELDER["id"], ids["exact_near"])
    assert _codes(services, WELDER["id"]) == ["B04"]


def test_hired_needs_date_and_wage_and_outcomes_are_final(jobs, clock) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    ref = services.referrals.refer(cm, WELDER["id"], ids["exact_near"])
    with pytest.raises(InvalidInput) as exc:
        services.referrals.record_outcome(cm, ref.id, "hired")
    assert set(exc.value.errors) == {"hire_date", "hire_wage"}
    with pytest.raises(InvalidInput):
        services.referrals.record_outcome(cm, ref.id, "hired", hire_date=services.today() + timedelta(days=1),
                                          hire_wage=Decimal(22))
    hired = services.referrals.record_outcome(cm, ref.id, "hired", hire_date=services.today(), hire_wage=Decimal("22.50"))
    assert hired.status == "hired" and hired.hire_wage == Decimal("22.50") and hired.hire_date == services.today()
    with pytest.raises(InvalidInput, match="already has its outcome"):
        services.referrals.record_outcome(cm, ref.id, "declined")
    detail = services.jobs.posting(cm, ids["exact_near"])
    assert [(r.seeker_id, r.status) for r in detail.referrals] == [(WELDER["id"], "hired")]


def test_lead_and_introduction_record_b03_and_b05(jobs) -> None:  # type: ignore[no-untyped-def]
    services, cm, ids = jobs
    with pytest.raises(InvalidInput):
        services.referrals.send_lead(cm, WELDER["id"], ids["exact_near"], channel="pigeon")
    with pytest.raises(ServiceError, match="staff referral only"):
        services.referrals.send_lead(cm, WELDER["id"], ids["staff_only"], channel="email")
    lead = services.referrals.send_lead(cm, WELDER["id"], ids["exact_near"], channel="phone")
    contact = services.jobs.posting(cm, ids["exact_near"]).contacts[0]
    intro = services.referrals.introduce(cm, WELDER["id"], ids["employer"], day=services.today() - timedelta(days=1),
                                         contact_id=contact.id, outcome="Interview Tuesday")
    assert intro.contact == "Hana Hiring" and _codes(services, WELDER["id"]) == ["B03", "B05"]
    activity = services.referrals.activity(cm, WELDER["id"])
    assert [x.id for x in activity.leads] == [lead.id] and activity.leads[0].channel == "phone"
    assert [x.outcome for x in activity.introductions] == ["Interview Tuesday"]
    with pytest.raises(InvalidInput):
        services.referrals.introduce(cm, WELDER["id"], ids["employer"], day=date(2100, 1, 1))


def test_front_desk_may_search_but_not_refer(jobs, admin) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.domain.permissions import PermissionDenied

    services, _, ids = jobs
    services.staff.add(admin, "fdesk", "Pat Front", "tall maple river lantern", ["front_desk"], office="TOP")
    fd = services.staff.actor_for("fdesk")
    assert services.jobs.search(fd, JobCriteria(soc_codes=("51-4121",))).rows
    # front desk holds seeker.edit: the rule is the privilege, so a role without it is refused
    viewer = type(fd)(username="viewer", display_name="Viewer", privileges=frozenset({"seeker.view"}))
    with pytest.raises(PermissionDenied):
        services.referrals.refer(viewer, WELDER["id"], ids["exact_near"])


def test_cli_search_and_candidates(jobs) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.cli import app

    services, _, ids = jobs
    services.close()
    runner = CliRunner()
    result = runner.invoke(app, ["jobs", "search", "--soc", "51-4121", "--zip", "66603", "--miles", "25", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["postings"]
    assert [p["id"] for p in found][:2] == [ids["staff_only"], ids["exact_near"]]
    assert found[0]["match"] == "same occupation" and found[0]["miles"] == 0.0
    text = runner.invoke(app, ["jobs", "search", "--words", "weld", "--min-wage", "56160", "--per", "year"])
    assert text.exit_code == 0 and "Welding Supervisor" in text.output and "Fabrication Helper" not in text.output
    bad = runner.invoke(app, ["jobs", "search", "--zip", "123"])
    assert bad.exit_code == 2 and "zip" in bad.output
    cands = runner.invoke(app, ["jobs", "candidates", ids["exact_near"], "--miles", "40", "--json"])
    assert cands.exit_code == 0
    assert [c["seeker_id"] for c in json.loads(cands.output)["candidates"]] == [WELDER["id"], LAWRENCE_WELDER["id"]]
