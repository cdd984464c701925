"""The coded service catalog shipped with the product (spec: case-management.md, Services).

A state may add codes; these are the defaults written into a new store.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    name: str
    category: str
    extends_participation: bool
    holds_clock: bool = False


def _entries(category: str, extends: bool, items: list[tuple[str, str]], holds: bool = False) -> list[CatalogEntry]:
    return [CatalogEntry(code, name, category, extends, holds) for code, name in items]


SERVICE_CATALOG: tuple[CatalogEntry, ...] = tuple(
    _entries("self_service", False, [
        ("S01", "Self-service job search"),
        ("S02", "Self-service resume"),
        ("S03", "Labor market information (self)"),
    ])
    + _entries("basic_career", True, [
        ("B01", "Orientation"),
        ("B02", "Initial assessment"),
        ("B03", "Job search and placement assistance"),
        ("B04", "Referral to employment"),
        ("B05", "Job development contact"),
        ("B06", "Labor market information (staff)"),
        ("B07", "Resume preparation assistance"),
    ])
    + _entries("individualized_career", True, [
        ("I01", "Comprehensive assessment"),
        ("I02", "Development of IEP/ISS"),
        ("I03", "Career counseling"),
        ("I04", "Work experience"),
        ("I05", "Prevocational services"),
    ])
    + _entries("training", True, [
        ("T01", "Occupational skills training"),
        ("T02", "On-the-job training"),
        ("T03", "Registered apprenticeship"),
        ("T04", "Adult basic education with training"),
    ])
    + _entries("supportive", True, [
        ("U01", "Transportation"),
        ("U02", "Child care"),
        ("U03", "Work-related tools"),
    ])
    + _entries("follow_up", False, [("F01", "Follow-up contact")])
    + _entries("planned_gap", False, [("G01", "Planned gap in service")], holds=True)
)
