"""Job search and candidate matching: the one module that holds their dialect-specific SQL.

SQLite: the words of a posting (title, description) are in an FTS5 table kept in step by
triggers, with the same tokenizer and query rules as the name search (``db/search.py``); the
occupations each job seeker looks for are rows of ``seeker_occupation``, written by triggers from
the record's desired occupations and from the work history of a published resume. The posting
FTS table stores the posting id (job_posting has a text key; its implicit rowid may change on
VACUUM, so it is not used as the link). PostgreSQL: not written yet (the searches need only the
occupation index table and a words index there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, text
from sqlalchemy.orm import Session

POSTING_FTS = "posting_fts"

_OCC_FROM_SEEKER_V1 = """INSERT INTO seeker_occupation(seeker_id, soc_code, source)
        SELECT new.id, json_extract(value, '$.soc_code'), 'desired'
        FROM json_each(coalesce(new.preferences_desired_occupations, '[]'))
        WHERE json_extract(value, '$.soc_code') IS NOT NULL;"""
_OCC_FROM_RESUME_V1 = """INSERT INTO seeker_occupation(seeker_id, soc_code, source, resume_id)
        SELECT new.seeker_id, json_extract(value, '$.soc_code'), 'resume', new.id
        FROM json_each(coalesce(new.work_history, '[]'))
        WHERE new.published AND json_extract(value, '$.soc_code') IS NOT NULL;"""

SQLITE_JOB_SEARCH_V1 = [
    f"""CREATE VIRTUAL TABLE {POSTING_FTS} USING fts5(
        posting_id UNINDEXED, title, description,
        tokenize="unicode61 remove_diacritics 2", prefix='2 3')""",
    f"""CREATE TRIGGER job_posting_fts_ai AFTER INSERT ON job_posting BEGIN
        INSERT INTO {POSTING_FTS}(posting_id, title, description) VALUES (new.id, new.title, coalesce(new.description, ''));
    END""",
    f"""CREATE TRIGGER job_posting_fts_ad AFTER DELETE ON job_posting BEGIN
        DELETE FROM {POSTING_FTS} WHERE posting_id = old.id;
    END""",
    f"""CREATE TRIGGER job_posting_fts_au AFTER UPDATE OF title, description ON job_posting BEGIN
        DELETE FROM {POSTING_FTS} WHERE posting_id = old.id;
        INSERT INTO {POSTING_FTS}(posting_id, title, description) VALUES (new.id, new.title, coalesce(new.description, ''));
    END""",
    f"INSERT INTO {POSTING_FTS}(posting_id, title, description) SELECT id, title, coalesce(description, '') FROM job_posting",
    f"""CREATE TRIGGER job_seeker_occ_ai AFTER INSERT ON job_seeker BEGIN
        {_OCC_FROM_SEEKER_V1}
    END""",
    f"""CREATE TRIGGER job_seeker_occ_au AFTER UPDATE OF preferences_desired_occupations ON job_seeker BEGIN
        DELETE FROM seeker_occupation WHERE seeker_id = old.id AND source = 'desired';
        {_OCC_FROM_SEEKER_V1}
    END""",
    """CREATE TRIGGER job_seeker_occ_ad AFTER DELETE ON job_seeker BEGIN
        DELETE FROM seeker_occupation WHERE seeker_id = old.id;
    END""",
    f"""CREATE TRIGGER resume_occ_ai AFTER INSERT ON resume BEGIN
        {_OCC_FROM_RESUME_V1}
    END""",
    f"""CREATE TRIGGER resume_occ_au AFTER UPDATE OF published, work_history, seeker_id ON resume BEGIN
        DELETE FROM seeker_occupation WHERE resume_id = old.id;
        {_OCC_FROM_RESUME_V1}
    END""",
    """CREATE TRIGGER resume_occ_ad AFTER DELETE ON resume BEGIN
        DELETE FROM seeker_occupation WHERE resume_id = old.id;
    END""",
    """INSERT INTO seeker_occupation(seeker_id, soc_code, source)
        SELECT j.id, json_extract(o.value, '$.soc_code'), 'desired'
        FROM job_seeker j, json_each(coalesce(j.preferences_desired_occupations, '[]')) o
        WHERE json_extract(o.value, '$.soc_code') IS NOT NULL""",
    """INSERT INTO seeker_occupation(seeker_id, soc_code, source, resume_id)
        SELECT r.seeker_id, json_extract(w.value, '$.soc_code'), 'resume', r.id
        FROM resume r, json_each(coalesce(r.work_history, '[]')) w
        WHERE r.published AND json_extract(w.value, '$.soc_code') IS NOT NULL""",
]

SQLITE_JOB_SEARCH_V1_DROP = [
    "DROP TRIGGER IF EXISTS resume_occ_ad", "DROP TRIGGER IF EXISTS resume_occ_au", "DROP TRIGGER IF EXISTS resume_occ_ai",
    "DROP TRIGGER IF EXISTS job_seeker_occ_ad", "DROP TRIGGER IF EXISTS job_seeker_occ_au",
    "DROP TRIGGER IF EXISTS job_seeker_occ_ai", "DROP TRIGGER IF EXISTS job_posting_fts_au",
    "DROP TRIGGER IF EXISTS job_posting_fts_ad", "DROP TRIGGER IF EXISTS job_posting_fts_ai",
    f"DROP TABLE IF EXISTS {POSTING_FTS}",
]


def job_search_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_JOB_SEARCH_V1}.get(dialect, [])


def job_search_drop_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_JOB_SEARCH_V1_DROP}.get(dialect, [])


# V2 (migration 0012): each seeker_occupation row also carries the seeker's authorized_to_work,
# address_zip and last_activity_at, so that candidates are ranked from one covering index.
_OCC_FROM_SEEKER_V2 = """INSERT INTO seeker_occupation(seeker_id, soc_code, source, authorized_to_work, address_zip,
                                                       last_activity_at)
        SELECT new.id, json_extract(value, '$.soc_code'), 'desired', new.authorized_to_work, new.address_zip,
               new.last_activity_at
        FROM json_each(coalesce(new.preferences_desired_occupations, '[]'))
        WHERE json_extract(value, '$.soc_code') IS NOT NULL;"""
_OCC_FROM_RESUME_V2 = """INSERT INTO seeker_occupation(seeker_id, soc_code, source, resume_id, authorized_to_work,
                                                       address_zip, last_activity_at)
        SELECT new.seeker_id, json_extract(w.value, '$.soc_code'), 'resume', new.id, j.authorized_to_work,
               j.address_zip, j.last_activity_at
        FROM json_each(coalesce(new.work_history, '[]')) w LEFT JOIN job_seeker j ON j.id = new.seeker_id
        WHERE new.published AND json_extract(w.value, '$.soc_code') IS NOT NULL;"""
_V1_REPLACED = ["job_seeker_occ_ai", "job_seeker_occ_au", "resume_occ_ai", "resume_occ_au"]

SQLITE_JOB_SEARCH_V2 = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _V1_REPLACED),
    f"""CREATE TRIGGER job_seeker_occ_ai AFTER INSERT ON job_seeker BEGIN
        {_OCC_FROM_SEEKER_V2}
    END""",
    f"""CREATE TRIGGER job_seeker_occ_au AFTER UPDATE OF preferences_desired_occupations ON job_seeker BEGIN
        DELETE FROM seeker_occupation WHERE seeker_id = old.id AND source = 'desired';
        {_OCC_FROM_SEEKER_V2}
    END""",
    """CREATE TRIGGER job_seeker_occ_copy AFTER UPDATE OF authorized_to_work, address_zip, last_activity_at
        ON job_seeker BEGIN
        UPDATE seeker_occupation SET authorized_to_work = new.authorized_to_work, address_zip = new.address_zip,
            last_activity_at = new.last_activity_at WHERE seeker_id = new.id;
    END""",
    f"""CREATE TRIGGER resume_occ_ai AFTER INSERT ON resume BEGIN
        {_OCC_FROM_RESUME_V2}
    END""",
    f"""CREATE TRIGGER resume_occ_au AFTER UPDATE OF published, work_history, seeker_id ON resume BEGIN
        DELETE FROM seeker_occupation WHERE resume_id = old.id;
        {_OCC_FROM_RESUME_V2}
    END""",
    """UPDATE seeker_occupation SET (authorized_to_work, address_zip, last_activity_at) =
        (SELECT j.authorized_to_work, j.address_zip, j.last_activity_at FROM job_seeker j
         WHERE j.id = seeker_occupation.seeker_id)""",
]

SQLITE_JOB_SEARCH_V2_DROP = [
    "DROP TRIGGER IF EXISTS job_seeker_occ_copy",
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _V1_REPLACED),
    f"""CREATE TRIGGER job_seeker_occ_ai AFTER INSERT ON job_seeker BEGIN
        {_OCC_FROM_SEEKER_V1}
    END""",
    f"""CREATE TRIGGER job_seeker_occ_au AFTER UPDATE OF preferences_desired_occupations ON job_seeker BEGIN
        DELETE FROM seeker_occupation WHERE seeker_id = old.id AND source = 'desired';
        {_OCC_FROM_SEEKER_V1}
    END""",
    f"""CREATE TRIGGER resume_occ_ai AFTER INSERT ON resume BEGIN
        {_OCC_FROM_RESUME_V1}
    END""",
    f"""CREATE TRIGGER resume_occ_au AFTER UPDATE OF published, work_history, seeker_id ON resume BEGIN
        DELETE FROM seeker_occupation WHERE resume_id = old.id;
        {_OCC_FROM_RESUME_V1}
    END""",
]


def job_search_v2_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_JOB_SEARCH_V2}.get(dialect, [])


def job_search_v2_drop_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_JOB_SEARCH_V2_DROP}.get(dialect, [])


# The wage offered (top of the range), per hour: 2080 hours a year.
HOURLY_WAGE_SQL = ("(coalesce(p.wage_max, p.wage_min) / CASE p.wage_unit WHEN 'year' THEN 2080.0 "
                   "WHEN 'month' THEN 2080.0 / 12 WHEN 'week' THEN 40.0 ELSE 1.0 END)")


@dataclass(frozen=True)
class PostingFilters:
    """What narrows a job search; SOC codes rank, and filter only when no words are given."""

    soc_codes: tuple[str, ...] = ()
    fts: str | None = None  # an FTS5 query (db.search.fts_query)
    box: tuple[float, float, float, float] | None = None  # south, north, west, east
    min_hourly: float | None = None
    job_type: str | None = None
    include_staff_only: bool = False


def _tier_sql(codes: tuple[str, ...], params: dict[str, Any], column: str) -> str:
    if not codes:
        return "3"
    exact = ", ".join(f":e{i}" for i in range(len(codes)))
    broad = ", ".join(f":b{i}" for i in range(len(codes)))
    minor = ", ".join(f":m{i}" for i in range(len(codes)))
    for i, code in enumerate(codes):
        params[f"e{i}"], params[f"b{i}"], params[f"m{i}"] = code, code[:6], code[:5]
    return (f"CASE WHEN {column} IN ({exact}) THEN 0 WHEN substr({column}, 1, 6) IN ({broad}) THEN 1 "
            f"WHEN substr({column}, 1, 5) IN ({minor}) THEN 2 ELSE 3 END")


def _posting_where(f: PostingFilters, params: dict[str, Any]) -> list[str]:
    # "+" keeps the planner off the status index (nearly every posting is active): the SOC range or
    # the latitude range of the covering indexes below narrows far more
    where = ["+p.status = 'active'"]
    if not f.include_staff_only:
        where.append("p.visibility <> 'staff_referral_only'")
    if f.fts:
        params["fts"] = f.fts
        # with a box, walk the box on its covering index and probe the words' matches (a short
        # prefix matches thousands of postings: looking each up by id costs twice as much)
        probe = "+p.id" if f.box is not None else "p.id"
        where.append(f"{probe} IN (SELECT posting_id FROM {POSTING_FTS} WHERE {POSTING_FTS} MATCH :fts)")
    elif f.soc_codes:
        groups = sorted({c[:5] for c in f.soc_codes})
        parts = []
        for i, group in enumerate(groups):
            params[f"g{i}"] = group
            parts.append(f"(p.soc_code >= :g{i} AND p.soc_code < :g{i} || '~')")  # a range on the SOC index
        where.append("(" + " OR ".join(parts) + ")")
    if f.box is not None:
        params.update(south=f.box[0], north=f.box[1], west=f.box[2], east=f.box[3])
        where.append("p.latitude BETWEEN :south AND :north AND p.longitude BETWEEN :west AND :east")
    if f.min_hourly is not None:
        params["min_hourly"] = f.min_hourly
        where.append(f"{HOURLY_WAGE_SQL} >= :min_hourly")
    if f.job_type:
        params["job_type"] = f.job_type
        where.append("p.job_type = :job_type")
    return where


def posting_points(conn: Connection | Session, f: PostingFilters, *, with_ids: bool = False) -> list[Row[Any]]:
    """How many matching postings stand at each place, as (tier, latitude, longitude, n).

    Postings take their point from their ZIP, so a radius search has far fewer places than
    postings: the caller measures each place once and fetches only the places of one page."""
    params: dict[str, Any] = {}
    tier = _tier_sql(f.soc_codes, params, "p.soc_code")
    where = _posting_where(f, params)
    ids = ", group_concat(p.id) AS ids" if with_ids else ""  # words: the second pass need not match them again
    sql = (f"SELECT {tier} AS tier, p.latitude, p.longitude, count(*) AS n{ids} FROM job_posting p "
           f"WHERE {' AND '.join(where)} GROUP BY 1, 2, 3")
    return list(conn.execute(text(sql), params))


def postings_at(conn: Connection | Session, f: PostingFilters,
                points: list[tuple[float, float]]) -> list[Row[Any]]:
    """The matching postings standing at ``points``, as (id, tier, latitude, longitude, posted_date)."""
    if not points:
        return []
    params: dict[str, Any] = {}
    tier = _tier_sql(f.soc_codes, params, "p.soc_code")
    where = _posting_where(f, params)
    values = []
    for i, (lat, lon) in enumerate(points):
        params[f"pa{i}"], params[f"po{i}"] = lat, lon
        values.append(f"(:pa{i}, :po{i})")
    lats = ", ".join(f":pa{i}" for i in range(len(points)))
    where.append(f"p.latitude IN ({lats}) AND (p.latitude, p.longitude) IN (VALUES {', '.join(values)})")
    sql = (f"SELECT p.id, {tier} AS tier, p.latitude, p.longitude, p.posted_date FROM job_posting p "
           f"WHERE {' AND '.join(where)}")
    return list(conn.execute(text(sql), params))


def posting_days(conn: Connection | Session, ids: list[str]) -> list[Row[Any]]:
    """(id, latitude, longitude, posted_date) of the given postings."""
    if not ids:
        return []
    params = {f"i{n}": v for n, v in enumerate(ids)}
    sql = (f"SELECT p.id, p.latitude, p.longitude, p.posted_date FROM job_posting p "
           f"WHERE p.id IN ({', '.join(':' + k for k in params)})")
    return list(conn.execute(text(sql), params))


def posting_page(conn: Connection | Session, f: PostingFilters, *, limit: int, offset: int) -> list[Row[Any]]:
    """One page ranked in SQL (no distance to rank by): occupation match, then newest."""
    params: dict[str, Any] = {"limit": int(limit), "offset": int(offset)}
    tier = _tier_sql(f.soc_codes, params, "p.soc_code")
    where = _posting_where(f, params)
    sql = (f"SELECT p.id, {tier} AS tier, p.latitude, p.longitude, p.posted_date FROM job_posting p "
           f"WHERE {' AND '.join(where)} ORDER BY tier, p.posted_date DESC, p.id LIMIT :limit OFFSET :offset")
    return list(conn.execute(text(sql), params))


POSTING_COLUMNS = ("p.id, p.title, p.soc_code, p.description, p.city, p.state, p.zip, p.wage_min, p.wage_max, "
                   "p.wage_unit, p.job_type, p.openings, p.posted_date, p.closing_date, p.visibility, p.status, "
                   "p.education_wanted, p.experience_wanted, p.employer_id, e.name AS employer_name")


def postings_by_id(conn: Connection | Session, ids: list[str]) -> dict[str, Row[Any]]:
    if not ids:
        return {}
    params = {f"i{n}": v for n, v in enumerate(ids)}
    sql = (f"SELECT {POSTING_COLUMNS} FROM job_posting p JOIN employer e ON e.id = p.employer_id "
           f"WHERE p.id IN ({', '.join(':' + k for k in params)})")
    return {r.id: r for r in conn.execute(text(sql), params)}


def candidate_page(conn: Connection | Session, soc_code: str, zip_miles: dict[str, float] | None, *,
                   limit: int, offset: int) -> list[_CandidateRow]:
    """Job seekers looking for the posting's occupation (to its minor group), authorized to work,
    living in one of ``zip_miles`` (ZIP → miles away; None: anywhere), ranked: exact, broad, minor;
    nearer; most recently active.

    Ranked from the covering index of ``seeker_occupation`` alone (a bounded sort, no grouping):
    a seeker's rows share ZIP and activity, so the first row of each seeker in that order is at
    its best tier. Only the page's seekers are then read from job_seeker."""
    params: dict[str, Any] = {"exact": soc_code, "broad": soc_code[:6], "minor": soc_code[:5]}
    wanted = int(offset) + int(limit)
    if zip_miles is not None:
        if not zip_miles:
            return []
        best = _candidates_by_place(conn, params, zip_miles, wanted)
    else:
        best = _candidates_anywhere(conn, params, wanted)
    page = list(best.values())[int(offset):wanted]
    if not page:
        return []
    ids = {f"s{i}": r.seeker_id for i, r in enumerate(page)}
    marks = ", ".join(":" + k for k in ids)
    seekers = {r.id: r for r in conn.execute(text(
        f"""SELECT j.id, j.first_name, j.middle_name, j.last_name, j.suffix, j.address_city, j.address_zip,
                   j.last_activity_at,
                   (SELECT MAX(o.source = 'resume') FROM seeker_occupation o
                    WHERE o.seeker_id = j.id AND o.soc_code >= :minor AND o.soc_code < :minor || '~') AS from_resume
            FROM job_seeker j WHERE j.id IN ({marks})"""), {**ids, "minor": soc_code[:5]})}
    return [_CandidateRow(**seekers[r.seeker_id]._asdict(), tier=r.tier, miles=r.miles)
            for r in page if r.seeker_id in seekers]


_TIER_SQL = "CASE WHEN o.soc_code = :exact THEN 0 WHEN substr(o.soc_code, 1, 6) = :broad THEN 1 ELSE 2 END"
_MINOR_RANGE = "o.soc_code >= :minor AND o.soc_code < :minor || '~' AND o.authorized_to_work = 1"
_TIER_WHERE = {
    0: "o.soc_code = :exact",
    1: "o.soc_code >= :broad AND o.soc_code < :broad || '~' AND o.soc_code <> :exact",
    2: "substr(o.soc_code, 1, 6) <> :broad",
}


def _candidates_anywhere(conn: Connection | Session, params: dict[str, Any], wanted: int) -> dict[str, Any]:
    """Ranked from the covering index alone (a bounded sort); each seeker's first row is its best."""
    sql = f"""
        SELECT o.seeker_id, {_TIER_SQL} AS tier, NULL AS miles
        FROM seeker_occupation o
        WHERE {_MINOR_RANGE}
        ORDER BY tier, o.last_activity_at DESC, o.seeker_id
        LIMIT :n"""
    n = max(2 * wanted, 64)
    while True:
        rows = list(conn.execute(text(sql), {**params, "n": n}))
        best: dict[str, Any] = {}
        for r in rows:
            best.setdefault(r.seeker_id, r)
        if len(best) >= wanted or len(rows) < n:
            return best
        n *= 4


def _candidates_by_place(conn: Connection | Session, params: dict[str, Any], zip_miles: dict[str, float],
                         wanted: int) -> dict[str, Any]:
    """Within a radius: count the matching rows per (tier, ZIP) on the covering index, order those
    places by (tier, miles) — the ranking's first two keys — and read rows only from the places that
    hold the page, each band of equal (tier, miles) in index order of activity. The rows read come
    first in the full ranking, so the first ``wanted`` seekers among them are the ranking's first."""
    zips = {f"z{i}": z for i, z in enumerate(zip_miles)}
    marks = ", ".join(":" + k for k in zips)
    counts = conn.execute(text(f"""
        SELECT {_TIER_SQL} AS tier, o.address_zip AS zip, count(*) AS n
        FROM seeker_occupation o
        WHERE {_MINOR_RANGE} AND o.address_zip IN ({marks})
        GROUP BY tier, zip"""), {**params, **zips}).all()
    bands: dict[tuple[int, float], list[str]] = {}
    for r in counts:
        bands.setdefault((int(r.tier), float(zip_miles[r.zip])), []).append(r.zip)
    best: dict[str, Any] = {}
    for (tier, miles), band in sorted(bands.items()):
        band_zips = {f"b{i}": z for i, z in enumerate(sorted(band))}
        sql = f"""
            SELECT o.seeker_id, {tier} AS tier, {miles!r} AS miles
            FROM seeker_occupation o
            WHERE {_MINOR_RANGE} AND {_TIER_WHERE[tier]}
              AND o.address_zip IN ({", ".join(":" + k for k in band_zips)})
            ORDER BY o.last_activity_at DESC, o.seeker_id
            LIMIT :n"""
        n = max(2 * (wanted - len(best)), 64)
        while True:
            rows = list(conn.execute(text(sql), {**params, **band_zips, "n": n}))
            seen = dict(best)
            for r in rows:
                seen.setdefault(r.seeker_id, r)
            if len(seen) >= wanted or len(rows) < n:
                break
            n *= 4
        best = seen
        if len(best) >= wanted:
            break
    return best


@dataclass(frozen=True)
class _CandidateRow:
    id: str
    first_name: str
    middle_name: str | None
    last_name: str
    suffix: str | None
    address_city: str | None
    address_zip: str | None
    last_activity_at: Any
    from_resume: Any
    tier: int
    miles: float | None


# V3 (migration 0013): a resume's work history names its occupation ``soc`` (the resume builder's
# key) where a record's desired occupation says ``soc_code``; the resume triggers read either, so a
# published resume built in the console makes its job seeker a candidate.
_RESUME_SOC = "coalesce(json_extract(w.value, '$.soc_code'), json_extract(w.value, '$.soc'))"
_OCC_FROM_RESUME_V3 = f"""INSERT INTO seeker_occupation(seeker_id, soc_code, source, resume_id, authorized_to_work,
                                                       address_zip, last_activity_at)
        SELECT new.seeker_id, {_RESUME_SOC}, 'resume', new.id, j.authorized_to_work,
               j.address_zip, j.last_activity_at
        FROM json_each(coalesce(new.work_history, '[]')) w LEFT JOIN job_seeker j ON j.id = new.seeker_id
        WHERE new.published AND {_RESUME_SOC} IS NOT NULL;"""


def _resume_triggers(insert_sql: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS resume_occ_ai",
        "DROP TRIGGER IF EXISTS resume_occ_au",
        f"""CREATE TRIGGER resume_occ_ai AFTER INSERT ON resume BEGIN
        {insert_sql}
    END""",
        f"""CREATE TRIGGER resume_occ_au AFTER UPDATE OF published, work_history, seeker_id ON resume BEGIN
        DELETE FROM seeker_occupation WHERE resume_id = old.id;
        {insert_sql}
    END""",
    ]


SQLITE_JOB_SEARCH_V3 = [
    *_resume_triggers(_OCC_FROM_RESUME_V3),
    "DELETE FROM seeker_occupation WHERE source = 'resume'",
    f"""INSERT INTO seeker_occupation(seeker_id, soc_code, source, resume_id, authorized_to_work, address_zip,
                                      last_activity_at)
        SELECT r.seeker_id, {_RESUME_SOC}, 'resume', r.id, j.authorized_to_work, j.address_zip, j.last_activity_at
        FROM resume r JOIN json_each(coalesce(r.work_history, '[]')) w LEFT JOIN job_seeker j ON j.id = r.seeker_id
        WHERE r.published AND {_RESUME_SOC} IS NOT NULL""",
]
SQLITE_JOB_SEARCH_V3_DROP = _resume_triggers(_OCC_FROM_RESUME_V2)


def job_search_v3_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_JOB_SEARCH_V3}.get(dialect, [])


def job_search_v3_drop_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_JOB_SEARCH_V3_DROP}.get(dialect, [])
