"""The workforce programs a center runs, in the order the product always lists them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProgramCode(StrEnum):
    WIOA_ADULT = "WIOA_ADULT"
    WIOA_DW = "WIOA_DW"
    WIOA_YOUTH = "WIOA_YOUTH"
    WP = "WP"
    JVSG = "JVSG"
    TAA = "TAA"


@dataclass(frozen=True)
class Program:
    code: ProgramCode
    name: str  # as staff know it
    short: str


# The eligibility output lists programs in this order (spec: eligibility.md, Output).
PROGRAMS: tuple[Program, ...] = (
    Program(ProgramCode.WIOA_ADULT, "WIOA Adult", "Adult"),
    Program(ProgramCode.WIOA_DW, "WIOA Dislocated Worker", "DW"),
    Program(ProgramCode.WIOA_YOUTH, "WIOA Youth", "Youth"),
    Program(ProgramCode.WP, "Wagner-Peyser", "WP"),
    Program(ProgramCode.JVSG, "Jobs for Veterans State Grants", "JVSG"),
    Program(ProgramCode.TAA, "Trade Adjustment Assistance", "TAA"),
)

PROGRAM_CODES: tuple[str, ...] = tuple(p.code.value for p in PROGRAMS)


def program_name(code: str) -> str:
    for p in PROGRAMS:
        if p.code == code:
            return p.name
    raise KeyError(code)
