"""Resumes as text: splitting an uploaded resume into sections, the lines staff type, the export.

Pure functions (no files, no store): the services read the file and hand its text here, so the
rules for which heading starts which section can be tested with plain strings.

- ``split_sections`` finds headings ("Objective", "Experience"/"Work history", "Education",
  "Skills", "Certifications"/"Licenses", "References"; any case, markdown ``#`` or ``**bold**``,
  a trailing colon) and files the text under them. A heading it does not know ("Languages")
  stays inside the section before it, so no text is dropped. The text before the first heading is
  the contact block, which the record supplies; when the file has no heading at all, everything
  is kept as "Additional information".
- ``parse_section_lines`` reads what staff type in the section form, one entry a line
  (``employer | title | SOC | from | to | duties``), with a message per bad line.
- ``outline`` / ``render_text`` give the export its order and words; ``pdf_safe`` makes text
  printable with the PDF's built-in (latin-1) fonts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from jobcenter_tui.domain.occupations import soc_2018

RESUME_STATUSES = ("draft", "active", "inactive")
SOC_PATTERN = re.compile(r"^\d{2}-\d{4}$")
OBJECTIVE_MAX = 2000
ADDITIONAL_MAX = 20000
TITLE_MAX = 200

# Section key → the heading the export prints.
SECTION_HEADINGS: dict[str, str] = {
    "objective": "Objective",
    "work_history": "Work history",
    "education": "Education",
    "skills": "Skills",
    "certifications": "Certifications and licenses",
    "references": "References",
    "additional": "Additional information",
}

# The words of a heading line (lower case, "&" read as "and") → the section it starts.
_HEADING_WORDS: dict[str, str] = {}
for _key, _names in {
    "objective": ("objective", "career objective", "job objective", "professional objective", "objectives", "goal",
                  "career goal", "summary", "professional summary", "career summary", "profile", "professional profile"),
    "work_history": ("experience", "work experience", "professional experience", "relevant experience", "employment",
                     "employment history", "work history", "career history", "job history", "work"),
    "education": ("education", "education and training", "training", "training and education", "schooling"),
    "skills": ("skills", "key skills", "technical skills", "core skills", "skills and abilities", "abilities",
               "qualifications", "skill"),
    "certifications": ("certifications", "certification", "certificates", "licenses", "license", "licences",
                       "licence", "certifications and licenses", "licenses and certifications",
                       "certificates and licenses", "licenses and certificates", "credentials"),
    "references": ("references", "reference", "professional references"),
    "contact": ("contact", "contact information", "contact details", "personal information"),
}.items():
    for _name in _names:
        _HEADING_WORDS[_name] = _key

# Fields of each list section, in the order staff type them on a line (separated by |).
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "work_history": ("employer", "title", "soc", "start", "end", "duties"),
    "education": ("school", "credential", "year"),
    "certifications": ("name", "issuer", "year"),
    "references": ("name", "relationship", "contact"),
}
FIELD_WORDS: dict[str, str] = {"employer": "employer", "title": "job title", "soc": "SOC", "start": "from", "end": "to",
                               "duties": "duties", "school": "school", "credential": "credential", "year": "year",
                               "name": "name", "issuer": "issued by", "relationship": "relationship",
                               "contact": "phone or email"}
LINE_FORMATS: dict[str, str] = {k: " | ".join(FIELD_WORDS[f] for f in v) for k, v in SECTION_FIELDS.items()}
# The first field a line must have (an entry with no employer but a title is still a job).
_REQUIRED_ONE_OF: dict[str, tuple[str, ...]] = {"work_history": ("employer", "title"), "education": ("school",),
                                                "certifications": ("name",), "references": ("name",)}
_FIELD_MAX = {"duties": 2000, "contact": 200}
_BULLET = re.compile(r"^\s*(?:[-*•·◦▪‣–]|\d+[.)])\s+")


@dataclass(frozen=True)
class SplitResume:
    """What ``split_sections`` found: the text of each known section, and what had no heading."""

    sections: dict[str, str]
    preamble: str
    headings_found: int


@dataclass(frozen=True)
class ResumeContent:
    """Everything an export shows, in plain values."""

    name: str
    contact: dict[str, str]  # address, city_line, phone, email (present ones only)
    title: str = ""
    objective: str = ""
    work_history: tuple[dict[str, Any], ...] = ()
    education: tuple[dict[str, Any], ...] = ()
    skills: tuple[str, ...] = ()
    certifications: tuple[dict[str, Any], ...] = ()
    references: tuple[dict[str, Any], ...] = ()
    additional: str = ""


# --- splitting an uploaded resume ----------------------------------------------------------------


def heading_section(line: str) -> str | None:
    """The section a line starts, when the line is a heading ("## Work History", "SKILLS:", "**Education**")."""
    text = line.strip()
    if not text or len(text) > 60:
        return None
    text = text.lstrip("#").strip().strip("*_").strip().rstrip(":").strip().strip("*_").strip()
    words = re.sub(r"\s+", " ", text.lower().replace("&", " and ")).strip()
    return _HEADING_WORDS.get(words)


def split_sections(text: str) -> SplitResume:
    """File the text under the headings it has (see the module docstring)."""
    sections: dict[str, list[str]] = {}
    preamble: list[str] = []
    current: list[str] = preamble
    found = 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        key = heading_section(raw)
        if key is not None:
            found += 1
            current = sections.setdefault(key, [])
            if current:
                current.append("")  # the same heading twice: one section, a paragraph apart
            continue
        current.append(raw.rstrip())
    out = {k: _tidy("\n".join(v)) for k, v in sections.items() if k != "contact"}
    return SplitResume({k: v for k, v in out.items() if v}, _tidy("\n".join(preamble)), found)


def _tidy(text: str) -> str:
    """Trim the ends and squeeze runs of blank lines to one."""
    return re.sub(r"\n{3,}", "\n\n", text.strip("\n")).strip()


def _paragraphs(text: str) -> list[list[str]]:
    """Blocks separated by blank lines, as lists of non-empty lines without bullet marks."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(_BULLET.sub("", line).strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def sections_from_text(text: str) -> dict[str, Any]:
    """An uploaded resume's text as the resume's sections (best effort: the original is kept too)."""
    split = split_sections(text)
    s = split.sections
    out: dict[str, Any] = {"objective": "", "work_history": [], "education": [], "skills": [], "certifications": [],
                           "references": [], "additional": ""}
    if split.headings_found == 0:
        out["additional"] = split.preamble[:ADDITIONAL_MAX]
        return out
    objective = s.get("objective", "")
    if len(objective) > OBJECTIVE_MAX:
        out["additional"] = objective
    else:
        out["objective"] = objective
    for block in _paragraphs(s.get("work_history", "")):
        out["work_history"].append(_entry("work_history", block, first="title", rest="duties", joiner="\n"))
    for block in _paragraphs(s.get("education", "")):
        out["education"].append(_entry("education", block, first="school", rest="credential", joiner="; "))
    for block in _paragraphs(s.get("certifications", "")):
        for line in block:
            out["certifications"].append(_entry("certifications", [line], first="name", rest="issuer", joiner="; "))
    for block in _paragraphs(s.get("references", "")):
        out["references"].append(_entry("references", block, first="name", rest="contact", joiner="; "))
    skills: list[str] = []
    for block in _paragraphs(s.get("skills", "")):
        for line in block:
            skills.extend(p.strip() for p in re.split(r"[;,]|\s[•·]\s", line) if p.strip())
    out["skills"] = skills
    return out


def _entry(section: str, block: list[str], *, first: str, rest: str, joiner: str) -> dict[str, Any]:
    """One entry from a paragraph: a line with | is read as typed in the form; else first line + the rest."""
    if len(block) == 1 and "|" in block[0]:
        parsed, problems = parse_section_lines(section, block[0])
        if parsed and not problems:
            return parsed[0]
    entry: dict[str, Any] = dict.fromkeys(SECTION_FIELDS[section])
    entry[first] = block[0][:TITLE_MAX]
    if len(block) > 1:
        entry[rest] = joiner.join(block[1:])[:_FIELD_MAX.get(rest, 2000)]
    return entry


# --- what staff type: one entry a line -------------------------------------------------------------


def history_soc_problem(code: str) -> str | None:
    """Why a work-history SOC cannot be kept, in words; None for a SOC 2018 detailed occupation.

    Job matching reads these codes (a published resume makes its seeker a candidate), so a typo or
    a group code would silently match nothing: it is refused where it was typed.
    """
    if not SOC_PATTERN.match(code):
        return f"SOC '{code}' must be written NN-NNNN, e.g. 51-4121"
    found = soc_2018().get(code)
    if found is None:
        return f"SOC {code} is not an occupation in SOC 2018"
    if found.level != "detailed":
        return f"SOC {code} is a group ({found.title}), not one occupation: give one of its occupations"
    return None


def parse_section_lines(section: str, text: str) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Entries typed one a line (fields separated by |), and a message for each bad line."""
    fields = SECTION_FIELDS[section]
    entries: list[dict[str, Any]] = []
    errors: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        problems = []
        if len(parts) > len(fields):
            problems.append(f"too many | ({LINE_FORMATS[section]})")
        entry: dict[str, Any] = {f: (parts[i] or None) if i < len(parts) else None for i, f in enumerate(fields)}
        if not any(entry.get(f) for f in _REQUIRED_ONE_OF[section]):
            problems.append(f"give the {' or the '.join(FIELD_WORDS[f] for f in _REQUIRED_ONE_OF[section])}")
        for f, value in entry.items():
            if value and len(value) > _FIELD_MAX.get(f, TITLE_MAX):
                problems.append(f"the {FIELD_WORDS[f]} is longer than {_FIELD_MAX.get(f, TITLE_MAX)} characters")
        soc = entry.get("soc")
        if soc and (problem := history_soc_problem(soc)):
            problems.append(problem)
        if problems:
            errors[number] = "; ".join(problems)
        else:
            entries.append(entry)
    return entries, errors


def parse_skills(text: str) -> list[str]:
    """Skills typed one a line or separated by commas."""
    return [p.strip() for line in text.splitlines() for p in line.split(",") if p.strip()]


def format_section_lines(section: str, entries: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> str:
    """Entries as the lines the form shows (a value's own | or line breaks become / and ;)."""
    lines = []
    for entry in entries:
        values = [str(entry.get(f) or "").replace("|", "/").replace("\n", "; ") for f in SECTION_FIELDS[section]]
        while values and not values[-1]:
            values.pop()
        lines.append(" | ".join(values))
    return "\n".join(lines)


def line_errors_message(errors: dict[int, str]) -> str:
    return "; ".join(f"line {n}: {message}" for n, message in sorted(errors.items()))


def check_sections(sections: dict[str, Any]) -> dict[str, str]:
    """Problems with sections given directly (the command line, the demo): field path → message."""
    errors: dict[str, str] = {}
    objective = sections.get("objective") or ""
    if not isinstance(objective, str) or len(objective) > OBJECTIVE_MAX:
        errors["objective"] = f"at most {OBJECTIVE_MAX} characters"
    additional = sections.get("additional") or ""
    if not isinstance(additional, str) or len(additional) > ADDITIONAL_MAX:
        errors["additional"] = f"at most {ADDITIONAL_MAX} characters"
    skills = sections.get("skills") or []
    if not isinstance(skills, list) or not all(isinstance(s, str) and 0 < len(s) <= TITLE_MAX for s in skills):
        errors["skills"] = "a list of skills, each 1 to 200 characters"
    for section, fields in SECTION_FIELDS.items():
        entries = sections.get(section) or []
        if not isinstance(entries, list):
            errors[section] = "a list of entries"
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or set(entry) - set(fields):
                errors[f"{section}[{i}]"] = f"an entry has only {', '.join(FIELD_WORDS[f] for f in fields)}"
                continue
            if not any(entry.get(f) for f in _REQUIRED_ONE_OF[section]):
                errors[f"{section}[{i}]"] = f"give the {' or the '.join(FIELD_WORDS[f] for f in _REQUIRED_ONE_OF[section])}"
            for f in fields:
                value = entry.get(f)
                if value is not None and (not isinstance(value, str) or len(value) > _FIELD_MAX.get(f, TITLE_MAX)):
                    errors[f"{section}[{i}].{f}"] = f"text of at most {_FIELD_MAX.get(f, TITLE_MAX)} characters"
            soc = entry.get("soc")
            if isinstance(soc, str) and soc and (problem := history_soc_problem(soc)):
                errors[f"{section}[{i}].soc"] = problem
    return errors


# --- the export --------------------------------------------------------------------------------


def _joined(*parts: Any, sep: str = ", ") -> str:
    return sep.join(str(p) for p in parts if p)


def _dates(entry: dict[str, Any]) -> str:
    start, end = entry.get("start"), entry.get("end")
    if start and end:
        return f"{start} - {end}"
    if start:
        return f"{start} - present"
    return str(end or "")


def outline(content: ResumeContent) -> list[tuple[str, list[str]]]:
    """(heading, lines) of every section that has something, in the export's order."""
    out: list[tuple[str, list[str]]] = []
    if content.objective:
        out.append((SECTION_HEADINGS["objective"], content.objective.split("\n")))
    if content.work_history:
        lines: list[str] = []
        for job in content.work_history:
            head = _joined(job.get("title"), job.get("employer"))
            dates = _dates(job)
            lines.append(f"{head} ({dates})" if dates else head)
            if job.get("soc"):
                lines.append(f"  Occupation: SOC {job['soc']}")
            lines.extend(f"  {d.strip()}" for d in str(job.get("duties") or "").split("\n") if d.strip())
        out.append((SECTION_HEADINGS["work_history"], lines))
    if content.education:
        out.append((SECTION_HEADINGS["education"],
                    [_joined(e.get("credential"), e.get("school"), e.get("year")) for e in content.education]))
    if content.skills:
        out.append((SECTION_HEADINGS["skills"], [", ".join(content.skills)]))
    if content.certifications:
        out.append((SECTION_HEADINGS["certifications"],
                    [_joined(c.get("name"), c.get("issuer"), c.get("year")) for c in content.certifications]))
    if content.references:
        out.append((SECTION_HEADINGS["references"],
                    [_joined(r.get("name"), r.get("relationship"), r.get("contact"), sep=" - ") for r in content.references]))
    if content.additional:
        out.append((SECTION_HEADINGS["additional"], content.additional.split("\n")))
    return out


def contact_lines(content: ResumeContent) -> list[str]:
    c = content.contact
    return [line for line in (c.get("address"), c.get("city_line"), _joined(c.get("phone"), c.get("email"), sep="  ·  "))
            if line]


def render_text(content: ResumeContent) -> str:
    """The plain-text export: name, contact, then each section under its heading."""
    lines = [content.name.upper(), *contact_lines(content), ""]
    for heading, body in outline(content):
        lines += [heading.upper(), "-" * len(heading), *body, ""]
    return "\n".join(lines).rstrip() + "\n"


_PDF_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-",
    "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2022": "\xb7", "\u25aa": "\xb7", "\u25e6": "\xb7", "\u2023": "\xb7",
    "\u2026": "...", "\u20ac": "EUR", "\u2122": "(TM)", "\u00a0": " ", "\u2009": " ", "\u200b": "", "\ufeff": "",
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0131": "i", "\u00df": "ss",
}


def pdf_safe(text: str) -> str:
    """Text the PDF's built-in fonts can print (latin-1), changed as little as possible.

    Latin-1 letters (é, ñ, ü) stay; typographic quotes and dashes become their plain forms;
    other accented letters lose the accent (ő → o); anything else becomes "?". The text export
    keeps every character as typed.
    """
    out = []
    for ch in text:
        if ord(ch) < 256 and (ch in "\t\n" or unicodedata.category(ch) != "Cc"):
            out.append(ch)
        elif ch in _PDF_REPLACEMENTS:
            out.append(_PDF_REPLACEMENTS[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)
