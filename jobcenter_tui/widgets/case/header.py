"""The Case Details header: who this is, at a glance, with the SSN masked unless just revealed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from jobcenter_tui.services.eligibility import DeterminationView
    from jobcenter_tui.services.seekers import SeekerDetail


def case_flags(detail: SeekerDetail, determination: DeterminationView | None) -> list[str]:
    """Flags staff act on. An eligible spouse is a covered person for priority of service, not a veteran."""
    flags = []
    status = detail.record.get("veteran", {}).get("status")
    if status == "veteran":
        flags.append("veteran")
    elif status == "eligible_spouse":
        flags.append("covered person (spouse)")
    if determination is not None and determination.result.get("low_income"):
        flags.append("low income")
    if detail.age <= 24:
        flags.append("youth")
    return flags


class CaseHeader(Static):
    def show(self, detail: SeekerDetail, determination: DeterminationView | None, *, revealed_ssn: str | None = None,
             notices: list[str] | tuple[str, ...] = ()) -> None:
        """``notices`` are what the state's switches ask staff to see ("no published resume"), after the flags."""
        record = detail.record
        header = Text()
        header.append(detail.name, style="bold")
        ssn = Text(revealed_ssn, style="bold reverse") if revealed_ssn else Text(detail.ssn_masked)
        header.append(f"  · record {detail.id[:8]}  · SSN ")
        header.append_text(ssn)
        header.append(f"  · age {detail.age}\n")
        header.append(f"{'Staff-assisted' if detail.account_type == 'staff_assisted' else 'Self-service'}"
                      f"  · office {record.get('office', '—')}  · case manager {record.get('case_manager', '—')}")
        flags = case_flags(detail, determination)
        if flags:
            header.append("  · " + ", ".join(flags), style="bold")
        for notice in notices:
            header.append(f"  · {notice}", style="bold")
        self.update(header)
