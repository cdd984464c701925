"""The engine's remembered answers never change an answer.

``evaluate`` works out each program's answer once per configuration and date and shares it with
every later record that gives the same answers to what that program reads. These tests evaluate
seeded records — and each record again with one answer changed, so that remembered and fresh
answers meet on records that differ in exactly one field — with one configuration kept for the
whole run and with a fresh configuration (nothing remembered) for every call, and demand the same.
"""

from __future__ import annotations

import copy
import json
import random
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

import pytest

from jobcenter_tui.domain.eligibility import build_config, evaluate, low_income, parse_llsil_csv, rules
from jobcenter_tui.domain.record import parse_record
from tests.eligibility_records import AS_OFS, LLSIL_CSV, random_record

DATA = json.loads(files("jobcenter_tui.data").joinpath("eligibility.json").read_text())
LLSIL = parse_llsil_csv(LLSIL_CSV)
VARIANTS: list[tuple[dict[str, Any], dict[str, Any], bool]] = [  # (data, switches, with LLSIL)
    (DATA, {}, True),
    (DATA, {"work_authorization_required": {"TAA": False, "WIOA_YOUTH": False}, "dw_min_age": 21, "wp_min_age": 16,
            "isy_disability_max_age": 24}, False),
    ({"poverty_tables": []}, {"work_authorization_required": False}, True),
]


def _paths(records: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Every answer (top-level, or a field of a part) the generator writes."""
    found: set[tuple[str, ...]] = set()
    for rec in records:
        for key, value in rec.items():
            found.add((key,))
            if isinstance(value, dict):
                found.update((key, field) for field in value)
    return sorted(found - {("first_name",), ("last_name",)})


PATHS = _paths([random_record(random.Random(n), AS_OFS[0]) for n in range(300)])


def _one_changed(rng: random.Random, base: dict[str, Any], as_of: date, path: tuple[str, ...]) -> dict[str, Any]:
    """``base`` with the answer at ``path`` taken from another random record (removed if it has none there)."""
    source: dict[str, Any] = random_record(rng, as_of)
    out = copy.deepcopy(base)
    target = out
    for part in path[:-1]:
        source = source.get(part) or {}
        target = target.setdefault(part, {})
    if path[-1] in source:
        target[path[-1]] = copy.deepcopy(source[path[-1]])
    else:
        target.pop(path[-1], None)
    return out


def _records(seed: int, as_of: date, count: int) -> list[dict[str, Any]]:
    """``count`` records, each followed by its neighbours: one per answer, that answer changed."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        base = random_record(rng, as_of)
        out += [base, *(_one_changed(rng, base, as_of, path) for path in PATHS)]
    return out


@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_remembered_answers_equal_fresh_ones(variant: int) -> None:
    data, switches, with_llsil = VARIANTS[variant]
    llsil = LLSIL if with_llsil else None
    kept = build_config(data, switches=switches, llsil=llsil)
    compared = 0
    for n, as_of in enumerate(AS_OFS):
        for raw in _records(100 * variant + n, as_of, 20):
            rec = parse_record(raw, None)
            fresh = build_config(data, switches=switches, llsil=llsil)
            assert evaluate(rec, as_of, kept) == evaluate(rec, as_of, fresh), raw
            assert low_income(rec, as_of, kept) == low_income(rec, as_of, build_config(data, switches=switches, llsil=llsil))
            compared += 1
    assert compared == len(AS_OFS) * 20 * (1 + len(PATHS)) and len(PATHS) > 50
    assert len(kept.plans) == len(AS_OFS)  # one plan per date, reused by every record of that date


def test_answers_are_shared_between_records() -> None:
    """The point of the plan: a later record with the same answers gets the very same objects."""
    cfg = build_config(DATA)
    rng = random.Random(7)
    first = parse_record(random_record(rng, AS_OFS[0]), None)
    again = parse_record(first.model_dump(mode="json", exclude_none=True) | {"first_name": "Bo"}, None)
    one, two = evaluate(first, AS_OFS[0], cfg), evaluate(again, AS_OFS[0], cfg)
    assert one == two
    assert all(a is b for a, b in zip(one.programs, two.programs, strict=True) if a.program in ("WP", "WIOA_DW"))


def test_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each table of remembered answers is emptied when full, and a configuration keeps a few dates."""
    monkeypatch.setattr(rules, "_MEMO_LIMIT", 8)
    kept, as_of = build_config(DATA, llsil=LLSIL), AS_OFS[0]
    for raw in _records(99, as_of, 10):
        rec = parse_record(raw, None)
        assert evaluate(rec, as_of, kept) == evaluate(rec, as_of, build_config(DATA, llsil=LLSIL))
    plan = kept.plans[as_of]
    sizes = [len(getattr(plan, name)) for name in ("limits", "low", "adult", "dw", "youth", "wp", "jvsg", "taa")]
    assert max(sizes) <= 8 and sum(sizes) > 8
    rec = parse_record(_records(5, as_of, 1)[0], None)
    for day in range(40):
        evaluate(rec, as_of + timedelta(days=day), kept)
    assert 1 <= len(kept.plans) <= rules._PLANS_KEPT


def test_remembering_leaves_the_configuration_as_it_was() -> None:
    used, unused = build_config(DATA), build_config(DATA)
    evaluate(parse_record(_records(3, AS_OFS[0], 1)[0], None), AS_OFS[0], used)
    assert used.plans and not unused.plans
    assert used == unused and repr(used) == repr(unused) and used.version == unused.version


def _quiet(as_of: date, age: int, **parts: dict[str, Any]) -> dict[str, Any]:
    """A seeker who answers every question "no" and earns $60,000, with ``parts`` changed."""
    flags = ("tanf", "snap", "ssi", "general_assistance", "refugee_cash_assistance", "free_reduced_lunch", "high_poverty_area")
    rec: dict[str, Any] = {
        "first_name": "Ada", "last_name": "Lee", "date_of_birth": as_of.replace(year=as_of.year - age, day=1).isoformat(),
        "sex": "female", "authorized_to_work": True, "disability": False, "address": {"state": "KS"},
        "veteran": {"status": "none"}, "education": {"highest_level": "hs_diploma", "school_status": "not_attending_graduate"},
        "employment": {"weeks_unemployed": 0},
        "income": {"family_size": 1, "annual_family_income": 60000, "annual_individual_income": 60000, **dict.fromkeys(flags, False)},
        "barriers": dict.fromkeys(("homeless", "runaway", "foster_care", "offender", "released_from_incarceration_within_12_months",
                                   "pregnant_or_parenting", "basic_skills_deficient", "english_language_learner",
                                   "needs_additional_assistance"), False),
    }
    for name, changes in parts.items():
        rec[name] = {**rec[name], **changes}
    return rec


def test_pairs_that_differ_in_an_answer_only_some_paths_read() -> None:
    """Two seekers alike but for one answer that decides: the second never gets the first's answer."""
    as_of = AS_OFS[0]
    veteran = {"status": "veteran", "active_duty_days": 400, "discharge": "honorable", "disabled_veteran": False,
               "special_disabled_veteran": False, "transitioning_service_member": False}
    pairs = [
        ("JVSG", _quiet(as_of, 40, veteran={**veteran, "separation_date": (as_of - timedelta(days=100)).isoformat()},
                        employment={"weeks_unemployed": 30}),
         _quiet(as_of, 40, veteran={**veteran, "separation_date": (as_of - timedelta(days=2000)).isoformat()},
                employment={"weeks_unemployed": 30})),
        ("WIOA_YOUTH", _quiet(as_of, 24, barriers={"basic_skills_deficient": True},
                              income={"annual_family_income": 60000}),
         _quiet(as_of, 24, barriers={"basic_skills_deficient": True},
                income={"annual_family_income": 9000})),
    ]
    for program, first, second in pairs:
        kept = build_config(DATA)
        one, two = (evaluate(parse_record(r, None), as_of, kept) for r in (first, second))
        assert one.program(program).status != two.program(program).status, program  # the answer decides
        assert two == evaluate(parse_record(second, None), as_of, build_config(DATA)), program
