"""docs/record-layout.md against the code, so that the two cannot drift apart.

The doc is what people read to write an import file; the record model (``SeekerRecord``) is what
the import accepts and the questions (``QUESTIONS``) say who is asked. Every field path of the
model is one row of the doc and every row is a field, with the same type, the same allowed values
(enumeration, range, length, required) and the same audience as the question that asks it.
Prose in the doc (what a validator checks beyond types, notes, PIRL numbers) is not compared.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from jobcenter_tui.domain.questions import QUESTIONS, Question
from jobcenter_tui.domain.record import SeekerRecord, parse_record
from jobcenter_tui.domain.ssn import Ssn

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "record-layout.md"
NOT_ASKED = "—"  # set by the system (id, account type) or a section as a whole


@dataclass(frozen=True)
class Field:
    type: str  # string int number bool date object, or "list of <type>"
    values: tuple[str, ...]  # an enumeration, in the model's order; () when any value of the type
    rules: frozenset[str]  # "required", "1–50 characters", "at most 10 characters", "0–12", "≥ 0"
    audience: str  # all, staff or NOT_ASKED


# --- what the code says --------------------------------------------------------------------------

_SCALARS: dict[Any, str] = {str: "string", Ssn: "string", bool: "bool", int: "int", Decimal: "number", date: "date"}


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The base type of an annotation and its constraints, with ``| None`` and ``Annotated`` peeled off."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            assert len(args) == 1, f"a field of several types is not in the layout's vocabulary: {annotation}"
            annotation = args[0]
        elif origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                meta.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        else:
            return annotation, meta


def _describe(base: Any) -> tuple[str, tuple[str, ...], type[BaseModel] | None]:
    """(type name, enumeration, nested model) of a base type."""
    if typing.get_origin(base) is Literal:
        return "string", tuple(typing.get_args(base)), None
    if typing.get_origin(base) is list:
        item, _ = _unwrap(typing.get_args(base)[0])
        name, values, model = _describe(item)
        return f"list of {name}", values, model
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "object", (), base
    if base not in _SCALARS:
        raise AssertionError(f"{base!r} has no name in docs/record-layout.md: add it to _SCALARS and the doc")
    return _SCALARS[base], (), None


def _rules(meta: list[Any], required: bool) -> frozenset[str]:
    found: dict[str, Any] = {}
    for item in meta:
        for attr in ("ge", "le", "min_length", "max_length"):
            if isinstance(item, annotated_types.BaseMetadata) and getattr(item, attr, None) is not None:
                found[attr] = getattr(item, attr)
    rules = {"required"} if required else set()
    lo, hi = found.get("ge"), found.get("le")
    if lo is not None or hi is not None:
        rules.add(f"{lo}–{hi}" if lo is not None and hi is not None else f"≥ {lo}" if lo is not None else f"≤ {hi}")
    shortest, longest = found.get("min_length") or 0, found.get("max_length")
    if longest is not None:
        rules.add(f"{shortest}–{longest} characters" if shortest else f"at most {longest} characters")
    elif shortest:
        rules.add(f"at least {shortest} characters")
    return frozenset(rules)


def _audience(path: str, questions: dict[str, Question]) -> str:
    """Who is asked: the question's audience; an item of a list is asked with its list."""
    if path in questions:
        return questions[path].audience
    if "[]." in path:
        return _audience(path.split("[].", 1)[0], questions)
    return NOT_ASKED


def code_fields(model: type[BaseModel], questions: dict[str, Question], prefix: str = "") -> dict[str, Field]:
    """Every field path of the record model, nested sections and list items included."""
    out: dict[str, Field] = {}
    for name, info in model.model_fields.items():
        path = prefix + name
        base, meta = _unwrap(info.annotation)
        type_name, values, nested = _describe(base)
        out[path] = Field(type_name, values, _rules(meta + list(info.metadata), info.is_required()),
                          _audience(path, questions))
        if nested is not None:
            out.update(code_fields(nested, questions, path + ("[]." if type_name.startswith("list") else ".")))
    return out


# --- what the doc says ---------------------------------------------------------------------------

_ENUM = re.compile(r"`[^`]+`(?: \| `[^`]+`)*")
_RULE = re.compile(r"required|\d+–\d+ characters|at most \d+ characters|at least \d+ characters|\d+–\d+|[≥≤] \d+")
_COLUMNS = ("field", "type", "allowed values", "audience")


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` inside a cell is a literal bar."""
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _allowed(cell: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """An "allowed values" cell: parts separated by "; " — an enumeration, rules, or prose."""
    values: tuple[str, ...] = ()
    rules: set[str] = set()
    for part in cell.split("; "):
        part = part.strip()
        if _ENUM.fullmatch(part):
            assert not values, f"two enumerations in one cell: {cell!r}"
            values = tuple(re.findall(r"`([^`]+)`", part))
        elif _RULE.fullmatch(part):
            rules.add(part)
    return values, frozenset(rules)


def doc_fields(text: str) -> dict[str, Field]:
    """Every row of the doc's field tables (tables whose header has field, type, allowed values, audience)."""
    out: dict[str, Field] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if all(set(c) <= set("-: ") for c in cells) or not set(_COLUMNS) <= set(header):
            continue
        row = dict(zip(header, cells, strict=True))
        match = re.fullmatch(r"`([^`]+)`", row["field"])
        assert match, f"a field cell is one path in backticks: {line!r}"
        path = match.group(1)
        assert path not in out, f"{path} is documented twice"
        values, rules = _allowed(row["allowed values"])
        out[path] = Field(row["type"], values, rules, row["audience"])
    return out


def differences(code: dict[str, Field], doc: dict[str, Field]) -> list[str]:
    problems = [f"{p}: in the record model, missing from docs/record-layout.md" for p in code.keys() - doc.keys()]
    problems += [f"{p}: in docs/record-layout.md, not in the record model" for p in doc.keys() - code.keys()]
    for path in code.keys() & doc.keys():
        for attr in ("type", "values", "rules", "audience"):
            ours, theirs = getattr(code[path], attr), getattr(doc[path], attr)
            if ours != theirs:
                if isinstance(ours, frozenset):
                    ours, theirs = sorted(ours), sorted(theirs)
                problems.append(f"{path}: {attr} is {ours!r} in the code but {theirs!r} in the doc")
    return sorted(problems)


# --- the tests -----------------------------------------------------------------------------------


def test_the_doc_describes_the_record_model_exactly() -> None:
    doc = doc_fields(DOC.read_text(encoding="utf-8"))
    assert len(doc) > 50  # the tables were read at all
    assert differences(code_fields(SeekerRecord, QUESTIONS), doc) == []


def test_a_field_added_to_the_code_without_the_doc_is_caught() -> None:
    class WithPets(SeekerRecord):
        pets: int | None = None

    problems = differences(code_fields(WithPets, QUESTIONS), doc_fields(DOC.read_text(encoding="utf-8")))
    assert problems == ["pets: in the record model, missing from docs/record-layout.md"]


def test_a_changed_enumeration_range_or_audience_is_caught() -> None:
    class Narrower(SeekerRecord):
        sex: Literal["male", "female"] | None = None
        middle_name: str | None = None

    problems = differences(code_fields(Narrower, QUESTIONS), doc_fields(DOC.read_text(encoding="utf-8")))
    assert [p.split(":")[0] + " " + p.split()[1] for p in problems] == ["middle_name rules", "sex values"]

    moved = dict(QUESTIONS)
    moved["income.snap"] = Question("income.snap", "SNAP", "yesno", audience="all")
    problems = differences(code_fields(SeekerRecord, moved), doc_fields(DOC.read_text(encoding="utf-8")))
    assert problems == ["income.snap: audience is 'all' in the code but 'staff' in the doc"]


def test_a_row_missing_from_the_doc_is_caught() -> None:
    text = DOC.read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if not line.startswith("| `income.family_size` "))
    assert without != text
    problems = differences(code_fields(SeekerRecord, QUESTIONS), doc_fields(without))
    assert problems == ["income.family_size: in the record model, missing from docs/record-layout.md"]


def test_every_question_asks_a_documented_field() -> None:
    doc = doc_fields(DOC.read_text(encoding="utf-8"))
    assert sorted(set(QUESTIONS) - set(doc)) == []


def test_the_doc_examples_are_valid_records() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        parse_record(block, date(2026, 6, 15))


def test_the_readme_points_at_the_doc_not_the_design_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/record-layout.md" in readme
    assert "../shared" not in readme
