"""Occupations (SOC 2018) and industries (NAICS 2022): look a code up, or find one by words.

Staff never type bare codes: a picker asks this module (through the services, which add the
titles and descriptions a state imported from O*NET) for "welder" and offers 51-4121 first.

Both classifications ship in the package as CSV (public-domain federal data). They are part of
the code, not of the store: the same for every office and never changed at run time, so reading
them is no more I/O than importing a module. They are parsed once, on first use.

Ranking, best first: the exact code; the members of a code group (``51-41``, ``51-4000``); the
title itself; titles that start with the words; all words as whole words of the title; all words
as the same word in another form ("welding" for "welders"); all words as beginnings of title
words ("weld reg"); then the same on a state's alternate titles; then on descriptions.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Literal

SOC_LEVELS = ("major", "minor", "broad", "detailed")
NAICS_LEVELS = {2: "sector", 3: "subsector", 4: "industry group", 5: "industry", 6: "national industry"}
SOC_CODE_RE = re.compile(r"\d{2}-\d{4}")
ONET_CODE_RE = re.compile(r"(\d{2}-\d{4})\.\d{2}")  # an O*NET-SOC code: a SOC code and a 2-digit suffix
_ONET_OR_SOC_RE = re.compile(r"(\d{2}-\d{4})(?:\.\d{2})?")

Match = Literal["code", "group", "title", "words", "alternate title", "description"]

# categories of a match, best first (the first element of the sort key)
_EXACT_CODE, _GROUP, _TITLE_IS, _TITLE_STARTS, _WHOLE, _STEM, _PARTIAL, _DESCRIPTION = range(8)
_STOP_WORDS = frozenset({"and", "or", "of", "the", "a", "an", "in", "for", "to", "with", "except", "all", "other"})
_WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Occupation:
    """One entry of a classification: an occupation (SOC) or an industry (NAICS)."""

    code: str
    title: str
    level: str  # SOC: major minor broad detailed; NAICS: sector … national industry
    parent: str | None

    @property
    def label(self) -> str:
        """How a person reads a chosen code: "51-4121 Welders, Cutters, Solderers, and Brazers"."""
        return f"{self.code} {self.title}"


@dataclass(frozen=True)
class ExtraText:
    """A title and description a state added for a code (an O*NET "Occupation Data" line)."""

    code: str  # the classification's code (the SOC part of an O*NET-SOC code)
    title: str
    description: str = ""
    source_code: str = ""  # the code as the state's file has it (51-4121.06)


@dataclass(frozen=True)
class Found:
    """One search result: the entry, how it matched, and the state's title that matched, if any."""

    occupation: Occupation
    match: Match
    also: str | None = None  # an alternate title (or the title whose description matched)

    @property
    def code(self) -> str:
        return self.occupation.code

    @property
    def title(self) -> str:
        return self.occupation.title


# --- words -------------------------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped ("Farmworkers' Supervisors" → farmworkers, supervisors)."""
    return _WORD_RE.findall(text.lower().replace("'", "").replace("\u2019", ""))


@cache
def singular(word: str) -> str:
    """The plural dropped, so "nurses" and "nurse" are the same whole word."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_SUFFIXES = ("ings", "ing", "ment", "ers", "er", "ors", "or", "ions", "ion", "ed")


@cache
def stem(word: str) -> str:
    """A light stem: "welders", "welding" and "weld" all become "weld"; "nurse" and "nursing" "nurs"."""
    word = singular(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


@dataclass(frozen=True)
class _Text:
    """Words of one title or description, prepared once for matching."""

    lower: str
    words: tuple[str, ...]
    singulars: frozenset[str]
    stems: frozenset[str]

    @staticmethod
    def of(text: str) -> _Text:
        found = tuple(words_of(text))
        return _Text(" ".join(found), found, frozenset(singular(w) for w in found), frozenset(stem(w) for w in found))

    def grade(self, word: str, word_singular: str, word_stem: str, partial: bool = True) -> int:
        """3: the same whole word; 2: the same word in another form; 1: a title word starts with it; 0: none."""
        if word_singular in self.singulars:
            return 3
        if word_stem in self.stems:
            return 2
        if partial and any(w.startswith(word) for w in self.words):
            return 1
        return 0


@dataclass(frozen=True)
class _Query:
    text: str  # lower-case words joined by one space
    words: tuple[tuple[str, str, str], ...]  # (word, singular, stem)

    @staticmethod
    def of(text: str) -> _Query:
        found = words_of(text)
        kept = [w for w in found if w not in _STOP_WORDS] or found
        return _Query(" ".join(found), tuple((w, singular(w), stem(w)) for w in kept))

    def grades(self, text: _Text, *, partial: bool = True) -> tuple[int, int] | None:
        """(worst grade, sum of grades) when every word matches somewhere in ``text``, else None."""
        worst, total = 3, 0
        for word, sing, st in self.words:
            g = text.grade(word, sing, st, partial)
            if g == 0:
                return None
            worst, total = min(worst, g), total + g
        return worst, total


_WORDS_CATEGORY = {3: _WHOLE, 2: _STEM, 1: _PARTIAL}


# --- a classification ---------------------------------------------------------------------------


CodeQuery = tuple[Literal["exact", "prefix"], str]


@dataclass(frozen=True)
class Classification:
    """A code list with its hierarchy, searchable by code or words. Immutable; build with ``parse_*``."""

    name: str
    entries: tuple[Occupation, ...]
    read_code: Callable[[str], CodeQuery | None]
    extra: tuple[ExtraText, ...] = ()
    _by_code: dict[str, Occupation] = field(init=False, repr=False, compare=False)
    _children: dict[str, list[str]] = field(init=False, repr=False, compare=False)
    _titles: tuple[_Text, ...] = field(init=False, repr=False, compare=False)
    _extra_titles: tuple[_Text, ...] = field(init=False, repr=False, compare=False)
    _extra_descriptions: tuple[_Text, ...] = field(init=False, repr=False, compare=False)
    _pass_through: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {e.code: e for e in self.entries}
        children: dict[str, list[str]] = {}
        for e in self.entries:
            if e.parent:
                children.setdefault(e.parent, []).append(e.code)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_children", children)
        # a level whose only member has its title (NAICS 5132 → 51321 → 513210 "Software Publishers",
        # SOC 29-1140 → 29-1141 "Registered Nurses"): its member stands for it in a word search
        object.__setattr__(self, "_pass_through", frozenset(
            code for code, kids in children.items() if len(kids) == 1 and by_code[kids[0]].title == by_code[code].title))
        object.__setattr__(self, "_titles", tuple(_Text.of(e.title) for e in self.entries))
        extra = tuple(x for x in self.extra if x.code in by_code)
        object.__setattr__(self, "extra", extra)
        object.__setattr__(self, "_extra_titles", tuple(_Text.of(x.title) for x in extra))
        object.__setattr__(self, "_extra_descriptions", tuple(_Text.of(x.description) for x in extra))

    def with_extra(self, extra: Iterable[ExtraText]) -> Classification:
        """The same classification, also searched by a state's titles and descriptions."""
        return Classification(self.name, self.entries, self.read_code, tuple(extra))

    # --- look-ups ---

    def get(self, code: str) -> Occupation | None:
        return self._by_code.get(code.strip())

    def children(self, code: str) -> list[Occupation]:
        return [self._by_code[c] for c in self._children.get(code, [])]

    def descendants(self, code: str) -> list[Occupation]:
        out: list[Occupation] = []
        stack = list(reversed(self._children.get(code, [])))
        while stack:
            c = stack.pop()
            out.append(self._by_code[c])
            stack.extend(reversed(self._children.get(c, [])))
        return out

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.level] = out.get(e.level, 0) + 1
        return out

    # --- search ---

    def search(self, text: str, *, limit: int = 20, levels: Sequence[str] | None = None) -> list[Found]:
        """Entries for a code, a code group or words, best first (see the module docstring)."""
        text = text.strip()
        if not text or limit <= 0:
            return []
        wanted = set(levels) if levels else None

        def keep(e: Occupation) -> bool:
            return wanted is None or e.level in wanted

        code = self.read_code(text)
        if code is not None:
            return [f for f in self._by_code_query(code) if keep(f.occupation)][:limit]
        query = _Query.of(text)
        if not query.words:
            return []
        ranked: dict[str, tuple[tuple[int, int, int, int, str], Found]] = {}

        def offer(key: tuple[int, int, int, int, str], found: Found) -> None:
            best = ranked.get(found.code)
            if best is None or key < best[0]:
                ranked[found.code] = (key, found)

        for e, title in zip(self.entries, self._titles, strict=True):
            if not keep(e) or (e.code in self._pass_through and keep(self._by_code[self._children[e.code][0]])):
                continue
            category = _TITLE_IS if title.lower == query.text else _TITLE_STARTS if title.lower.startswith(query.text) else None
            grades = query.grades(title)
            if category is None and grades is None:
                continue
            if category is None:
                assert grades is not None
                category = _WORDS_CATEGORY[grades[0]]
            total = grades[1] if grades else 0
            offer((category, 0, -total, len(e.title), e.code), Found(e, "title" if category <= _TITLE_STARTS else "words"))
        for x, title, description in zip(self.extra, self._extra_titles, self._extra_descriptions, strict=True):
            e = self._by_code[x.code]
            if not keep(e):
                continue
            grades = query.grades(title)
            if title.lower.startswith(query.text):
                offer((_TITLE_STARTS, 1, 0, len(x.title), e.code), Found(e, "alternate title", x.title))
            elif grades is not None:
                offer((_WORDS_CATEGORY[grades[0]], 1, -grades[1], len(x.title), e.code), Found(e, "alternate title", x.title))
            else:
                grades = query.grades(description, partial=False)  # whole words or their forms: a prefix in prose is noise
                if grades is not None:
                    offer((_DESCRIPTION, 0, -grades[1], 0, e.code), Found(e, "description", x.title))
        return [found for _, found in sorted(ranked.values(), key=lambda kv: kv[0])][:limit]

    def _by_code_query(self, query: CodeQuery) -> list[Found]:
        kind, code = query
        exact = self._by_code.get(code)
        out: list[Found] = []
        if exact is not None:
            out.append(Found(exact, "code"))
            out.extend(Found(d, "group") for d in self.descendants(code))
            if kind == "exact":
                return out
        seen = {f.code for f in out}
        out.extend(Found(e, "group") for e in self.entries if e.code.startswith(code) and e.code not in seen)
        return out


# --- SOC 2018 -----------------------------------------------------------------------------------


def read_soc_code(text: str) -> CodeQuery | None:
    """A typed code: ``51-4121``, ``514121``, an O*NET ``51-4121.06`` (exact); ``51``, ``51-4``, ``51-41`` (a group)."""
    text = text.strip()
    if m := ONET_CODE_RE.fullmatch(text):
        return ("exact", m.group(1))
    if SOC_CODE_RE.fullmatch(text):
        return ("exact", text)
    if re.fullmatch(r"\d{6}", text):
        return ("exact", f"{text[:2]}-{text[2:]}")
    if m := re.fullmatch(r"(\d{2})(?:-(\d{0,3}))?", text):
        return ("prefix", m.group(1) + ("-" + m.group(2) if m.group(2) else "-" if text.endswith("-") else ""))
    return None


def parse_soc(text: str) -> Classification:
    """The SOC CSV (``code,title,level,parent``) as a classification; ValueError on a malformed row."""
    entries = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code, title, level = ((row.get(k) or "").strip() for k in ("code", "title", "level"))
        if not SOC_CODE_RE.fullmatch(code) or not title or level not in SOC_LEVELS:
            raise ValueError(f"SOC line {n}: not 'code,title,level,parent'")
        entries.append(Occupation(code, title, level, (row.get("parent") or "").strip() or None))
    return Classification("SOC 2018", tuple(entries), read_soc_code)


@cache
def soc_2018() -> Classification:
    """The shipped SOC 2018 (23 major groups, 98 minor, 459 broad, 867 detailed occupations)."""
    return parse_soc(files("jobcenter_tui.data").joinpath("soc2018.csv").read_text(encoding="utf-8"))


def detailed_occupation(code: str) -> Occupation | None:
    """The SOC 2018 detailed occupation with this code (an O*NET suffix is dropped), else None."""
    code = code.strip()
    if m := ONET_CODE_RE.fullmatch(code):
        code = m.group(1)
    found = soc_2018().get(code)
    return found if found is not None and found.level == "detailed" else None


def soc_problem(code: str) -> str | None:
    """Why ``code`` cannot be a job's occupation, in words; None when it is a SOC 2018 detailed code."""
    code = code.strip()
    if not SOC_CODE_RE.fullmatch(code):
        return f"{code!r} is not a SOC code: pick an occupation from the list, or type its code (e.g. 51-4121)"
    found = soc_2018().get(code)
    if found is None:
        return f"{code} is not in SOC 2018: pick an occupation from the list"
    if found.level != "detailed":
        return f"{code} is a group ({found.title}), not an occupation: pick one of its occupations"
    return None


# --- NAICS 2022 ---------------------------------------------------------------------------------


def read_naics_code(text: str) -> CodeQuery | None:
    """A typed industry code: ``3361`` (exact, or the codes under it), a sector such as ``31-33``."""
    text = text.strip()
    if re.fullmatch(r"\d{2}-\d{2}", text):
        return ("exact", text)
    if re.fullmatch(r"\d{2,6}", text):
        return ("prefix", text)
    return None


def parse_naics(text: str) -> Classification:
    """The NAICS CSV (``code,title,digits``); a 3-digit code's parent is its sector (``331`` → ``31-33``)."""
    rows = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code, title, digits = ((row.get(k) or "").strip() for k in ("code", "title", "digits"))
        if not re.fullmatch(r"\d{2}(-\d{2})?|\d{3,6}", code) or not title or not digits.isdigit() or int(digits) not in NAICS_LEVELS:
            raise ValueError(f"NAICS line {n}: not 'code,title,digits'")
        rows.append((code, title, int(digits)))
    sector_of: dict[str, str] = {}
    for code, _, digits in rows:
        if digits == 2:
            first, _, last = code.partition("-")
            for two in range(int(first), int(last or first) + 1):
                sector_of[f"{two:02d}"] = code
    entries = tuple(
        Occupation(code, title, NAICS_LEVELS[digits], None if digits == 2 else sector_of.get(code[:2]) if digits == 3 else code[:-1])
        for code, title, digits in rows)
    return Classification("NAICS 2022", entries, read_naics_code)


@cache
def naics_2022() -> Classification:
    """The shipped NAICS 2022 (sectors to 6-digit national industries)."""
    return parse_naics(files("jobcenter_tui.data").joinpath("naics2022.csv").read_text(encoding="utf-8"))


# --- O*NET "Occupation Data" ---------------------------------------------------------------------


@dataclass(frozen=True)
class OnetLine:
    line: int
    onet_code: str
    soc_code: str
    title: str
    description: str


def parse_onet(text: str, soc: Classification | None = None) -> tuple[list[OnetLine], dict[int, str]]:
    """An O*NET "Occupation Data" file (tab-separated: O*NET-SOC Code, Title, Description).

    Returns the good lines and, by line number, why each other line was refused. A header line is
    recognised and skipped; blank lines are ignored; a code must extend a SOC 2018 detailed code.
    """
    soc = soc or soc_2018()
    good: list[OnetLine] = []
    bad: dict[int, str] = {}
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        parts = line.split("\t")
        if n == 1 and parts[0].strip().lower().startswith("o*net"):
            continue
        if len(parts) != 3:
            bad[n] = f"expected 3 tab-separated columns (O*NET-SOC Code, Title, Description), found {len(parts)}"
            continue
        code, title, description = (p.strip() for p in parts)
        m = _ONET_OR_SOC_RE.fullmatch(code)
        if not m:
            bad[n] = f"{code!r} is not an O*NET-SOC code (NN-NNNN.NN)"
            continue
        found = soc.get(m.group(1))
        if found is None or found.level != "detailed":
            bad[n] = f"{code}: {m.group(1)} is not a SOC 2018 detailed occupation"
            continue
        if not title:
            bad[n] = "the title is empty"
            continue
        if len(title) > 200 or len(description) > 4000:
            bad[n] = "the title (200) or the description (4000 characters) is too long"
            continue
        if code in seen:
            bad[n] = f"{code} is already on line {seen[code]}"
            continue
        seen[code] = n
        good.append(OnetLine(n, code, m.group(1), title, description))
    return good, bad


def extra_texts(lines: Iterable[tuple[str, str, str]]) -> list[ExtraText]:
    """(O*NET code, title, description) rows as the search's extra texts."""
    out = []
    for onet_code, title, description in lines:
        m = ONET_CODE_RE.fullmatch(onet_code)
        out.append(ExtraText(m.group(1) if m else onet_code, title, description, onet_code))
    return out


def soc_labels(codes: Iterable[str]) -> Mapping[str, str]:
    """Code → "code title" for the codes SOC 2018 knows (for showing stored codes)."""
    soc = soc_2018()
    return {c: found.label for c in codes if (found := soc.get(c)) is not None}
