"""Occupations (SOC 2018) and industries (NAICS 2022): the shipped data, search ranking, O*NET import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from jobcenter_tui.cli import app
from jobcenter_tui.domain.occupations import (
    ExtraText,
    detailed_occupation,
    naics_2022,
    parse_onet,
    read_soc_code,
    soc_2018,
    soc_problem,
    stem,
)

runner = CliRunner()


def codes(text_: str, limit: int = 5, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in soc_2018().search(text_, limit=limit, levels=("detailed",), **kw)]


# --- the shipped classifications --------------------------------------------------------------------


def test_soc_2018_has_the_official_structure() -> None:
    soc = soc_2018()
    assert soc.counts() == {"major": 23, "minor": 98, "broad": 459, "detailed": 867}
    welders = soc.get("51-4121")
    assert welders is not None and welders.title == "Welders, Cutters, Solderers, and Brazers"
    assert [soc.get(c).level for c in ("51-0000", "51-4000", "51-4120", "51-4121")] == list(  # type: ignore[union-attr]
        ("major", "minor", "broad", "detailed"))
    assert welders.parent == "51-4120" and soc.get("51-4120").parent == "51-4000"  # type: ignore[union-attr]
    assert [c.code for c in soc.children("51-4120")] == ["51-4121", "51-4122"]
    # every detailed occupation hangs under a broad group, a minor group and a major group
    for e in soc.entries:
        chain = [e.level]
        parent = e.parent
        while parent:
            up = soc.get(parent)
            assert up is not None, e.code
            chain.append(up.level)
            parent = up.parent
        assert chain == list(reversed(("major", "minor", "broad", "detailed")[:len(chain)])), e.code


def test_naics_2022_sectors_and_parents() -> None:
    naics = naics_2022()
    assert len(naics.entries) == 2130
    assert naics.counts()["sector"] == 21
    assert naics.get("31-33").title == "Manufacturing"  # type: ignore[union-attr]
    assert naics.get("336").parent == "31-33"  # a subsector of a sector that spans codes  # type: ignore[union-attr]
    assert naics.get("336110").parent == "33611"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "first", "also_in"),
    [
        ("welder", "51-4121", ["51-4122"]),                # title starts with the word; welding machine operators next
        ("Welders", "51-4121", []),
        ("welding", "51-4122", ["51-4121"]),               # another form of the word still finds the welders
        ("29-1141", "29-1141", []),                        # the exact code
        ("291141", "29-1141", []),
        ("51-4121.06", "51-4121", []),                     # an O*NET code: its SOC part
        ("registered nurse", "29-1141", []),
        ("nurse registered", "29-1141", []),               # all words, any order
        ("reg nur", "29-1141", []),                        # beginnings of words
        ("truck drivers heavy", "53-3032", []),
        ("cashier", "41-2011", []),
        ("software developer", "15-1252", []),
    ],
)
def test_search_ranking(typed: str, first: str, also_in: list[str]) -> None:
    found = codes(typed)
    assert found and found[0] == first, found
    assert set(also_in) <= set(found)


def test_ranking_order_exact_code_then_title_start_then_whole_word_then_partial() -> None:
    # "nurse": titles that start with it, then whole words ("Registered Nurses"), then other forms ("Nursing")
    found = [(f.code, f.match) for f in soc_2018().search("nurse", limit=30, levels=("detailed",))]
    first_words = next(i for i, (_, m) in enumerate(found) if m == "words")
    assert all(m == "title" for _, m in found[:first_words]) and first_words >= 3
    assert found.index(("29-1141", "words")) < found.index(("31-1131", "words"))  # Nurses before Nursing Assistants
    # a code group lists its members in code order
    assert codes("51-41", limit=20) == ["51-4111", "51-4121", "51-4122", "51-4191", "51-4192", "51-4193", "51-4194",
                                        "51-4199"]
    assert codes("51-4120", limit=20, ) == ["51-4121", "51-4122"]


@pytest.mark.parametrize("typed", ["", "   ", "zzzqqq", "98-1", "00", "welder zzzqqq"])
def test_search_finds_nothing_for_nonsense(typed: str) -> None:
    assert codes(typed) == []


@pytest.mark.parametrize(
    ("typed", "query"),
    [("51-4121", ("exact", "51-4121")), ("514121", ("exact", "51-4121")), ("51-41", ("prefix", "51-41")),
     ("51", ("prefix", "51")), ("51-", ("prefix", "51-")), ("welder", None), ("51-41211", None)],
)
def test_reading_a_typed_code(typed: str, query: tuple[str, str] | None) -> None:
    assert read_soc_code(typed) == query


@pytest.mark.parametrize(("a", "b"), [("welders", "welding"), ("nurse", "nursing"), ("drivers", "driving"),
                                      ("cooks", "cook"), ("managers", "management")])
def test_light_stemming_joins_forms_of_a_word(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize(
    ("code", "problem"),
    [("51-4121", None), ("51-4120", "is a group"), ("51-0000", "is a group"), ("99-9999", "not in SOC 2018"),
     ("welder", "not a SOC code")],
)
def test_only_detailed_codes_are_occupations(code: str, problem: str | None) -> None:
    message = soc_problem(code)
    assert (message is None) if problem is None else (message is not None and problem in message)
    assert (detailed_occupation(code) is not None) == (problem is None)


def test_naics_search() -> None:
    naics = naics_2022()
    assert [f.code for f in naics.search("3361", limit=3)] == ["3361", "33611", "336110"]
    assert naics.search("manufacturing", limit=1)[0].code == "31-33"
    # a level with one member of the same title is not listed twice: the 6-digit code stands for it
    assert [f.code for f in naics.search("software publishers", limit=3)] == ["513210"]
    assert [f.code for f in naics.search("new car dealer", limit=3)] == ["441110"]


def test_state_titles_and_descriptions_are_searched_after_the_soc_titles() -> None:
    soc = soc_2018().with_extra([
        ExtraText("29-1141", "Acute Care Nurses", "Provide advanced nursing care for patients with heart attacks.",
                  "29-1141.01"),
        ExtraText("51-4121", "Welders, Cutters, and Welder Fitters", "Join metal components by hand.", "51-4121.06"),
    ])
    acute = soc.search("acute care", levels=("detailed",))
    assert [(f.code, f.match, f.also) for f in acute] == [("29-1141", "alternate title", "Acute Care Nurses")]
    heart = soc.search("heart attacks", levels=("detailed",))
    assert [(f.code, f.match) for f in heart] == [("29-1141", "description")]
    # a SOC title match still comes first, and one code is listed once
    assert [f.code for f in soc.search("welder", levels=("detailed",))][:2] == ["51-4121", "51-4122"]


def test_onet_file_lines_are_checked_with_their_numbers() -> None:
    good, bad = parse_onet(
        "O*NET-SOC Code\tTitle\tDescription\n"
        "51-4121.06\tWelders, Cutters, and Welder Fitters\tUse hand-welding equipment.\n"
        "\n"
        "51-4120.00\tWelding Workers\tA group, not an occupation.\n"
        "51-4121.07\tSolderers and Brazers\n"
        "welder\tWelder\tx\n"
        "51-4121.06\tAgain\tx\n"
        "29-1141.00\tRegistered Nurses\tAssess patient health problems.\r\n")
    assert [(g.line, g.onet_code, g.soc_code) for g in good] == [(2, "51-4121.06", "51-4121"), (8, "29-1141.00", "29-1141")]
    assert sorted(bad) == [4, 5, 6, 7]
    assert "not a SOC 2018 detailed occupation" in bad[4] and "3 tab-separated columns" in bad[5]
    assert "not an O*NET-SOC code" in bad[6] and "already on line 2" in bad[7]


def test_first_search_is_quick() -> None:
    """Not a timing test (benchmarks are not gated): the index is built once and then reused."""
    soc = soc_2018()
    assert soc is soc_2018()
    assert soc.search("welder")[0].code == "51-4121"


# --- the command line ----------------------------------------------------------------------------


ONET = ("O*NET-SOC Code\tTitle\tDescription\n"
        "29-1141.01\tAcute Care Nurses\tProvide advanced nursing care for patients with heart attacks.\n"
        "51-4121.06\tWelders, Cutters, and Welder Fitters\tUse hand-welding or flame-cutting equipment.\n")


def test_cli_occupations_search(empty_home: Path) -> None:
    result = runner.invoke(app, ["occupations", "search", "welder"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "51-4121  Welders, Cutters, Solderers, and Brazers"
    result = runner.invoke(app, ["occupations", "search", "29-1141", "--json"])
    assert json.loads(result.output) == [{"code": "29-1141", "title": "Registered Nurses", "level": "detailed",
                                          "match": "code"}]
    result = runner.invoke(app, ["occupations", "search", "51-41", "--json"])
    assert [m["code"] for m in json.loads(result.output)][:3] == ["51-4111", "51-4121", "51-4122"]
    result = runner.invoke(app, ["occupations", "search", "51-4120", "--all-levels", "--json"])
    assert [m["level"] for m in json.loads(result.output)] == ["broad", "detailed", "detailed"]
    result = runner.invoke(app, ["occupations", "search", "zzzqqq"])
    assert result.exit_code == 0 and "No occupation matches" in result.output


def test_cli_naics_search(empty_home: Path) -> None:
    result = runner.invoke(app, ["naics", "search", "3361", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0] == {"code": "3361", "title": "Motor Vehicle Manufacturing",
                                            "level": "industry group", "match": "code"}
    assert runner.invoke(app, ["naics", "search", "car dealers"]).output.splitlines()[0] == "441110  New Car Dealers"


def test_cli_occupations_import_then_search_uses_the_state_titles(empty_home: Path, tmp_path: Path, services) -> None:  # type: ignore[no-untyped-def]
    before = runner.invoke(app, ["occupations", "search", "acute care"])
    assert "No occupation matches" in before.output
    file = tmp_path / "Occupation Data.txt"
    file.write_text(ONET, encoding="utf-8")
    result = runner.invoke(app, ["occupations", "import", str(file)])
    assert result.exit_code == 0, result.output
    assert "2 O*NET occupations loaded" in result.output
    result = runner.invoke(app, ["occupations", "search", "acute care", "--json"])
    assert json.loads(result.output) == [{"code": "29-1141", "title": "Registered Nurses", "level": "detailed",
                                          "match": "alternate title", "also": "Acute Care Nurses"}]
    # the service in another process sees the import too (its cache follows the table)
    assert [m.code for m in services.occupations.search(None, "heart attacks")] == ["29-1141"]
    with services.db.session() as s:
        row = s.execute(text("SELECT staff, changes FROM audit_log WHERE action = 'occupations.import'")).one()
    assert row[0].startswith("cli:") and '"loaded": 2' in row[1]
    # a second import replaces the first
    file.write_text(ONET.split("\n", 2)[0] + "\n" + ONET.split("\n")[2] + "\n", encoding="utf-8")
    result = runner.invoke(app, ["occupations", "import", str(file)])
    assert "1 O*NET occupations loaded for 1 SOC occupations (2 replaced)" in result.output
    assert services.occupations.search(None, "acute care") == []


def test_cli_occupations_import_refuses_a_file_with_bad_lines(empty_home: Path, tmp_path: Path, services) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "bad.txt"
    file.write_text(ONET + "99-9999.00\tNothing\tNo such occupation.\nwelders only\n", encoding="utf-8")
    result = runner.invoke(app, ["occupations", "import", str(file)])
    assert result.exit_code == 2
    assert "line 4: 99-9999.00: 99-9999 is not a SOC 2018 detailed occupation" in result.output
    assert "line 5: expected 3 tab-separated columns" in result.output
    with services.db.session() as s:  # nothing half-saved
        assert s.execute(text("SELECT count(*) FROM occupation_title")).scalar() == 0
    missing = runner.invoke(app, ["occupations", "import", str(tmp_path / "missing.txt")])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_import_needs_config_manage(services, admin) -> None:  # type: ignore[no-untyped-def]
    from jobcenter_tui.services.errors import PermissionDenied

    services.staff.add(admin, "cm", "Casey Morgan", "tall maple river lantern", ["case_manager"], office="TOP")
    with pytest.raises(PermissionDenied):
        services.occupations.import_onet(services.staff.actor_for("cm"), ONET)
    assert [m.code for m in services.occupations.search(services.staff.actor_for("cm"), "welder")][:1] == ["51-4121"]


def test_a_kiosk_can_search_occupations(services) -> None:  # type: ignore[no-untyped-def]
    """A job seeker at a kiosk picks the occupations they want: searching needs no privilege."""
    from jobcenter_tui.services import kiosk_actor

    assert [m.code for m in services.occupations.search(kiosk_actor(), "registered nurse")] == ["29-1141"]
